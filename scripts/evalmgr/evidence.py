"""Evidence that does not move: a source URL that points at the exact place a value was read.

A card changes after a result is published; a link to the model page then shows another table or none.
So a card value links to the card's commit that was read and the line of the table row
(``.../blob/<commit>/README.md#L182``), a paper value to its PDF page (or names the table), and an
uploaded log to the log file at the upload commit.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .observation import Observation, Provenance
from .result import Result

if TYPE_CHECKING:
    from .sources.paper import PaperText
    from .tables import Table

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
MAX_TABLE_LINES = 5000


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def table_row_line(lines: list[str], table: Table, score: Observation) -> int:
    """1-based line of the row that holds ``score`` in ``table`` (``lines``: the card's lines); the table's first
    line when no single row line holds the value."""
    start = table.line - 1
    window = []
    for i in range(start, min(len(lines), start + MAX_TABLE_LINES)):
        window.append(i)
        line = lines[i]
        if (table.kind == "markdown" and i > start and not line.strip()) or "</table>" in line.lower():
            break
    with_value = [i for i in window if any(_same(tok, score.value) for tok in _NUMBER.findall(lines[i]))]
    label = _norm(score.label)
    labelled = [i for i in with_value if label and label in _norm(lines[i])]
    for hits in (labelled, with_value):
        if len(hits) == 1:
            return hits[0] + 1
    return table.line


def _same(token: str, value: float) -> bool:
    try:
        return abs(float(token) - value) < 1e-9
    except ValueError:
        return False


def pin_card(observations: list[Observation], text: str, repo_id: str | None, sha: str | None) -> list[Observation]:
    """Each card value with its source at ``blob/<sha>/README.md#L<row>`` (only for a card read from the Hub)."""
    from .tables import find_tables

    if not (repo_id and sha and observations):
        return observations
    tables = {t.index: t for t in find_tables(text)}
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    pinned = []
    for o in observations:
        p = o.provenance
        if p is not None and p.kind == "model_card" and p.url:
            table = tables.get(o.table) if o.table else None
            anchor = f"#L{table_row_line(lines, table, o)}" if table else ""
            o = replace(o, provenance=replace(p, url=f"{p.url.rstrip('/')}/blob/{sha}/README.md{anchor}"))
        pinned.append(o)
    return pinned


def pin_paper(result: Result, paper: PaperText, page: int | None, table: int) -> Result:
    """A paper value links to its PDF page when the page is known; the source name says the page, or the
    table (numbered in the order of the paper's text) when the paper was read as markdown."""
    p = result.provenance or Provenance(kind="paper", url=paper.url)
    title = p.name or f"arXiv:{paper.id}"
    where = f"page {page}" if page else f"table {table}"
    url = f"https://arxiv.org/pdf/{paper.id}#page={page}" if page else p.url
    return replace(result, provenance=replace(p, url=url, name=f"{title}, {where}"))


def log_file_url(repo_url: str, commit: str | None, folder: str, file_name: str) -> str:
    """The uploaded log file at the upload commit (the folder's tree URL when the commit is unknown)."""
    if not commit:
        return f"{repo_url}/tree/main/{folder}"
    return f"{repo_url}/blob/{commit}/{folder}/{file_name}"
