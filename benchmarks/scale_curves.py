"""Scale curves: how publishing, validation, search and the query mix grow with the size of the graph.

The synthetic generator (benchmarks/synthetic.py) copies the real report graphs with renamed IRIs to about
10 thousand, 100 thousand, 1 million and 10 million triples. At each size this measures, in one process:

- *publish*: loading the N-Quads into a new store version, optimising it and writing the evidence search
  index beside it (graph/store.publish with the index writer the endpoint benchmark uses);
- *validate*: parsing the N-Quads into rdflib and validating the union graph against the contract shapes
  (shapes/validation), as `collabkg validate` does; skipped above ``--validate-up-to`` triples (pySHACL holds the graph
  in rdflib, about a kilobyte of memory per triple);
- *search*: the median time of a page of 20 ranked hits with snippets for eight words (graph/search);
- *query mix*: the time to evaluate and serialise the researchers' thirteen example queries and the three
  text filters once each, on the published store.

For each step it prints the time and the growth exponent from the previous size (1.0: linear; 2.0:
quadratic). Run: ``.venv/bin/python -m benchmarks.scale_curves --real REAL.nq [--readme README.md]``.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
from rdflib import Dataset, Graph

from benchmarks.endpoint_benchmark import TEXT_FILTERS, cpu_model, search_index_writer
from benchmarks.search_vs_scan import WORDS
from benchmarks.synthetic import synthesise
from collabkg.graph.queries import named_queries
from collabkg.graph.query_pool import published_version
from collabkg.graph.search import INDEX_FILE, SearchIndex
from collabkg.graph.sparql import execute, serialise
from collabkg.graph.store import database, publish
from collabkg.readme_sections import replace_section
from collabkg.settings import load_settings
from collabkg.shapes.validation import validate

SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
STEPS = ("publish", "validate", "search", "query mix")


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _union_of(nquads: Path) -> Graph:
    dataset = Dataset()
    dataset.parse(nquads, format="nquads")
    union = Graph()
    for triple in dataset.triples((None, None, None)):
        union.add(triple)
    return union


def _answer(store: pyoxigraph.Store, query: str) -> bytes:
    return serialise(execute(store, query, False), "json")


def measure(real: Path, size: int, work: Path, validate_up_to: int) -> tuple[int, dict[str, float | None]]:
    nquads = work / f"synthetic-{size}.nq"
    triples = synthesise(real, nquads, size)
    store = work / f"store-{size}" / "store"
    writer = search_index_writer(load_settings().corpus)
    seconds: dict[str, float | None] = {
        "publish": _timed(lambda: publish(nquads.read_bytes(), store, artifacts=writer)),
        "validate": _timed(lambda: validate(_union_of(nquads))) if triples <= validate_up_to else None,
    }
    version = Path(published_version(store))
    index = SearchIndex(version / INDEX_FILE, load_settings().base_iri)
    seconds["search"] = statistics.median([_timed(functools.partial(index.search, word, limit=20))
                                           for word in WORDS for _ in range(3)])
    handle = pyoxigraph.Store.read_only(str(database(version)))
    queries = [query.sparql for query in named_queries().values()] + TEXT_FILTERS
    seconds["query mix"] = sum(_timed(functools.partial(_answer, handle, query)) for query in queries)
    shutil.rmtree(store.parent, ignore_errors=True)
    nquads.unlink()
    return triples, seconds


def growth(previous: tuple[int, float | None] | None, current: tuple[int, float | None]) -> str:
    """The exponent k in time ~ size^k between two sizes, or "" when either time is missing.

    >>> growth((10_000, 1.0), (100_000, 10.0))
    '1.00'
    """
    if previous is None or previous[1] is None or current[1] is None or previous[1] <= 0:
        return ""
    return f"{math.log(current[1] / previous[1]) / math.log(current[0] / previous[0]):.2f}"


def table(rows: list[tuple[int, dict[str, float | None]]]) -> str:
    units = {"publish": "s", "validate": "s", "search": "ms", "query mix": "s"}
    lines = ["| triples | " + " | ".join(f"{step} {units[step]} | growth" for step in STEPS) + " |",
             "|---:|" + "---:|---:|" * len(STEPS)]
    for index, (triples, seconds) in enumerate(rows):
        cells = [f"{triples:,}"]
        for step in STEPS:
            value = seconds[step]
            before = (rows[index - 1][0], rows[index - 1][1][step]) if index else None
            scale = 1000 if units[step] == "ms" else 1
            cells += ["not run" if value is None else f"{value * scale:.2f}", growth(before, (triples, value))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    cpu = cpu_model()
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    return (f"{cpu}, {os.cpu_count()} cores, {int(memory) // 1024 // 1024} GB; {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}; pyoxigraph {pyoxigraph.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", type=Path, required=True, help="N-Quads export of the real graph")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--validate-up-to", type=int, default=1_100_000)
    parser.add_argument("--readme", type=Path, help="write the table between <!-- scale:start/end --> here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="collabkg-scale-"))
    rows = []
    try:
        for size in args.sizes:
            rows.append(measure(args.real, size, work, args.validate_up_to))
            print(f"{rows[-1][0]:,} triples: " + ", ".join(
                f"{step} {value:.3f} s" if value is not None else f"{step} not run"
                for step, value in rows[-1][1].items()), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = f"Measured {time.strftime('%Y-%m-%d')} on {machine()}.\n\n{table(rows)}"
    print(text)
    if args.readme:
        replace_section(args.readme, "scale", text)


if __name__ == "__main__":
    main()
