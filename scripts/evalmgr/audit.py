"""Coverage audit: for a list of models, which Hub benchmarks each already has (on main, in open pull
requests) and which it could get from its card, from Artificial Analysis or from its papers, with the value
each source gives. This is how a contributor or an org plans a campaign; ``batch_eval_prs.py --from-audit``
then works through exactly the models that miss a benchmark.

The sources are read as strictly as when publishing (:mod:`evalmgr.crosscheck`): a value the tool would
refuse to publish is not offered here either.
"""

from __future__ import annotations

import csv
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .crosscheck import SOURCES, SourceValues, from_aa, from_card, from_papers, label
from .errors import EvalManagerError, InputError, UsageError
from .hub import README, Hub, RateGate

if TYPE_CHECKING:
    from .registry import Registry
    from .request import AuditRequest

STATUS_ORDER = {"missing": 0, "in_pr": 1, "on_main": 2}


@dataclass
class Row:
    """One benchmark of one model: where it already is, and what each source gives."""

    benchmark: str
    dataset_id: str
    task_id: str
    main: list[float] = field(default_factory=list)
    prs: dict[int, list[float]] = field(default_factory=dict)
    sources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "on_main" if self.main else "in_pr" if self.prs else "missing"

    def disagreement(self, tolerance: float) -> str | None:
        """The sources' values when they are further apart than ``tolerance`` (same setup only)."""
        by_variant: dict[str | None, list[tuple[str, float]]] = {}
        for src, values in self.sources.items():
            for v in values:
                by_variant.setdefault(v["variant"], []).append((src, v["value"]))
        for pairs in by_variant.values():
            vals = [v for _, v in pairs]
            if max(vals) - min(vals) > tolerance + 1e-9:
                return ", ".join(f"{label(s)} {v:g}" for s, v in pairs)
        return None

    def to_json(self, tolerance: float) -> dict[str, Any]:
        return {"benchmark": self.benchmark, "dataset_id": self.dataset_id, "task_id": self.task_id,
                "status": self.status, "main": self.main,
                "open_prs": [{"num": n, "values": v} for n, v in sorted(self.prs.items())],
                "sources": self.sources, "disagreement": self.disagreement(tolerance)}


# --------------------------------------------------------------------------- one model


def audit_model(hub: Hub, repo_id: str, reg: Registry, sources: list[str], aa: tuple[Any, str | None],
                aa_creator: str | None, tolerance: float) -> dict[str, Any]:
    """The audit of one repo; a failure becomes the model's ``error``, never an exception."""
    try:
        rows, notes = _rows(hub, repo_id, reg, sources, aa, aa_creator)
    except Exception as exc:  # noqa: BLE001 - one model's failure must not end the audit
        from .render import redact

        why = exc.message.splitlines()[0] if isinstance(exc, EvalManagerError) else f"{type(exc).__name__}: {exc}"
        why = redact(why)
        return {"repo_id": repo_id, "error": why, "missing": [], "benchmarks": [], "notes": {}}
    ordered = sorted(rows.values(), key=lambda r: (STATUS_ORDER[r.status], r.benchmark.lower()))
    return {"repo_id": repo_id, "error": None,
            "missing": [r.benchmark for r in ordered if r.status == "missing"],
            "benchmarks": [r.to_json(tolerance) for r in ordered], "notes": notes}


def _rows(hub: Hub, repo_id: str, reg: Registry, sources: list[str], aa: tuple[Any, str | None],
          aa_creator: str | None) -> tuple[dict[tuple[str, str], Row], dict[str, str]]:
    from .prindex import read_results

    state = hub.read_state(repo_id)
    rows: dict[tuple[str, str], Row] = {}

    def row(dataset_id: str, task_id: str) -> Row:
        if (dataset_id, task_id) not in rows:
            bench = reg.lookup(dataset_id, task_id)
            rows[(dataset_id, task_id)] = Row(bench.name if bench else f"{dataset_id} [{task_id}]", dataset_id, task_id)
        return rows[(dataset_id, task_id)]

    notes: dict[str, str] = {}
    found, unreadable = read_results(state.eval_files, state.readme)
    for bad in unreadable:
        if bad.path == README:
            notes["model-index"] = "the card's model-index cannot be read"
        else:
            notes["main"] = f"{bad.path} is not a valid results file (see `validate --repo-id {repo_id}`)"
    for found_result in found + [r for changes in hub.open_prs(repo_id) for r in changes.results]:
        ds, task, pr = found_result.dataset_id, found_result.task_id, found_result.pr
        # a model-index may name any dataset: only registered benchmarks are counted from it
        if not (ds and task) or (found_result.format == "model-index" and not reg.lookup(ds, task)):
            continue
        at = row(ds, task)
        if pr is None:
            at.main.append(found_result.value)
        else:
            at.prs.setdefault(pr, []).append(found_result.value)
    reports: list[SourceValues] = []
    if "model_card" in sources:
        reports.append(from_card(state.readme, repo_id, state.sha, reg))
    if "paper" in sources:
        reports.append(from_papers(state.readme, repo_id, hub, reg))
    if "aa" in sources:
        reports.append(from_aa(*aa, repo_id, reg, creator_slug=aa_creator))
    unregistered = 0
    for r in reports:
        if r.note:
            notes[r.source] = r.note
        for s in r.results:
            if not (s.dataset_id and s.task_id):
                unregistered += 1
                continue
            p = s.provenance
            row(s.dataset_id, s.task_id).sources.setdefault(r.source, []).append(
                {"value": s.value, "variant": s.variant, "notes": s.notes, "location": s.location,
                 "url": p.url if p else None})
    if unregistered:
        notes["unregistered"] = f"{unregistered} value(s) without a Hub benchmark dataset and task (not counted)"
    return rows, notes


# --------------------------------------------------------------------------- the list


def repo_ids(args: AuditRequest, hub: Hub) -> tuple[list[str], list[dict[str, str]]]:
    """The models to audit and the ones skipped (derivatives, private), in the listing's order."""
    from .batch import derivative_reason, list_models

    if args.repo_ids_file:
        path = Path(args.repo_ids_file)
        if not path.is_file():
            raise InputError(f"no such file: {path}", "give a text file with one repo id per line")
        ids = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
        return list(dict.fromkeys(i for i in ids if i)), []
    if not (args.author or args.search):
        raise UsageError("which models? give --author ORG, --search TEXT or --repo-ids-file FILE")
    models = list_models(hub, sort=args.sort, pipeline_tag=args.pipeline_tag or None, author=args.author,
                         search=args.search, limit=args.limit)
    keep, skipped = [], []
    for m in models:
        why = None if args.include_derivatives else derivative_reason(m)
        why = why or ("private repository" if getattr(m, "private", False) else None)
        if why:
            skipped.append({"repo_id": m.id, "reason": why})
        else:
            keep.append(m.id)
    return keep, skipped


def run_audit(args: AuditRequest) -> dict[str, Any]:
    """Audit every listed model (a few at a time); models with most missing benchmarks first."""
    from .crosscheck import aa_models
    from .registry import Registry

    sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        raise UsageError(f"unknown source(s) {', '.join(unknown)}", f"choose among {', '.join(SOURCES)}")
    hub = Hub(gate=RateGate())
    reg = Registry.load(args.mapping)
    ids, skipped = repo_ids(args, hub)
    # Hub benchmarks whose task id is not bundled: their eval.yaml says it (cached), so they can be counted.
    unknown_tasks = {b.dataset_id for b in reg.benchmarks.values() if b.hub_benchmark and b.dataset_id and not b.task_id}
    registry_notes = list(reg.load_hub_task_ids(hub, unknown_tasks).values()) if ids else []
    aa = aa_models() if "aa" in sources else (None, None)
    tolerance = args.tolerance

    def one(repo_id: str) -> dict[str, Any]:
        return audit_model(hub, repo_id, reg, sources, aa, args.aa_creator_slug, tolerance)

    with ThreadPoolExecutor(max_workers=max(1, args.concurrency)) as pool:
        models = list(pool.map(one, ids))
    if args.benchmarks:
        models = [_only(m, args.benchmarks, reg) for m in models]
    models.sort(key=lambda m: (m["error"] is not None, -len(m["missing"]), m["repo_id"]))
    return {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "sources": sources, "tolerance": tolerance,
        "models": models, "skipped": skipped, "registry_notes": registry_notes,
        "totals": {"models": len(models), "missing": sum(len(m["missing"]) for m in models),
                   "in_pr": sum(1 for m in models for b in m["benchmarks"] if b["status"] == "in_pr"),
                   "on_main": sum(1 for m in models for b in m["benchmarks"] if b["status"] == "on_main")},
    }


def _only(model: dict[str, Any], wanted: tuple[str, ...], reg: Registry) -> dict[str, Any]:
    """The model's rows for the wanted benchmarks (registry names or aliases)."""
    keys = {(m.benchmark.dataset_id, m.benchmark.task_id) for m in (reg.match(w) for w in wanted) if m}
    rows = [b for b in model["benchmarks"] if (b["dataset_id"], b["task_id"]) in keys]
    return {**model, "benchmarks": rows, "missing": [b["benchmark"] for b in rows if b["status"] == "missing"]}


# --------------------------------------------------------------------------- output


def _values(items: list[dict[str, Any]] | list[float]) -> str:
    vals = [f"{(i['value'] if isinstance(i, dict) else i):g}" + (f" ({i['variant']})" if isinstance(i, dict)
                                                                   and i.get("variant") else "")
            for i in items]
    return "; ".join(vals) or "-"


def text_lines(data: dict[str, Any]) -> list[str]:
    """The audit as a table per model, most missing first."""
    t = data["totals"]
    lines = [f"audit of {t['models']} model(s), sources: {', '.join(label(s) for s in data['sources'])}: "
             f"{t['missing']} benchmark result(s) missing, {t['in_pr']} in open PRs, {t['on_main']} on main"]
    head = ["benchmark", "status", "main", "open PRs", *[label(s) for s in data["sources"]]]
    for m in data["models"]:
        lines.append("")
        if m["error"]:
            lines.append(f"{m['repo_id']}: error: {m['error']}")
            continue
        lines.append(f"{m['repo_id']}: {len(m['missing'])} missing" + (f" ({', '.join(m['missing'])})" if m["missing"]
                                                                        else ""))
        table = [head] + [[b["benchmark"], b["status"], _values(b["main"]),
                           "; ".join(f"#{p['num']} {_values(p['values'])}" for p in b["open_prs"]) or "-",
                           *[_values(b["sources"].get(s, [])) for s in data["sources"]]] for b in m["benchmarks"]]
        widths = [max(len(r[i]) for r in table) for i in range(len(head))]
        if m["benchmarks"]:
            lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table]
        lines += [f"  ! sources disagree on {b['benchmark']}: {b['disagreement']}" for b in m["benchmarks"]
                  if b["disagreement"]]
        lines += [f"  note: {label(k)}: {v}" for k, v in m["notes"].items()]
    for s in data["skipped"]:
        lines.append(f"skipped {s['repo_id']}: {s['reason']}")
    return lines


def write_csv(data: dict[str, Any], path: str) -> None:
    """One line per model and benchmark: status, where it is, each source's value and evidence URL."""
    sources = data["sources"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["repo_id", "benchmark", "dataset_id", "task_id", "status", "main", "open_prs", *sources,
                    *[f"{s}_url" for s in sources], "disagreement", "error"])
        for m in data["models"]:
            if m["error"]:
                w.writerow([m["repo_id"], *[""] * (6 + 2 * len(sources) + 1), m["error"]])
            for b in m["benchmarks"]:
                w.writerow([m["repo_id"], b["benchmark"], b["dataset_id"], b["task_id"], b["status"],
                            _values(b["main"]), " ".join(f"#{p['num']}" for p in b["open_prs"]),
                            *[_values(b["sources"].get(s, [])) for s in sources],
                            *[" ".join(v["url"] or "" for v in b["sources"].get(s, [])) for s in sources],
                            b["disagreement"] or "", ""])


# --------------------------------------------------------------------------- for the batch


def models_missing(path: str, benchmark: str, source: str, mapping: str | None = None) -> list[str]:
    """Repo ids of an audit's JSON that miss ``benchmark`` and whose ``source`` gives it, most missing first."""
    from .registry import Registry

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        models = data["models"]
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(f"{path} is not an audit JSON file",
                         "write one with `evaluation_manager.py audit ... --format json > audit.json`") from None
    match = Registry.load(mapping).match(benchmark)
    if match is None:
        raise UsageError(f"{benchmark!r} is not a registered benchmark")
    want = (match.benchmark.dataset_id, match.benchmark.task_id)
    return [m["repo_id"] for m in models for b in m.get("benchmarks", [])
            if (b["dataset_id"], b["task_id"]) == want and b["status"] == "missing" and b["sources"].get(source)]


def print_audit(data: dict[str, Any], fmt: str, csv_path: str | None = None) -> int:
    from .render import emit_json, err, out

    if csv_path:
        write_csv(data, csv_path)
        err(f"wrote {csv_path}")
    if fmt == "json":
        emit_json(data)
    else:
        for line in text_lines(data):
            out(line)
    return 0

