"""Whether the published store is current: built from exactly the inputs a build would read now.

A build's inputs are the case files, the corpus, the ontology, the shapes, the code that turns them into the
published version (its package version and the source of ``ontology/``, ``shapes/``, ``loaders/`` and
``graph/``, named queries included) and the settings that change the result (base IRI, reasoner). Their
fingerprint is a SHA-256 over every file's path and content. After publishing, the build records the
fingerprint of what it read, the version it published and how long each step took in ``.<store>.build.json``
beside the store link; ``collabkg build`` does nothing when the link still points at that version and the
fingerprint is unchanged (``--force`` rebuilds).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from importlib.resources import files
from pathlib import Path

from collabkg.graph.dataset_io import write_atomically
from collabkg.settings import Settings

#: the packages whose source decides what a build publishes
CODE_PACKAGES = ("collabkg.ontology", "collabkg.shapes", "collabkg.loaders", "collabkg.graph")


@dataclass(frozen=True)
class BuildRecord:
    """What the last build of a store published, and from what."""

    version: str  # name of the published version folder
    fingerprint: str
    seconds: dict[str, float]  # how long each step took, for estimates the next time


def _files(folder: Path) -> Iterator[Path]:
    """Every regular file below ``folder``, in a stable order, without caches and hidden files."""
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in parts) and (
                path.suffix != ".pyc"):
            yield path


def input_folders(settings: Settings) -> dict[str, Path]:
    """The folders a build reads, by the name the fingerprint gives them."""
    folders = {"cases": settings.cases, "corpus": settings.corpus}
    for package in CODE_PACKAGES:
        folders[package] = Path(str(files(package)))
    return folders


def fingerprint(settings: Settings) -> str:
    """The fingerprint of everything a build of ``settings`` would read.

    >>> from collabkg.settings import load_settings
    >>> len(fingerprint(load_settings()))
    64
    """
    try:
        code_version = package_version("collabkg")
    except PackageNotFoundError:  # running from a source tree that was never installed
        code_version = "unknown"
    digest = hashlib.sha256()
    digest.update(f"collabkg {code_version}\nbase_iri {settings.base_iri}\nreasoner {settings.reasoner}\n".encode())
    for name, folder in input_folders(settings).items():
        if not folder.is_dir():
            digest.update(f"{name} missing\n".encode())
            continue
        for path in _files(folder):
            content = hashlib.sha256(path.read_bytes()).hexdigest()
            digest.update(f"{name}\t{path.relative_to(folder).as_posix()}\t{content}\n".encode())
    return digest.hexdigest()


def record_path(store: Path) -> Path:
    return store.parent / f".{store.name}.build.json"


def read_record(store: Path) -> BuildRecord | None:
    """The record of the last build of ``store``; None when there is none or it cannot be read."""
    try:
        data = json.loads(record_path(store).read_text(encoding="utf-8"))
        return BuildRecord(str(data["version"]), str(data["fingerprint"]),
                           {str(k): float(v) for k, v in dict(data.get("seconds", {})).items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_record(store: Path, record: BuildRecord) -> None:
    """Write the record atomically (a reader sees the old one or the new one)."""
    data = json.dumps({"version": record.version, "fingerprint": record.fingerprint, "seconds": record.seconds},
                      indent=2).encode("utf-8")
    write_atomically(record_path(store), lambda output: output.write(data))


def current_record(settings: Settings, inputs: str | None = None) -> BuildRecord | None:
    """The record of the published store when it is current: the link points at the version the record
    names, and ``inputs`` (default: the fingerprint of ``settings`` now) is the one it was built from."""
    record = read_record(settings.store)
    if record is None or not settings.store.is_symlink():
        return None
    try:
        published = settings.store.resolve(strict=True).name
    except OSError:
        return None
    if published != record.version:
        return None
    return record if record.fingerprint == (inputs or fingerprint(settings)) else None
