"""The verifier's progress bar on stderr: one line redrawn in place, a phase at a time (build and
run TF1, build jaxscope, restore, run, train, compare: N of M checks), with the seconds so far.
On by default only where stderr is a terminal; a big model (resnet_v1_50) spends tens of seconds
in a phase, and a silent terminal looks hung."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``phase(label)`` moves the bar on by one phase; ``count(i, m)`` shows ``i of m`` inside the
    current one; ``close()`` ends the line. Disabled, every call does nothing."""

    def __init__(self, phases: int, enabled: bool | None = None, stream: TextIO | None = None):
        self.stream = sys.stderr if stream is None else stream
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled, self.phases, self.done = enabled, max(phases, 1), 0
        self.label, self.start, self.width = "", time.perf_counter(), 0
        self.seconds: dict[str, float] = {}  # each phase's time, drawn or not (the report's)
        self._since = self.start

    def phase(self, label: str) -> None:
        self._lap()
        if self.label:
            self.done += 1
        self.label = label
        self._draw(label)

    def count(self, i: int, m: int) -> None:
        self._draw(f"{self.label}: {i} of {m}", (i / m) if m else 0.0)

    def _lap(self) -> None:
        now = time.perf_counter()
        if self.label:
            self.seconds[self.label] = round(now - self._since, 3)
        self._since = now

    def close(self) -> None:
        self._lap()
        self.label = ""
        if self.enabled and self.width:
            self.done = self.phases
            self._draw("done")
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, text: str, within: float = 0.0) -> None:
        if not self.enabled:
            return
        filled = int(20 * min(1.0, (self.done + within) / self.phases))
        line = (f"verify [{'#' * filled}{'.' * (20 - filled)}] {min(self.done + 1, self.phases)}"
                f"/{self.phases} {text} ({time.perf_counter() - self.start:.1f} s)")  # fmt: skip
        pad = " " * max(0, self.width - len(line))  # what a longer line left on screen
        self.stream.write("\r" + line + pad)
        self.stream.flush()
        self.width = len(line)
