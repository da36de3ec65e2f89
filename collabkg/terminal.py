"""Showing the steps of a long command on stderr, as they happen (a :class:`collabkg.graph.progress.Progress`).

On a terminal each step is one line, redrawn in place: a bar for a step that counts its units (files), a bar
against the duration the same step took last time when that is known (the reasoner, SHACL), else a
spinner; the line ends with the step's time once it is over. Elsewhere (a log, a pipe) nothing is shown, so
that what a failing command writes to stderr stays its one-line reason.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TextIO

BAR_WIDTH = 24
SPINNER = "|/-\\"
REDRAW_SECONDS = 0.2


class TerminalProgress:
    def __init__(self, stream: TextIO | None = None, expected: Mapping[str, float] | None = None) -> None:
        """``expected``: seconds each step (by title) took last time, for a bar on steps that cannot count."""
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.expected = dict(expected or {})
        self._lock = threading.Lock()
        self._title: str | None = None
        self._total: int | None = None
        self._done = 0
        self._started = 0.0
        self._drawn = 0.0
        self._frame = 0
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.finish(failed=kind is not None)

    def step(self, title: str, total: int | None = None) -> None:
        with self._lock:
            self._end_step()
            self._title, self._total, self._done = title, total, 0
            self._started = time.monotonic()
            if self.live:
                self._draw()
        if self.live and self._ticker is None:
            self._stop.clear()
            self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
            self._ticker.start()

    def advance(self, units: int = 1) -> None:
        with self._lock:
            self._done += units
            if self.live and (time.monotonic() - self._drawn > 0.05 or self._done == self._total):
                self._draw()

    def finish(self, failed: bool = False) -> None:
        with self._lock:
            self._end_step(failed)
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=1)
            self._ticker = None

    # drawing -------------------------------------------------------------------------------------------------

    def _tick(self) -> None:
        while not self._stop.wait(REDRAW_SECONDS):
            with self._lock:
                if self._title is not None:
                    self._frame += 1
                    self._draw()

    def _end_step(self, failed: bool = False) -> None:
        if self._title is None:
            return
        if self.live:
            seconds = time.monotonic() - self._started
            outcome = "stopped" if failed else f"{seconds:.1f} s"
            self._write(f"  {self._title}: {outcome}\n")
        self._title = None

    def _draw(self) -> None:
        assert self._title is not None
        elapsed = time.monotonic() - self._started
        expected = self.expected.get(self._title)
        if self._total:
            fraction: float | None = min(self._done / self._total, 1.0)
            detail = f"{self._done}/{self._total}"
        elif expected:
            fraction = min(elapsed / expected, 0.99)
            detail = f"{elapsed:.0f} s of about {expected:.0f} s"
        else:
            fraction, detail = None, f"{elapsed:.0f} s"
        if fraction is None:
            bar = f"[{SPINNER[self._frame % len(SPINNER)]:^{BAR_WIDTH}}]"
        else:
            filled = int(round(fraction * BAR_WIDTH))
            bar = "[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "]"
        line = f"{bar} {self._title} ({detail})"
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self._write(line[:width])
        self._drawn = time.monotonic()

    def _write(self, text: str) -> None:
        self.stream.write("\r\033[K" + text)
        self.stream.flush()
