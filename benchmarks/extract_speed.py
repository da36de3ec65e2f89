"""How long `collabkg extract` takes on a 200 KB report (issue 14: under 10 s on a 2-core machine).

Takes the first 200 KB of the longest curated report and writes it as plain text, Markdown, HTML and PDF
(fpdf2), then times the console script on each, as a user would run it (process start, model load, reading,
extraction and writing the TriG). Uses the model in --model, training one there first when it is missing.

Run: ``.venv/bin/python -m benchmarks.extract_speed [--model DIR]``.
"""

from __future__ import annotations

import argparse
import html
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from collabkg.settings import load_settings

SIZE = 200 * 1024
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def versions(folder: Path) -> dict[str, Path]:
    text = (load_settings().corpus / "003_cce5b0048c2aeada.txt").read_text(encoding="utf-8")
    text = text.encode("utf-8")[:SIZE].decode("utf-8", errors="ignore")
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text) if b.strip()]
    paths = {kind: folder / f"report.{kind}" for kind in ("txt", "md", "html", "pdf")}
    paths["txt"].write_text(text, encoding="utf-8")
    paths["md"].write_text("\n\n".join(re.sub(r"([\\`*_\[\]<>#])", r"\\\1", b) for b in blocks), encoding="utf-8")
    paths["html"].write_text("<html><body>" + "".join(f"<p>{html.escape(b)}</p>" for b in blocks) + "</body></html>",
                             encoding="utf-8")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    for block in blocks:
        pdf.multi_cell(0, 5, block)
        pdf.ln(5)
    pdf.output(str(paths["pdf"]))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model folder (default: a temporary one, trained first)")
    args = parser.parse_args()
    script = str(Path(sys.executable).with_name("collabkg"))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        model = args.model or folder / "model"
        env = {**os.environ, "COLLABKG_MODEL": str(model)}
        if not (model / "model.pickle").exists():
            subprocess.run([script, "train"], env=env, check=True, capture_output=True)
        print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print("| input | size | seconds | candidates |\n|---|---:|---:|---|")
        for kind, path in versions(folder).items():
            started = time.perf_counter()
            result = subprocess.run([script, "extract", str(path), "-o", str(folder / f"{kind}.trig")], env=env,
                                    check=True, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            print(f"| {kind} | {path.stat().st_size / 1024:.0f} KB | {seconds:.1f} | "
                  f"{result.stderr.strip().splitlines()[-1].split(' (model')[0]} |")


if __name__ == "__main__":
    main()
