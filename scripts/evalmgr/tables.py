"""Find every table in a model card: markdown pipe tables and HTML ``<table>`` elements.

Tables are numbered 1-based over both kinds in document order, skipping fenced code blocks and
HTML comments, so ``inspect-tables`` and ``extract-readme --table N`` agree on the numbering.
Cells keep their raw markup (``<br>``, ``<sup>``, bold ...): :mod:`evalmgr.values` decides what
is a qualifier and what is decoration. Everything here is linear in the input size: no regex
with nested quantifiers, so a 5 MB card or a 10,000-row table is parsed in well under a second.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .errors import InputError
from .values import clean_label

MAX_SPAN = 200  # colspan / rowspan larger than this are treated as this (hostile input)
MAX_CELLS = 2_000_000  # a grid larger than this is refused as unreadable
MAX_TABLES = 2000  # real cards have a few dozen at most; more is generated noise

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")  # closing #s: rstrip (a lazy group here is quadratic)
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_SEP_CELL = re.compile(r"^\s*:?-+:?\s*$")
_HTML_HEADING = re.compile(r"<h([1-6])\b[^<>]{0,500}>(.{0,1000}?)</h\1\s*>", re.IGNORECASE | re.DOTALL)  # bounded: linear
_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")
_PIPE = re.compile(r"(?<!\\)\|")
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_EMPHASIS_LINE = re.compile(r"^\s*(\*\*|__|\*|_)(.+?)\1\s*:?\s*$")


@dataclass
class Table:
    """One table: a rectangular grid of raw cell texts whose first ``header_rows`` rows are headers."""

    index: int
    kind: str  # "markdown" | "html"
    rows: list[list[str]]
    header_rows: int
    line: int  # 1-based line of the table's first line
    headings: list[str] = field(default_factory=list)  # outermost first
    caption: str | None = None
    malformed_rows: list[int] = field(default_factory=list)  # body rows with more cells than the header
    commented: bool = False  # inside an HTML comment: numbered (publishers' tools count it) but never read automatically

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    @property
    def header(self) -> list[list[str]]:
        return self.rows[: self.header_rows]

    @property
    def body(self) -> list[list[str]]:
        return self.rows[self.header_rows :]


def find_tables(text: str) -> list[Table]:
    """Return every table of ``text`` in document order, numbered from 1."""
    if not isinstance(text, str):
        raise InputError("README text must be a string", "read the file as UTF-8 text")
    head = text[:100_000]
    if "\x00" in head or len(_BINARY.findall(head)) > len(head) // 10:
        raise InputError(
            "the README holds NUL bytes or undecodable/control characters: it looks like a binary file, not markdown",
            "pass the model card's README.md (UTF-8 text)",
        )
    return _Scanner(text.replace("\r\n", "\n").replace("\r", "\n")).scan()


def _strip_tags(s: str) -> str:
    return re.sub(r"\s+", " ", _TAG.sub(" ", s)).strip()


def _heading_text(s: str) -> str:
    return clean_label(s)


class _Scanner:
    """One pass over the lines: fences, comments, headings, pipe tables and HTML tables."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.tables: list[Table] = []
        self.heading_stack: list[tuple[int, str]] = []
        self.comment_end = 0  # lines before this index are inside an HTML comment

    @functools.cached_property
    def offsets(self) -> list[int]:
        """Where each line starts in ``text``; only HTML tables need it, so a card without one never pays."""
        return [0, *itertools.accumulate(len(line) + 1 for line in self.lines)][:-1]

    def scan(self) -> list[Table]:
        i, n = self._skip_front_matter(), len(self.lines)
        fence: str | None = None
        while i < n:
            line = self.lines[i]
            if fence is not None:
                m = _FENCE.match(line)
                if (
                    m
                    and m.group(1)[0] == fence[0]
                    and len(m.group(1)) >= len(fence)
                    and not line.strip()[len(m.group(1)) :].strip()
                ):
                    fence = None
                i += 1
                continue
            if not line.strip():  # nothing starts on a blank line: skip it cheaply (cards of blank lines)
                i += 1
                continue
            m = _FENCE.match(line)
            if m:
                fence = m.group(1)
                i += 1
                continue
            if i >= self.comment_end and "<!--" in line and "-->" not in line[line.index("<!--") :]:
                self.comment_end = self._skip_comment(i)
                i += 1
                continue
            if _TABLE_OPEN.search(_strip_comments(line)):
                i = self._html_table(i)
                continue
            if self._is_pipe_table_start(i):
                i = self._pipe_table(i)
                continue
            if i >= self.comment_end:
                self._heading(i)
            i += 1
        return self.tables

    # -- document structure -------------------------------------------------
    def _skip_front_matter(self) -> int:
        """YAML front matter only counts when a closing ``---`` follows (else it is a rule)."""
        if not self.lines or self.lines[0].strip() != "---":
            return 0
        for j in range(1, min(len(self.lines), 5000)):
            if self.lines[j].strip() in ("---", "..."):
                return j + 1
        return 0

    def _skip_comment(self, i: int) -> int:
        for j in range(i + 1, len(self.lines)):
            if "-->" in self.lines[j]:
                return j + 1
        return len(self.lines)

    def _heading(self, i: int) -> None:
        line = self.lines[i]
        m = _ATX.match(line)
        if m:
            self._push_heading(len(m.group(1)), (m.group(2) or "").rstrip(" \t#"))
            return
        if i + 1 < len(self.lines) and line.strip() and "|" not in line and not line.lstrip().startswith("<"):
            s = _SETEXT.match(self.lines[i + 1])
            if s and (i == 0 or not self.lines[i - 1].strip()):
                self._push_heading(1 if s.group(1)[0] == "=" else 2, line)
                return
        if "<h" in line.lower():
            for hm in _HTML_HEADING.finditer(line):
                self._push_heading(int(hm.group(1)), hm.group(2))

    def _push_heading(self, level: int, raw: str) -> None:
        text = _heading_text(_strip_tags(raw) if "<" in raw else raw)
        if not text:
            return
        while self.heading_stack and self.heading_stack[-1][0] >= level:
            self.heading_stack.pop()
        self.heading_stack.append((level, text))

    def _caption_above(self, i: int) -> str | None:
        """The last non-blank line above line ``i`` when it is a bold/italic line or a sentence."""
        for j in range(i - 1, max(-1, i - 4), -1):
            raw = self.lines[j].strip()
            if not raw:
                continue
            if _ATX.match(raw) or raw.startswith(("|", "```", "~~~")) or _SETEXT.match(raw):
                return None
            text = _strip_tags(raw)
            if not text:
                continue
            m = _EMPHASIS_LINE.match(text)
            text = _heading_text(m.group(2) if m else text)
            return text[:300] or None
        return None

    def _add(
        self,
        kind: str,
        rows: list[list[str]],
        header_rows: int,
        line: int,
        caption: str | None,
        malformed: list[int] | None = None,
    ) -> None:
        if len(self.tables) >= MAX_TABLES:
            raise InputError(
                f"the README has more than {MAX_TABLES} tables (line {line + 1}); it does not look like a model card",
                "pass the model card's README.md, or cut the document down to its evaluation section",
            )
        self.tables.append(
            Table(
                index=len(self.tables) + 1,
                kind=kind,
                rows=rows,
                header_rows=header_rows,
                line=line + 1,
                headings=[t for _, t in self.heading_stack],
                caption=caption,
                malformed_rows=malformed or [],
                commented=line < self.comment_end,
            )
        )

    # -- markdown pipe tables -----------------------------------------------
    def _is_pipe_table_start(self, i: int) -> bool:
        if i + 1 >= len(self.lines):
            return False
        head, sep = self.lines[i], self.lines[i + 1]
        if "|" not in head or "|" not in sep or "-" not in sep:
            return False
        sep_cells = _split_row(sep)
        if not sep_cells or not all(_SEP_CELL.match(c) for c in sep_cells):
            return False
        return len(_split_row(head)) == len(sep_cells) and _leading_spaces(head) < 4

    def _pipe_table(self, i: int) -> int:
        caption = self._caption_above(i)
        header = _split_row(self.lines[i])
        width = len(header)
        rows, malformed = [header], []
        j = i + 2
        while j < len(self.lines):
            line = self.lines[j]
            if not line.strip() or "|" not in line or _FENCE.match(line) or _ATX.match(line):
                break
            cells = _split_row(line)
            if len(cells) > width and any(c for c in cells[width:]):
                malformed.append(len(rows) - 1)
            rows.append((cells + [""] * width)[:width])
            j += 1
            if len(rows) * width > MAX_CELLS:
                raise InputError(f"table at line {i + 1} is too large to read", "split the README or pass --table")
        self._add("markdown", rows, 1, i, caption, malformed)
        return j

    # -- HTML tables ---------------------------------------------------------
    def _html_table(self, i: int) -> int:
        """Parse from the first ``<table`` on line ``i`` to its matching close (or a tolerant end)."""
        opening = _TABLE_OPEN.search(_strip_comments(self.lines[i]))
        assert opening is not None  # the caller found it on this line
        start = self.offsets[i] + opening.start()
        end = _matching_table_end(self.text, start)
        caption = self._caption_above(i)
        parser = _HTMLTableParser()
        parser.feed(self.text[start:end])
        parser.close()
        rows, header_rows, html_caption = parser.result()
        if rows:
            self._add("html", rows, header_rows, i, html_caption or caption)
        return max(bisect.bisect_right(self.offsets, end - 1), i + 1)


def _strip_comments(line: str) -> str:
    return re.sub(r"<!--.*?-->", "", line)


def _leading_spaces(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _split_row(line: str) -> list[str]:
    """Split a pipe-table row on unescaped pipes, dropping the optional outer pipes."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.strip() for c in _PIPE.split(s)]


def _matching_table_end(text: str, start: int) -> int:
    """Offset just past the ``</table>`` closing the table at ``start``; tolerant when it is missing."""
    depth, last = 0, start
    for m in _TABLE_TAG.finditer(text, start):
        if m.group(1):
            depth -= 1
            if depth == 0:
                return m.end()
        else:
            if depth >= 1 and "\n\n" in text[last : m.start()]:
                return m.start()  # the old table never closed and a new one starts after a blank line
            depth += 1
        last = m.end()
    return len(text)


class _HTMLTableParser(HTMLParser):
    """Collect rows of (is_header, raw inner markup, rowspan, colspan); tolerant of missing end tags."""

    _KEEP = frozenset({"br", "sup", "sub", "b", "strong", "u", "em", "i"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[bool, list[tuple[bool, str, int, int]]]] = []
        self.row: list[tuple[bool, str, int, int]] | None = None
        self.row_in_thead = False
        self.cell: list[str] | None = None
        self.cell_meta: tuple[bool, int, int] = (False, 1, 1)
        self.depth = 0  # nesting of <table>
        self.in_thead = False
        self.caption: list[str] | None = None
        self.caption_text: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
            if self.depth > 1 and self.cell is not None:
                self.cell.append(" ")
            return
        if self.depth > 1:
            return
        if tag == "thead":
            self.in_thead = True
        elif tag in ("tbody", "tfoot"):
            self.in_thead = False
        elif tag == "tr":
            self._end_row()
            self.row, self.row_in_thead = [], self.in_thead
        elif tag in ("td", "th"):
            self._end_cell()
            if self.row is None:
                self.row, self.row_in_thead = [], self.in_thead
            a = dict(attrs)
            self.cell, self.cell_meta = [], (tag == "th", _span(a.get("rowspan")), _span(a.get("colspan")))
        elif tag == "caption":
            self.caption = []
        elif self.cell is not None and tag in self._KEEP:
            self.cell.append(f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.cell is not None and tag == "br":
            self.cell.append("<br>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.depth -= 1
            return
        if self.depth > 1:
            return
        if tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "thead":
            self._end_row()
            self.in_thead = False
        elif tag == "caption" and self.caption is not None:
            self.caption_text = _strip_tags("".join(self.caption)) or None
            self.caption = None
        elif self.cell is not None and tag in self._KEEP and tag != "br":
            self.cell.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data.replace("<", "&lt;").replace(">", "&gt;"))
        elif self.caption is not None:
            self.caption.append(data)

    def _end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            is_th, rs, cs = self.cell_meta
            self.row.append((is_th, "".join(self.cell).strip(), rs, cs))
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row:
            self.rows.append((self.row_in_thead, self.row))
        self.row = None

    def result(self) -> tuple[list[list[str]], int, str | None]:
        self._end_row()
        grid = _expand_spans([r for _, r in self.rows])
        header_rows = 0
        has_thead = any(in_thead for in_thead, _ in self.rows)
        for k, (in_thead, cells) in enumerate(self.rows):
            # <th> marks header cells, but some publishers write every cell as <th>: a row of numbers is data
            if in_thead or (not has_thead and all(c[0] for c in cells) and not _mostly_numbers(cells)):
                header_rows = k + 1
            else:
                break
        if header_rows == 0 and grid:
            header_rows = 1
        header_rows = _extend_text_header(grid, header_rows)
        return grid, min(header_rows, len(grid)), self.caption_text


def _mostly_numbers(cells: list[tuple[bool, str, int, int]]) -> bool:
    texts = [_strip_tags(c[1]) for c in cells]
    return sum(1 for t in texts if _NUMBER_CELL.match(t)) * 2 > len(texts)


_NUMBER_CELL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?\s*%?$")


def _span(v: str | None) -> int:
    try:
        return max(1, min(MAX_SPAN, int((v or "1").strip().strip("\"'"))))
    except ValueError:
        return 1


def _expand_spans(rows: list[list[tuple[bool, str, int, int]]]) -> list[list[str]]:
    """Expand rowspan/colspan into a rectangular grid (spanned cells repeat the text)."""
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows still covered, text)
    grid: list[list[str]] = []
    total = 0
    for cells in rows:
        out: dict[int, str] = {}
        col = 0
        for _is_th, text, rs, cs in cells:
            col = _fill_pending(pending, out, col)
            for c in range(col, col + cs):
                out[c] = text
                if rs > 1:
                    pending[c] = (rs, text)
            col += cs
        for c in sorted(k for k in pending if k not in out):  # spans at or right of the last cell
            _fill_pending(pending, out, c)
        for c, (left, text) in list(pending.items()):
            if left <= 1:
                del pending[c]
            else:
                pending[c] = (left - 1, text)
        width = max(out) + 1 if out else 0
        grid.append([out.get(c, "") for c in range(width)])
        total += width
        if total > MAX_CELLS:
            raise InputError("HTML table is too large to read", "split the README or pass --table")
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]


def _fill_pending(pending: dict[int, tuple[int, str]], out: dict[int, str], col: int) -> int:
    """Place cells still covered by a rowspan from above, starting at ``col``; return the next free column."""
    while col in pending and col not in out:
        out[col] = pending[col][1]
        col += 1
    return col


_NUMBERISH = re.compile(r"\d")


def _extend_text_header(grid: list[list[str]], header_rows: int) -> int:
    """Rows right below the header whose every cell is non-empty text without digits are header too.

    (An HTML table may mark only its upper header rows with ``<th>``: ``Test 3 | Development`` over
    ``<td>Val</td><td>Dom</td>...``.)
    """
    k = header_rows
    while 0 < k < len(grid) - 1:
        texts = [_strip_tags(c) for c in grid[k]]
        if len(set(texts)) > 1 and all(t and not _NUMBERISH.search(t) for t in texts):
            k += 1
        else:
            break
    return k
