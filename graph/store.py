"""The on-disk Oxigraph store, published atomically with what is derived from it.

``--store DIR`` is a symbolic link to one immutable version under ``.DIR.versions/``. A version folder holds
the Oxigraph database (``oxigraph/``) and the files published with it (dumps, documentation, the dataset's
metadata: graph/publication.py). A build writes a new version beside the live one and swaps the link with
one atomic ``rename``: readers see the old version or the new one, never a half-written one, and a failed
or interrupted build leaves the link untouched.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph

KEEP_VERSIONS = 2


class StoreError(RuntimeError):
    """The store is missing, locked or unreadable; the message says which and where."""


def versions_folder(store: Path) -> Path:
    return store.parent / f".{store.name}.versions"


@contextmanager
def _build_lock(store: Path) -> Iterator[None]:
    store.parent.mkdir(parents=True, exist_ok=True)
    lock_path = store.parent / f".{store.name}.lock"
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{store}: another build is publishing this store") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


#: writes the files published with a version, given its folder and its (open) database
ArtifactWriter = Callable[[Path, pyoxigraph.Store], None]


def database(version: Path) -> Path:
    """The Oxigraph database of a version (or of the published link); a plain Oxigraph folder is its own."""
    inner = version / "oxigraph"
    return inner if (inner / "CURRENT").exists() else version


def publish(nquads: bytes, store: Path, artifacts: ArtifactWriter | None = None) -> Path:
    """Load N-Quads into a new store version, write its ``artifacts`` beside it, and make ``store`` point at
    it; return the version folder.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> version = publish(b'<http://a> <http://b> <http://c> <http://g> .\\n', folder / "store")
    >>> sum(1 for _ in open_store(folder / "store"))
    1
    """
    with _build_lock(store):
        versions = versions_folder(store)
        versions.mkdir(parents=True, exist_ok=True)
        _remove_unfinished(versions)
        name = time.strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 10**9:09d}-{os.getpid()}"
        building = versions / f"{name}.building"
        building.mkdir()
        oxigraph = pyoxigraph.Store(str(building / "oxigraph"))
        oxigraph.bulk_load(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
        oxigraph.flush()
        oxigraph.optimize()
        if artifacts is not None:
            artifacts(building, oxigraph)
        del oxigraph
        version = versions / name
        building.rename(version)
        if store.exists() and not store.is_symlink():
            # A plain folder from elsewhere is kept, not deleted: it may be someone's data.
            store.rename(store.parent / f"{store.name}.replaced-{name}")
        link = store.parent / f".{store.name}.link-{name}"
        link.symlink_to(os.path.relpath(version, store.parent))
        os.replace(link, store)  # atomic: the published store switches in one step
        _prune(versions, keep=version)
        return version


def _remove_unfinished(versions: Path) -> None:
    for folder in versions.glob("*.building"):
        shutil.rmtree(folder, ignore_errors=True)


def _prune(versions: Path, keep: Path) -> None:
    """Remove old versions that no process reads any more: a query worker holds a shared lock on the
    version folder it reads (graph/query_pool), so a version in use is left for a later build to remove."""
    finished = sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.endswith(".building"))
    for old in finished[:-KEEP_VERSIONS]:
        if old == keep:
            continue
        try:
            folder = os.open(old, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # still read by a running server
        else:
            shutil.rmtree(old, ignore_errors=True)
        finally:
            os.close(folder)


def exists(store: Path) -> bool:
    """Whether a published store is there (a link to a version, or a plain Oxigraph folder)."""
    return (database(store) / "CURRENT").exists()


def open_store(store: Path) -> pyoxigraph.Store:
    """Open the published store read-only (many readers may share it)."""
    if not exists(store):
        raise StoreError(f"{store}: no store here; run `collabkg build --store {store}` first")
    try:
        return pyoxigraph.Store.read_only(str(database(store.resolve())))
    except OSError as error:
        raise StoreError(f"{store}: cannot open the store ({error})") from None
