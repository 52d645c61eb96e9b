"""Add one benchmark's results to many models, the way a community contributor works through a list.

Each model goes through exactly the `add-eval` code path (parsed by the same parser, run by the same
functions, in-process), so the batch is never less strict than a single command. The run log is
append-only JSON lines, written as it goes, so a crash loses at most the models in flight.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Iterator, cast

from .errors import (
    AmbiguousScoreError,
    AuthError,
    ConflictError,
    EvalManagerError,
    ModelNotFoundError,
    RepoNotFoundError,
    ScoreNotFoundError,
)
from .hub import Hub, RateGate
from .request import AddEvalRequest, Context, PublishMode, PublishOptions, RepoInput, SourceKind

if TYPE_CHECKING:
    from huggingface_hub.hf_api import ExpandModelProperty_T, ModelSort_T

    from .registry import Benchmark

STATUSES = ("pr_created", "uploaded", "already_present", "open_pr_exists", "not_found", "ambiguous", "skipped",
            "refused", "dry_run", "error")
# Base-model relations whose repos reuse another model's weights: their scores are not their own.
DERIVATIVE_RELATIONS = ("quantized", "merge", "adapter")
DERIVATIVE_TAGS = ("gguf", "awq", "gptq", "mlx", "exl2", "bitsandbytes", "4-bit", "8-bit", "quantized", "merge")
SORT_KEYS: dict[str, ModelSort_T] = {"trending": "trending_score", "downloads": "downloads", "likes": "likes"}
DEFAULT_RUNS = "runs"  # under the working directory (never inside an installed package)


@dataclass
class BatchOptions:
    benchmark: str
    source: str = "model_card"
    limit: int = 20
    sort: str = "trending"
    pipeline_tag: str | None = "text-generation"
    author: str | None = None
    search: str | None = None
    dry_run: bool = False
    push: bool = False  # push to main instead of opening PRs (only for repos you own)
    include_derivatives: bool = False
    concurrency: int = 4
    runs_dir: str = DEFAULT_RUNS
    mapping: str | None = None
    cross_check: bool = False  # compare with the other sources (card, papers, AA) before publishing
    strict: bool = False  # refuse (status "refused") when sources disagree or the leaderboard flags the value
    from_audit: str | None = None  # an audit's JSON: only its models that miss the benchmark and whose source has it


@dataclass
class Record:
    """One line of the run log: what happened to one model."""

    repo_id: str
    status: str
    value: float | None = None
    source_url: str | None = None
    pr_url: str | None = None
    reason: str | None = None
    flags: list[str] = field(default_factory=list)  # leaderboard and cross-source warnings on the value
    time: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


class RunLog:
    """`runs/{benchmark}_{date}_{id}.jsonl` (one record per model, appended and flushed as it goes),
    `.run.json` (the options, for --resume) and `.summary.json` (written at the end)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.records_path = base.with_suffix(".jsonl")
        self.options_path = base.with_suffix(".run.json")
        self.summary_path = base.with_suffix(".summary.json")
        self._lock = threading.Lock()

    @classmethod
    def create(cls, opts: BatchOptions) -> RunLog:
        from .ids import slug

        runs = Path(opts.runs_dir)
        runs.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d")
        log = cls(runs / f"{slug(opts.benchmark)}_{stamp}_{secrets.token_hex(3)}")
        log.options_path.write_text(json.dumps(asdict(opts), indent=2) + "\n", encoding="utf-8")
        log.records_path.touch()
        return log

    @classmethod
    def open(cls, run: str, runs_dir: str) -> RunLog:
        """A run by path (any of its files) or by name (`gpqa_20261122_ab12cd`)."""
        p = Path(run)
        candidates = [p, Path(runs_dir) / p.name]
        for c in candidates:
            base = c.parent / c.name.split(".")[0]
            if base.with_suffix(".run.json").is_file():
                log = cls(base)
                log.seal()
                return log
        raise EvalManagerError(f"no run {run!r} (looked for {run}.run.json in {runs_dir})",
                               "give the run's name or the path of its .jsonl file")

    def seal(self) -> None:
        """End a torn last line (a crash mid-write), so that the next record starts on a line of its own."""
        if self.records_path.is_file() and self.records_path.stat().st_size:
            with open(self.records_path, "rb+") as fh:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    fh.write(b"\n")

    def options(self) -> BatchOptions:
        return BatchOptions(**json.loads(self.options_path.read_text(encoding="utf-8")))

    def records(self) -> list[Record]:
        """Records so far; a torn last line (crash mid-write) is ignored."""
        out = []
        if self.records_path.is_file():
            for line in self.records_path.read_text(encoding="utf-8").splitlines():
                try:
                    data = json.loads(line)
                    data.setdefault("source_url", data.pop("source", None))  # logs written before the rename
                    out.append(Record(**data))
                except (ValueError, TypeError):
                    continue
        return out

    def append(self, record: Record) -> None:
        from .render import redact

        line = redact(json.dumps(asdict(record), ensure_ascii=False))
        with self._lock, open(self.records_path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()

    def write_summary(self, started: float, listed: int) -> dict[str, Any]:
        records = self.records()
        counts = {s: 0 for s in STATUSES}
        for r in records:
            counts[r.status] = counts.get(r.status, 0) + 1
        summary = {
            "run": self.base.name,
            "options": json.loads(self.options_path.read_text(encoding="utf-8")),
            "models_listed": listed,
            "models_logged": len(records),
            "counts": counts,
            "seconds": round(time.monotonic() - started, 2),
            "records": str(self.records_path),
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self.summary_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        return summary


# --------------------------------------------------------------------------- one model


def derivative_reason(model: Any) -> str | None:
    tags = [t.lower() for t in (getattr(model, "tags", None) or [])]
    for t in tags:
        if t.startswith("base_model:"):
            parts = t.split(":")
            if len(parts) >= 3 and parts[1] in DERIVATIVE_RELATIONS:
                return f"derivative: base_model relation {parts[1]!r} ({':'.join(parts[2:])})"
    hit = [t for t in tags if t in DERIVATIVE_TAGS]
    if hit:
        return f"derivative: tagged {', '.join(hit)}"
    name = model.id.split("/")[-1].lower()
    for marker in ("gguf", "awq", "gptq", "mlx", "exl2", "-4bit", "-8bit", "bnb"):
        if marker in name:
            return f"derivative: {marker!r} in the repo name"
    return None


def _already_on_main(model: Any, dataset_id: str | None, task_id: str | None) -> float | None:
    for e in getattr(model, "eval_results", None) or []:
        if e.dataset_id == dataset_id and e.task_id == task_id:
            return e.value
    return None


def conflict_status(exc: ConflictError) -> str:
    """A conflict with an open PR's value (opened since the pre-check) is that PR's; any other is main's."""
    return "open_pr_exists" if any(c.pr is not None for c in exc.conflicts) else "already_present"


def process_model(model: Any, opts: BatchOptions, ctx: Context, benchmark: Benchmark) -> Record:
    """Everything for one model; any failure becomes a record, never an exception."""
    from .commands import add_eval, publish_or_preview
    from .crosscheck import CheckRefusedError
    from .render import redact

    repo_id = model.id
    try:
        if not opts.include_derivatives and (why := derivative_reason(model)):
            return Record(repo_id, "skipped", reason=why)
        if getattr(model, "private", False):
            return Record(repo_id, "skipped", reason="private repository")
        present = _already_on_main(model, benchmark.dataset_id, benchmark.task_id)
        if present is not None:
            return Record(repo_id, "already_present", value=present, reason="already on main")
        prs = ctx.hub.open_prs(repo_id).adding(benchmark.dataset_id, benchmark.task_id)
        if prs:
            return Record(repo_id, "open_pr_exists", pr_url=prs[0].url, reason=f"open PR #{prs[0].num} adds it")
        mode: PublishMode = "preview" if opts.dry_run else "apply" if opts.push else "create_pr"
        req = AddEvalRequest(RepoInput(repo_id), opts.benchmark, source=cast(SourceKind, opts.source),
                             publish=PublishOptions(mode, cross_check=opts.cross_check, strict=opts.strict))
        collected = add_eval(req, ctx)
        _, outcome = publish_or_preview(req, ctx, collected)
        if outcome.refusals:  # the dry run is judged like the real run: a refusal is the same record
            raise outcome.refusals[0].error
        score = collected.results[0]
        src = score.provenance.url if score.provenance else None
        flags = list(collected.extra.get("check_flags", []))
        if opts.dry_run:
            return Record(repo_id, "dry_run", value=score.value, source_url=src, reason=score.location, flags=flags)
        status = {"pr_created": "pr_created", "pushed": "uploaded", "already_present": "already_present",
                  "open_pr_exists": "open_pr_exists"}.get(outcome.status)
        if status is None:
            return Record(repo_id, "error", value=score.value, source_url=src,
                          reason=f"unexpected outcome {outcome.status}")
        return Record(repo_id, status, value=score.value, source_url=src, pr_url=outcome.url, reason=outcome.message,
                      flags=flags)
    except CheckRefusedError as exc:
        return Record(repo_id, "refused", reason=redact(exc.message))
    except (ScoreNotFoundError, ModelNotFoundError) as exc:
        return Record(repo_id, "not_found", reason=redact(exc.message))
    except AmbiguousScoreError as exc:
        return Record(repo_id, "ambiguous", reason=redact(exc.message))
    except ConflictError as exc:
        return Record(repo_id, conflict_status(exc), reason=redact("conflict: " + exc.message))
    except (AuthError, RepoNotFoundError) as exc:
        return Record(repo_id, "skipped", reason=redact(f"no access: {exc.message}"))
    except EvalManagerError as exc:
        return Record(repo_id, "error", reason=redact(exc.message))
    except Exception as exc:  # noqa: BLE001 - one model's bug must not end the run
        return Record(repo_id, "error", reason=redact(f"{type(exc).__name__}: {exc}"))


# --------------------------------------------------------------------------- the run


LIST_EXPAND: list[ExpandModelProperty_T] = ["gated", "private", "tags", "evalResults", "pipeline_tag", "trendingScore", "downloads", "likes"]


def list_models(hub: Hub, *, sort: str, pipeline_tag: str | None, author: str | None, search: str | None,
                limit: int) -> list[Any]:
    """Models in the requested order (trending, downloads, likes), with what the skip checks need, in one listing."""

    def listing() -> list[Any]:
        return list(hub.api.list_models(sort=SORT_KEYS[sort], pipeline_tag=pipeline_tag, author=author,
                                        search=search, limit=limit, expand=LIST_EXPAND))

    return hub.call("listing models", listing)


def list_candidates(hub: Hub, opts: BatchOptions) -> Iterator[Any]:
    """The run's models: from an audit's JSON (``--from-audit``), else from the Hub's listing."""
    if opts.from_audit:
        from .audit import models_missing

        wanted = models_missing(opts.from_audit, opts.benchmark, opts.source, opts.mapping)[: opts.limit]
        return iter(_info_or_id(hub, repo_id) for repo_id in wanted)
    return iter(list_models(hub, sort=opts.sort, pipeline_tag=opts.pipeline_tag, author=opts.author,
                            search=opts.search, limit=opts.limit))


def _info_or_id(hub: Hub, repo_id: str) -> Any:
    """The model's listing info; a bare id when it cannot be read (its record then says why)."""
    try:
        return hub.call(f"reading {repo_id}", hub.api.model_info, repo_id, expand=LIST_EXPAND)
    except EvalManagerError:
        return SimpleNamespace(id=repo_id)


def run_batch(opts: BatchOptions, *, resume: str | None = None, progress: bool | None = None) -> dict[str, Any]:
    """Process the models; returns the summary (also written next to the log)."""
    from .registry import Registry
    from .render import err

    started = time.monotonic()
    if resume:
        log = RunLog.open(resume, opts.runs_dir)
        opts = log.options()
    else:
        log = None
    reg = Registry.load(opts.mapping)
    match, note = reg.resolve_name(opts.benchmark)
    if match is None:
        raise EvalManagerError(f"{opts.benchmark!r} is not a registered benchmark",
                               "use a registry name such as 'GPQA Diamond' or add it with --mapping")
    if note:
        err(f"note: {note}")
    hub = Hub(gate=RateGate())
    ctx = Context(opts.mapping, _hub=hub, _registry=reg)  # one Hub client and one registry for every model
    _check_leaderboard(hub, match.benchmark)
    if not opts.dry_run:
        hub.require_write_token()
    models = list(list_candidates(hub, opts))
    log = log or RunLog.create(opts)
    done = {r.repo_id for r in log.records() if r.status != "error"}
    todo = [m for m in models if m.id not in done]
    show_bar = progress if progress is not None else sys.stderr.isatty()
    bar = _progress(len(todo), show_bar)
    with ThreadPoolExecutor(max_workers=max(1, opts.concurrency)) as pool:
        futures = {pool.submit(process_model, m, opts, ctx, match.benchmark): m for m in todo}
        for fut in as_completed(futures):
            record = fut.result()
            log.append(record)
            bar(record)
    summary = log.write_summary(started, len(models))
    summary["run_log"] = str(log.records_path)
    return summary


def _check_leaderboard(hub: Hub, bench: Benchmark) -> None:
    """Refuse before listing models when no result of this benchmark could be written to .eval_results/."""
    from .official import official_benchmarks
    from .render import err

    if not bench.dataset_id:
        raise EvalManagerError(f"{bench.name} has no Hub benchmark dataset: its results cannot be written",
                               "choose a benchmark with a Hub leaderboard (see references/benchmark_registry.md)")
    official = official_benchmarks(hub)
    if official.note:
        err(f"note: {official.note}")
    if bench.dataset_id not in official:
        raise EvalManagerError(f"{bench.name} ({bench.dataset_id}) is not an official Hub benchmark: "
                               "its results are not written to .eval_results/",
                               "choose a benchmark the Hub lists as official (datasets?benchmark=official)")


def _progress(total: int, tty: bool):  # -> Callable[[Record], None]
    """A progress bar on a terminal, one plain line per model otherwise. The bar is huggingface_hub's tqdm,
    so ``HF_HUB_DISABLE_PROGRESS_BARS=1`` (or ``disable_progress_bars()``) turns it into the plain lines."""
    from huggingface_hub.utils import are_progress_bars_disabled, tqdm

    from .render import redact

    if tty and not are_progress_bars_disabled():
        bar = tqdm(total=total, unit="model", file=sys.stderr)

        def step(r: Record) -> None:
            bar.set_postfix_str(f"{r.repo_id}: {r.status}")
            bar.update(1)
            if bar.n >= total:
                bar.close()

        return step
    count = {"n": 0}

    def line(r: Record) -> None:
        count["n"] += 1
        extra = f" {r.value:g}" if r.value is not None else ""
        url = f" {r.pr_url}" if r.pr_url else ""
        flags = "".join(f"\n    flagged: {f}" for f in r.flags)
        sys.stderr.write(redact(f"[{count['n']}/{total}] {r.repo_id}: {r.status}{extra}{url}{flags}") + "\n")

    return line
