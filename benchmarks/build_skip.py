"""How long `collabkg build` takes when nothing changed, against a full build (issue 12: under a quarter).

Builds the real graph into a new store with the console script, as a user would, then builds again with
nothing changed, then once more after touching one case file (a copy of the case folder, so the real one is
left alone). Prints the three wall-clock times and the ratio of the second to the first.

Run: ``.venv/bin/python -m benchmarks.build_skip [--no-reasoner]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from collabkg.settings import load_settings


def timed_build(arguments: list[str]) -> tuple[float, str]:
    command = [str(Path(sys.executable).with_name("collabkg")), "build", *arguments]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, result.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-reasoner", action="store_true", help="skip the OWL reasoner in every build")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        cases = Path(work) / "cases"
        shutil.copytree(load_settings().cases, cases)
        arguments = ["--store", str(Path(work) / "store"), "--cases", str(cases)]
        arguments += ["--no-reasoner"] if args.no_reasoner else []
        full, _ = timed_build(arguments)
        unchanged, said = timed_build(arguments)
        touched = sorted(cases.glob("*.yaml"))[-1]
        touched.write_text(touched.read_text(encoding="utf-8") + "# touched\n", encoding="utf-8")
        after_change, _ = timed_build(arguments)
    print(f"full build: {full:.2f} s")
    print(f"nothing changed: {unchanged:.2f} s ({unchanged / full:.1%} of the full build): {said}")
    print(f"one case file changed: {after_change:.2f} s")


if __name__ == "__main__":
    main()
