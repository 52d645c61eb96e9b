"""Paper source: finding a card's papers, reading them (Hub markdown or arXiv PDF), candidate scores."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from aa_emulator import serving
from evalmgr.errors import SourceError, UsageError
from evalmgr.hub import Hub
from evalmgr.registry import Registry
from evalmgr.sources.paper import (
    PaperText,
    fetch_paper_text,
    find_paper_ids,
    normalize_arxiv_id,
    pdf_pages,
    pdf_tables,
    candidates_from_paper,
)

FIXTURES = Path(__file__).parent / "fixtures" / "papers"
REPO = "tidepool/Orca-Lite-7B-Instruct"
PAPER_ID = "2501.01234"


# --------------------------------------------------------------------------- a PDF written by hand


def make_pdf(pages: list[list[tuple[int, int, str]]]) -> bytes:
    """A minimal PDF: one Helvetica text object per (x, y, text) item, pages of US-letter size."""
    objs: list[bytes] = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for items in pages:
        ops = []
        for x, y, text in items:
            esc = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /F1 10 Tf {x} {y} Td ({esc}) Tj ET")
        stream = "\n".join(ops).encode("latin-1")
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    pages_id = len(objs) + len(pages) + 1
    page_ids = []
    for k in range(len(pages)):
        objs.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 1 0 R >> >>"
                    b" /Contents %d 0 R >>" % (pages_id, k + 2))
        page_ids.append(len(objs))
    objs.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % p for p in page_ids), len(pages)))
    objs.append(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, len(objs), xref)
    return bytes(out)


def grid(rows: list[list[str]], top: int, xs: list[int]) -> list[tuple[int, int, str]]:
    """Place table rows: cell k of each row at x = xs[k], 16 points per row."""
    return [(xs[k], top - 16 * r, cell) for r, row in enumerate(rows) for k, cell in enumerate(row) if cell]


COLS = [72, 200, 310, 420]
PDF_PAGES = [
    [(72, 720, "Orca-Lite: Small Models that Punch Above Their Weight"),
     (72, 690, "We trained on 2.1T tokens in 2024 with 7B and 13B parameters."),
     (72, 674, "Seeds 1 2 3 were used; learning rate 3 10 4.")],
    [(72, 740, "Table 2: Results of the instruction-tuned models."),
     *grid([["Benchmark", "Llama-2-7B-Chat", "Orca-Lite-7B-Instruct", "Orca-Lite-13B-Instruct"],
            ["MMLU-Pro", "30.1", "61.2", "66.4"],
            ["GPQA Diamond", "22.0", "31.3", "35.5"],
            ["GSM8K", "25.4", "71.8", "80.3"]], 710, COLS),
     *grid([["IFEval", "40.0", "74.0", "78.5"]], 646, [72, 310, 420, 530]),  # shifted: under the wrong columns
     *grid([["HumanEval", "12.2", "", "55.0"]], 630, COLS),  # a missing cell: the row is not trusted
     (72, 560, "Our model wins on 3 of 4 benchmarks.")],
    [*grid([["Model", "MMLU-Pro", "IFEval"],
            ["Orca-Lite-7B-Instruct", "61.2", "74.0"],
            ["Llama-2-70B-Chat", "35.0", "61.7"]], 700, [72, 260, 360]),
     (72, 640, "Table 3: Comparison with larger models.")],
]


class Arxiv:
    """What ARXIV_BASE points at in these tests: ``GET /pdf/{id}`` from a dict, requests recorded."""

    def __init__(self, pdfs: dict[str, bytes]) -> None:
        self.pdfs = pdfs
        self.paths: list[str] = []
        self.failures: list[int] = []  # statuses to answer first, one per request

    def handle(self, req: BaseHTTPRequestHandler) -> None:
        self.paths.append(req.path)
        if self.failures:
            req.send_response(self.failures.pop(0))
            req.send_header("Retry-After", "0")
            req.send_header("Content-Length", "0")
            req.end_headers()
            return
        body = self.pdfs.get(req.path.removeprefix("/pdf/"))
        req.send_response(200 if body is not None else 404)
        req.send_header("Content-Length", str(len(body or b"")))
        req.end_headers()
        req.wfile.write(body or b"")


@pytest.fixture()
def arxiv(monkeypatch):
    server = Arxiv({PAPER_ID: make_pdf(PDF_PAGES), "2501.00666": b"<html>not a pdf</html>"})
    with serving(server.handle) as base:
        monkeypatch.setenv("ARXIV_BASE", base)
        yield server


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture(scope="module")
def md_paper() -> PaperText:
    return PaperText(PAPER_ID, "Orca-Lite", (FIXTURES / "orca_lite.md").read_text(), "markdown")


@pytest.fixture(scope="module")
def pdf_paper() -> PaperText:
    pages = pdf_pages(make_pdf(PDF_PAGES))
    return PaperText(PAPER_ID, "Orca-Lite", "\n\f".join(pages), "pdf", pages)


def summary(report) -> dict[tuple[str, float], tuple[bool, int | None, int]]:
    return {(c.result.label, c.result.value): (c.confirmed, c.page, c.table) for c in report.candidates}


def confirmed(report) -> dict[str, float]:
    return {c.result.label: c.result.value for c in report.candidates if c.confirmed}


# --------------------------------------------------------------------------- finding papers


def test_find_paper_ids_from_tags_and_links():
    readme = """---
license: apache-2.0
tags:
- text-generation
- arxiv:2401.00001
---
# Model
Paper: [abs](https://arxiv.org/abs/2402.00002v2), [pdf](https://arxiv.org/pdf/2403.00003v1.pdf),
[html](https://arxiv.org/html/2404.00004v3), [hf](https://hf.co/papers/2405.00005),
[page](https://huggingface.co/papers/2406.12345), again https://arxiv.org/abs/2401.00001 and
doi 10.48550/arXiv.2407.00007. Cite as arXiv:1810.04805.
Not papers: version 2408.00008, https://example.com/abs/2409.00009, arxiv.org/abs/2410.123456.
"""
    assert find_paper_ids(readme) == [
        "2401.00001", "2402.00002", "2403.00003", "2404.00004", "2405.00005", "2406.12345", "2407.00007",
        "1810.04805",
    ]


def test_find_paper_ids_none():
    assert find_paper_ids("# A card\n\nNo paper here, see https://github.com/org/repo.\n") == []


@pytest.mark.parametrize("value", ["2501.01234", "2501.01234v3", "arXiv:2501.01234", " arxiv: 2501.01234v1 ",
                                   "https://arxiv.org/pdf/2501.01234v2", "https://huggingface.co/papers/2501.01234"])
def test_normalize_arxiv_id(value):
    assert normalize_arxiv_id(value) == "2501.01234"


@pytest.mark.parametrize("value", ["", "25.01234", "../../etc/passwd", "2501.01234/../x"])
def test_normalize_arxiv_id_refuses_other_text(value):
    with pytest.raises(UsageError):
        normalize_arxiv_id(value)


# --------------------------------------------------------------------------- reading papers


def test_hub_markdown_is_preferred(hub, arxiv):
    text = (FIXTURES / "orca_lite.md").read_text()
    hub.add_paper(PAPER_ID, "Orca-Lite: Small Models", "We present Orca-Lite.", markdown=text)
    paper = fetch_paper_text("arxiv:2501.01234v2", Hub())
    assert (paper.id, paper.kind, paper.title, paper.pages) == (PAPER_ID, "markdown", "Orca-Lite: Small Models", None)
    assert paper.text == text
    assert arxiv.paths == []


def test_pdf_when_the_hub_has_no_markdown(hub, arxiv):
    hub.add_paper(PAPER_ID, "Orca-Lite: Small Models", "We present Orca-Lite.")
    paper = fetch_paper_text(PAPER_ID, Hub())
    assert (paper.kind, paper.title, len(paper.pages)) == ("pdf", "Orca-Lite: Small Models", 3)
    assert arxiv.paths == [f"/pdf/{PAPER_ID}"]
    assert "Orca-Lite-7B-Instruct" in paper.pages[1]
    assert any("arXiv PDF" in w for w in paper.warnings)


def test_pdf_when_the_hub_does_not_know_the_paper(hub, arxiv):
    paper = fetch_paper_text(PAPER_ID, Hub())
    assert paper.kind == "pdf" and paper.title is None
    assert "HTTP 404" in paper.warnings[0]


def test_arxiv_busy_answers_are_retried(hub, arxiv):
    arxiv.failures = [503, 429]
    paper = fetch_paper_text(PAPER_ID, Hub())
    assert paper.kind == "pdf" and len(paper.pages) == 3
    assert arxiv.paths == [f"/pdf/{PAPER_ID}"] * 3


def test_missing_pdf_is_a_source_error(hub, arxiv):
    with pytest.raises(SourceError) as err:
        fetch_paper_text("2501.09999", Hub())
    assert "HTTP 404" in str(err.value)
    assert arxiv.paths == ["/pdf/2501.09999"]  # a final answer: not retried


def test_non_pdf_is_a_source_error(hub, arxiv):
    with pytest.raises(SourceError) as err:
        fetch_paper_text("2501.00666", Hub())
    assert "not a PDF" in str(err.value)


def test_broken_pdf_is_a_source_error():
    with pytest.raises(SourceError):
        pdf_pages(b"%PDF-1.4\n" + b"\x00garbage" * 100)


# --------------------------------------------------------------------------- PDF tables


def test_pdf_tables_are_rebuilt_conservatively(pdf_paper):
    tables = pdf_tables(pdf_paper.pages)
    assert [(t.page, t.caption) for t in tables] == [
        (2, "Table 2: Results of the instruction-tuned models."),
        (3, "Table 3: Comparison with larger models."),
    ]
    first, second = tables
    assert first.header == ["Benchmark", "Llama-2-7B-Chat", "Orca-Lite-7B-Instruct", "Orca-Lite-13B-Instruct"]
    # the shifted IFEval row and the HumanEval row with a missing cell are not trusted
    assert [r[0] for r in first.rows] == ["MMLU-Pro", "GPQA Diamond", "GSM8K"]
    assert second.rows == [["Orca-Lite-7B-Instruct", "61.2", "74.0"], ["Llama-2-70B-Chat", "35.0", "61.7"]]


def test_prose_with_numbers_is_not_a_table():
    pages = pdf_pages(make_pdf([PDF_PAGES[0]]))
    assert pdf_tables(pages) == []


# --------------------------------------------------------------------------- candidate scores


def test_markdown_paper_candidates(md_paper, registry):
    report = candidates_from_paper(md_paper, REPO, registry=registry)
    assert confirmed(report) == {"GPQA Diamond": 31.3, "GSM8K": 71.8, "HumanEval": 48.2, "IFEval": 74.0}
    got = summary(report)
    # MMLU-Pro: tables 2 and 3 disagree -> shown, never confirmed
    assert got[("MMLU-Pro", 61.2)] == (False, None, 2) and got[("MMLU-Pro", 60.9)] == (False, None, 3)
    mmlu_pro = next(c for c in report.candidates if c.result.value == 61.2)
    assert "different values" in mmlu_pro.reason
    # a label the registry does not know is a candidate only
    assert got[("Orca Helpfulness Score", 8.1)][0] is False
    # nothing from the base table (other model), the hyperparameter table or the -v2 column
    assert {c.table for c in report.candidates} == {2, 3}
    assert 63.0 not in {c.result.value for c in report.candidates}


def test_candidates_carry_paper_provenance_and_location(md_paper, registry):
    report = candidates_from_paper(md_paper, REPO, registry=registry)
    gpqa = next(c for c in report.candidates if c.result.label == "GPQA Diamond")
    assert (gpqa.result.dataset_id, gpqa.result.task_id) == ("Idavidrein/gpqa", "diamond")
    assert gpqa.result.provenance.kind == "paper"
    assert gpqa.result.provenance.url == f"https://arxiv.org/abs/{PAPER_ID}"
    assert gpqa.result.provenance.name == "Orca-Lite"
    assert "table 2" in gpqa.result.location and "Orca-Lite-7B-Instruct" in gpqa.result.location


def test_prefix_traps_select_only_their_own_column(md_paper, registry):
    v2 = candidates_from_paper(md_paper, "tidepool/Orca-Lite-7B-Instruct-v2", registry=registry)
    assert confirmed(v2) == {"MMLU-Pro": 63.0, "GPQA Diamond": 32.0, "GSM8K": 72.5, "HumanEval": 50.1}
    big = candidates_from_paper(md_paper, "tidepool/Orca-Lite-13B-Instruct", registry=registry)
    assert confirmed(big) == {"MMLU-Pro": 66.4, "GPQA Diamond": 35.5, "GSM8K": 80.3, "HumanEval": 55.0,
                              "IFEval": 78.5}


def test_base_repo_takes_the_base_table(md_paper, registry):
    report = candidates_from_paper(md_paper, "tidepool/Orca-Lite-7B", registry=registry)
    assert confirmed(report) == {"MMLU": 58.0, "GSM8K": 40.2, "HellaSwag": 79.5}


def test_base_table_is_never_confirmed_for_a_chat_repo(md_paper, registry):
    report = candidates_from_paper(md_paper, "tidepool/Orca-Lite-7B-Chat", model_name="Orca-Lite-7B", registry=registry)
    assert {(c.result.label, c.result.value) for c in report.candidates} == {
        ("MMLU", 58.0), ("GSM8K", 40.2), ("HellaSwag", 79.5)}
    assert confirmed(report) == {}
    assert all("base" in c.reason for c in report.candidates)


def test_relaxed_model_match_is_a_candidate_only(registry):
    text = """## Chat models

| Benchmark | Orca-Lite-7B | Llama-2-7B-Chat | Mistral-7B-Instruct |
|---|---|---|---|
| GPQA Diamond | 31.3 | 22.0 | 28.1 |
"""
    report = candidates_from_paper(PaperText(PAPER_ID, None, text, "markdown"), REPO, registry=registry)
    assert [(c.result.value, c.confirmed) for c in report.candidates] == [(31.3, False)]
    assert "relaxed" in report.candidates[0].reason
    assert any("not an exact name match" in w for w in report.warnings)


def test_model_absent_from_the_paper_gives_nothing(md_paper, registry):
    report = candidates_from_paper(md_paper, "someone/Unrelated-3B", registry=registry)
    assert report.candidates == []


@pytest.mark.parametrize(("label", "expected"), [
    ("GPQA Diamond", [("GPQA Diamond", 31.3, True)]),
    ("gpqa_diamond", [("GPQA Diamond", 31.3, True)]),
    ("MMLU-Pro", [("MMLU-Pro", 61.2, False), ("MMLU-Pro", 60.9, False)]),
    ("orca helpfulness score", [("Orca Helpfulness Score", 8.1, False)]),
])
def test_benchmark_filter(md_paper, registry, label, expected):
    report = candidates_from_paper(md_paper, REPO, benchmark=label, registry=registry)
    assert [(c.result.label, c.result.value, c.confirmed) for c in report.candidates] == expected


def test_benchmark_filter_never_widens_mmlu_to_mmlu_pro(md_paper, registry):
    report = candidates_from_paper(md_paper, REPO, benchmark="MMLU", registry=registry)
    assert report.candidates == []
    assert any("'MMLU' was not found" in w for w in report.warnings)


def test_pdf_paper_candidates(pdf_paper, registry):
    report = candidates_from_paper(pdf_paper, REPO, registry=registry)
    assert {(c.result.label, c.result.value, c.page, c.confirmed) for c in report.candidates} == {
        ("MMLU-Pro", 61.2, 2, True), ("GPQA Diamond", 31.3, 2, True), ("GSM8K", 71.8, 2, True),
        ("MMLU-Pro", 61.2, 3, False),  # same value again: confirmed once
        ("IFEval", 74.0, 3, True),
    }
    first = report.candidates[0]
    assert "Page 2: Table 2" in first.result.location
    assert "HumanEval" not in {c.result.label for c in report.candidates}


def test_pdf_without_tables_warns(registry):
    pages = pdf_pages(make_pdf([PDF_PAGES[0]]))
    report = candidates_from_paper(PaperText(PAPER_ID, None, pages[0], "pdf", pages), REPO, registry=registry)
    assert report.candidates == []
    assert "no result table" in report.warnings[0]


def test_hub_markdown_end_to_end(hub, arxiv, registry):
    hub.add_paper(PAPER_ID, "Orca-Lite", "We present Orca-Lite.", markdown=(FIXTURES / "orca_lite.md").read_text())
    readme = f"---\ntags:\n- arxiv:{PAPER_ID}\n---\n# Orca-Lite-7B-Instruct\n"
    (pid,) = find_paper_ids(readme)
    report = candidates_from_paper(fetch_paper_text(pid, Hub()), REPO, registry=registry)
    assert confirmed(report)["GPQA Diamond"] == 31.3


@pytest.mark.parametrize(("heading", "is_confirmed"), [
    ("Base models on reasoning and instruction following", False),
    ("Pre-trained checkpoints", False),
    ("Chat models", True),
    ("Instruction-tuned models and base models", True),  # speaks of both: the column name decides
    ("Models trained based on our recipe", True),
    ("Fine-tuning on top of a base on math", True),  # "base on" is not about base models
])
def test_section_variant_against_an_instruct_repo(registry, heading, is_confirmed):
    text = f"## {heading}\n\n| Benchmark | Orca-Lite-7B | Other-7B |\n|---|---|---|\n| GSM8K | 71.8 | 20.0 |\n"
    report = candidates_from_paper(PaperText(PAPER_ID, None, text, "markdown"), REPO, model_name="Orca-Lite-7B",
                               registry=registry)
    assert [(c.result.value, c.confirmed) for c in report.candidates] == [(71.8, is_confirmed)]
