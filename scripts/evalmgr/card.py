"""README front matter and the legacy ``model-index`` results format.

Why careful: a model card is someone else's document. We change only the ``model-index`` key of the
front matter (other keys keep their text, order, comments and values) and never touch the body.
The library's ``EvalResult`` / ``model_index_to_eval_results`` / ``eval_results_to_model_index`` do the
format; this module adds locating errors, merging by identity and conflict reporting.

Identity of a model-index result: dataset type + metric type + variant (the setup notes, written as a
``(notes)`` suffix of the metric name), and the dataset config/split when both sides state one. Labels
without a registry entry are allowed here (the legacy format has no benchmark registry): their
dataset type is a slug of the label and their dataset name the label as printed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import Conflict, InputError, Problem
from .results import finite_number, benchmark_of, check_scale, default_registry, same_value, slug, value_problem
from .safeload import ParseError, yaml_load
from .observation import Provenance
from .result import Result

if TYPE_CHECKING:
    from huggingface_hub import EvalResult

    from .registry import Registry

KEY = "model-index"
_DELIM = re.compile(r"---[ \t]*")
_METRIC_SYNONYMS = {"acc": "accuracy", "em": "exact_match", "exact match": "exact_match", "pass_at_1": "pass@1"}


# --------------------------------------------------------------------------- front matter


@dataclass
class FrontMatter:
    """A card split into its metadata and body; ``raw`` is the YAML text between the ``---`` lines."""

    meta: dict[str, Any]
    raw: str
    body: str
    present: bool = False
    raw_start: int = 0  # offsets of ``raw`` in the original text
    raw_end: int = 0
    newline: str = "\n"


def split_front_matter(text: str) -> FrontMatter:
    """Metadata and body; InputError (with the line) for malformed, unclosed or non-mapping front matter."""
    offset = 1 if text.startswith("\ufeff") else 0
    lines = text[offset:].splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.strip()), max(len(lines) - 1, 0))
    offset += sum(len(line) for line in lines[:first])  # the Hub also skips blank lines before '---'
    lines = lines[first:]
    if not lines or not _DELIM.fullmatch(lines[0].rstrip("\r\n")):
        return FrontMatter({}, "", text)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    pos = offset + len(lines[0])
    raw_start = pos
    for line in lines[1:]:
        if _DELIM.fullmatch(line.rstrip("\r\n")):
            raw = text[raw_start:pos]
            break
        pos += len(line)
    else:
        raise InputError("the README front matter opened by '---' on line 1 never closes",
                         "add a line '---' after the metadata block")
    try:
        meta = yaml_load(raw)
    except ParseError as exc:
        where = f"line {exc.line + 1}: " if exc.line else ""
        raise InputError(f"README front matter is not valid YAML ({where}{exc.message})",
                         "fix the YAML between the '---' lines") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError(f"README front matter must be a mapping of keys, got a {type(meta).__name__} (line 2)",
                         "write the metadata as 'key: value' lines")
    return FrontMatter(meta, raw, text[pos + len(line):], True, raw_start, pos, newline)


def with_front_matter(text: str, meta: dict[str, Any]) -> str:
    """``text`` with its front matter re-serialised from ``meta``; the body stays byte-identical."""
    fm = split_front_matter(text)
    if not fm.present and not meta:
        return text
    nl = fm.newline
    dumped = _dump(meta).replace("\n", nl) if meta else ""
    if not fm.present:
        return f"---{nl}{dumped}---{nl}{text}"
    close_start = fm.raw_end
    return text[: fm.raw_start] + dumped + text[close_start:]


def set_front_matter_key(text: str, key: str, value: Any) -> str:
    """Replace (or add) one top-level key, leaving every other line of the front matter as it was.

    Falls back to :func:`with_front_matter` when the key's block cannot be delimited safely.
    """
    fm = split_front_matter(text)
    wanted = {**fm.meta, key: value}
    if not fm.present:
        return with_front_matter(text, wanted)
    lines = fm.raw.splitlines(keepends=True)
    block = _dump({key: value}).replace("\n", fm.newline)
    start = next((i for i, line in enumerate(lines) if re.match(rf"""^(['"]?){re.escape(key)}\1\s*:""", line)), None)
    if start is None:
        tail = "" if not lines or lines[-1].endswith(("\n", "\r")) else fm.newline
        new_raw = fm.raw + tail + block
    else:
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t-"):
            end += 1
        new_raw = "".join(lines[:start]) + block + "".join(lines[end:])
    try:
        ok = yaml_load(new_raw) == wanted
    except ParseError:
        ok = False
    if not ok:
        return with_front_matter(text, wanted)
    return text[: fm.raw_start] + new_raw + text[fm.raw_end:]


def _dump(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096)


# --------------------------------------------------------------------------- reading model-index


@dataclass
class _Metric:
    """One metric of a model-index result, with where it is and what identifies it."""

    result: EvalResult
    where: str
    path: tuple[int, int, int]  # model entry, result, metric


def _walk(model_index: Any, path: str) -> tuple[list[_Metric], list[Problem]]:
    """Every well-formed metric (parsed by the library) and a problem for each malformed piece."""
    from huggingface_hub.repocard_data import model_index_to_eval_results

    if not isinstance(model_index, list):
        return [], [Problem(f"{path}: {KEY}", f"must be a list of models, got {type(model_index).__name__}")]
    metrics: list[_Metric] = []
    problems: list[Problem] = []
    for i, model in enumerate(model_index):
        here = f"{path}: {KEY}[{i}]"
        if not (isinstance(model, dict) and isinstance(model.get("name"), str)
                and isinstance(model.get("results"), list)):
            problems.append(Problem(here, "each model needs a string 'name' and a 'results' list"))
            continue
        for j, result in enumerate(model["results"]):
            where = f"{here}.results[{j}]"
            error = _result_error(result)
            if error:
                problems.append(Problem(where, error))
                continue
            try:
                _, parsed = model_index_to_eval_results([{"name": model["name"], "results": [result]}])
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                problems.append(Problem(where, f"cannot be read: {exc!r}"))
                continue
            metrics += [_Metric(er, f"{where}.metrics[{k}]", (i, j, k)) for k, er in enumerate(parsed)]
    return metrics, problems


def _result_error(result: Any) -> str | None:
    """The first schema error of one model-index result, or None."""
    if not isinstance(result, dict):
        return "must be a mapping with 'task', 'dataset' and 'metrics'"
    task, ds, metrics = result.get("task"), result.get("dataset"), result.get("metrics")
    if not isinstance(task, dict) or not isinstance(task.get("type"), str):
        return "'task.type' is required"
    if not isinstance(ds, dict) or not isinstance(ds.get("type"), str) or not isinstance(ds.get("name"), str):
        return "'dataset.type' and 'dataset.name' are required strings"
    if not isinstance(metrics, list) or not metrics:
        return "'metrics' must be a non-empty list"
    for k, m in enumerate(metrics):
        if not isinstance(m, dict) or not isinstance(m.get("type"), str) or "value" not in m:
            return f"metrics[{k}] needs 'type' and 'value'"
        if isinstance(m["value"], bool) or not isinstance(m["value"], (int, float, str)):
            return f"metrics[{k}].value must be a number (or a string such as '20.0 ± 1.2')"
        if not isinstance(m["value"], str) and finite_number(m["value"]) is None:
            return f"metrics[{k}].value {m['value']!r} is not a finite number"
        wrong = _not_strings(m, ("name", "config", "verifyToken"))
        if wrong:
            return f"metrics[{k}].{wrong} must be a string"
    source = result.get("source")
    if source is not None and (not isinstance(source, dict) or not isinstance(source.get("url"), str)):
        return "'source.url' is required when 'source' is present"
    for where, block, fields in (("task", task, ("name",)), ("dataset", ds, ("config", "split", "revision")),
                                 ("source", source or {}, ("name",))):
        wrong = _not_strings(block, fields)
        if wrong:
            return f"'{where}.{wrong}' must be a string"
    return None


def _not_strings(block: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    """The first of ``fields`` present in ``block`` with a value that is not a string."""
    return next((f for f in fields if block.get(f) is not None and not isinstance(block[f], str)), None)


def read_model_index(meta: dict[str, Any]) -> list[EvalResult]:
    """The well-formed results of a front matter's model-index (malformed ones are left to validation)."""
    if KEY not in meta:
        return []
    metrics, _ = _walk(meta[KEY], "README.md")
    return [m.result for m in metrics]


def read_model_index_scores(readme_text: str) -> list[Result]:
    """Model-index results (for ``show`` and checks): dataset type as dataset id, config as task id."""
    if not readme_text:
        return []
    scores = []
    for er in read_model_index(split_front_matter(readme_text).meta):
        source = Provenance("model_index", er.source_url, er.source_name) if er.source_url else None
        scores.append(Result(label=er.dataset_name, value=er.metric_value, variant=_variant(er),
                             dataset_id=er.dataset_type, task_id=er.dataset_config, provenance=source))
    return scores


# --------------------------------------------------------------------------- identity


def _variant(er: EvalResult) -> str | None:
    """Setup notes, written as a trailing ``(notes)`` on the metric name."""
    m = re.search(r"\(([^()]*)\)\s*$", er.metric_name or "")
    return m.group(1).strip() or None if m else None


def _metric_type(er: EvalResult) -> str:
    t = er.metric_type.strip().lower()
    return _METRIC_SYNONYMS.get(t, t)


def _same_result(a: EvalResult, b: EvalResult) -> bool:
    """Same dataset, metric and variant; config and split only count when both state one."""
    if a.dataset_type.lower() != b.dataset_type.lower() or _metric_type(a) != _metric_type(b):
        return False
    if _variant(a) != _variant(b):
        return False
    return all(x is None or y is None or x == y for x, y in
               ((a.dataset_config, b.dataset_config), (a.dataset_split, b.dataset_split)))


# --------------------------------------------------------------------------- planning


@dataclass
class ModelIndexPlan:
    """What merging scores into the card's model-index would change; ``new_text`` None: nothing to write."""

    new_text: str | None
    added: list[Result] = field(default_factory=list)
    already_present: list[Result] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def eval_result_from_score(score: Result, task_type: str = "text-generation", dataset_name: str | None = None,
                           registry: Registry | None = None) -> EvalResult:
    """A model-index result for a score; unregistered labels get a dataset type slugged from the label."""
    from huggingface_hub import EvalResult

    registry = registry or default_registry()
    bench = benchmark_of(score, registry) if score.benchmark_key or score.dataset_id else None
    name = dataset_name or (bench.name if bench else score.label)
    shared = bench is not None and len(registry.benchmarks_for_dataset(bench.dataset_id or "")) > 1
    source = score.provenance if score.provenance and score.provenance.url else None
    return EvalResult(
        task_type=task_type,
        task_name=task_type.replace("-", " ").title(),
        dataset_type=score.dataset_id or slug(score.label) or "benchmark",
        dataset_name=name,
        dataset_config=score.task_id if shared else None,
        metric_type=bench.metric if bench else "score",
        metric_value=score.value,
        metric_name=f"{bench.name if bench else score.label}" + (f" ({score.notes})" if score.notes else ""),
        source_url=source.url if source else None,
        source_name=source.name if source else None,
    )


def plan_model_index(readme_text: str, model_name: str, scores: Sequence[Result], task_type: str = "text-generation",
                     dataset_name: str | None = None, registry: Registry | None = None,
                     replace_conflicts: bool = False) -> ModelIndexPlan:
    """Merge scores into the README's model-index; idempotent, conflicts reported, body untouched.

    Raises InputError when the front matter cannot be read or model-index is not a list (never
    overwritten blindly). Other models' entries and other metadata are kept.
    """
    fm = split_front_matter(readme_text)
    index = copy.deepcopy(fm.meta.get(KEY) or [])
    if not isinstance(index, list):
        raise InputError(f"the README's {KEY} is not a list; it is not rewritten", f"fix the {KEY} block by hand")
    metrics, problems = _walk(index, "README.md")
    plan = ModelIndexPlan(None, problems=problems)
    planned: list[EvalResult] = []
    changed = False
    for score in scores:
        er = eval_result_from_score(score, task_type, dataset_name, registry)
        old = next((m for m in metrics if _same_result(m.result, er)), None)
        if old is not None:
            changed |= _merge_existing(plan, score, er, old, index if replace_conflicts else None)
        elif (first := next((p for p in planned if _same_result(p, er)), None)) is not None:
            _merge_repeat(plan, score, er, first)
        else:
            _add(index, model_name, er)
            planned.append(er)
            plan.added.append(score)
            changed = True
    plan.problems += [Problem("README.md: model-index", m, "warning")
                      for m in check_scale([*read_model_index_scores(readme_text), *scores], registry)]
    if changed:
        plan.new_text = set_front_matter_key(readme_text, KEY, index)
    return plan


def _merge_existing(plan: ModelIndexPlan, score: Result, er: EvalResult, old: _Metric,
                    index: list[Any] | None) -> bool:
    """Present, or a conflict (replaced in place when ``index`` is given); True when the index changed."""
    if same_value(old.result.metric_value, er.metric_value):
        plan.already_present.append(score)
        return False
    plan.conflicts.append(_conflict(er, old.result.metric_value, old.result.source_url, f"README.md {old.where}"))
    if index is None:
        return False
    i, j, k = old.path
    index[i]["results"][j]["metrics"][k]["value"] = er.metric_value
    plan.added.append(score)
    return True


def _merge_repeat(plan: ModelIndexPlan, score: Result, er: EvalResult, first: EvalResult) -> None:
    if same_value(first.metric_value, er.metric_value):
        plan.already_present.append(score)
    else:
        plan.conflicts.append(_conflict(er, first.metric_value, first.source_url, "this change"))


def _conflict(er: EvalResult, old_value: Any, old_source: str | None, where: str) -> Conflict:
    return Conflict(er.dataset_type, er.dataset_config or "", _variant(er), old_value, er.metric_value,
                    old_source, er.source_url, where)


def _add(index: list[Any], model_name: str, er: EvalResult) -> None:
    """Append to the model's entry: into a result block with the same task, dataset and source, else a new block."""
    from huggingface_hub.repocard_data import eval_results_to_model_index

    models = [m for m in index if isinstance(m, dict) and isinstance(m.get("results"), list)]
    target = next((m for m in models if m.get("name") == model_name), None)
    if target is None and len(models) == 1:
        target = models[0]
    if target is None:
        target = {"name": model_name, "results": []}
        index.append(target)
    block = eval_results_to_model_index(model_name, [er])[0]["results"][0]
    for result in target["results"]:
        if (isinstance(result, dict) and result.get("task") == block["task"]
                and result.get("dataset") == block["dataset"] and result.get("source") == block.get("source")
                and isinstance(result.get("metrics"), list)):
            result["metrics"] += block["metrics"]
            return
    target["results"].append(block)


# --------------------------------------------------------------------------- validation


def validate_model_index(readme_text: str, path: str) -> list[Problem]:
    """Every problem of a card's model-index, located as ``path: model-index[i].results[j]...``."""
    try:
        fm = split_front_matter(readme_text)
    except InputError as exc:
        return [Problem(path, exc.message)]
    if KEY not in fm.meta:
        return []
    metrics, problems = _walk(fm.meta[KEY], path)
    for n, m in enumerate(metrics):
        if any(_same_result(m.result, o.result) and m.result.dataset_config == o.result.dataset_config
               for o in metrics[:n]):
            problems.append(Problem(m.where, f"duplicate result for {m.result.dataset_type} ({m.result.metric_type})"))
    scores = read_model_index_scores(readme_text)
    problems += [Problem(m.where, f"{m.result.dataset_type}: {bad}") for m, s in zip(metrics, scores, strict=True)
                 if not isinstance(s.value, str) and (bad := value_problem(s))]
    problems += [Problem(f"{path}: {KEY}", msg, "warning") for msg in check_scale(scores)]
    return problems

