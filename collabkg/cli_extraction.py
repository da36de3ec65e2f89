"""``collabkg train``, ``extract`` and ``evaluate``: thin commands over ``loaders/extraction``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from collabkg.settings import SETTINGS


def _model_option(parser: argparse.ArgumentParser) -> None:
    model = next(s for s in SETTINGS if s.name == "model")
    parser.add_argument("--model", metavar="DIR", help=f"{model.help} Default: ${model.env} or {model.default}")


def _cmd_train(args: argparse.Namespace) -> int:
    from collabkg.cli import _settings
    from collabkg.loaders.extraction.model import save, train
    from collabkg.loaders.extraction.training_data import read_training_data
    from collabkg.terminal import TerminalProgress

    settings = _settings(args)
    with TerminalProgress() as progress:
        progress.step(f"Reading the case files in {settings.cases} and the corpus")
        data = read_training_data(settings.cases, settings.corpus)
        model = train(data, on_step=progress.step)
        progress.step(f"Saving the model to {settings.model}")
        save(model, settings.model)
    summary = model.summary
    print(f"Trained extraction model {model.version} on {summary['claims']} claims in "
          f"{summary['claim_sentences']} of {summary['sentences']} sentences of {summary['reports']} reports, and "
          f"{summary['bodies']} bodies; saved to {settings.model}.")
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from collabkg import __version__
    from collabkg.cli import CommandError, _settings
    from collabkg.graph.dataset_io import write_atomically
    from collabkg.loaders.extraction.candidate_graph import candidate_dataset, report_id_for
    from collabkg.loaders.extraction.draft_case import draft_case
    from collabkg.loaders.extraction.extract import extract
    from collabkg.loaders.extraction.model import ModelError, load
    from collabkg.loaders.readers import ReaderError, read_report
    from collabkg.ontology.iris import IriMinter
    from collabkg.terminal import TerminalProgress

    settings = _settings(args)
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        raise CommandError(f"--threshold must be from 0 to 1, not {args.threshold}")
    try:
        report = read_report(Path(args.report))
        model = load(settings.model)
    except (ReaderError, ModelError) as error:
        raise CommandError(str(error)) from None
    with TerminalProgress() as progress:
        progress.step(f"Read {len(report.text):,} characters from {args.report}")
        extraction = extract(report, model, progress, threshold=args.threshold)
        progress.step("Writing the candidates")
        if args.format == "case":
            output = draft_case(extraction, model).encode("utf-8")
        else:
            dataset = candidate_dataset(extraction, IriMinter(settings.base_iri), f"collabkg {__version__}")
            output = dataset.serialize(format="trig").encode("utf-8")
    to_file = args.output and args.output != "-"
    if to_file:
        write_atomically(Path(args.output), lambda out: out.write(output))
        if args.format == "case":
            text_path = Path(args.output).with_suffix(".txt")
            write_atomically(text_path, lambda out: out.write(report.text.encode("utf-8")))
            print(f"The report's text, which the quotes are taken from, is in {text_path} (report id "
                  f"{report_id_for(report.source, report.text)}).", file=sys.stderr)
    else:
        sys.stdout.buffer.write(output)
    structure = extraction.structure
    print(f"{len(extraction.bodies)} bodies, {len(structure.collaborations)} collaborations, "
          f"{len(structure.memberships)} memberships, {len(structure.units)} units, {len(extraction.funding)} amounts "
          f"of funding, {len(extraction.claims)} claims (model {model.version})"
          + (f"; written to {args.output}" if to_file else ""), file=sys.stderr)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from collabkg.cli import _settings, write_readme_table
    from collabkg.graph.dataset_io import write_atomically
    from collabkg.loaders.extraction.evaluate import evaluate
    from collabkg.loaders.extraction.training_data import read_training_data
    from collabkg.terminal import TerminalProgress

    settings = _settings(args)
    with TerminalProgress() as progress:
        progress.step(f"Reading the case files in {settings.cases} and the corpus")
        data = read_training_data(settings.cases, settings.corpus)
        evaluation = evaluate(data, on_step=progress.step)
    table = evaluation.table()
    print(table)
    if args.curve:
        curve = evaluation.curve_csv().encode("utf-8")
        write_atomically(Path(args.curve), lambda out: out.write(curve))
    if args.readme:
        write_readme_table(Path(args.readme), "extraction", table)
    return 0


def add_extraction_commands(commands: Any, input_options: Any) -> None:
    """Add ``train``, ``extract`` and ``evaluate`` to the ``collabkg`` subcommands."""
    train = commands.add_parser(
        "train", help="train the extraction model from the case files",
        description="Train the extraction model (claim classifiers and the gazetteer of known bodies) from the "
                    "case files in $COLLABKG_CASES (default: the project's own) and the corpus, and write it to "
                    "$COLLABKG_MODEL. Run it again after curating more.")
    _model_option(train)
    input_options(train)
    train.set_defaults(handler=_cmd_train)

    extract = commands.add_parser(
        "extract", help="find candidate collaborations, bodies, funding and claims in a new report",
        description="Read a report (text, Markdown, HTML or PDF with a text layer) and write the candidates the "
                    "model finds: TriG in a named graph of the run's own (every candidate with its evidence "
                    "selectors, ckg:confidence and prov:wasGeneratedBy the extraction run), or a draft case file "
                    "(--format case) with the report's text beside it.")
    extract.add_argument("report", metavar="REPORT")
    extract.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")
    extract.add_argument("--format", choices=["trig", "case"], default="trig", help="trig (default) or case")
    extract.add_argument("--threshold", type=float, metavar="P",
                         help="claim probability from which a sentence is a candidate (default: the model's, "
                              "chosen for recall by `collabkg evaluate`)")
    _model_option(extract)
    extract.add_argument("--base-iri", metavar="IRI", help="base of instance IRIs")
    extract.set_defaults(handler=_cmd_extract)

    evaluate = commands.add_parser(
        "evaluate", help="leave-one-report-out evaluation of extraction against the curated case files",
        description="For each curated report, train on the others and extract from it; print precision, "
                    "recall and F1 of claims (by overlapping passage and polarity, against a keyword baseline), "
                    "bodies and amounts, and the claim detector's precision-recall curve.")
    evaluate.add_argument("--readme", metavar="FILE", help="write the table between the extraction markers in FILE")
    evaluate.add_argument("--curve", metavar="FILE", help="write the precision-recall curve as CSV")
    input_options(evaluate)
    evaluate.set_defaults(handler=_cmd_evaluate)
