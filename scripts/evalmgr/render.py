"""Everything the CLI prints: data on stdout (YAML, JSON, tables), status and errors on stderr.

All output passes through :func:`redact`, so a secret from the environment (HF_TOKEN, AA_API_KEY)
never reaches a terminal, a log or a CI transcript, even inside a server's error message.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .commands import Collected
    from .errors import EvalManagerError, Problem
    from .extract import TableSummary
    from .publish import Change, Outcome
    from .result import Result
    from .sources.paper import PaperReport, PaperText

SECRET_VARS = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "AA_API_KEY")
QUIET = False  # -q/--quiet: warnings and status lines are not printed (results and errors always are)


def secrets() -> list[str]:
    found = [os.environ.get(v, "") for v in SECRET_VARS]
    try:  # the cached login, if any, without importing huggingface_hub for nothing
        if "huggingface_hub" in sys.modules:
            from huggingface_hub import get_token

            found.append(get_token() or "")
    except Exception:  # noqa: BLE001 - redaction must never fail the command
        pass
    return [s for s in found if len(s) >= 8]


def redact(text: str) -> str:
    for s in secrets():
        text = text.replace(s, "***")
    return text


def out(text: str = "") -> None:
    sys.stdout.write(redact(text) + "\n")


def err(text: str) -> None:
    sys.stderr.write(redact(text) + "\n")


def note(text: str) -> None:
    """A warning or status line on stderr, unless -q/--quiet."""
    if not QUIET:
        err(text)


def emit_json(data: Any) -> None:
    """Strict JSON: a value that is not a finite number is written as null, never as bare NaN / Infinity."""
    out(json.dumps(_finite(data), indent=2, ensure_ascii=False, default=str, allow_nan=False))


def _finite(data: Any) -> Any:
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return data


def result_json(s: Result) -> dict[str, Any]:
    """A result as the JSON output shows it (what the source printed, and what it resolved to)."""
    p = s.provenance
    obs = s.observation
    return {
        "benchmark": s.label,
        "setting": obs.setting if obs else None,
        "value": s.value,
        "dataset_id": s.dataset_id,
        "task_id": s.task_id,
        "benchmark_key": s.benchmark_key,
        "notes": s.notes,
        "table": obs.table if obs else None,
        "location": s.location,
        "date": s.date,
        "source": {k: v for k, v in (p.__dict__ if p else {}).items() if v} or None,
        "warnings": list(s.warnings),
    }


# --------------------------------------------------------------------------- results


def print_collected(fmt: str, collected: Collected, change: Change, outcome: Outcome) -> int:
    """Print the results and the verdict in ``fmt`` (json, or text); exit 1 when the change is refused (preview
    and write alike)."""
    refused = [*map(str, collected.refused), *(r.message for r in outcome.refusals)]
    if fmt == "json":
        emit_json({
            "repo_id": collected.repo_id,
            "results": [result_json(s) for s in collected.results],
            "notes": collected.notes,
            "warnings": collected.warnings,
            "refused": refused,
            **collected.extra,
            "publish": outcome.to_json(),
        })
    else:
        for n in collected.notes:
            note(f"note: {n}")
        if outcome.status in ("preview", "written"):
            for path, text in sorted(outcome.files.items()):
                out(f"# {path}")
                out(text.rstrip("\n"))
                out()
        for line in collected.extra.get("side_by_side", []):
            err(f"sources: {line}")
        for w in collected.warnings:
            note(f"warning: {w}")
        for r in collected.refused:
            err(f"refused: {r}")
        for refusal in outcome.refusals:
            err(f"refused: {refusal.message}" + (f"\n  hint: {refusal.error.hint}" if refusal.error.hint else ""))
        for p in outcome.problems:
            err(f"{p.severity}: {p.location}: {p.message}")
        for s in outcome.already_present:
            note(f"already present: {s.label} = {s.value:g}")
        if change.force:
            for c in outcome.conflicts:
                err(f"conflict (forced): {c.dataset_id} [{c.task_id}] {c.existing_value} -> {c.new_value}")
        if outcome.status == "preview" and not outcome.files and outcome.already_present:
            note("nothing new: every result is already present")
        else:
            note(outcome.message)
            if outcome.url and outcome.status != "preview":
                out(outcome.url)
    return 1 if outcome.status == "refused" else 0


def _jsonable(x: Any) -> Any:
    """An error's detail object as JSON: its fields, and the typed ``flags`` of a candidate."""
    data = dict(getattr(x, "__dict__", {})) or x
    if isinstance(data, dict) and "args" in data and hasattr(x, "flags"):
        data["args"] = list(data["args"])
        data["flags"] = x.flags
    return data


def print_error(exc: EvalManagerError, fmt: str) -> int:
    if fmt == "json":
        payload: dict[str, Any] = {"type": type(exc).__name__, "message": exc.message, "hint": exc.hint,
                                   "exit_code": exc.exit_code}
        for attr in ("candidates", "options", "problems", "conflicts"):
            if getattr(exc, attr, None):
                payload[attr] = [_jsonable(x) for x in getattr(exc, attr)]
        emit_json({"error": payload})
    err(f"error: {exc}")
    return exc.exit_code


# --------------------------------------------------------------------------- inspect-tables


def render_table(t: TableSummary) -> str:
    """Human-readable block for one table of ``inspect-tables`` (a :class:`evalmgr.extract.TableSummary`)."""
    where = " > ".join(t.headings) or "(no heading)"
    verdict = "yes" if t.is_evaluation else f"no ({t.not_evaluation_reason})"
    lines = [f"Table {t.number} ({t.kind}, line {t.line}) - {where}"]
    if t.caption:
        lines.append(f"  caption: {t.caption}")
    lines.append(f"  layout: {t.layout}; evaluation table: {verdict}")
    lines.append("  columns: " + " | ".join(f"[{i}] {c}" for i, c in enumerate(t.columns)))
    lines += [f"  {line}" for line in _render_roles(t.roles)]
    if t.model_rows:
        lines.append("  model rows: " + ", ".join(repr(r) for r in t.model_rows))
    for row in t.sample_rows:
        lines.append("    " + " | ".join(row))
    for step in t.next_steps:  # one, or one per candidate when the model is not located
        lines.append(f"  next: {step.command}" if step.label is None else
                     f"  next, if {step.label!r} is the model: {step.command}")
    return "\n".join(lines)


def _render_roles(roles: dict[str, Any]) -> list[str]:
    """The roles line(s) of a table: why a value was or was not read."""
    def cols(key: str) -> str:
        return ", ".join(str(c) for c in roles.get(key) or []) or "-"

    out = [
        f"roles: label column {roles.get('label_column') if roles.get('label_column') is not None else '-'}; "
        f"category columns {cols('category_columns')}; setting columns {cols('setting_columns')}; "
        f"value columns {cols('value_columns')}; not scores {cols('skipped_columns')}; "
        f"header rows {roles.get('header_rows')}"
    ]
    extra = []
    if roles.get("setting_rows"):
        extra.append("setting rows: " + ", ".join(roles["setting_rows"]))
    if roles.get("category_rows"):
        extra.append(f"category rows: {roles['category_rows']}")
    if roles.get("section_rows"):
        extra.append("section rows: " + ", ".join(roles["section_rows"]))
    if roles.get("harness"):
        extra.append("harness output (settings written Header=value)")
    extra.append(f"leaderboard: {roles.get('leaderboard') or 'none'}")
    extra.append(f"scale: {roles.get('scale')}")
    out.append("; ".join(extra))
    return out


def print_tables(tables: list[TableSummary], fmt: str) -> int:
    if fmt == "json":
        emit_json({"tables": [dataclasses.asdict(t) for t in tables]})
        return 0
    if not tables:
        err("no tables found in the card")
        return 0
    for t in tables:
        out(render_table(t))
        out()
    return 0


# --------------------------------------------------------------------------- papers


def print_paper_candidates(reports: list[tuple[PaperText, PaperReport]], fmt: str) -> int:
    if fmt == "json":
        emit_json({"papers": [
            {"id": paper.id, "title": paper.title, "kind": paper.kind,
             "candidates": [{**result_json(c.result), "page": c.page, "paper_table": c.table,
                             "confirmed": c.confirmed, "reason": c.reason} for c in report.candidates]}
            for paper, report in reports]})
        return 0
    for paper, report in reports:
        out(f"paper {paper.id}: {paper.title} ({paper.kind})")
        if not report.candidates:
            out("  no candidate scores for this model")
        for c in report.candidates:
            mark = "exact" if c.confirmed else "check"
            where = f"page {c.page}" if c.page else f"table {c.table}"
            out(f"  [{mark}] {c.result.label} = {c.result.value:g}  ({where}; {c.reason})")
    return 0


# --------------------------------------------------------------------------- show, validate, get-prs


def print_show(data: dict[str, Any], fmt: str) -> int:
    if fmt == "json":
        emit_json(data)
        return 0
    rows = data["results"]
    if not rows:
        out(f"no evaluation results in {data['repo_id'] or 'this repo'}")
    for r in rows:
        where = f"PR #{r['pr']}" if r["pr"] else "main"
        notes = f" ({r['notes']})" if r["notes"] else ""
        src = (r.get("source") or {}).get("name") or (r.get("source") or {}).get("url") or "-"
        out(f"{r['dataset_id']} [{r['task_id']}]{notes} = {r['value']}  {r['format']}:{r['file']} @ {where}  source: {src}")
    for p in data.get("problems", []):
        err(f"problem: {p}")
    return 0


def print_problems(problems: list[Problem], fmt: str) -> int:
    errors = [p for p in problems if p.severity == "error"]
    if fmt == "json":
        emit_json({"valid": not errors, "problems": [p.__dict__ for p in problems]})
    else:
        for p in problems:
            out(str(p))
        out(f"{'invalid' if errors else 'valid'}: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    return 1 if errors else 0


def print_prs(data: dict[str, Any], fmt: str) -> int:
    if fmt == "json":
        emit_json(data)
        return 0
    prs = data["pull_requests"]
    out(f"{len(prs)} open pull request(s) on {data['repo_id']}")
    for p in prs:
        flag = " [eval results: " + ", ".join(p["benchmarks"]) + "]" if p["touches_eval_results"] else ""
        out(f"#{p['num']} {p['title']} by {p['author']} ({p['created_at']}) {p['url']}{flag}")
    return 0
