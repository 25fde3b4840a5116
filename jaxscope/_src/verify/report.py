"""The comparison of two :class:`SideResult` and its report: one :class:`Check` per aspect
(variables, initial values, outputs, end points, gradients, moving averages, regularization),
each with its first difference named, and a one-line verdict."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import numpy as np


@dataclasses.dataclass
class Check:
    """One aspect compared: ``passed``; ``first`` names its first difference (TF1's creation
    order), ``detail`` says what differs; ``max_abs`` / ``max_rel`` are the largest errors.

    Args:
      name: the aspect (``"variables"``, ``"outputs"``, ``"gradients"``, ...).
      passed: whether both sides agree.
      compared: how many items were compared.
      first: the first differing item, in TF1's creation order.
      detail: what differs about ``first``.
      max_abs: the largest absolute error.
      max_rel: the largest relative error.
      rows: one dict per compared item (for ``to_json``).
      note: a remark printed after the line.
      skipped: items counted but not compared (random draws of the forward pass).

    Example:
      >>> from jaxscope.verify import Check
      >>> Check("outputs", True, compared=3).line()
      'ok   outputs              3  '

    TF1 equivalent: none
    """

    name: str
    passed: bool
    compared: int = 0
    first: str | None = None
    detail: str = ""
    max_abs: float = 0.0
    max_rel: float = 0.0
    rows: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    note: str = ""  # why a difference is not a porting error (see run._flipped)
    skipped: int = 0  # values not compared: they depend on random draws (dropout)

    def line(self) -> str:
        status = "ok  " if self.passed else "FAIL"
        errors = f"max abs {self.max_abs:.2e}, rel {self.max_rel:.2e}" if self.rows else ""
        text = f"{status} {self.name:<16} {self.compared:>5}  {errors}"
        if self.skipped:
            text = f"{text.rstrip()}  ({self.skipped} random, not compared)"
        if self.note:
            text += f"\n       note: {self.note}"
        return text + (f"\n       first: {self.first}: {self.detail}" if not self.passed else "")


@dataclasses.dataclass
class Report:
    """The verifier's result: ``passed``, ``verdict`` (one line), ``checks``; ``to_json()``.

    Args:
      build: the TF1 model function verified (``"file.py:function"``).
      port: the hand port compared, or None (``build`` loaded by ``load_tf1_module``).
      checks: the :class:`Check` of each aspect, in order.
      restore: how TF1's checkpoint was restored into the port (a one-line summary).
      seconds: the time the run took.
      phases: seconds per phase (build, run, compare, ...).

    Example:
      >>> from jaxscope.verify import Check, Report
      >>> report = Report("model.py:build", None, [Check("outputs", True, compared=3)])
      >>> report.passed, report.verdict
      (True, 'PASS: 3 outputs (max rel err 0.0e+00)')

    TF1 equivalent: none
    """

    build: str
    port: str | None
    checks: list[Check]
    restore: str = ""
    seconds: float = 0.0
    phases: dict[str, float] = dataclasses.field(default_factory=dict)  # seconds per phase

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if not c.passed), None)

    @property
    def verdict(self) -> str:
        failed = self.first_failure
        if failed is None:
            counts = ", ".join(f"{c.compared} {c.name}" for c in self.checks if c.compared)
            explained = [c for c in self.checks if c.note and not c.skipped]  # max err left out
            worst = max((c.max_rel for c in self.checks if c.rows and c not in explained),
                        default=0.0)  # fmt: skip
            notes = [c.name for c in self.checks if c.note and not c.skipped]
            said = f"; {', '.join(notes)}: see the note" if notes else ""
            skipped = sum(c.skipped for c in self.checks)
            said += f"; {skipped} random, not compared: see the notes" if skipped else ""
            return f"PASS: {counts} (max rel err {worst:.1e}{said})"
        return f"FAIL: {failed.name}: {failed.first}: {failed.detail}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"build": self.build, "port": self.port, "passed": self.passed}
        out.update(verdict=self.verdict, seconds=round(self.seconds, 2), restore=self.restore)
        out["phases"] = dict(self.phases)
        out["checks"] = [_plain(dataclasses.asdict(c)) for c in self.checks]
        return out

    def dump(self, path) -> None:
        with open(path, "w") as f:
            json.dump(self.to_json(), f, indent=1)

    def __str__(self) -> str:
        head = f"jaxscope.verify {self.build}" + (f" vs port {self.port}" if self.port else "")
        lines = [head, *(c.line() for c in self.checks), self.verdict]
        return "\n".join(lines)


def _plain(obj):
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def _fmt(var: dict[str, Any]) -> str:
    return f"{var['shape']} {var['dtype']}" + ("" if var["trainable"] else " non-trainable")


def compare_variables(tf_vars, js_vars) -> Check:
    """Names, shapes, dtypes, trainable flags, collections and creation order."""
    js_by = {v["name"]: v for v in js_vars}
    tf_by = {v["name"]: v for v in tf_vars}
    check = Check("variables", True, len(tf_vars))
    for i, var in enumerate(tf_vars):
        other = js_by.get(var["name"])
        if other is None:
            return _fail(check, var["name"], f"missing in the port (TF1: {_fmt(var)}); the port "
                         f"has {_near(var['name'], js_by)}")  # fmt: skip
        for key in ("shape", "dtype", "trainable", "collections"):
            if tuple(np.atleast_1d(var[key])) != tuple(np.atleast_1d(other[key])):
                where = f" (created at {other['created_at']})" if other["created_at"] else ""
                return _fail(check, var["name"],
                             f"{key} {other[key]!r} in the port{where}, {var[key]!r} in TF1")  # fmt: skip
        j = [v["name"] for v in js_vars].index(var["name"])
        if j != i:
            return _fail(check, var["name"], f"created {_nth(j)} in the port, {_nth(i)} in TF1")
    extra = [v for v in js_vars if v["name"] not in tf_by]
    if extra:
        where = f" (created at {extra[0]['created_at']})" if extra[0]["created_at"] else ""
        return _fail(check, extra[0]["name"], f"only in the port{where}")
    return check


def _near(name: str, names) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.5)
    return f"{close[0]!r}" if close else "no variable of a similar name"


def _nth(i: int) -> str:
    return f"#{i + 1}"


def _fail(check: Check, first: str, detail: str) -> Check:
    check.passed, check.first, check.detail = False, first, detail
    return check


def compare_values(name: str, pairs, rtol: float, atol: float, floor: float = 0.0) -> Check:
    """``pairs``: ``[(label, tf1 value, port value or None)]`` in TF1's order. An element passes
    when ``max|port - tf1| <= atol + rtol * max(max|tf1|, floor * S)`` (error relative to the
    tensor's scale; ``S`` the largest scale of the check: gradients that are zero in exact
    arithmetic -- a bias before batch norm -- keep rounding noise of the terms that cancel)."""
    check = Check(name, True, len(pairs))
    largest = max((float(np.max(np.abs(e))) for _, e, _ in pairs if np.size(e)), default=0.0)
    for label, expected, actual in pairs:
        expected = np.asarray(expected)
        if actual is None:
            _fail(check, label, "missing in the port") if check.passed else None
            continue
        actual = np.asarray(actual)
        if actual.shape != expected.shape:
            if check.passed:
                _fail(check, label, f"shape {actual.shape} in the port, {expected.shape} in TF1")
            continue
        diff = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
        scale = float(np.max(np.abs(expected))) if expected.size else 0.0
        err = float(np.max(diff)) if diff.size else 0.0
        rel = err / scale if scale else (0.0 if err == 0 else math.inf)
        ok = bool(err <= atol + rtol * max(scale, floor * largest)) and math.isfinite(err)
        check.rows.append({"name": label, "max_abs": err, "rel": rel, "ok": ok})
        check.max_abs = max(check.max_abs, err)
        if scale > 100 * atol:  # a tensor of ~0 (a gradient batch norm cancels) has no scale
            check.max_rel = max(check.max_rel, rel)
        if not ok and check.passed:
            _fail(check, label, f"max abs err {err:.3e}, rel {rel:.3e} (> rtol {rtol:g})")
    return check
