"""The errors that ``summary`` raises (one class per error; the message is built in its
constructor). Each also subclasses the builtin TF1 raised."""

from __future__ import annotations

from jaxscope._src.errors import JaxscopeError


class SummaryArgumentError(JaxscopeError, ValueError):
    """A summary op got a value TF1's op refuses (a non-scalar ``scalar``, a 3-D ``image``, ...),
    or a summary's values cannot be written (TF1: ``InvalidArgumentError`` at ``session.run``)."""

    def __init__(self, who: str, problem: str, fix: str):
        self.who = who
        super().__init__(f"{who}: {problem}.\n{fix}")
