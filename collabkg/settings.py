"""Settings as data: every setting has a default, an environment variable and help text.

Read once by :func:`load_settings`; the CLI and the API both take a :class:`Settings`.
README.md documents every setting (a test checks it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _default_store() -> str:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(data_home) / "collabkg" / "store")


def _default_model() -> str:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(data_home) / "collabkg" / "model")


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "COLLABKG_STORE", _default_store(),
            "Folder of the published on-disk Oxigraph store (its parent holds the build's working copies)."),
    Setting("base_iri", "COLLABKG_BASE_IRI", "https://w3id.org/collabkg/id/",
            "Base of every instance IRI; stable across rebuilds."),
    Setting("cases", "COLLABKG_CASES", "",
            "Folder of curated case files (YAML); empty means the case files shipped with the package."),
    Setting("corpus", "COLLABKG_CORPUS", "",
            "Folder of the source reports and reports.yaml; empty means the corpus shipped with the package."),
    Setting("reasoner", "COLLABKG_REASONER", "hermit",
            "OWL reasoner for the ontology consistency check: hermit, pellet, or none to skip it."),
    Setting("host", "COLLABKG_HOST", "127.0.0.1", "Address the server listens on."),
    Setting("port", "COLLABKG_PORT", "8000", "Port the server listens on (0 picks a free one)."),
    Setting("threads", "COLLABKG_THREADS", "8", "Request threads of the WSGI server (waitress)."),
    Setting("query_workers", "COLLABKG_QUERY_WORKERS", "3",
            "Worker processes that evaluate queries; a query stopped at its time limit costs one worker restart."),
    Setting("long_query_after", "COLLABKG_LONG_QUERY_AFTER", "1",
            "Seconds after which a running query counts as long-running and needs a long-query slot."),
    Setting("long_query_slots", "COLLABKG_LONG_QUERY_SLOTS", "",
            "Queries that may run long at once (empty: query_workers - 1, so one worker is always kept for new "
            "queries); a query that turns long when all are taken is stopped with 503 and Retry-After."),
    Setting("client_header", "COLLABKG_CLIENT_HEADER", "",
            "Behind a proxy: the request header that names the client (e.g. X-Forwarded-For; its first address "
            "is used). Empty: no per-client limit, since every client may share the proxy's address."),
    Setting("client_max_queries", "COLLABKG_CLIENT_MAX_QUERIES", "2",
            "With client_header set: queries one client may have running at once (more get 429)."),
    Setting("query_timeout", "COLLABKG_QUERY_TIMEOUT", "10",
            "Seconds a query may run before it is stopped (the client gets 503)."),
    Setting("max_result_bytes", "COLLABKG_MAX_RESULT_BYTES", str(64 * 1024 * 1024),
            "Largest serialised result the endpoint returns (larger gets 422)."),
    Setting("result_cache_bytes", "COLLABKG_RESULT_CACHE_BYTES", str(64 * 1024 * 1024),
            "Memory for cached query results (0 turns the cache off); emptied when a new version is published."),
    Setting("max_request_bytes", "COLLABKG_MAX_REQUEST_BYTES", str(1024 * 1024),
            "Largest request (query text, form or body) the endpoint accepts (larger gets 413)."),
    Setting("model", "COLLABKG_MODEL", _default_model(),
            "Folder of the extraction model that `collabkg train` writes and `collabkg extract` reads."),
    Setting("backend", "COLLABKG_BACKEND", "",
            "SPARQL 1.1 query endpoint of a remote server that `collabkg publish` loaded, to serve the API from "
            "(`serve --backend`); empty: the embedded store."),
    Setting("publish_user", "COLLABKG_PUBLISH_USER", "",
            "Account `collabkg publish` writes to the remote server's graph store with (environment only)."),
    Setting("publish_password", "COLLABKG_PUBLISH_PASSWORD", "",
            "Password of publish_user (environment only, never on the command line)."),
)


@dataclass(frozen=True)
class Settings:
    store: Path
    base_iri: str
    cases: Path
    corpus: Path
    reasoner: str
    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 8
    query_workers: int = 3
    query_timeout: float = 10.0
    long_query_after: float = 1.0
    long_query_slots: int | None = None
    client_header: str = ""
    client_max_queries: int = 2
    max_result_bytes: int = 64 * 1024 * 1024
    max_request_bytes: int = 1024 * 1024
    model: Path = field(default_factory=lambda: Path(_default_model()))
    result_cache_bytes: int = 64 * 1024 * 1024
    backend: str = ""
    publish_user: str = ""
    publish_password: str = field(default="", repr=False)


def load_settings(**overrides: str | None) -> Settings:
    """Settings from defaults, then the environment, then explicit (command-line) overrides."""
    from importlib.resources import files

    values: dict[str, str] = {}
    for setting in SETTINGS:
        value = os.environ.get(setting.env) or setting.default
        override = overrides.get(setting.name)
        values[setting.name] = override if override else value
    base = values["base_iri"]
    if not base.endswith(("/", "#")):
        base += "/"
    cases = Path(values["cases"]) if values["cases"] else Path(str(files("collabkg.cases")))
    corpus = Path(values["corpus"]) if values["corpus"] else Path(str(files("collabkg.corpus")))
    def number(name: str, kind: type[int] | type[float]) -> int | float:
        try:
            return kind(values[name])
        except ValueError:
            expected = "a whole number" if kind is int else "a number"
            raise SettingsError(f"{name} must be {expected}, not {values[name]!r}") from None

    numbers = {name: int(number(name, int)) for name in
               ("port", "threads", "query_workers", "max_result_bytes", "max_request_bytes", "client_max_queries",
                "result_cache_bytes")}
    timeout = float(number("query_timeout", float))
    long_after = float(number("long_query_after", float))
    long_slots = int(number("long_query_slots", int)) if values["long_query_slots"].strip() else None
    if not 0 <= numbers["port"] <= 65535:
        raise SettingsError(f"port {numbers['port']} is out of range: use 0 (any free port) to 65535")
    backend = values["backend"].strip()
    if backend and not backend.startswith(("http://", "https://")):
        raise SettingsError(f"backend must be the http:// or https:// URL of a SPARQL endpoint, not {backend!r}")
    for name in ("threads", "query_workers"):
        if numbers[name] < 1:
            raise SettingsError(f"{name} must be at least 1, not {numbers[name]}")
    return Settings(
        store=Path(values["store"]),
        base_iri=base,
        cases=cases,
        corpus=corpus,
        reasoner=values["reasoner"].lower(),
        host=values["host"],
        query_timeout=timeout,
        long_query_after=long_after,
        long_query_slots=long_slots,
        client_header=values["client_header"].strip(),
        model=Path(values["model"]),
        backend=values["backend"].strip(),
        publish_user=values["publish_user"],
        publish_password=values["publish_password"],
        **numbers,
    )


class SettingsError(ValueError):
    """A setting with a value it cannot take; the message names it."""
