# /// script
# requires-python = ">=3.10"
# dependencies = ["markdown-it-py>=3.0", "pyyaml>=6.0", "huggingface_hub>=2.4,<3"]
# ///
"""Should the card's markdown tables be parsed with markdown-it-py? Speed and agreement against our scanner.

For every card of a corpus (default: the mirror beside the project), the markdown pipe tables found by
``evalmgr.tables.find_tables`` are compared with the GFM tables markdown-it-py finds (``commonmark`` with the
``table`` rule): same number of tables, and the same grid of cell texts (whitespace collapsed; markdown-it's
inline markup and our raw text compared after removing ``*``, ``_`` and backticks). HTML tables are left out:
markdown-it does not parse them. Prints one JSON line of totals.

    uv run scripts/bench_markdown_it.py [CARDS_DIR]
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evalmgr.errors import InputError  # noqa: E402
from evalmgr.tables import find_tables  # noqa: E402
from markdown_it import MarkdownIt  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "mirror" / "cards"


def norm(cell: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*_`]|\\(?=\|)", "", cell)).strip()


def md_it_tables(parser: MarkdownIt, text: str) -> list[list[list[str]]]:
    """Every GFM table as a grid of cell texts (inline source of each th/td)."""
    tables: list[list[list[str]]] = []
    rows: list[list[str]] | None = None
    row: list[str] | None = None
    for token in parser.parse(text):
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(norm(token.content))
        elif token.type == "tr_close" and rows is not None and row is not None:
            rows.append(row)
            row = None
        elif token.type == "table_close" and rows is not None:
            tables.append(rows)
            rows = None
    return tables


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    cards = sorted(folder.glob("*.md"))
    parser = MarkdownIt("commonmark").enable("table")
    ours_s = theirs_s = 0.0
    totals: dict[str, float] = {"cards": 0, "tables_ours": 0, "tables_markdown_it": 0, "cards_same_count": 0, "tables_same_grid": 0}
    for path in cards:
        text = path.read_text(encoding="utf-8", errors="replace")
        start = time.perf_counter()
        try:
            ours = [t for t in find_tables(text) if t.kind == "markdown"]
        except InputError:
            continue
        ours_s += time.perf_counter() - start
        start = time.perf_counter()
        theirs = md_it_tables(parser, text)
        theirs_s += time.perf_counter() - start
        totals["cards"] += 1
        totals["tables_ours"] += len(ours)
        totals["tables_markdown_it"] += len(theirs)
        totals["cards_same_count"] += len(ours) == len(theirs)
        grids = [[[norm(c) for c in r] for r in t.rows] for t in ours]
        totals["tables_same_grid"] += sum(1 for g in grids if g in theirs)
    totals.update(seconds_ours=round(ours_s, 2), seconds_markdown_it=round(theirs_s, 2))
    print(json.dumps(totals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
