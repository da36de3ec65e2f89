"""A synthetic dataset of a given size shaped like ours: the real dataset's report graphs copied with every
instance IRI renamed per copy (bodies and vocabularies stay shared, as in the real graph), so the shape,
selectivity and joins of the real data are kept while its size grows; below the real size, a subset of its
report graphs."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

INSTANCE = re.compile(r"<(https://w3id\.org/collabkg/id/(?:report|collaboration|claim|graph)/[^>]*)>")


def synthesise(real_nquads: Path, output: Path, target_triples: int) -> int:
    """Write about ``target_triples`` quads to ``output``: the shared graphs once, then whole report graphs,
    smallest first, copy after copy, each added while it brings the total closer to the target (so a size
    below the real graph's is a subset of its reports, and every report graph is complete). Returns the
    number of quads written."""
    lines = real_nquads.read_text(encoding="utf-8").splitlines()
    shared = [line for line in lines if "/id/graph/catalogue>" in line or "collabkg/ontology>" in line
              or "collabkg/vocabularies>" in line]
    shared_set = set(shared)
    graphs: dict[str, list[str]] = {}
    for line in lines:
        if line not in shared_set:
            graphs.setdefault(line.rstrip(" .").rsplit(" ", 1)[-1], []).append(line)
    groups = sorted(graphs.values(), key=len)
    written = 0
    with output.open("w", encoding="utf-8") as out:
        for line in shared:
            out.write(line + "\n")
            written += 1
        copy = 0
        while groups:
            for group in groups:
                if written + len(group) / 2 > target_triples:
                    return written
                rename = f"<\\1-copy{copy}>" if copy else "<\\1>"
                for line in group:
                    out.write(INSTANCE.sub(rename, line) + "\n")
                written += len(group)
            copy += 1
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
