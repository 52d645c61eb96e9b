"""Cell text cleaning and score parsing.

A cell is decoration (bold, links, footnote markers) around at most one number plus an optional
qualifier (``pass@1``, ``(avg@4)``, ``<br>(0-shot)``, ``<sup>dev</sup>``). Anything else — a
date, ``7B``, ``1.5e22``, ``26 GB`` — is not a score and parses to ``None``: a refusal is better
than a guessed number.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from functools import lru_cache

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SUPSUB = re.compile(r"<(sup|sub)\b[^<>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*(?:\([^()]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_UNDERSCORE_EMPH = re.compile(r"(?<![\w\\])_{1,3}(?=\S)([^_]+?)(?<=\S)_{1,3}(?![\w])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~^])")
_FOOTNOTE_CHARS = "*†‡§¶⁎∗"
_FOOTNOTE_ONLY = re.compile(r"^[\W\d_]{0,4}$|^[A-Za-z]$")
_SPACE = re.compile(r"\s+")
_EMPTY_PARENS = re.compile(r"\(\s*\)|\[\s*\]")

_ESC_PLACEHOLDER = "\ue000"
_MARKUP_CHARS = re.compile(r"[<\[`*_&\\^\u00a0\u200b†‡§¶⁎∗]")

MISSING = {"", "-", "--", "—", "–", "n/a", "na", "/", "?", "×", "x", "tbd", "null", "none", "…", "...", "✗"}

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_VALUE = re.compile(
    rf"^(?P<sign>[+-]?)(?P<num>{_NUM})(?P<pct>[ \t]*%)?"
    rf"(?:[ \t]*(?:±|\+/-|\+-)[ \t]*(?:{_NUM})[ \t]*%?)?(?P<rest>.*)$"
)
_NUM_PREFIX = re.compile(rf"^(?:{_NUM})\s*(?=\S)")
_RELATIVE = re.compile(rf"^[+-]?(?:{_NUM})\s*%?$")
_QUALIFIER_WORD = re.compile(
    r"^(?:\w+@\d+|\d+[ -]?shots?|zero[ -]?shot|few[ -]?shot|cot|maj@?\d*|pass@?\d*|acc(?:_norm)?|em|f1|"
    r"avg|mean|median|strict|loose|norm|exact|greedy|sampled)(?:[ ,;]+(?:\w+@\d+|\d+[ -]?shots?|cot|acc|em|f1|"
    r"avg|mean|strict|loose|greedy|sampled))*$",
    re.IGNORECASE,
)
_UNIT_START = re.compile(
    r"^(?:[kmgtp]?b|[kmbt]|gib|mib|tokens?|tok/s|s|sec|secs|seconds?|ms|min|mins|minutes?|h|hrs?|hours?|days?|"
    r"fps|frames?|gpus?|x|params?|parameters?|layers?|heads?|steps?|epochs?|words?|samples?|examples?)\b",
    re.IGNORECASE,
)


_QUALIFIER_NUMBERS = re.compile(r"\d+[- ]?shots?|\w*@\d+|\b\d+[- ]?(?:way|choice|turn)s?\b", re.IGNORECASE)
_SECOND_NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class Value:
    """One parsed score: the number as printed (no rescaling) and any qualifier printed with it."""

    value: float
    setting: str | None = None
    is_percent: bool = False


@lru_cache(maxsize=65536)
def split_cell(raw: str) -> tuple[str, str | None]:
    """Clean a raw cell into (text, qualifier): text after ``<br>`` or in ``<sub>``/``<sup>`` is the qualifier.

    A ``<sup>`` that wraps the whole cell is styling, and one holding only symbols or digits is a
    footnote marker; both are dropped rather than read as a qualifier.
    """
    s = _COMMENT.sub("", raw)
    parts = [p for p in _BR.split(s) if _strip_all(p)]
    if not parts:
        return "", None
    main, qualifiers = parts[0], [_strip_parens(_strip_all(p)) for p in parts[1:]]
    main, inner = _pull_supsub(main)
    qualifiers = [q for q in inner + qualifiers if q]
    return _strip_all(main), ("; ".join(qualifiers) if qualifiers else None)


def clean_label(raw: str) -> str:
    """Visible text of a cell or heading with all markup, qualifiers and footnote markers removed."""
    return split_cell(raw)[0]


def is_missing(text: str) -> bool:
    """True for the markers tables use for "no result" (``-``, ``—``, ``N/A``, ``/``, empty ...)."""
    t = _EMPTY_PARENS.sub("", text).strip().lower()
    return t in MISSING or (bool(t) and set(t) <= set("-–—"))


def finite_number(value: object) -> float | None:
    """A real number as float; None for text, booleans, NaN, infinities and integers too large for a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def parse_value(raw: str) -> Value | None:
    """Parse one cell into a :class:`Value`, or None when it is missing or not a clean score."""
    text, qualifier = split_cell(raw)
    if is_missing(text):
        return None
    parsed = _parse_number(text)
    if parsed is None:
        return None
    number, is_percent, rest_setting = parsed
    settings = [s for s in (rest_setting, qualifier) if s]
    return Value(number, "; ".join(settings) if settings else None, is_percent)


def split_packed(raw: str, n: int) -> list[Value | None] | None:
    """Split a packed cell (``45.2/50.1``, ``1.28 | 2.42``, ``-/80.2``) into exactly ``n`` parts.

    Returns None when the cell does not hold exactly ``n`` parts that are each a score or missing.
    """
    text, _ = split_cell(raw)
    sep = "|" if "|" in text else "/"
    pieces = [p.strip() for p in text.split(sep)]
    if len(pieces) != n or n < 2:
        return None
    out: list[Value | None] = []
    for p in pieces:
        if is_missing(p):
            out.append(None)
            continue
        parsed = _parse_number(p)
        if parsed is None or parsed[2]:
            return None
        out.append(Value(parsed[0], None, parsed[1]))
    return out


def packed_header(raw: str, n: int) -> list[tuple[str, str | None]] | None:
    """(benchmark, setting) for each of ``n`` parts of a packed header, or None if it is not packed.

    ``TallyQA<br>(simple/full)`` -> TallyQA/simple, TallyQA/full; ``SQuAD 2.0(F1/EM)`` ->
    SQuAD 2.0/F1, SQuAD 2.0/EM; ``MNLI-m/mm(ACC)`` -> MNLI-m/ACC, MNLI-mm/ACC.
    """
    text, qualifier = split_cell(raw)
    if qualifier and qualifier.count("/") == n - 1:
        parts = [p.strip() for p in qualifier.split("/")]
        if all(parts):
            return [(text, p) for p in parts]
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", text)
    base, paren = (m.group(1), m.group(2).strip()) if m else (text, None)
    if paren and paren.count("/") == n - 1 and "/" not in base:
        parts = [p.strip() for p in paren.split("/")]
        if all(parts) and base:
            return [(base, p) for p in parts]
    if base.count("/") == n - 1:
        names = _expand_slashed(base)
        if names:
            return [(name, paren or qualifier) for name in names]
    return None


def _expand_slashed(base: str) -> list[str] | None:
    """``MNLI-m/mm`` -> [MNLI-m, MNLI-mm]: later parts reuse the first part's stem (up to its last - or space)."""
    parts = [p.strip() for p in base.split("/")]
    if not all(parts):
        return None
    first = parts[0]
    cut = max(first.rfind("-"), first.rfind(" "))
    stem = first[: cut + 1] if cut > 0 and all(len(p) <= len(first) - cut - 1 + 2 for p in parts[1:]) else ""
    return [first] + [stem + p for p in parts[1:]]


def _parse_number(text: str) -> tuple[float, bool, str | None] | None:
    s = text.replace("−", "-").replace("\u2009", " ").strip()
    m = _VALUE.match(s)
    if not m:
        return None
    rest = m.group("rest")
    setting = None
    if rest.strip():
        if not rest[0].isspace() and rest[0] != "(":
            return None  # 7B, 2024-08-26, 1.5e22, 26GB, 2024.09.08
        setting = _rest_qualifier(rest.strip())
        if setting is None:
            return None
        setting = setting or None
    try:
        number = float(m.group("sign") + m.group("num").replace(",", ""))
    except ValueError:
        return None
    return number, bool(m.group("pct")), setting


def _rest_qualifier(rest: str) -> str | None:
    """The qualifier printed after a number: '' when it is ignorable, None when it makes the cell unreadable."""
    m = re.match(r"^\(([^()]*)\)$", rest)
    if m:
        inner = m.group(1).strip()
        if not inner or _RELATIVE.match(inner):
            return ""  # relative change (-13.2%) or a bare number: not a setting, not a second score
        if _UNIT_START.match(inner) or re.match(r"^[~<>≈]", inner) or _UNIT_START.match(_NUM_PREFIX.sub("", inner)):
            return None
        if _SECOND_NUMBER.search(_QUALIFIER_NUMBERS.sub("", inner)):
            return ""  # an interval (23.4 / 24.6) or ``Avg: 75.3`` beside the score: not a setting
        return inner
    if _UNIT_START.match(rest) or not _QUALIFIER_WORD.match(rest):
        return None
    return rest


def _pull_supsub(s: str) -> tuple[str, list[str]]:
    """Remove ``<sup>``/``<sub>`` parts: unwrap whole-cell wrappers, drop footnotes, return qualifiers."""
    qualifiers: list[str] = []
    whole = _strip_all(s)

    def repl(m: re.Match[str]) -> str:
        inner = _strip_all(m.group(2))
        if inner == whole:
            return m.group(2)
        if _FOOTNOTE_ONLY.match(inner):
            return ""
        qualifiers.append(_strip_parens(inner))
        return ""

    for _ in range(3):  # nested wrappers
        new = _SUPSUB.sub(repl, s)
        if new == s:
            break
        s = new
    return s, qualifiers


def _strip_parens(s: str) -> str:
    s = s.strip()
    return s[1:-1].strip() if s.startswith("(") and s.endswith(")") and s.count("(") == 1 else s


def _strip_all(s: str) -> str:
    """All markdown/HTML markup and footnote markers removed, entities decoded, whitespace collapsed."""
    if not _MARKUP_CHARS.search(s):
        return _SPACE.sub(" ", s).strip()
    s = _ESCAPE.sub(lambda m: _ESC_PLACEHOLDER + m.group(1), s)
    s = _TAG.sub("", s)
    s = _IMAGE.sub(r"\1", s)
    s = _LINK.sub(r"\1", s)
    s = _REF_LINK.sub(r"\1", s)
    s = html.unescape(s)
    s = s.replace("`", "").replace("**", "").replace("__", "")
    s = _UNDERSCORE_EMPH.sub(r"\1", s)
    s = re.sub(rf"[{_FOOTNOTE_CHARS}]", "", s)
    s = re.sub(rf"{_ESC_PLACEHOLDER}\*", "", s)
    s = s.replace(_ESC_PLACEHOLDER, "")
    s = re.sub(r"(?<=\S)\^+(?=\s|$)", "", s)
    s = s.replace("\u00a0", " ").replace("\u200b", "")
    return _SPACE.sub(" ", s).strip()


def percent(fraction: float, places: int | None = None) -> float:
    """A 0-1 fraction as a percentage, computed in decimal on the printed value (0.748 -> 74.8, never
    74.80000000000001); ``places`` rounds half up (a harness's 0.76344 -> 76.34)."""
    from decimal import ROUND_HALF_UP, Decimal

    value = Decimal(repr(float(fraction))) * 100
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places is not None else value)
