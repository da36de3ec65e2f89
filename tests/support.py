"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

# limits of the live test server (tests/api/conftest.py)
QUERY_TIMEOUT = 2
MAX_REQUEST_BYTES = 64 * 1024
MAX_RESULT_BYTES = 2_000_000


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``collabkg`` console script as a user would."""
    command = [str(Path(sys.executable).with_name("collabkg")), *args]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})},
                          cwd=cwd, timeout=600, check=False)


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
