"""A synthetic dataset of about a million triples shaped like ours: the real dataset's report graphs copied
with every instance IRI renamed per copy (bodies and vocabularies stay shared, as in the real graph), so the
shape, selectivity and joins of the real data are kept while its size grows."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

INSTANCE = re.compile(r"<(https://w3id\.org/collabkg/id/(?:report|collaboration|claim|graph)/[^>]*)>")


def synthesise(real_nquads: Path, output: Path, target_triples: int) -> int:
    lines = real_nquads.read_text(encoding="utf-8").splitlines()
    shared = [line for line in lines if "/id/graph/catalogue>" in line or "collabkg/ontology>" in line
              or "collabkg/vocabularies>" in line]
    varying = [line for line in lines if line not in set(shared)]
    copies = max(1, (target_triples - len(shared)) // max(1, len(varying)))
    written = 0
    with output.open("w", encoding="utf-8") as out:
        for line in shared:
            out.write(line + "\n")
            written += 1
        for copy in range(copies):
            suffix = f"-copy{copy}" if copy else ""
            rename = f"<\\1{suffix}>"
            for line in varying:
                out.write(INSTANCE.sub(rename, line) + "\n")
                written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("real", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--triples", type=int, default=1_000_000)
    args = parser.parse_args()
    print(synthesise(args.real, args.output, args.triples))


if __name__ == "__main__":
    main()
