"""Tables kept in the README between a pair of markers, ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``,
and rewritten by the command or benchmark that measures them (build counts, extraction scores, benchmarks)."""

from __future__ import annotations

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of the section ``name``.

    >>> markers("counts")
    ('<!-- counts:start -->', '<!-- counts:end -->')
    """
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def replace_section(readme: Path, name: str, text: str) -> None:
    """Put ``text`` between the markers of section ``name`` in ``readme``, in place of what was there;
    ValueError, with nothing written, when the file does not have them.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "README.md"
    >>> _ = path.write_text("a\\n<!-- t:start -->\\nold\\n<!-- t:end -->\\nb\\n")
    >>> replace_section(path, "t", "new")
    >>> print(path.read_text())
    a
    <!-- t:start -->
    new
    <!-- t:end -->
    b
    <BLANKLINE>
    """
    start, end = markers(name)
    content = readme.read_text(encoding="utf-8")
    head, found, rest = content.partition(start)
    if not found or end not in rest:
        raise ValueError(f"{readme}: no {start} ... {end} markers to put the table between")
    tail = rest.split(end, 1)[1]
    readme.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")
