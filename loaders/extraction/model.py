"""The extraction model: the claim classifiers and the gazetteer of known bodies, trained from the case
files, saved in a folder with its version, and loaded by ``collabkg extract``.

The version names the model format, the scikit-learn release and a digest of the training data, so the
same case files and corpus give the same version and a candidate graph says which model made it. The
classifiers are stored with pickle, which runs code when loaded: load only a model folder you trained.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from collabkg.loaders.extraction.claims import RECALL_THRESHOLD, ClaimClassifiers, sentence_examples
from collabkg.loaders.extraction.training_data import KnownBody, TrainingData

FORMAT = 2  # 2: the claim classifiers read sentences in context (claim_features.SentenceInContext)
MODEL_FILE = "model.pickle"
METADATA_FILE = "model.json"


class ModelError(Exception):
    """No usable model: the message says what to run."""


@dataclass
class ExtractionModel:
    version: str
    trained_at: str
    classifiers: ClaimClassifiers
    bodies: list[KnownBody]
    streams: dict[str, str]
    collaborations: set[str] = field(default_factory=set)
    threshold: float = RECALL_THRESHOLD
    summary: dict[str, int] = field(default_factory=dict)

    def metadata(self) -> dict[str, object]:
        return {"format": FORMAT, "version": self.version, "trained_at": self.trained_at,
                "threshold": self.threshold, "training": self.summary}


def _digest(data: TrainingData) -> str:
    digest = hashlib.sha256()
    for report_id, gold in sorted(data.reports.items()):
        digest.update(report_id.encode())
        digest.update(hashlib.sha256(gold.text.encode()).digest())
        digest.update(repr(sorted(gold.claims, key=repr)).encode())
    digest.update(repr(sorted(data.bodies.items())).encode())
    return digest.hexdigest()[:12]


def train(data: TrainingData, on_step: Callable[[str], None] | None = None) -> ExtractionModel:
    """Fit the classifiers on every sentence of the training reports."""
    import sklearn

    examples = []
    for gold in data.reports.values():
        if on_step:
            on_step(f"Labelling the sentences of report {gold.report_id}")
        examples.extend(sentence_examples(gold))
    if not any(e.is_claim for e in examples) or all(e.is_claim for e in examples):
        raise ModelError("the case files hold no claims to learn from (or nothing but claims)")
    if on_step:
        on_step(f"Fitting the claim classifiers on {len(examples)} sentences")
    classifiers = ClaimClassifiers().fit(examples)
    summary = {"reports": len(data.reports), "sentences": len(examples),
               "claim_sentences": sum(e.is_claim for e in examples),
               "claims": sum(len(g.claims) for g in data.reports.values()), "bodies": len(data.bodies)}
    return ExtractionModel(f"{FORMAT}-{sklearn.__version__}-{_digest(data)}", datetime.now(UTC).isoformat(
        timespec="seconds"), classifiers, sorted(data.bodies.values(), key=lambda b: b.id), dict(data.streams),
        set(data.collaborations), RECALL_THRESHOLD, summary)


def save(model: ExtractionModel, folder: Path) -> Path:
    """Write the model into ``folder`` (created if missing), each file replaced atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, payload in ((MODEL_FILE, pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)),
                          (METADATA_FILE, json.dumps(model.metadata(), indent=2).encode())):
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, folder / name)
    return folder / MODEL_FILE


def load(folder: Path) -> ExtractionModel:
    """The model saved in ``folder``; :class:`ModelError` when there is none or it is of another version."""
    path = folder / MODEL_FILE
    if not path.exists():
        raise ModelError(f"no extraction model in {folder}: run `collabkg train` first (or set COLLABKG_MODEL)")
    try:
        metadata = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        metadata = {}
    import sklearn

    if metadata.get("format") != FORMAT or not str(metadata.get("version", "")).startswith(
            f"{FORMAT}-{sklearn.__version__}-"):
        raise ModelError(f"the model in {folder} was made by another version of collabkg or scikit-learn "
                         f"({metadata.get('version', 'unknown')}): run `collabkg train` again")
    try:
        with path.open("rb") as handle:
            model = pickle.load(handle)  # noqa: S301 - the user's own model folder, see the module docstring
    except Exception as error:  # noqa: BLE001 - a damaged file raises any unpickling error
        raise ModelError(f"cannot load the model in {folder} ({type(error).__name__}): run `collabkg train` "
                         "again") from None
    if not isinstance(model, ExtractionModel):
        raise ModelError(f"{path} is not an extraction model: run `collabkg train` again")
    return model
