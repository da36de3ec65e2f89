"""Reporting the steps of a long command (build, validate) as they happen.

``graph/`` says what it is doing through a :class:`Progress`; how that is shown (a bar on a terminal, one line
per step in a log) is the caller's business (collabkg/terminal.py). The default reports nothing.
"""

from __future__ import annotations

import time
from typing import Protocol


class Progress(Protocol):
    def step(self, title: str, total: int | None = None) -> None:
        """Begin a step, ending the one before; ``total`` is the number of units it counts, if it can."""

    def advance(self, units: int = 1) -> None:
        """``units`` more of the current step's ``total`` are done."""

    def finish(self) -> None:
        """The last step is over."""


class Silent:
    """Reports nothing: the default for library calls and tests."""

    def step(self, title: str, total: int | None = None) -> None:
        pass

    def advance(self, units: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


class Timed:
    """Passes every report on to ``progress`` and measures how long each step took.

    >>> steps = Timed(Silent())
    >>> steps.step("Reading"); steps.step("Checking"); steps.finish()
    >>> list(steps.seconds)
    ['Reading', 'Checking']
    """

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self._current: str | None = None
        self._started = 0.0

    def _end_step(self) -> None:
        if self._current is not None:
            self.seconds[self._current] = round(time.monotonic() - self._started, 3)
            self._current = None

    def step(self, title: str, total: int | None = None) -> None:
        self._end_step()
        self._current, self._started = title, time.monotonic()
        self.progress.step(title, total)

    def advance(self, units: int = 1) -> None:
        self.progress.advance(units)

    def finish(self) -> None:
        self._end_step()
        self.progress.finish()
