"""What each subcommand does, as plain functions of a typed request and a :class:`~evalmgr.request.Context`.

A command reads its input (a local card, a local clone or the Hub), asks a source for observations,
has the registry resolve them to results, and hands them to :func:`publish_or_preview`, which previews or
publishes them with one verdict.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import AmbiguousScoreError, EvalManagerError, InputError, Problem, ScoreNotFoundError, UsageError
from .hub import README, RepoState
from .observation import Provenance, Refusal
from .publish import Blocker, Change, Outcome, preview, publish_hub, publish_local, read_local_state
from .request import (
    AAOptions,
    AddEvalRequest,
    Attribution,
    CollectRequest,
    Context,
    ExtractRequest,
    ImportAARequest,
    ImportLogsRequest,
    PaperRequest,
    PublishOptions,
    RepoInput,
    online,
)
from .result import Result

if TYPE_CHECKING:
    from .extract import TableSummary
    from .prindex import FoundResult
    from .registry import Benchmark, Registry, RegistryMatch
    from .sources.paper import PaperReport, PaperText


@dataclass
class Collected:
    """Results a command collected, before preview or publishing."""

    repo_id: str | None
    results: list[Result]
    warnings: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # source-specific JSON (e.g. AA indexes)
    notes: list[str] = field(default_factory=list)  # one-line facts the user should know (a default applied)
    blockers: list[Blocker] = field(default_factory=list)  # refusals found before planning (partial runs)


# --------------------------------------------------------------------------- inputs


def read_card_file(path: str | Path) -> str:
    """A README as text; a clear error for a missing, huge, binary or non-UTF-8 file."""
    from .files import read_text_file

    return read_text_file(path, "model card (README.md)")


def repo_state(input: RepoInput, ctx: Context, *, readme_flag: bool = True) -> RepoState:
    """The repo as the command sees it: --readme, else --repo-dir, else the Hub (--repo-id).

    ``readme_flag``: whether this subcommand has ``--readme`` (validate and import-* have not), for the message.
    """
    if input.readme:
        return RepoState(input.repo_id, "local", None, read_card_file(input.readme))
    if input.repo_dir:
        state = read_local_state(input.repo_dir)
        state.repo_id = input.repo_id
        return state
    if input.repo_id:
        return ctx.hub.read_state(input.repo_id, input.revision or "main")
    flags = (["--readme PATH"] if readme_flag else []) + ["--repo-dir PATH", "--repo-id ORG/NAME"]
    raise UsageError("no input: give " + ", ".join(flags[:-1]) + " or " + flags[-1])


def card_text(input: RepoInput, ctx: Context, *, readme_flag: bool = True) -> tuple[RepoState, str]:
    state = repo_state(input, ctx, readme_flag=readme_flag)
    if not state.readme:
        raise InputError("the repo has no README.md",
                         "give --readme PATH (a local card)" if readme_flag else "add a README.md to the repo")
    return state, state.readme


def attribute(results: list[Result], given: Attribution, default: Provenance | None) -> list[Result]:
    """Apply --source-url/--source-name/... over the source's own attribution."""
    attributed = []
    for r in results:
        base = r.provenance or default or Provenance(kind="manual")
        if (given.name or given.user or given.org) and not (given.url or base.url):
            raise UsageError("--source-name/--source-user/--source-org need a --source-url")
        attributed.append(replace(r, provenance=Provenance(
            kind=base.kind, url=given.url or base.url, name=given.name or base.name, user=given.user or base.user,
            org=given.org or base.org,
        )))
    return attributed


# --------------------------------------------------------------------------- card tables


def inspect_tables(input: RepoInput, model_name: str | None, ctx: Context) -> list[TableSummary]:
    import shlex

    from .extract import describe_tables
    from .launcher import launcher

    _, text = card_text(input, ctx)
    _ = ctx.registry  # a --mapping file that cannot be read is an error here too, not silently ignored
    tables = describe_tables(text, input.repo_id, model_name=model_name)
    source = ["--readme", input.readme] if input.readme else ["--repo-dir", input.repo_dir] if input.repo_dir else []
    for t in tables:  # the next commands: same launcher as this one, reading the same input
        for step in t.next_steps:
            step.command = f"{launcher()} {shlex.join(['extract-readme', *source, *step.args])}"
        t.command = t.next_steps[0].command
    return tables


def card_results(req: ExtractRequest | AddEvalRequest, ctx: Context) -> Collected:
    """Every value of the model in the card's tables, resolved by the registry."""
    from .evidence import pin_card
    from .sources.card import observations_from_card

    state, text = card_text(req.input, ctx)
    report = observations_from_card(text, req.input.repo_id, table=req.card.table, model_name=req.card.model_name,
                                    model_column_index=req.card.model_column_index)
    results = ctx.registry.results(pin_card(report.observations, text, req.input.repo_id, state.sha))
    results = attribute(resolve_task_ids(req.input, req.publish, ctx, results), req.attribution, None)
    return Collected(req.input.repo_id, results, list(report.warnings), list(report.refusals))


def extract_readme(req: ExtractRequest, ctx: Context) -> Collected:
    collected = card_results(req, ctx)
    if req.benchmarks:
        collected.results = [r for r in collected.results if _is_benchmark(ctx.registry, r.label, r, req.benchmarks)]
    if not collected.results:
        refused = f" (refused: {'; '.join(map(str, collected.refused))})" if collected.refused else ""
        raise ScoreNotFoundError(
            f"no scores found for this model in the card's tables{refused}",
            "run inspect-tables and pass --table / --model-column-index / --model-name-override",
        )
    return collected


def resolve_task_ids(input: RepoInput, publish: PublishOptions, ctx: Context, results: list[Result]) -> list[Result]:
    """Fill task ids the bundled registry lacks from the benchmark datasets' eval.yaml on the Hub."""
    missing = {r.dataset_id for r in results if r.dataset_id and not r.task_id}
    if not missing or not online(input, publish):
        return results
    reg = ctx.registry
    warnings = reg.load_hub_task_ids(ctx.hub, missing)
    filled = []
    for r in results:
        if r.dataset_id in missing and not r.task_id and r.benchmark_key:
            b = reg.by_key(r.benchmark_key)
            task_id = b.task_id if b else None
            r = replace(r, task_id=task_id, warnings=r.warnings + (
                () if task_id or r.dataset_id not in warnings else (warnings[r.dataset_id],)))
        filled.append(r)
    return filled


def _is_benchmark(reg: Registry, label: str, result: Result | None, wanted: tuple[str, ...]) -> bool:
    """Whether a label (and its result) is one of the wanted benchmarks: same registry entry, or the same label."""
    keys = {m.benchmark.key for m in (reg.resolve_name(w)[0] for w in wanted) if m is not None}
    key = result.benchmark_key if result else None
    setting = result.observation.setting if result and result.observation else None
    if key is None and (m := reg.match(label, setting)) is not None:
        key = m.benchmark.key
    return key in keys or any(w.strip().lower() == label.strip().lower() for w in wanted)


# --------------------------------------------------------------------------- add-eval


def add_eval(req: AddEvalRequest, ctx: Context) -> Collected:
    """One benchmark: given by --value, or looked up in the source with the same strictness as extraction."""
    reg = ctx.registry
    match, note = reg.resolve_name(req.benchmark)
    if req.source == "harness" and (req.value is None or not req.attribution.url):
        raise UsageError("--source harness is a result of the benchmark's own harness: give it with --value and "
                         "the run's evidence", "add --value X --source-url URL-OF-THE-RUN")
    if req.value is not None:
        collected = _given_value(req, ctx, match)
        collected.notes += [note] if note else []
        return collected
    if req.source == "aa":
        collected = _aa_collected(req.input, req.aa, (req.benchmark,), req.publish, ctx)
    elif req.source == "paper":
        collected = _paper_confirmed(PaperRequest(req.input, req.paper, req.card.model_name, req.benchmark), ctx)
    else:
        collected = card_results(req, ctx)
    collected.notes += [note] if note else []
    wanted = match.benchmark.key if match else None
    if wanted and match is not None and req.source == "model_card":
        collected.results = _confirm_bare_labels(req, reg, collected.results, match.benchmark)
    hits = [r for r in collected.results if (wanted and r.benchmark_key == wanted)
            or (r.label == req.benchmark and not reg.variants(r.label))]
    if req.task_id:
        hits = [r for r in hits if r.task_id == req.task_id]
    if req.notes is not None:
        hits = [replace(r, run_notes=None, variant=req.notes) for r in hits]
    distinct = {(r.task_id, r.notes, r.value) for r in hits}
    refused = [r for r in collected.refused if _is_benchmark(reg, r.label, None, (req.benchmark,))]
    if not hits and refused:
        raise AmbiguousScoreError(f"{req.benchmark!r} was refused: " + "; ".join(map(str, refused)),
                                  [str(r) for r in refused],
                                  "choose the table with --table N (inspect-tables shows them) or give --value")
    if not hits:
        raise ScoreNotFoundError(f"{req.benchmark!r} is not reported for this model by the {req.source} source",
                                 "check the name with inspect-tables, or give --value with its source")
    if len({(t, n) for t, n, _ in distinct}) < len(distinct):
        options = [f"{r.value} ({r.location or r.label})" for r in hits]
        raise AmbiguousScoreError(
            f"{req.benchmark!r} has several different values: " + ", ".join(options),
            options,
            "choose with --table N (inspect-tables shows them) or give --value",
        )
    collected.results = hits
    return collected


def _confirm_bare_labels(req: AddEvalRequest, reg: Registry, results: list[Result],
                         wanted: Benchmark) -> list[Result]:
    """A card row labelled only "GPQA" is the wanted set only when the user confirms it with --task-id.

    The user's bare name has a default (Diamond); the card's bare label has none: a card that does not say
    which set it measured is asked, never guessed. Already-mapped rows answer for themselves.
    """
    bare = [r for r in results if not r.benchmark_key and r.observation and wanted in reg.variants(r.label)]
    if not bare or any(r.benchmark_key == wanted.key for r in results):
        return results
    if req.task_id is None:
        rows = ", ".join(f"{r.label!r} = {r.value:g} ({r.location or 'card'})" for r in bare)
        raise AmbiguousScoreError(
            f"the card's {rows} does not say which set it is; it is not published as {wanted.name} on a guess",
            [r.location or r.label for r in bare],
            f"if the card's row is {wanted.name}, confirm it with --task-id {wanted.task_id}; "
            "otherwise name the set the card measured",
        )
    sets = reg.variants(bare[0].label)
    chosen = next((b for b in sets if b.task_id == req.task_id), None)
    if chosen is None:
        raise UsageError(f"--task-id {req.task_id!r} is not a set of {bare[0].label!r}",
                         "task ids: " + ", ".join(b.task_id for b in sets if b.task_id))
    confirmed = {id(r): reg.confirmed(r.observation, chosen) for r in bare if r.observation}
    return [confirmed.get(id(r), r) for r in results]


def _given_value(req: AddEvalRequest, ctx: Context, match: RegistryMatch | None) -> Collected:
    assert req.value is not None
    if match is None and not req.dataset_id:
        raise UsageError(
            f"{req.benchmark!r} is not in the benchmark registry",
            "pass --dataset-id and --task-id for a Hub benchmark dataset, or add it to a --mapping file",
        )
    if match is None and not req.task_id:
        raise UsageError("--dataset-id needs --task-id")
    if match is not None:
        bench = match.benchmark
        if req.task_id and bench.dataset_id:  # "GPQA --task-id main" names the Main set, not Diamond's id
            bench = ctx.registry.lookup(bench.dataset_id, req.task_id) or bench
        if bench.scale == "percent" and req.value < 0:
            raise UsageError(f"--value {req.value:g} is negative: {bench.name} is a percentage",
                             "give the score on the 0-100 scale")
        result = Result(label=bench.name, value=req.value, dataset_id=bench.dataset_id,
                        task_id=req.task_id or bench.task_id, benchmark_key=bench.key, date=req.date,
                        variant=req.notes if req.notes is not None else match.notes)
    else:
        result = Result(label=req.benchmark, value=req.value, dataset_id=req.dataset_id, task_id=req.task_id,
                        variant=req.notes, date=req.date)
    repo_id = req.input.repo_id
    default = Provenance(kind=req.source, url=f"https://huggingface.co/{repo_id}" if repo_id else None,
                         name="Model card" if req.source == "model_card" else None)
    (result,) = attribute([result], req.attribution, default)
    if not result.provenance or not result.provenance.url:
        raise UsageError("a given --value needs its evidence: --source-url (or --repo-id for the model card)")
    return Collected(repo_id, resolve_task_ids(req.input, req.publish, ctx, [result]))


# --------------------------------------------------------------------------- other sources


def import_aa(req: ImportAARequest, ctx: Context) -> Collected:
    return _aa_collected(req.input, req.aa, req.benchmarks, req.publish, ctx)


def _aa_collected(input: RepoInput, aa: AAOptions, wanted: tuple[str, ...], publish: PublishOptions,
                  ctx: Context) -> Collected:
    from .sources.aa import aa_results, fetch_models, find_model

    models = fetch_models()
    model = find_model(models, creator_slug=aa.creator_slug, model_name=aa.model_name, repo_id=input.repo_id,
                       model_id=aa.model_id)
    report, results = aa_results(model, ctx.registry)
    results = resolve_task_ids(input, publish, ctx, results)
    kept = [r for r in results if not wanted or _is_benchmark(ctx.registry, r.label, r, wanted)]
    if not results:
        raise ScoreNotFoundError(f"Artificial Analysis has no score to import for {model.creator_slug}/{model.slug}"
                                 + "".join(f"; {w}" for w in report.warnings),
                                 "check the model on https://artificialanalysis.ai, or give --value with its source")
    return Collected(input.repo_id, kept, list(report.warnings),
                     extra={"aa_model": getattr(model, "slug", None), "indexes": dict(report.informational)})


def extract_paper(req: PaperRequest, ctx: Context) -> list[tuple[PaperText, PaperReport]]:
    from .sources.paper import candidates_from_paper, fetch_paper_text, find_paper_ids

    ids = [req.paper] if req.paper else []
    if not ids:
        _, text = card_text(req.input, ctx)
        ids = find_paper_ids(text)
    if not ids:
        raise ScoreNotFoundError("the card links no paper (no arxiv: tag or arXiv / hf.co/papers link)",
                                 "pass --paper ARXIV_ID")
    reports: list[tuple[PaperText, PaperReport]] = []
    for pid in ids:
        paper = fetch_paper_text(pid, ctx.hub)
        report = candidates_from_paper(paper, req.input.repo_id, model_name=req.model_name,
                                       benchmark=req.benchmark, registry=ctx.registry)
        reports.append((paper, report))
    return reports


def _paper_confirmed(req: PaperRequest, ctx: Context) -> Collected:
    """Only exact benchmark + exact model matches from papers; the rest is shown, never published."""
    from .evidence import pin_paper

    reports = extract_paper(req, ctx)
    confirmed = [pin_paper(c.result, paper, c.page, c.table) for paper, r in reports for c in r.candidates
                 if c.confirmed]
    unconfirmed = [c for _, r in reports for c in r.candidates if not c.confirmed]
    if not confirmed and unconfirmed:
        listing = "\n".join(f"  {c.result.label} = {c.result.value} ({c.reason}; {c.result.location})"
                            for c in unconfirmed)
        raise ScoreNotFoundError(
            f"no exact match in the paper; candidates (not published):\n{listing}",
            "check the paper and confirm with --value X --source-url https://arxiv.org/abs/ID",
        )
    return Collected(req.input.repo_id, confirmed)


def import_logs(req: ImportLogsRequest, ctx: Context) -> Collected:
    from .sources.eval_logs import model_mismatch, observations_from_logs

    paths = [Path(p) for p in req.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(f"no such log file or folder: {', '.join(missing)}")
    publishing = req.publish.writes
    if req.upload_logs_to and not publishing:
        raise UsageError("--upload-logs-to uploads the logs: add --apply or --create-pr (or preview without it)")
    logs_url = ctx.hub.web_url(req.logs_url) if req.logs_url else None
    reg = ctx.registry
    found = observations_from_logs(paths, logs_url=logs_url).runs
    results = resolve_task_ids(req.input, req.publish, ctx, reg.results(f.observation for f in found))
    partial = [f for f in found if f.partial]
    blockers = []
    if partial:
        blockers.append(Blocker("partial_run", EvalManagerError(
            f"{len(partial)} result(s) come from partial runs (--limit / --max-samples): "
            + ", ".join(f"{f.task} ({f.samples} of {f.total_samples or '?'} samples)" for f in partial),
            "a partial run is not the benchmark score: run the full set, or --force to publish it marked partial",
        )))
    repo_id = req.input.repo_id
    mismatches = sorted({why for f in found if repo_id and (why := model_mismatch(f, repo_id, req.input.revision))})
    if mismatches and publishing and not req.model_mismatch_ok:
        raise EvalManagerError("not this repo's model: " + "; ".join(mismatches),
                               "import logs of this model, or confirm the pairing with --model-mismatch-ok")
    if blockers and publishing and not req.publish.force:
        raise blockers[0].error  # before any upload: nothing is uploaded for a refused change
    url = logs_url
    if req.upload_logs_to and req.publish.strict:  # --strict refuses before anything is uploaded
        from .crosscheck import review

        review(req, ctx, Collected(repo_id, list(results), []))
    if req.upload_logs_to:  # only now: nothing is uploaded for a refused change
        url, files = ctx.hub.upload_logs(req.upload_logs_to, paths)
        results = [replace(r, provenance=replace(r.provenance, url=at) if r.provenance else Provenance("logs", at))
                   for f, r in zip(found, results, strict=True)  # each entry links to its own log file
                   for at in [files.get(f.path.name, url)]]
    warnings = [w for r in results for w in r.warnings]
    if not req.model_mismatch_ok:
        warnings += [f"{why}: publishing needs --model-mismatch-ok" for why in mismatches]
    if not url:
        warnings.append("no --logs-url or --upload-logs-to: the entries will have no source link to the logs")
    return Collected(repo_id, results, warnings, blockers=blockers)


def collect(req: CollectRequest, ctx: Context) -> Collected:
    """What the request's source gives, resolved (the first half of every publishing subcommand)."""
    if isinstance(req, ExtractRequest):
        return extract_readme(req, ctx)
    if isinstance(req, AddEvalRequest):
        return add_eval(req, ctx)
    if isinstance(req, ImportAARequest):
        return import_aa(req, ctx)
    return import_logs(req, ctx)


def publish_or_preview(req: CollectRequest, ctx: Context, collected: Collected) -> tuple[Change, Outcome]:
    """The change the collected results make, and what previewing or publishing it did (one verdict for both)."""
    from .crosscheck import review
    from .formats.base import value_problem

    review(req, ctx, collected)
    opts = req.publish
    reg = ctx.registry
    bad = {id(r): problem for r in collected.results if (problem := value_problem(r, reg))}
    collected.refused += [Refusal(r.label, f"{bad[id(r)]}; not published") for r in collected.results if id(r) in bad]
    if bad and len(bad) == len(collected.results):
        raise ScoreNotFoundError("no score can be published: " + "; ".join(map(str, collected.refused)),
                                 "check the source: a score must be a finite number, a percentage not negative")
    collected.results = [r for r in collected.results if id(r) not in bad]
    results = _accepted_sources(reg, collected)
    registered = [r for r in results if r.registered]
    unregistered = [r for r in results if not r.registered]
    if unregistered and opts.fmt == "eval-results":
        collected.warnings.append(
            "not written to .eval_results/ (no Hub benchmark dataset and task id known): "
            + ", ".join(sorted({r.label for r in unregistered})) + " — " + _unregistered_hint(req, unregistered[0])
        )
    if registered and opts.fmt == "eval-results":
        registered = _official_only(req, ctx, collected, registered)
    model_name = req.card.model_name if isinstance(req, (ExtractRequest, AddEvalRequest)) else None
    change = Change(
        results=registered if opts.fmt == "eval-results" else results,
        fmt=opts.fmt,
        model_name=model_name or (req.input.repo_id or "").split("/")[-1] or None,
        task_type=opts.task_type,
        dataset_name=opts.dataset_name,
        filename=opts.filename,
        registry=reg,
        force=opts.force,
        blockers=list(collected.blockers),
    )
    if not change.results:
        outcome = _nothing_to_publish(collected)
        if opts.writes:
            raise outcome.refusals[0].error
        return change, outcome
    return change, _publish_or_preview(req.input, opts, ctx, change)


def _accepted_sources(reg: Registry, collected: Collected) -> list[Result]:
    """The results whose benchmark accepts their source; the others go to ``refused`` with the rule's reason."""
    kept = []
    for r in collected.results:
        why = reg.source_refusal(r)
        if why:
            collected.refused.append(Refusal(r.label, why, value=r.value))
        else:
            kept.append(r)
    return kept


def _official_only(req: CollectRequest, ctx: Context, collected: Collected, results: list[Result]) -> list[Result]:
    """Results for the Hub's official benchmarks; the rest is shown (a warning), never written to .eval_results/."""
    from .official import official_benchmarks

    official = official_benchmarks(ctx.hub if online(req.input, req.publish) else None)
    if official.note:
        collected.notes.append(official.note)
    outside = [r for r in results if r.dataset_id not in official]
    if outside:
        collected.warnings.append(
            "not written to .eval_results/ (not an official Hub benchmark, so no leaderboard shows it): "
            + ", ".join(sorted({f"{r.label} ({r.dataset_id})" for r in outside}))
            + " — --format model-index puts them in the card's metadata instead"
        )
    return [r for r in results if r.dataset_id in official]


def _unregistered_hint(req: CollectRequest, result: Result) -> str:
    """What to type for a result without a Hub dataset and task id, with flags this command has."""
    import shlex

    from .launcher import launcher

    if isinstance(req, AddEvalRequest):
        return "give --dataset-id and --task-id of its Hub benchmark dataset with --value"
    repo_id = req.input.repo_id
    repo = f" --repo-id {shlex.quote(repo_id)}" if repo_id else ""
    return (f"if it is a Hub benchmark, add it with `{launcher()} add-eval --benchmark {shlex.quote(result.label)} "
            f"--value {result.value:g} --dataset-id ORG/NAME --task-id TASK{repo}` (its dataset and task), "
            "or add it to a --mapping file")


def _nothing_to_publish(collected: Collected) -> Outcome:
    """No result can be written: the preview says so with exit 1, exactly as the write fails."""
    why = "; ".join([*map(str, collected.refused), *collected.warnings]) or "no result was found"
    error = ScoreNotFoundError(f"nothing to publish: no result can be written ({why})",
                               "see the warnings; --format model-index writes results that are no Hub leaderboard")
    return Outcome("refused", "nothing would be written", refusals=[Blocker("nothing_to_publish", error)])


def _publish_or_preview(input: RepoInput, opts: PublishOptions, ctx: Context, change: Change) -> Outcome:
    if opts.mode == "preview":
        return _preview(input, ctx, change)
    if opts.mode == "apply" and input.repo_dir:
        return publish_local(input.repo_dir, change)
    if not input.repo_id:
        raise UsageError("publishing to the Hub needs --repo-id (or --apply with --repo-dir for a local clone)")
    return publish_hub(ctx.hub, input.repo_id, change, mode="push" if opts.mode == "apply" else "pr",
                       pr_num=opts.pr, force=opts.force)


def _preview(input: RepoInput, ctx: Context, change: Change) -> Outcome:
    """What the write would do, judged against what it would write to: the clone, or main and open PRs."""
    if input.repo_dir:
        return preview(read_local_state(input.repo_dir), change, str(Path(input.repo_dir).resolve()))
    if input.repo_id and not input.readme and os.environ.get("HF_HUB_OFFLINE") != "1":
        hub = ctx.hub
        return preview(hub.read_state(input.repo_id), change, f"main of {input.repo_id}", hub)
    readme = read_card_file(input.readme) if input.readme else None
    return preview(RepoState(input.repo_id, "local", None, readme), change, "the card")


# --------------------------------------------------------------------------- show, validate, get-prs


def show(input: RepoInput, ctx: Context) -> dict[str, Any]:
    """The results the repo states (result files, model-index) and, on the Hub, what its open PRs propose."""
    from .prindex import read_results

    state = repo_state(input, ctx)
    found, unreadable = read_results(state.eval_files, state.readme)
    if input.repo_id and not input.local:
        for changes in ctx.hub.open_prs(input.repo_id):
            found += changes.results
            unreadable += changes.problems
    rows = [{"dataset_id": r.dataset_id, "task_id": r.task_id, "value": r.value, "notes": r.notes,
             "source": _source_dict(r), "file": r.path, "format": r.format, "pr": r.pr} for r in found]
    problems = [f"{p.path}{f' (PR #{p.pr})' if p.pr else ''}: {p.message}" for p in unreadable]
    return {"repo_id": input.repo_id, "results": rows, "problems": problems}


def _source_dict(result: FoundResult) -> dict[str, Any] | None:
    """The source as ``show`` prints it: a result file's given fields; a model-index's url and name."""
    src = result.source
    if src is None:
        return None
    if result.format == "model-index":
        return {"url": src.url, "name": src.name}
    return {k: v for k, v in {"url": src.url, "name": src.name, "user": src.user, "org": src.org}.items() if v}


def validate(input: RepoInput, paths: list[str], ctx: Context) -> list[Problem]:
    from .formats.model_index import validate_model_index
    from .files import read_text_file
    from .formats.eval_results import validate_eval_results

    reg = ctx.registry
    if paths:
        eval_files: dict[str, str] = {}
        problems: list[Problem] = []
        for raw in paths:
            p = Path(raw)
            text = read_text_file(p, "result file or README.md")
            if p.name.lower() == "readme.md":
                problems += validate_model_index(text, str(p), reg)
            else:
                eval_files[str(p)] = text
        return problems + validate_eval_results(eval_files, reg)
    state = repo_state(input, ctx, readme_flag=False)
    if input.repo_id and not input.repo_dir:
        reg.load_hub_task_ids(ctx.hub, _dataset_ids(state))
    problems = validate_eval_results(state.eval_files, reg)
    if state.readme:
        problems += validate_model_index(state.readme, README, reg)
    return problems


def _dataset_ids(state: RepoState) -> set[str]:
    """Datasets the repo's readable result files name (a malformed file is validate's to report)."""
    from .formats.eval_results import load_eval_results

    ids: set[str] = set()
    for path, text in state.eval_files.items():
        try:
            ids |= {e.dataset_id for e in load_eval_results(text, path)}
        except EvalManagerError:
            continue
    return ids


def get_prs(repo_id: str, ctx: Context) -> dict[str, Any]:
    """Open PRs with what each changes in results; a failed request is an error, never 'no PRs'."""
    out = [{"num": c.pr.num, "title": c.pr.title, "author": c.pr.author, "created_at": c.pr.created_at,
            "url": c.pr.url, "touches_eval_results": c.touches_results, "benchmarks": c.benchmarks()}
           for c in ctx.hub.open_prs(repo_id)]
    return {"repo_id": repo_id, "pull_requests": out}
