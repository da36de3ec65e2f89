"""YAML reading that remembers line numbers, so that every problem can name the line of its entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from collabkg.loaders.base import LoadError, Problem


class LineDict(dict[str, Any]):
    """A YAML mapping that knows the (1-based) line it starts on."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings: the case file's words, not the YAML parser's guess, decide what a date is.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    """Parse a UTF-8 YAML file; a syntax or encoding error becomes a :class:`LoadError` with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadError([Problem(str(path), None, "", "file not found")]) from None
    except UnicodeDecodeError as error:
        raise LoadError([Problem(str(path), None, "", f"not UTF-8 (byte {error.start})")]) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        context = getattr(error, "context", None)
        message = f"YAML syntax error: {reason}" + (f" ({context})" if context else "")
        raise LoadError([Problem(str(path), line, "", message)]) from None
