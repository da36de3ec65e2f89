"""The ``>>>`` examples in the docstrings of graph/, loaders/, ontology/ and shapes/ run as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import collabkg

PACKAGES = ["collabkg.ontology", "collabkg.shapes", "collabkg.loaders", "collabkg.loaders.readers",
            "collabkg.loaders.extraction", "collabkg.graph",
            "collabkg.graph.backends"]


def modules() -> list[str]:
    names = []
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        names.extend(info.name for info in pkgutil.iter_modules(package.__path__, package_name + "."))
    return sorted(names)


def test_packages_have_examples() -> None:
    assert collabkg.__version__
    with_examples = [name for name in modules() if doctest.DocTestFinder().find(importlib.import_module(name))
                     and any(t.examples for t in doctest.DocTestFinder().find(importlib.import_module(name)))]
    assert len(with_examples) >= 8, with_examples


@pytest.mark.parametrize("module_name", modules())
def test_module_examples(module_name: str) -> None:
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} example(s) failed in {module_name}"
