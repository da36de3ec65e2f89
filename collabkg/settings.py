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
)


@dataclass(frozen=True)
class Settings:
    store: Path
    base_iri: str
    cases: Path
    corpus: Path
    reasoner: str
    extra: dict[str, str] = field(default_factory=dict)


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
    return Settings(
        store=Path(values["store"]),
        base_iri=base,
        cases=cases,
        corpus=corpus,
        reasoner=values["reasoner"].lower(),
    )
