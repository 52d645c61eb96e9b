"""Table discovery: both kinds, document order, spans, headings, captions, and hostile input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from evalmgr.errors import InputError
from evalmgr.tables import find_tables

CARDS = Path(__file__).parent / "fixtures" / "cards"


def card(name: str) -> str:
    return (CARDS / name).read_text(encoding="utf-8")


def test_numbers_markdown_and_html_tables_in_document_order() -> None:
    text = "| a | b |\n|---|---|\n| x | 1 |\n\n<table><tr><th>m</th></tr><tr><td>2</td></tr></table>\n\na|b\n-|-\ny|3\n"
    tables = find_tables(text)
    assert [(t.index, t.kind) for t in tables] == [(1, "markdown"), (2, "html"), (3, "markdown")]
    assert tables[2].rows == [["a", "b"], ["y", "3"]]


def test_skips_fenced_code_blocks_and_html_comments() -> None:
    tables = find_tables(card("columns_markdown.md"))
    assert len(tables) == 3  # the pipe "table" inside the python block is not counted
    assert not any("Revenue" in c for t in tables for r in t.rows for c in r)
    # a table inside an HTML comment keeps its number (publishers' tools count it) but is marked commented
    commented = "<!--\n## Hidden\n| a | b |\n|---|---|\n| x | 1 |\n-->\n\n| c | d |\n|---|---|\n| y | 2 |\n"
    tables = find_tables(commented)
    assert [(t.index, t.rows[0], t.commented) for t in tables] == [(1, ["a", "b"], True), (2, ["c", "d"], False)]
    assert tables[1].headings == []  # a heading inside the comment is no section


def test_front_matter_is_skipped_but_a_lone_rule_is_not_front_matter() -> None:
    assert find_tables(card("columns_markdown.md"))[0].headings[-1] == "Architecture"
    text = "---\n\n## Results\n\n| a | b |\n|---|---|\n| x | 1 |"
    tables = find_tables(text)
    assert len(tables) == 1 and tables[0].headings == ["Results"]


def test_headings_chain_and_caption() -> None:
    tables = find_tables(card("columns_markdown.md"))
    assert tables[1].headings == ["Kestrel 7B", "Evaluation"]
    assert tables[1].caption == "Core results for the 7B model are below."
    text = "Setext title\n============\n\n**Benchmarks**\n\n| a | b |\n|---|---|\n| x | 1 |\n"
    t = find_tables(text)[0]
    assert t.headings == ["Setext title"] and t.caption == "Benchmarks"


def test_pipe_tables_without_outer_pipes_tabs_and_no_final_newline() -> None:
    tables = find_tables(card("single_model.md"))
    assert tables[1].rows == [
        ["metric", "dev", "test"],
        ["f1", "95.1", "91.3"],
        ["precision", "95.0", "90.7"],
        ["recall", "95.3", "91.9"],
    ]
    assert tables[2].rows[1] == ["Tatoeba-test.zho.eng", "36.1", "0.548"]
    assert find_tables("| a | b |\n|---|---|\n| x | 1 |")[0].rows[-1] == ["x", "1"]


def test_header_and_separator_cell_counts_must_agree() -> None:
    assert find_tables("| a | b | c |\n|---|---|\n| x | 1 | 2 |\n") == []


def test_row_with_extra_cells_is_marked_malformed() -> None:
    t = find_tables("| a | b |\n|---|---|\n| x | 1 | 2 |\n| y | 3 |\n")[0]
    assert t.malformed_rows == [0]
    assert t.rows[1] == ["x", "1"]


def test_html_rowspan_colspan_and_multi_row_header() -> None:
    t = find_tables(card("html_spans.md"))[0]
    assert t.kind == "html" and t.header_rows == 2
    assert t.rows[0][2:5] == ["Zero-shot Captioning", "Zero-shot Captioning", "General VQA"]
    assert t.rows[1][:2] == ["Model type", "Model"]
    assert t.rows[1][4] == "VQAv2<sup>dev</sup>"
    assert [r[0] for r in t.rows[2:6]] == ["Generalist<br>Models"] * 4


def test_html_commented_rows_are_ignored_and_unclosed_rows_tolerated() -> None:
    tables = find_tables(card("html_spans.md"))
    labels = [r[1] for r in tables[0].rows]
    assert "Gannet-VL-Chat (4-shot)" not in labels
    assert [r[1] for r in tables[1].rows] == [
        "Benchmark",
        "Average Score",
        "cmbclin",
        "rarebench",
        "USMLE",
        "MMLU-anatomy",
    ]
    assert tables[1].rows[1][:2] == ["Average Score", "Average Score"]
    assert tables[1].rows[3][0] == "Clinical Practice"


def test_html_header_rows_of_td_text_extend_the_header() -> None:
    t = find_tables(card("single_model.md"))[3]
    assert t.header_rows == 3
    assert t.rows[1] == ["Test 3"] * 3 + ["Development"] * 3
    assert t.rows[3][0] == "0.577"


def test_unclosed_table_tag_ends_at_the_next_table() -> None:
    text = "<table><tr><td>a</td><td>1</td>\n\n<table><tr><td>b</td><td>2</td></tr></table>\n"
    tables = find_tables(text)
    assert [t.rows for t in tables] == [[["a", "1"]], [["b", "2"]]]


def test_hostile_spans_are_capped() -> None:
    t = find_tables("<table><tr><td rowspan=99999 colspan=99999>x</td></tr><tr><td>1</td></tr></table>")[0]
    assert t.rows[0][:200] == ["x"] * 200  # colspan capped at 200
    assert t.rows[1] == ["x"] * 200 + ["1"]  # the rowspan covers the next row; its cell comes after


def test_binary_garbage_is_a_clean_input_error() -> None:
    rng = random.Random(7)
    garbage = bytes(rng.getrandbits(8) for _ in range(200_000)).decode("latin-1")
    with pytest.raises(InputError, match="binary"):
        find_tables(garbage)
    replaced = bytes(rng.getrandbits(8) for _ in range(200_000)).decode("utf-8", errors="replace").replace("\x00", "")
    with pytest.raises(InputError):
        find_tables(replaced)


def test_five_megabyte_readme_is_fast() -> None:
    filler = "Prose with 7B, 2024-01-01, a | pipe and <b>tags</b>.\n\n" * 100_000
    text = filler + "| Model | MMLU |\n|---|---|\n| Foo-7B | 70.1 |\n" + filler
    tables = find_tables(text)
    assert len(text) > 5_000_000 and len(tables) == 1 and tables[0].rows[1] == ["Foo-7B", "70.1"]


def test_ten_thousand_row_table_is_fast() -> None:
    rows = "".join(f"| m{i} | {i % 100}.5 |\n" for i in range(10_000))
    t = find_tables("| Model | MMLU |\n|---|---|\n" + rows)[0]
    assert len(t.rows) == 10_001


def test_unclosed_html_with_many_rows_is_fast() -> None:
    t = find_tables("<table>" + "<tr><td>x</td><td>1</td>" * 20_000)[0]
    assert len(t.rows) == 20_000


def test_too_many_tables_is_refused() -> None:
    with pytest.raises(InputError, match="more than 2000 tables"):
        find_tables("| a | b |\n|---|---|\n| x | 1 |\n\n" * 2500)
