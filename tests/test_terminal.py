"""Long commands show their steps as they go on a terminal, and keep quiet elsewhere."""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
import time
from pathlib import Path

from support import DATA

from collabkg.terminal import TerminalProgress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def redrawn_lines(output: str) -> list[str]:
    """What a terminal shows, line by line: each carriage return and erase starts the line again."""
    return [part for part in output.replace("\033[K", "").replace("\r", "\n").split("\n") if part]


def test_a_step_that_counts_shows_a_bar_that_fills() -> None:
    terminal = FakeTerminal()
    with TerminalProgress(terminal) as progress:
        progress.step("Reading 4 case files", total=4)
        for _ in range(4):
            progress.advance()
    lines = redrawn_lines(terminal.getvalue())
    assert lines[0] == "[------------------------] Reading 4 case files (0/4)"
    assert "[########################] Reading 4 case files (4/4)" in lines
    assert lines[-1].startswith("  Reading 4 case files: ") and lines[-1].endswith(" s")


def test_a_step_that_cannot_count_shows_a_bar_against_its_last_duration() -> None:
    terminal = FakeTerminal()
    with TerminalProgress(terminal, expected={"Validating": 0.5}) as progress:
        progress.step("Validating")
        time.sleep(0.45)
        progress.step("Publishing")
        time.sleep(0.25)
    lines = redrawn_lines(terminal.getvalue())
    validating = [line for line in lines if line.startswith("[") and "Validating" in line]
    assert validating[0].startswith("[-") and "#" in validating[-1]  # the bar grew while the step ran
    assert validating[-1].endswith("of about 0 s)") or validating[-1].endswith("of about 1 s)")
    publishing = [line for line in lines if line.startswith("[") and "Publishing" in line]
    assert publishing and all("#" not in line for line in publishing)  # no estimate: a spinner, no bar
    assert any(line.startswith("  Validating: ") for line in lines)


def test_a_failed_step_says_it_stopped() -> None:
    terminal = FakeTerminal()
    try:
        with TerminalProgress(terminal) as progress:
            progress.step("Validating")
            raise ValueError("shapes failed")
    except ValueError:
        pass
    assert redrawn_lines(terminal.getvalue())[-1] == "  Validating: stopped"


def test_elsewhere_nothing_is_shown() -> None:
    log = io.StringIO()
    with TerminalProgress(log) as progress:
        progress.step("Reading 2 case files", total=2)
        progress.advance(2)
        progress.step("Validating against the SHACL shapes")
    assert log.getvalue() == ""  # a failing command's stderr stays its one-line reason


def run_on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run the console script with its stderr on a pseudo-terminal, as a person at a terminal sees it;
    return the exit status, standard output and what the terminal showed."""
    master, terminal = pty.openpty()
    command = [str(Path(sys.executable).with_name("collabkg")), *args]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the command closed its end of the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    stdout, _ = process.communicate(timeout=600)
    return process.returncode, stdout.decode(), shown.decode()


def test_build_shows_its_steps_on_a_terminal(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    status, stdout, shown = run_on_a_terminal(
        "build", "--store", str(tmp_path / "store"), "--cases", str(tmp_path / "mini" / "cases"),
        "--corpus", str(tmp_path / "mini" / "corpus"), "--no-reasoner")
    assert status == 0, shown
    lines = redrawn_lines(shown)
    assert "[########################] Reading 3 case files (3/3)" in lines
    finished = [line.strip().rsplit(":", 1)[0] for line in lines if line.startswith("  ") and line.endswith(" s")]
    assert finished == ["Reading 3 case files", "Checking 3 case files against the reports",
                        "Checking quotes against the reports", "Validating against the SHACL shapes",
                        "Publishing the store"]
    assert "Published" in stdout


def test_validate_shows_its_steps_on_a_terminal() -> None:
    status, stdout, shown = run_on_a_terminal("validate", str(DATA / "conforming.ttl"))
    assert status == 0, shown
    finished = [line.strip() for line in redrawn_lines(shown) if line.startswith("  ")]
    assert finished[0].startswith(f"Reading {DATA / 'conforming.ttl'}: ")
    assert finished[1].startswith(f"Validating {DATA / 'conforming.ttl'} against the SHACL shapes: ")
    assert "Conforms" in stdout
