"""What each subcommand does, as plain functions over parsed arguments.

A command reads its input (a local card, a local clone or the Hub), asks a source for scores,
maps them through the registry, and hands them to `finish`, which previews or publishes.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import AmbiguousScoreError, EvalManagerError, InputError, Problem, ScoreNotFoundError, UsageError
from .hub import README, Hub, RepoState
from .publish import Change, Outcome, Refusal, preview, publish_hub, publish_local, read_local_state
from .scores import Provenance, Score

if TYPE_CHECKING:
    from .extract import TableSummary
    from .prindex import FoundResult
    from .registry import Benchmark, Registry, RegistryMatch
    from .sources.paper import PaperReport, PaperText


@dataclass
class Collected:
    """Scores a command collected, before preview or publishing."""

    repo_id: str | None
    scores: list[Score]
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # source-specific JSON (e.g. AA indexes)
    notes: list[str] = field(default_factory=list)  # one-line facts the user should know (a default applied)
    blockers: list[Refusal] = field(default_factory=list)  # refusals found before planning (partial runs)


# --------------------------------------------------------------------------- inputs


def read_card_file(path: str | Path) -> str:
    """A README as text; a clear error for a missing, huge, binary or non-UTF-8 file."""
    from .files import read_text_file

    return read_text_file(path, "model card (README.md)")


def hub_for(args: argparse.Namespace) -> Hub:
    hub = getattr(args, "_hub", None)
    if hub is None:
        hub = args._hub = Hub()
    return hub


def repo_state(args: argparse.Namespace) -> RepoState:
    """The repo as the command sees it: --readme, else --repo-dir, else the Hub (--repo-id)."""
    if getattr(args, "readme", None):
        return RepoState(args.repo_id, "local", None, read_card_file(args.readme))
    if args.repo_dir:
        state = read_local_state(args.repo_dir)
        state.repo_id = args.repo_id
        return state
    if args.repo_id:
        return hub_for(args).read_state(args.repo_id, args.revision or "main")
    raise UsageError("no input: give " + _input_flags(args))


def _input_flags(args: argparse.Namespace) -> str:
    """The input flags this subcommand has (validate and import-* have no --readme)."""
    flags = (["--readme PATH"] if hasattr(args, "readme") else []) + ["--repo-dir PATH", "--repo-id ORG/NAME"]
    return ", ".join(flags[:-1]) + " or " + flags[-1]


def card_text(args: argparse.Namespace) -> tuple[RepoState, str]:
    state = repo_state(args)
    if not state.readme:
        raise InputError("the repo has no README.md",
                         "give --readme PATH (a local card)" if hasattr(args, "readme") else "add a README.md to the repo")
    return state, state.readme


def registry(args: argparse.Namespace) -> Registry:
    """The command's one Registry (bundled + --mapping), shared by its steps: task ids read later stay known."""
    reg = getattr(args, "_registry", None)
    if reg is None:
        from .registry import Registry

        reg = args._registry = Registry.load(getattr(args, "mapping", None))
    return reg


def attribute(scores: list[Score], args: argparse.Namespace, default: Provenance | None) -> None:
    """Apply --source-url/--source-name/... over the source's own attribution."""
    url = getattr(args, "source_url", None)
    name = getattr(args, "source_name", None)
    user = getattr(args, "source_user", None)
    org = getattr(args, "source_org", None)
    for s in scores:
        base = s.provenance or default or Provenance(kind="manual")
        if (name or user or org) and not (url or base.url):
            raise UsageError("--source-name/--source-user/--source-org need a --source-url")
        s.provenance = Provenance(
            kind=base.kind, url=url or base.url, name=name or base.name, user=user or base.user, org=org or base.org
        )


# --------------------------------------------------------------------------- card tables


def _card_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "table": getattr(args, "table", None),
        "model_name": getattr(args, "model_name_override", None),
        "model_column_index": getattr(args, "model_column_index", None),
    }


def inspect_tables(args: argparse.Namespace) -> list[TableSummary]:
    import shlex

    from .extract import describe_tables
    from .launcher import launcher

    _, text = card_text(args)
    registry(args)  # a --mapping file that cannot be read is an error here too, not silently ignored
    tables = describe_tables(text, args.repo_id, model_name=args.model_name_override)
    source = ["--readme", args.readme] if args.readme else ["--repo-dir", args.repo_dir] if args.repo_dir else []
    for t in tables:  # the next commands: same launcher as this one, reading the same input
        for step in t.next_steps:
            step.command = f"{launcher()} {shlex.join(['extract-readme', *source, *step.args])}"
        t.command = t.next_steps[0].command
    return tables


def card_scores(args: argparse.Namespace) -> Collected:
    """Every score of the model in the card's tables, mapped through the registry."""
    from .evidence import pin_card
    from .sources.card import scores_from_card

    state, text = card_text(args)
    report = scores_from_card(text, args.repo_id, **_card_options(args))
    reg = registry(args)
    reg.annotate(report.scores, contexts=table_contexts(text, report.tables_used))
    pin_card(report.scores, text, args.repo_id, state.sha)
    resolve_task_ids(args, reg, report.scores)
    attribute(report.scores, args, None)
    return Collected(args.repo_id, report.scores, list(report.warnings), list(report.refused))


def extract_readme(args: argparse.Namespace) -> Collected:
    collected = card_scores(args)
    if args.benchmark:
        reg = registry(args)
        collected.scores = [s for s in collected.scores if _is_benchmark(reg, s, args.benchmark)]
    if not collected.scores:
        refused = f" (refused: {'; '.join(collected.refused)})" if collected.refused else ""
        raise ScoreNotFoundError(
            f"no scores found for this model in the card's tables{refused}",
            "run inspect-tables and pass --table / --model-column-index / --model-name-override",
        )
    return collected


def table_contexts(text: str, tables: list[int]) -> dict[int, str]:
    """Each used table's headings and caption: they say which GPQA set, base or instruct, thinking or not."""
    from .tables import find_tables

    wanted = set(tables)
    return {t.index: " ".join([*t.headings, t.caption or ""]) for t in find_tables(text) if t.index in wanted}


def online(args: argparse.Namespace) -> bool:
    """Whether this command talks to the Hub anyway (so reading benchmark task ids costs nothing new)."""
    local = getattr(args, "readme", None) or getattr(args, "repo_dir", None)
    publishing = getattr(args, "create_pr", False) or getattr(args, "pr", None) is not None
    return bool(args.repo_id) and (not local or publishing) and os.environ.get("HF_HUB_OFFLINE") != "1"


def resolve_task_ids(args: argparse.Namespace, reg: Registry, scores: list[Score]) -> None:
    """Fill task ids the bundled registry lacks from the benchmark datasets' eval.yaml on the Hub."""
    missing = {s.dataset_id for s in scores if s.dataset_id and not s.task_id}
    if not missing or not online(args):
        return
    warnings = reg.load_hub_task_ids(hub_for(args), missing)
    for s in scores:
        if s.dataset_id in missing and not s.task_id and s.benchmark_key:
            b = reg.by_key(s.benchmark_key)
            s.task_id = b.task_id if b else None
            if not s.task_id:
                s.warnings.extend(w for w in warnings if s.dataset_id in w)


def _is_benchmark(reg: Registry, score: Score, wanted: list[str]) -> bool:
    """Whether a score is one of the wanted benchmarks: same registry entry, or the same label as printed."""
    keys = {m.benchmark.key for m in (reg.resolve_name(w)[0] for w in wanted) if m is not None}
    key = score.benchmark_key
    if key is None and (m := reg.match(score.benchmark, score.setting)) is not None:
        key = m.benchmark.key
    return key in keys or any(w.strip().lower() == score.benchmark.strip().lower() for w in wanted)


# --------------------------------------------------------------------------- add-eval


def add_eval(args: argparse.Namespace) -> Collected:
    """One benchmark: given by --value, or looked up in the source with the same strictness as extraction."""
    reg = registry(args)
    match, note = reg.resolve_name(args.benchmark)
    if args.source == "harness" and (args.value is None or not args.source_url):
        raise UsageError("--source harness is a result of the benchmark's own harness: give it with --value and "
                         "the run's evidence", "add --value X --source-url URL-OF-THE-RUN")
    if args.value is not None:
        collected = _given_value(args, reg, match)
        collected.notes += [note] if note else []
        return collected
    if args.source == "aa":
        collected = import_aa(args, only=[args.benchmark])
    elif args.source == "paper":
        collected = _paper_confirmed(args)
    else:
        collected = card_scores(args)
    collected.notes += [note] if note else []
    wanted = match.benchmark.key if match else None
    if wanted and match is not None and args.source == "model_card":
        _confirm_bare_labels(args, reg, collected.scores, match.benchmark)
    hits = [s for s in collected.scores if (wanted and s.benchmark_key == wanted)
            or (s.benchmark == args.benchmark and not reg.variants(s.benchmark))]
    if args.task_id:
        hits = [s for s in hits if s.task_id == args.task_id]
    if args.notes is not None:
        for s in hits:
            s.notes = s.variant = args.notes
    distinct = {(s.task_id, s.notes, s.value) for s in hits}
    refused = [r for r in collected.refused if _is_benchmark(reg, Score(r.split(": ", 1)[0], 0.0), [args.benchmark])]
    if not hits and refused:
        raise AmbiguousScoreError(f"{args.benchmark!r} was refused: " + "; ".join(refused), refused,
                                  "choose the table with --table N (inspect-tables shows them) or give --value")
    if not hits:
        raise ScoreNotFoundError(f"{args.benchmark!r} is not reported for this model by the {args.source} source",
                                 "check the name with inspect-tables, or give --value with its source")
    if len({(t, n) for t, n, _ in distinct}) < len(distinct):
        options = [f"{s.value} ({s.location or s.benchmark})" for s in hits]
        raise AmbiguousScoreError(
            f"{args.benchmark!r} has several different values: " + ", ".join(options),
            options,
            "choose with --table N (inspect-tables shows them) or give --value",
        )
    collected.scores = hits
    return collected


def _confirm_bare_labels(args: argparse.Namespace, reg: Registry, scores: list[Score], wanted: Benchmark) -> None:
    """A card row labelled only "GPQA" is the wanted set only when the user confirms it with --task-id.

    The user's bare name has a default (Diamond); the card's bare label has none: a card that does not say
    which set it measured is asked, never guessed. Already-mapped rows answer for themselves.
    """
    bare = [s for s in scores if not s.benchmark_key and wanted in reg.variants(s.benchmark)]
    if not bare or any(s.benchmark_key == wanted.key for s in scores):
        return
    if args.task_id is None:
        rows = ", ".join(f"{s.benchmark!r} = {s.value:g} ({s.location or 'card'})" for s in bare)
        raise AmbiguousScoreError(
            f"the card's {rows} does not say which set it is; it is not published as {wanted.name} on a guess",
            [s.location or s.benchmark for s in bare],
            f"if the card's row is {wanted.name}, confirm it with --task-id {wanted.task_id}; "
            "otherwise name the set the card measured",
        )
    sets = reg.variants(bare[0].benchmark)
    chosen = next((b for b in sets if b.task_id == args.task_id), None)
    if chosen is None:
        raise UsageError(f"--task-id {args.task_id!r} is not a set of {bare[0].benchmark!r}",
                         "task ids: " + ", ".join(b.task_id for b in sets if b.task_id))
    for s in bare:
        s.benchmark_key, s.dataset_id, s.task_id = chosen.key, chosen.dataset_id, chosen.task_id
        s.warnings = [w for w in s.warnings if not w.startswith("ambiguous")]


def _given_value(args: argparse.Namespace, reg: Registry, match: RegistryMatch | None) -> Collected:
    if match is None and not args.dataset_id:
        raise UsageError(
            f"{args.benchmark!r} is not in the benchmark registry",
            "pass --dataset-id and --task-id for a Hub benchmark dataset, or add it to a --mapping file",
        )
    if match is None and not args.task_id:
        raise UsageError("--dataset-id needs --task-id")
    score = Score(benchmark=args.benchmark, value=args.value, notes=args.notes, date=args.date)
    if match is not None:
        bench = match.benchmark
        if args.task_id and bench.dataset_id:  # "GPQA --task-id main" names the Main set, not Diamond's id
            bench = reg.lookup(bench.dataset_id, args.task_id) or bench
        if bench.scale == "percent" and args.value < 0:
            raise UsageError(f"--value {args.value:g} is negative: {bench.name} is a percentage",
                             "give the score on the 0-100 scale")
        score.benchmark = bench.name
        score.benchmark_key = bench.key
        score.dataset_id = bench.dataset_id
        score.task_id = args.task_id or bench.task_id
        score.notes = score.variant = args.notes if args.notes is not None else match.notes
    else:
        score.variant = args.notes
        score.dataset_id, score.task_id = args.dataset_id, args.task_id
    default = Provenance(kind=args.source, url=f"https://huggingface.co/{args.repo_id}" if args.repo_id else None,
                         name="Model card" if args.source == "model_card" else None)
    attribute([score], args, default)
    if not score.provenance or not score.provenance.url:
        raise UsageError("a given --value needs its evidence: --source-url (or --repo-id for the model card)")
    resolve_task_ids(args, reg, [score])
    return Collected(args.repo_id, [score])


# --------------------------------------------------------------------------- other sources


def import_aa(args: argparse.Namespace, only: list[str] | None = None) -> Collected:
    from .sources.aa import fetch_models, find_model, scores_from_aa

    models = fetch_models()
    model = find_model(models, creator_slug=args.creator_slug, model_name=args.model_name, repo_id=args.repo_id,
                       model_id=getattr(args, "aa_model_id", None))
    reg = registry(args)
    report = scores_from_aa(model, registry=reg)
    resolve_task_ids(args, reg, report.scores)
    wanted = only or getattr(args, "benchmark", None)
    scores = [s for s in report.scores if not wanted or _is_benchmark(reg, s, wanted)]
    if not report.scores:
        raise ScoreNotFoundError(f"Artificial Analysis has no score to import for {model.creator_slug}/{model.slug}"
                                 + "".join(f"; {w}" for w in report.warnings),
                                 "check the model on https://artificialanalysis.ai, or give --value with its source")
    return Collected(args.repo_id, scores, list(report.warnings),
                     extra={"aa_model": getattr(model, "slug", None), "indexes": dict(report.informational)})


def extract_paper(args: argparse.Namespace) -> list[tuple[PaperText, PaperReport]]:
    from .sources.paper import fetch_paper_text, find_paper_ids, scores_from_paper

    ids = [args.paper] if args.paper else []
    if not ids:
        _, text = card_text(args)
        ids = find_paper_ids(text)
    if not ids:
        raise ScoreNotFoundError("the card links no paper (no arxiv: tag or arXiv / hf.co/papers link)",
                                 "pass --paper ARXIV_ID")
    reg = registry(args)
    reports: list[tuple[PaperText, PaperReport]] = []
    for pid in ids:
        paper = fetch_paper_text(pid, hub_for(args))
        report = scores_from_paper(paper, args.repo_id, model_name=args.model_name_override,
                                   benchmark=args.benchmark, registry=reg)
        reports.append((paper, report))
    return reports


def _paper_confirmed(args: argparse.Namespace) -> Collected:
    """Only exact benchmark + exact model matches from papers; the rest is shown, never published."""
    args.model_name_override = getattr(args, "model_name_override", None)
    from .evidence import pin_paper

    reports = extract_paper(args)
    confirmed = []
    for paper, r in reports:
        for c in (c for c in r.candidates if c.confirmed):
            pin_paper(c.score, paper, c.page, c.table)
            confirmed.append(c.score)
    unconfirmed = [c for _, r in reports for c in r.candidates if not c.confirmed]
    if not confirmed and unconfirmed:
        listing = "\n".join(f"  {c.score.benchmark} = {c.score.value} ({c.reason}; {c.score.location})" for c in unconfirmed)
        raise ScoreNotFoundError(
            f"no exact match in the paper; candidates (not published):\n{listing}",
            "check the paper and confirm with --value X --source-url https://arxiv.org/abs/ID",
        )
    return Collected(args.repo_id, confirmed)


def import_logs(args: argparse.Namespace) -> Collected:
    from .sources.eval_logs import model_mismatch, scores_from_logs

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(f"no such log file or folder: {', '.join(missing)}")
    publishing = args.apply or args.create_pr or args.pr is not None
    if args.upload_logs_to and not publishing:
        raise UsageError("--upload-logs-to uploads the logs: add --apply or --create-pr (or preview without it)")
    logs_url = hub_for(args).web_url(args.logs_url) if args.logs_url else None
    reg = registry(args)
    found = scores_from_logs(paths, logs_url=logs_url, registry=reg)
    scores = [f.score for f in found]
    resolve_task_ids(args, reg, scores)
    partial = [f for f in found if f.partial]
    blockers = []
    if partial:
        blockers.append(Refusal("partial_run", EvalManagerError(
            f"{len(partial)} result(s) come from partial runs (--limit / --max-samples): "
            + ", ".join(f"{f.task} ({f.samples} of {f.total_samples or '?'} samples)" for f in partial),
            "a partial run is not the benchmark score: run the full set, or --force to publish it marked partial",
        )))
    mismatches = sorted({why for f in found if args.repo_id and (why := model_mismatch(f, args.repo_id, args.revision))})
    if mismatches and publishing and not args.model_mismatch_ok:
        raise EvalManagerError("not this repo's model: " + "; ".join(mismatches),
                               "import logs of this model, or confirm the pairing with --model-mismatch-ok")
    if blockers and publishing and not args.force:
        raise blockers[0].error  # before any upload: nothing is uploaded for a refused change
    url = logs_url
    if args.upload_logs_to and getattr(args, "strict", False):  # --strict refuses before anything is uploaded
        from .crosscheck import review

        review(args, Collected(args.repo_id, list(scores), []))
    if args.upload_logs_to:  # only now: nothing is uploaded for a refused change
        url, files = hub_for(args).upload_logs(args.upload_logs_to, paths)
        for f in found:  # each entry links to its own log file at the upload commit
            at = files.get(f.path.name, url)
            f.score.provenance = replace(f.score.provenance, url=at) if f.score.provenance else Provenance("logs", at)
    warnings = [w for s in scores for w in s.warnings]
    if not args.model_mismatch_ok:
        warnings += [f"{why}: publishing needs --model-mismatch-ok" for why in mismatches]
    if not url:
        warnings.append("no --logs-url or --upload-logs-to: the entries will have no source link to the logs")
    return Collected(args.repo_id, scores, warnings, blockers=blockers)


# --------------------------------------------------------------------------- finish: preview or publish


def finish(args: argparse.Namespace, collected: Collected) -> int:
    """Preview (default) or publish the collected scores, then print in the chosen format."""
    from .render import print_collected

    change, outcome = publish_or_preview(args, collected)
    return print_collected(args, collected, change, outcome)


def publish_or_preview(args: argparse.Namespace, collected: Collected) -> tuple[Change, Outcome]:
    """The change the collected scores make, and what previewing or publishing it did (one verdict for both)."""
    from .crosscheck import review
    from .results import value_problem

    review(args, collected)
    fmt = "model-index" if args.format == "model-index" else "eval-results"
    reg = registry(args)
    bad = {id(s): problem for s in collected.scores if (problem := value_problem(s, reg))}
    collected.refused += [f"{s.benchmark}: {bad[id(s)]}; not published" for s in collected.scores if id(s) in bad]
    if bad and len(bad) == len(collected.scores):
        raise ScoreNotFoundError("no score can be published: " + "; ".join(collected.refused),
                                 "check the source: a score must be a finite number, a percentage not negative")
    collected.scores = [s for s in collected.scores if id(s) not in bad]
    scores = _accepted_sources(reg, collected)
    registered = [s for s in scores if s.dataset_id and s.task_id]
    unregistered = [s for s in scores if not (s.dataset_id and s.task_id)]
    if unregistered and fmt == "eval-results":
        collected.warnings.append(
            "not written to .eval_results/ (no Hub benchmark dataset and task id known): "
            + ", ".join(sorted({s.benchmark for s in unregistered})) + " — " + _unregistered_hint(args, unregistered[0])
        )
    if registered and fmt == "eval-results":
        registered = _official_only(args, collected, registered)
    change = Change(
        scores=registered if fmt == "eval-results" else scores,
        fmt=fmt,
        model_name=getattr(args, "model_name_override", None) or (args.repo_id or "").split("/")[-1] or None,
        task_type=getattr(args, "task_type", "text-generation"),
        dataset_name=getattr(args, "dataset_name", None),
        filename=getattr(args, "filename", None),
        registry=reg,
        force=bool(getattr(args, "force", False)),
        blockers=list(collected.blockers),
    )
    if not change.scores:
        outcome = _nothing_to_publish(collected)
        if args.apply or args.create_pr or args.pr is not None:
            raise outcome.refusals[0].error
        return change, outcome
    return change, _publish_or_preview(args, change)


def _accepted_sources(reg: Registry, collected: Collected) -> list[Score]:
    """The scores whose benchmark accepts their source; the others go to ``refused`` with the rule's reason."""
    kept = []
    for s in collected.scores:
        why = reg.source_refusal(s)
        if why:
            collected.refused.append(f"{s.benchmark} = {s.value:g}: {why}")
        else:
            kept.append(s)
    return kept


def _official_only(args: argparse.Namespace, collected: Collected, scores: list[Score]) -> list[Score]:
    """Scores for the Hub's official benchmarks; the rest is shown (a warning), never written to .eval_results/."""
    from .official import official_benchmarks

    official = official_benchmarks(hub_for(args) if online(args) else None)
    if official.note:
        collected.notes.append(official.note)
    outside = [s for s in scores if s.dataset_id not in official]
    if outside:
        collected.warnings.append(
            "not written to .eval_results/ (not an official Hub benchmark, so no leaderboard shows it): "
            + ", ".join(sorted({f"{s.benchmark} ({s.dataset_id})" for s in outside}))
            + " — --format model-index puts them in the card's metadata instead"
        )
    return [s for s in scores if s.dataset_id in official]


def _unregistered_hint(args: argparse.Namespace, score: Score) -> str:
    """What to type for a result without a Hub dataset and task id, with flags this command has."""
    import shlex

    from .launcher import launcher

    if args.command == "add-eval":
        return "give --dataset-id and --task-id of its Hub benchmark dataset with --value"
    repo = f" --repo-id {shlex.quote(args.repo_id)}" if args.repo_id else ""
    return (f"if it is a Hub benchmark, add it with `{launcher()} add-eval --benchmark {shlex.quote(score.benchmark)} "
            f"--value {score.value:g} --dataset-id ORG/NAME --task-id TASK{repo}` (its dataset and task), "
            "or add it to a --mapping file")


def _nothing_to_publish(collected: Collected) -> Outcome:
    """No result can be written: the preview says so with exit 1, exactly as the write fails."""
    why = "; ".join(collected.refused + collected.warnings) or "no result was found"
    error = ScoreNotFoundError(f"nothing to publish: no result can be written ({why})",
                               "see the warnings; --format model-index writes results that are no Hub leaderboard")
    return Outcome("refused", "nothing would be written", refusals=[Refusal("nothing_to_publish", error)])


def _publish_or_preview(args: argparse.Namespace, change: Change) -> Outcome:
    wants_hub = args.create_pr or args.pr is not None or (args.apply and not args.repo_dir)
    if not (args.apply or wants_hub):
        return _preview(args, change)
    if args.apply and args.repo_dir:
        return publish_local(args.repo_dir, change)
    if not args.repo_id:
        raise UsageError("publishing to the Hub needs --repo-id (or --apply with --repo-dir for a local clone)")
    mode = "push" if args.apply else "pr"
    return publish_hub(hub_for(args), args.repo_id, change, mode=mode, pr_num=args.pr, force=args.force)


def _preview(args: argparse.Namespace, change: Change) -> Outcome:
    """What the write would do, judged against what it would write to: the clone, or main and open PRs."""
    if args.repo_dir:
        return preview(read_local_state(args.repo_dir), change, str(Path(args.repo_dir).resolve()))
    if args.repo_id and not getattr(args, "readme", None) and os.environ.get("HF_HUB_OFFLINE") != "1":
        hub = hub_for(args)
        return preview(hub.read_state(args.repo_id), change, f"main of {args.repo_id}", hub)
    readme = read_card_file(args.readme) if getattr(args, "readme", None) else None
    return preview(RepoState(args.repo_id, "local", None, readme), change, "the card")


# --------------------------------------------------------------------------- show, validate, get-prs


def show(args: argparse.Namespace) -> dict[str, Any]:
    """The results the repo states (result files, model-index) and, on the Hub, what its open PRs propose."""
    from .prindex import read_results

    state = repo_state(args)
    found, unreadable = read_results(state.eval_files, state.readme)
    if args.repo_id and not getattr(args, "readme", None) and not args.repo_dir:
        for changes in hub_for(args).open_prs(args.repo_id):
            found += changes.results
            unreadable += changes.problems
    rows = [{"dataset_id": r.dataset_id, "task_id": r.task_id, "value": r.value, "notes": r.notes,
             "source": _source_dict(r), "file": r.path, "format": r.format, "pr": r.pr} for r in found]
    problems = [f"{p.path}{f' (PR #{p.pr})' if p.pr else ''}: {p.message}" for p in unreadable]
    return {"repo_id": args.repo_id, "results": rows, "problems": problems}


def _source_dict(result: FoundResult) -> dict[str, Any] | None:
    """The source as ``show`` prints it: a result file's given fields; a model-index's url and name."""
    src = result.source
    if src is None:
        return None
    if result.format == "model-index":
        return {"url": src.url, "name": src.name}
    return {k: v for k, v in {"url": src.url, "name": src.name, "user": src.user, "org": src.org}.items() if v}


def validate(args: argparse.Namespace) -> list[Problem]:
    from .card import validate_model_index
    from .files import read_text_file
    from .results import validate_eval_results

    reg = registry(args)
    if args.paths:
        eval_files: dict[str, str] = {}
        problems: list[Problem] = []
        for raw in args.paths:
            p = Path(raw)
            text = read_text_file(p, "result file or README.md")
            if p.name.lower() == "readme.md":
                problems += validate_model_index(text, str(p))
            else:
                eval_files[str(p)] = text
        return problems + validate_eval_results(eval_files, reg)
    state = repo_state(args)
    if args.repo_id and not args.repo_dir:
        reg.load_hub_task_ids(hub_for(args), _dataset_ids(state))
    problems = validate_eval_results(state.eval_files, reg)
    if state.readme:
        problems += validate_model_index(state.readme, README)
    return problems


def _dataset_ids(state: RepoState) -> set[str]:
    """Datasets the repo's readable result files name (a malformed file is validate's to report)."""
    from .results import load_eval_results

    ids: set[str] = set()
    for path, text in state.eval_files.items():
        try:
            ids |= {e.dataset_id for e in load_eval_results(text, path)}
        except EvalManagerError:
            continue
    return ids


def get_prs(args: argparse.Namespace) -> dict[str, Any]:
    """Open PRs with what each changes in results; a failed request is an error, never 'no PRs'."""
    out = [{"num": c.pr.num, "title": c.pr.title, "author": c.pr.author, "created_at": c.pr.created_at,
            "url": c.pr.url, "touches_eval_results": c.touches_results, "benchmarks": c.benchmarks()}
           for c in hub_for(args).open_prs(args.repo_id)]
    return {"repo_id": args.repo_id, "pull_requests": out}
