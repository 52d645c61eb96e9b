"""What each source says about one model, side by side, and the checks run before anything is published.

Sources (card tables, Artificial Analysis, the card's papers, our own logs) are read with the same strictness
as the commands that publish from them: a refused table, an unconfirmed paper number or an ambiguous AA model
gives no value, only a note saying why. Two sources that give the same benchmark (same Hub dataset, task
and setup) values further apart than the tolerance are a warning naming both (a refusal with ``--strict``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import EvalManagerError, UsageError
from .request import AAOptions, AddEvalRequest, ImportAARequest, online
from .result import Result

if TYPE_CHECKING:
    from .commands import Collected
    from .hub import Hub
    from .registry import Registry
    from .request import CollectRequest, Context
    from .sources.aa import AAModel

SOURCES = ("model_card", "aa", "paper")
LABELS = {"model_card": "model card", "aa": "Artificial Analysis", "paper": "paper", "logs": "log",
          "manual": "given value"}


class CheckRefusedError(EvalManagerError):
    """--strict: sources disagree beyond the tolerance, or a value is off its leaderboard's scale."""


@dataclass
class SourceValues:
    """The results one source gives for a model (registered or not), or the note why it gave none."""

    source: str
    results: list[Result] = field(default_factory=list)
    note: str | None = None


def key_of(s: Result) -> tuple[str, str, str | None] | None:
    """What makes two values comparable: the Hub benchmark (dataset, task) and the setup variant."""
    return (s.dataset_id, s.task_id, s.variant) if s.dataset_id and s.task_id else None


def label(source: str) -> str:
    return LABELS.get(source, source)


# --------------------------------------------------------------------------- reading each source


def from_card(text: str | None, repo_id: str, sha: str | None, reg: Registry) -> SourceValues:
    """The card's scores, pinned to the revision read."""
    from .evidence import pin_card
    from .sources.card import observations_from_card

    if not text:
        return SourceValues("model_card", note="the repo has no README.md")
    try:
        report = observations_from_card(text, repo_id)
    except EvalManagerError as exc:
        return SourceValues("model_card", note=exc.message.splitlines()[0])
    note = "; ".join(map(str, report.refusals)) or None
    return SourceValues("model_card", reg.results(pin_card(report.observations, text, repo_id, sha)), note)


def from_papers(text: str | None, repo_id: str, hub: Hub, reg: Registry) -> SourceValues:
    """Confirmed numbers (exact benchmark, exact model) from the papers the card links."""
    from .evidence import pin_paper
    from .sources.paper import fetch_paper_text, find_paper_ids, candidates_from_paper

    ids = find_paper_ids(text or "")
    if not ids:
        return SourceValues("paper", note="the card links no paper")
    out = SourceValues("paper")
    notes = []
    for pid in ids:
        try:
            paper = fetch_paper_text(pid, hub)
            report = candidates_from_paper(paper, repo_id, registry=reg)
        except EvalManagerError as exc:
            notes.append(f"arXiv:{pid}: {exc.message.splitlines()[0]}")
            continue
        out.results += [pin_paper(c.result, paper, c.page, c.table) for c in report.candidates if c.confirmed]
    out.note = "; ".join(notes) or (None if out.results else "no confirmed value in " + ", ".join(ids))
    return out


def aa_models() -> tuple[list[AAModel] | None, str | None]:
    """AA's model list (cached for a day), or why it is not consulted (no key and no cache is not an error)."""
    from .sources.aa import fetch_models

    try:
        return fetch_models(), None
    except EvalManagerError as exc:
        if not os.environ.get("AA_API_KEY"):
            return None, "not consulted: AA_API_KEY is not set"
        return None, exc.message.splitlines()[0]


def from_aa(models: list[AAModel] | None, why: str | None, repo_id: str, reg: Registry, creator_slug: str | None = None,
            model_name: str | None = None) -> SourceValues:
    """The AA model that is exactly this repo's (never a reasoning/effort variant picked by guess)."""
    from .sources.aa import aa_results, find_model

    if models is None:
        return SourceValues("aa", note=why)
    try:
        model = find_model(models, creator_slug=creator_slug, model_name=model_name, repo_id=repo_id)
    except EvalManagerError as exc:
        return SourceValues("aa", note=exc.message.splitlines()[0])
    return SourceValues("aa", aa_results(model, reg)[1])


# --------------------------------------------------------------------------- comparing


@dataclass
class Comparison:
    """One published value and what the other sources give for the same benchmark."""

    score: Result
    others: list[tuple[str, Result]]
    tolerance: float

    @property
    def disagreeing(self) -> list[tuple[str, Result]]:
        return [(src, o) for src, o in self.others if abs(o.value - self.score.value) > self.tolerance + 1e-9]

    def warning(self) -> str | None:
        bad = self.disagreeing
        if not bad:
            return None
        took = self.score.provenance.kind if self.score.provenance else "manual"
        parts = ", ".join(f"{label(src)} gives {o.value:g}" for src, o in bad)
        return (f"cross-check: {self.score.label}: {label(took)} gives {self.score.value:g}, {parts} "
                f"(more than {self.tolerance:g} apart)")

    def to_json(self) -> dict[str, Any]:
        p = self.score.provenance
        return {
            "benchmark": self.score.label, "dataset_id": self.score.dataset_id, "task_id": self.score.task_id,
            "took": {"source": p.kind if p else "manual", "value": self.score.value, "url": p.url if p else None},
            "others": [{"source": src, "value": o.value, "url": o.provenance.url if o.provenance else None,
                        "location": o.location, "agrees": abs(o.value - self.score.value) <= self.tolerance + 1e-9}
                       for src, o in self.others],
        }

    def side_by_side(self) -> str:
        took = self.score.provenance.kind if self.score.provenance else "manual"
        cells = [f"{label(took)} {self.score.value:g} (taken)"] + [f"{label(s)} {o.value:g}" for s, o in self.others]
        return f"{self.score.label}: " + " | ".join(cells)


def compare(scores: list[Result], reports: list[SourceValues], tolerance: float) -> list[Comparison]:
    """For each registered score, the other sources' values of the same benchmark and setup."""
    out = []
    for s in scores:
        key = key_of(s)
        if key is None:
            continue
        others = [(r.source, o) for r in reports for o in r.results if key_of(o) == key]
        if others:
            out.append(Comparison(s, others, tolerance))
    return out


# --------------------------------------------------------------------------- before publishing


def other_sources(req: CollectRequest, ctx: Context, repo_id: str, primary: set[str]) -> list[SourceValues]:
    """Every source but the ones the results came from, for the request's repo."""
    from .commands import repo_state

    reg = ctx.registry
    state = repo_state(req.input, ctx)
    reports = []
    if "model_card" not in primary:
        reports.append(from_card(state.readme, repo_id, state.sha, reg))
    if "paper" not in primary:
        reports.append(from_papers(state.readme, repo_id, ctx.hub, reg))
    if "aa" not in primary:
        models, why = aa_models()
        aa = req.aa if isinstance(req, (AddEvalRequest, ImportAARequest)) else AAOptions()
        reports.append(from_aa(models, why, repo_id, reg, aa.creator_slug, aa.model_name))
    return reports


def review(req: CollectRequest, ctx: Context, collected: Collected) -> None:
    """Cross-source check (``--cross-check``) and leaderboard sanity (when the command reads the Hub anyway).

    Results go into ``collected`` (warnings; in JSON ``cross_check``, ``leaderboard_flags`` and ``check_flags``,
    every disagreement and flag together); with
    ``--strict`` a disagreement or a flag refuses the whole change.
    """
    opts, repo_id = req.publish, req.input.repo_id
    problems: list[str] = []
    if opts.cross_check and not repo_id:
        raise UsageError("--cross-check needs --repo-id: the other sources are found from the repo")
    if opts.cross_check and repo_id:
        primary: set[str] = {s.provenance.kind for s in collected.results if s.provenance}
        reports = other_sources(req, ctx, repo_id, primary)
        tolerance = opts.tolerance
        comparisons = compare(collected.results, reports, tolerance)
        collected.extra["cross_check"] = {
            "tolerance": tolerance,
            "comparisons": [c.to_json() for c in comparisons],
            "sources": {r.source: {"values": len(r.results), "note": r.note} for r in reports},
        }
        collected.extra["side_by_side"] = [c.side_by_side() for c in comparisons]
        problems += [w for c in comparisons if (w := c.warning())]
        collected.warnings += [f"{label(r.source)} (cross-check): {r.note}" for r in reports if r.note]
    if online(req.input, opts):
        from .sanity import check_scores

        flags, notes = check_scores(ctx.hub, collected.results, repo_id, ctx.registry)
        collected.extra["leaderboard_flags"] = flags
        problems += flags
        collected.warnings += notes
    collected.warnings += problems
    collected.extra["check_flags"] = problems
    if problems and opts.strict:
        raise CheckRefusedError("--strict: nothing was published:\n" + "\n".join(f"  {p}" for p in problems),
                                "check the sources named above; publish the right value with --value and its "
                                "--source-url, or drop --strict to publish with the warning")
