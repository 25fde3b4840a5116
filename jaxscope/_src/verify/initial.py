"""Initializers compared by their draws: the two sides draw different random numbers, so a
swapped initializer shows in the values' statistics (constant or not, mean, spread, range)
rather than element by element."""

from __future__ import annotations

import numpy as np

from jaxscope._src.verify.report import Check, _fail


def _stats(x: np.ndarray) -> tuple[float, float, float]:
    x = np.asarray(x, np.float64).ravel()
    return float(x.mean()), float(x.std()), float(np.max(np.abs(x)))


def _differs(tf1: np.ndarray, port: np.ndarray) -> str | None:
    """Why ``port`` cannot come from ``tf1``'s initializer, or None."""
    if tf1.shape != port.shape or tf1.size == 0:
        return None  # the variables check reports shapes
    if np.asarray(tf1).dtype.kind not in "fc":
        return None if np.array_equal(tf1, port) else "different integer/bool values"
    constant = np.all(tf1 == tf1.flat[0])
    if constant or np.all(port == port.flat[0]):
        if np.array_equal(tf1, port):
            return None
        return (f"TF1 initializes it to {_show(tf1)}, the port to {_show(port)}")  # fmt: skip
    (m1, s1, a1), (m2, s2, a2) = _stats(tf1), _stats(port)
    n = tf1.size
    # A same-distribution pair of n draws: the spreads agree to ~1/sqrt(n), the means to
    # ~s/sqrt(n); the slack below keeps a 10-element bias from flagging by chance.
    spread_ok = abs(s2 / s1 - 1.0) <= 0.25 + 4.0 / np.sqrt(n)
    mean_ok = abs(m2 - m1) <= 0.1 * s1 + 5.0 * s1 / np.sqrt(n)
    if spread_ok and mean_ok:
        return None
    return (f"drawn from another distribution: TF1 mean {m1:.3g} std {s1:.3g} max|x| {a1:.3g}, "
            f"port mean {m2:.3g} std {s2:.3g} max|x| {a2:.3g}")  # fmt: skip


def _show(x: np.ndarray) -> str:
    if np.all(x == x.flat[0]):
        return f"{x.flat[0]:g} everywhere"
    m, s, _ = _stats(x)
    return f"random values (mean {m:.3g}, std {s:.3g})"


def compare_initial(order: list[str], tf1: dict, port: dict) -> Check:
    """The port's own initial values against TF1's, variable by variable in TF1's order."""
    names = [n for n in order if n in tf1 and n in port]
    check = Check("initial values", True, len(names))
    for name in names:
        why = _differs(np.asarray(tf1[name]), np.asarray(port[name]))
        if why is not None:
            return _fail(check, name, why)
    return check
