"""README front matter: read it, and change one key of it without touching anything else.

Why careful: a model card is someone else's document. Other keys keep their text, order, comments and
values, and the body stays byte-identical (newline style included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .safeload import ParseError, yaml_load

_DELIM = re.compile(r"---[ \t]*")


@dataclass
class FrontMatter:
    """A card split into its metadata and body; ``raw`` is the YAML text between the ``---`` lines."""

    meta: dict[str, Any]
    raw: str
    body: str
    present: bool = False
    raw_start: int = 0  # offsets of ``raw`` in the original text
    raw_end: int = 0
    newline: str = "\n"


def split_front_matter(text: str) -> FrontMatter:
    """Metadata and body; InputError (with the line) for malformed, unclosed or non-mapping front matter."""
    offset = 1 if text.startswith("\ufeff") else 0
    lines = text[offset:].splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.strip()), max(len(lines) - 1, 0))
    offset += sum(len(line) for line in lines[:first])  # the Hub also skips blank lines before '---'
    lines = lines[first:]
    if not lines or not _DELIM.fullmatch(lines[0].rstrip("\r\n")):
        return FrontMatter({}, "", text)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    pos = offset + len(lines[0])
    raw_start = pos
    for line in lines[1:]:
        if _DELIM.fullmatch(line.rstrip("\r\n")):
            raw = text[raw_start:pos]
            break
        pos += len(line)
    else:
        raise InputError("the README front matter opened by '---' on line 1 never closes",
                         "add a line '---' after the metadata block")
    try:
        meta = yaml_load(raw)
    except ParseError as exc:
        where = f"line {exc.line + 1}: " if exc.line else ""
        raise InputError(f"README front matter is not valid YAML ({where}{exc.message})",
                         "fix the YAML between the '---' lines") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError(f"README front matter must be a mapping of keys, got a {type(meta).__name__} (line 2)",
                         "write the metadata as 'key: value' lines")
    return FrontMatter(meta, raw, text[pos + len(line):], True, raw_start, pos, newline)


def with_front_matter(text: str, meta: dict[str, Any]) -> str:
    """``text`` with its front matter re-serialised from ``meta``; the body stays byte-identical."""
    fm = split_front_matter(text)
    if not fm.present and not meta:
        return text
    nl = fm.newline
    dumped = _dump(meta).replace("\n", nl) if meta else ""
    if not fm.present:
        return f"---{nl}{dumped}---{nl}{text}"
    close_start = fm.raw_end
    return text[: fm.raw_start] + dumped + text[close_start:]


def set_front_matter_key(text: str, key: str, value: Any) -> str:
    """Replace (or add) one top-level key, leaving every other line of the front matter as it was.

    Falls back to :func:`with_front_matter` when the key's block cannot be delimited safely.
    """
    fm = split_front_matter(text)
    wanted = {**fm.meta, key: value}
    if not fm.present:
        return with_front_matter(text, wanted)
    lines = fm.raw.splitlines(keepends=True)
    block = _dump({key: value}).replace("\n", fm.newline)
    start = next((i for i, line in enumerate(lines) if re.match(rf"""^(['"]?){re.escape(key)}\1\s*:""", line)), None)
    if start is None:
        tail = "" if not lines or lines[-1].endswith(("\n", "\r")) else fm.newline
        new_raw = fm.raw + tail + block
    else:
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t-"):
            end += 1
        new_raw = "".join(lines[:start]) + block + "".join(lines[end:])
    try:
        ok = yaml_load(new_raw) == wanted
    except ParseError:
        ok = False
    if not ok:
        return with_front_matter(text, wanted)
    return text[: fm.raw_start] + new_raw + text[fm.raw_end:]


def _dump(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096)
