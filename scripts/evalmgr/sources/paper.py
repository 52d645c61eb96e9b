"""Linked papers as a score source.

A model's papers are found in its card (``arxiv:`` tags, arXiv and hf.co/papers links). The text
comes from the Hub's paper page as markdown (``GET {endpoint}/papers/{id}.md``, after
``GET {endpoint}/api/papers/{id}``), or else from the arXiv PDF (``GET {ARXIV_BASE}/pdf/{id}``)
read with pypdf. Result tables are located with the card machinery (:mod:`evalmgr.tables`,
:mod:`evalmgr.extract`): PDF tables are first rebuilt as markdown tables, conservatively (only
rows whose numbers line up one-to-one under a header line), so the model is located with exactly
the card's strictness. Every number is a candidate; only an exact registry benchmark and an exact
model match that nothing contradicts is ``confirmed``.
"""

from __future__ import annotations

import io
import os
import re
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .. import identity
from ..download import read_body
from ..errors import SourceError, UsageError
from ..hub import RetryLater, retry_budget, retryable, retrying
from ..observation import Provenance, SourceReport
from ..result import Result

if TYPE_CHECKING:
    from ..extract import TableSummary
    from ..hub import Hub
    from ..registry import Registry

ARXIV_DEFAULT_BASE = "https://arxiv.org"
MAX_PDF_BYTES = 60 * 1024 * 1024

_ID = r"(\d{4}\.\d{4,5})(?:v\d+)?(?!\d)"
_PAPER_REF = re.compile(
    r"(?:arxiv:\s*|arxiv\.org/(?:abs|pdf|html)/|(?:hf\.co|huggingface\.co)/papers/|10\.48550/arxiv\.)" + _ID,
    re.IGNORECASE,
)
_BARE_ID = re.compile(r"^\s*(?:arxiv:\s*)?" + _ID + r"\s*$", re.IGNORECASE)


@dataclass
class PaperText:
    """A paper's text: markdown from the Hub, or the PDF's text with one entry per page."""

    id: str
    title: str | None
    text: str
    kind: str  # "markdown" | "pdf"
    pages: list[str] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://arxiv.org/abs/{self.id}"


@dataclass
class PaperCandidate:
    """One number from a paper, resolved by the registry, with where it came from and whether it may be published."""

    result: Result
    page: int | None  # 1-based PDF page; None for markdown
    table: int  # 1-based table number within the paper (markdown) or within the rebuilt PDF tables
    confirmed: bool
    reason: str


@dataclass
class PaperReport(SourceReport):
    """The paper's observations, each judged as a candidate (only confirmed ones may be published)."""

    candidates: list[PaperCandidate] = field(default_factory=list)


# --------------------------------------------------------------------------- finding papers


def find_paper_ids(readme_text: str) -> list[str]:
    """arXiv ids from ``arxiv:`` tags, arXiv / hf.co/papers links and arXiv DOIs, in order of first mention."""
    ids: list[str] = []
    for m in _PAPER_REF.finditer(readme_text):
        if m.group(1) not in ids:
            ids.append(m.group(1))
    return ids


def normalize_arxiv_id(value: str) -> str:
    """``2501.12948v2``, ``arxiv:2501.12948`` or a paper URL -> ``2501.12948``."""
    m = _BARE_ID.match(value) or _PAPER_REF.search(value)
    if not m:
        raise UsageError(f"not an arXiv id: {value!r}", hint="give an id like 2501.12948 (versions are ignored)")
    return m.group(1)


# --------------------------------------------------------------------------- reading papers


def fetch_paper_text(arxiv_id: str, hub: Hub, arxiv_base: str | None = None) -> PaperText:
    """The paper's markdown from the Hub when it has it, else the arXiv PDF's text.

    The Hub's paper page is read through ``hub`` (its endpoint and token); ``arxiv_base`` defaults to
    ``$ARXIV_BASE`` or https://arxiv.org.
    """
    pid = normalize_arxiv_id(arxiv_id)
    title, markdown, why = hub.call(f"reading paper {pid}", _hub_paper, hub, pid)
    if markdown is not None and markdown.strip():
        return PaperText(pid, title, markdown, "markdown")
    warnings = [why or "the Hub's paper page has no text; reading the arXiv PDF"]
    pages = pdf_pages(_download_pdf(pid, arxiv_base))
    return PaperText(pid, title, "\n\f".join(pages), "pdf", pages, warnings)


def _hub_paper(hub: Hub, pid: str) -> tuple[str | None, str | None, str | None]:
    """The Hub paper page's title and markdown; when the Hub answers with an error instead (404: it has no page
    for the paper), why the arXiv PDF is read. Not retried: the PDF is the other way to the text."""
    from huggingface_hub.errors import HfHubHTTPError

    title = None
    try:
        title = hub.api.paper_info(pid).title
        return title, hub.api.read_paper(pid), None
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "no response"
        return title, None, f"no paper text on the Hub for {pid} (HTTP {status}); reading the arXiv PDF"


def _download_pdf(pid: str, arxiv_base: str | None) -> bytes:
    """The arXiv PDF; 429/5xx answers are retried (the Hub's retry policy), any other answer is an error."""
    import requests

    base = (arxiv_base or os.environ.get("ARXIV_BASE") or ARXIV_DEFAULT_BASE).rstrip("/")
    url = f"{base}/pdf/{pid}"
    deadline = time.monotonic() + max(retry_budget(), 60.0)

    def attempt() -> bytes:
        try:
            resp = requests.get(url, timeout=60, stream=True)
            if resp.status_code == 200:
                return read_body(resp, deadline, MAX_PDF_BYTES, f"the PDF at {url}", "check the paper id or ARXIV_BASE")
            resp.close()
        except requests.RequestException as exc:
            raise SourceError(f"cannot download {url}: {type(exc).__name__}", hint="check the network or ARXIV_BASE") from None
        error = SourceError(f"arXiv answered HTTP {resp.status_code} for {url}",
                            hint="check the paper id; the PDF may be withdrawn (try --paper with another id)")
        if retryable(resp.status_code):
            raise RetryLater(resp.status_code, resp.headers.get("Retry-After"), error)
        raise error

    return retrying(attempt, deadline=deadline)


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text in pypdf's layout mode (columns stay apart by runs of spaces)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF"):
        raise SourceError("the downloaded paper is not a PDF", hint="check the paper id and ARXIV_BASE")
    try:
        reader = PdfReader(io.BytesIO(data))
        return [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"cannot read the PDF: {exc}", hint="confirm the numbers by hand with --value") from None


# --------------------------------------------------------------------------- PDF tables

_CELL = re.compile(r"\S+(?: \S+)*")  # cells are separated by two or more spaces
_VALUE = re.compile(r"^(?:[-+]?\d+(?:\.\d+)?%?[*†‡]*|[-–—])$")
_CAPTION = re.compile(r"^\s*(?:Table|TABLE)\s+\d+\s*[:.|]")
_CAPTION_REACH = 40  # lines above/below a table where its caption may be


@dataclass
class _PdfTable:
    page: int
    header: list[str]
    rows: list[list[str]]
    caption: str | None


def _cells(line: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _CELL.finditer(line)]


def _row_shape(cells: list[tuple[int, int, str]]) -> int:
    """Number of value cells of a ``label  num num ...`` row; 0 when the line is not such a row."""
    if len(cells) < 2 or _VALUE.match(cells[0][2]):
        return 0
    values = cells[1:]
    if not all(_VALUE.match(c[2]) for c in values) or not any(c[2][0].isdigit() for c in values):
        return 0
    return len(values)


def _aligned(header: list[tuple[int, int, str]], values: list[tuple[int, int, str]]) -> bool:
    """Every value sits under its own header cell: nearest header centre, in order, one-to-one."""
    centres = [(s + e) / 2 for s, e, _ in header]
    for j, (s, e, _) in enumerate(values):
        mid = (s + e) / 2
        if min(range(len(centres)), key=lambda k: abs(centres[k] - mid)) != j:
            return False
    return True


def pdf_tables(pages: list[str]) -> list[_PdfTable]:
    """Rebuild tables from layout text: a header line over >= 2 aligned ``label  num num`` rows."""
    tables = []
    for pno, page in enumerate(pages, start=1):
        lines = page.splitlines()
        i = 0
        while i < len(lines):
            cells = _cells(lines[i])
            n = _row_shape(cells)
            header_at = _header_above(lines, i)
            if not n or header_at is None:
                i += 1
                continue
            header = _cells(lines[header_at])
            value_header = header[-n:] if len(header) in (n, n + 1) else None
            rows, end, j = [], i, i
            while j < len(lines):
                cells = _cells(lines[j])
                j += 1
                if not cells or (len(cells) == 1 and not _VALUE.match(cells[0][2])):
                    continue  # blank line or category row inside the table
                if _row_shape(cells) != n:
                    break
                end = j
                if value_header and _aligned(value_header, cells[1:]):
                    rows.append([c[2] for c in cells])
            if value_header and len(rows) >= 2:
                label_title = header[0][2] if len(header) == n + 1 else ""
                tables.append(_PdfTable(pno, [label_title] + [c[2] for c in value_header], rows,
                                        _caption_near(lines, header_at, end)))
            i = max(end, i + 1)
    return tables


def _header_above(lines: list[str], i: int) -> int | None:
    """Index of the nearest non-blank line above ``i`` if it is not itself a numeric row."""
    k = i - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k < 0 or _row_shape(_cells(lines[k])):
        return None
    return k


def _caption_near(lines: list[str], top: int, bottom: int) -> str | None:
    """The nearest ``Table N:`` line above the header or below the last row (papers do both)."""
    above = [k for k in range(max(0, top - _CAPTION_REACH), top) if _CAPTION.match(lines[k])]
    below = [k for k in range(bottom, min(len(lines), bottom + _CAPTION_REACH)) if _CAPTION.match(lines[k])]
    k = above[-1] if above else (below[0] if below else None)
    return " ".join(lines[k].split()) if k is not None else None


def pdf_tables_markdown(tables: list[_PdfTable]) -> str:
    """Markdown pipe tables, one section each, so the card extractor reads them unchanged."""
    out = []
    for t in tables:
        title = f"Page {t.page}" + (f": {t.caption}" if t.caption else "")
        out.append(f"## {title.replace('|', '/')}\n")
        out.append(_md_row(t.header))
        out.append("|" + "---|" * len(t.header))
        out.extend(_md_row(r) for r in t.rows)
        out.append("")
    return "\n".join(out)


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


# --------------------------------------------------------------------------- scores

def candidates_from_paper(
    paper: PaperText,
    repo_id: str | None,
    model_name: str | None = None,
    benchmark: str | None = None,
    registry: Registry | None = None,
) -> PaperReport:
    """Candidate scores for the model from every paper table that names it.

    ``confirmed`` only when the label maps to a registry benchmark, the card matcher found the
    model's name exactly (not by a relaxed rule) in an evaluation table, the table's section does
    not speak of the other variant (base vs instruct), and no other table disagrees on the value.
    """
    from ..extract import describe_tables, extract

    if registry is None:
        from ..registry import Registry

        registry = Registry.load()
    report = PaperReport(warnings=list(paper.warnings))
    if paper.kind == "pdf":
        rebuilt = pdf_tables(paper.pages or [])
        doc, pages = pdf_tables_markdown(rebuilt), [t.page for t in rebuilt]
        if not rebuilt:
            report.warnings.append("no result table could be rebuilt from the PDF text")
    else:
        doc, pages = paper.text, None
    provenance = Provenance(kind="paper", url=paper.url, name=paper.title or f"arXiv:{paper.id}")
    repo_variant = identity.repo_variant(repo_id)
    for summary in describe_tables(doc, repo_id, model_name=model_name):
        if not (summary.model_columns or summary.model_rows):
            continue  # the model is not named in this table (single-model tables included)
        found = extract(doc, repo_id, table=summary.number, model_name=model_name)
        report.warnings += [f"arXiv:{paper.id} {w}" for w in [*found.warnings, *map(str, found.refusals)]]
        report.refusals += found.refusals
        context = " / ".join([*summary.headings[-1:], summary.caption or ""])
        page = pages[summary.number - 1] if pages else None
        relaxed = summary.number in found.relaxed
        where = f"PDF {summary.headings[-1]} (rebuilt table {summary.number})" if page else "markdown"
        for seen in found.observations:
            obs = replace(seen, provenance=provenance, heading=context,
                          location=f"arXiv:{paper.id} {where}: {seen.location}")
            report.observations.append(obs)
            (result,) = registry.results([obs])
            reason = _doubt(result, summary, relaxed, repo_variant, context)
            report.candidates.append(
                PaperCandidate(result, page, summary.number, reason is None, reason or "exact benchmark and model match")
            )
    _mark_conflicts(report.candidates)
    if benchmark:
        report.candidates = _only_benchmark(report.candidates, benchmark, registry)
        if not report.candidates:
            report.warnings.append(f"{benchmark!r} was not found for this model in arXiv:{paper.id}")
    return report


def _doubt(result: Result, summary: TableSummary, relaxed: bool, repo_variant: set[str],
           context: str) -> str | None:
    """Why this number must not be published without a human look, or None."""
    if result.dataset_id is None:
        return f"label {result.label!r} is not a registered benchmark with a Hub dataset"
    if not summary.is_evaluation:
        return f"not an evaluation table ({summary.not_evaluation_reason})"
    if relaxed:
        return "the model's name is not printed exactly in this table (relaxed match)"
    ctx = identity.context_variants(context)
    if repo_variant and ctx and not (ctx & repo_variant):
        return f"the table is about {'/'.join(sorted(ctx))} models, the repo is {'/'.join(sorted(repo_variant))}"
    return None


def _mark_conflicts(candidates: list[PaperCandidate]) -> None:
    """Unconfirm a benchmark that tables disagree on; confirm an agreed value once (first table).

    Only otherwise-confirmable candidates compete: a base-model table's value, already doubted,
    does not block the instruct table's value.
    """
    groups: dict[tuple, list[PaperCandidate]] = {}
    for c in candidates:
        if c.confirmed:
            key = (c.result.dataset_id, c.result.task_id, c.result.observation and c.result.observation.setting,
                   c.result.notes)
            groups.setdefault(key, []).append(c)
    for group in groups.values():
        values = sorted({c.result.value for c in group})
        tables = ", ".join(str(c.table) for c in group)
        for k, c in enumerate(group):
            if len(values) > 1:
                c.confirmed, c.reason = False, f"tables {tables} give different values {values} for this benchmark"
            elif k:
                c.confirmed, c.reason = False, f"same value as table {group[0].table} (confirmed there)"


def _only_benchmark(candidates: list[PaperCandidate], benchmark: str, registry: Registry) -> list[PaperCandidate]:
    """Candidates for one benchmark: by registry key when the name is registered, else by label."""
    match = registry.match(benchmark)
    if match is not None:
        return [c for c in candidates if c.result.benchmark_key == match.benchmark.key]
    wanted = benchmark.casefold().strip()
    return [c for c in candidates if c.result.label.casefold().strip() == wanted]
