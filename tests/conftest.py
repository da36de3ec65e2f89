"""Shared fixtures: a graph built once from the real corpus and case files (read-only), and helpers.

Tests that write get their own temporary store; tests that only read share ``built_store``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from collabkg.graph.build import BuildResult, build
from collabkg.settings import Settings, load_settings


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of the real corpus and case files, with a store in a temporary folder."""
    store = tmp_path_factory.mktemp("published") / "store"
    return replace(load_settings(), store=store)


@pytest.fixture(scope="session")
def built(settings: Settings) -> BuildResult:
    """The real graph, built and published once for the session (the reasoner included)."""
    return build(settings)


@pytest.fixture(scope="session")
def built_store(built: BuildResult, settings: Settings) -> Path:
    return settings.store
