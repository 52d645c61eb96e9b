"""The README's legacy ``model-index`` results: read, identify, merge and validate them.

A model card is someone else's document: only the ``model-index`` key of its front matter changes (see
:mod:`..frontmatter`), other models' entries are kept, the body is never touched. The library's
``EvalResult`` / ``model_index_to_eval_results`` / ``eval_results_to_model_index`` do the format; this
module adds locating errors and the identity the one merge loop (:func:`.base.merge`) uses.

Identity of a model-index result: dataset type + metric type + variant (the setup notes, written as a
``(notes)`` suffix of the metric name), and the dataset config/split when both sides state one. Labels
without a registry entry are allowed here (the legacy format has no benchmark registry): their
dataset type is a slug of the label and their dataset name the label as printed.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import Conflict, InputError, Problem
from ..frontmatter import set_front_matter_key, split_front_matter
from ..ids import slug
from ..observation import Provenance
from ..result import Result
from ..values import finite_number
from .base import Existing, Format, Known, Measured, benchmark_of, measured, scale_problems, value_problem

if TYPE_CHECKING:
    from huggingface_hub import EvalResult

    from ..hub import RepoState
    from ..registry import Registry

KEY = "model-index"
README = "README.md"
_METRIC_SYNONYMS = {"acc": "accuracy", "em": "exact_match", "exact match": "exact_match", "pass_at_1": "pass@1"}


# --------------------------------------------------------------------------- the format


class ModelIndex(Format["EvalResult"]):
    """The ``model-index`` of README.md, one entry per model ``name``."""

    name = "model-index"
    scale_where = f"{README}: {KEY}"

    def __init__(self, registry: Registry, model_name: str, task_type: str = "text-generation",
                 dataset_name: str | None = None) -> None:
        self.registry = registry
        self.model_name = model_name
        self.task_type = task_type
        self.dataset_name = dataset_name

    def record(self, item: Result) -> EvalResult:
        return eval_result_for(item, self.registry, self.task_type, self.dataset_name)

    def same_result(self, a: EvalResult, b: EvalResult) -> bool:
        return same_result(a, b)

    def value(self, record: EvalResult) -> Any:
        return record.metric_value

    def conflict(self, new: EvalResult, old: EvalResult, where: str) -> Conflict:
        return Conflict(new.dataset_type, new.dataset_config or "", _variant(new), old.metric_value,
                        new.metric_value, old.source_url, new.source_url, where)

    def target(self, item: Result) -> str:
        return README

    def read(self, state: RepoState) -> Existing[EvalResult]:
        """The well-formed metrics; any malformed entry blocks writing (InputError: not a list, bad YAML)."""
        index = _index(state.readme or "")
        metrics, problems = _walk(index, README)
        records = [Known(m.result, README, f"{README} {m.where}", m.path) for m in metrics]
        return Existing(records, problems, {README} if any(p.severity == "error" for p in problems) else set())

    def write(self, state: RepoState, existing: Existing[EvalResult], added: dict[str, list[EvalResult]],
              replaced: list[tuple[Known[EvalResult], EvalResult]]) -> dict[str, str]:
        """The card with only its model-index changed: values replaced in place, new metrics appended."""
        readme = state.readme or ""
        index = copy.deepcopy(_index(readme))
        for old, new in replaced:
            i, j, k = old.position
            index[i]["results"][j]["metrics"][k]["value"] = new.metric_value
        for er in added.get(README, []):
            _add(index, self.model_name, er)
        return {README: set_front_matter_key(readme, KEY, index)}

    def measure(self, record: EvalResult, item: Result | None) -> Measured:
        return measured(item) if item is not None else _measured(record)


def eval_result_for(item: Result, registry: Registry, task_type: str = "text-generation",
                    dataset_name: str | None = None) -> EvalResult:
    """A model-index result for an item; unregistered labels get a dataset type slugged from the label."""
    from huggingface_hub import EvalResult

    label, notes = item.label, item.notes
    bench = benchmark_of(item, registry) if item.benchmark_key or item.dataset_id else None
    name = dataset_name or (bench.name if bench else label)
    shared = bench is not None and len(registry.benchmarks_for_dataset(bench.dataset_id or "")) > 1
    source = item.provenance if item.provenance and item.provenance.url else None
    return EvalResult(
        task_type=task_type,
        task_name=task_type.replace("-", " ").title(),
        dataset_type=item.dataset_id or slug(label) or "benchmark",
        dataset_name=name,
        dataset_config=item.task_id if shared else None,
        metric_type=bench.metric if bench else "score",
        metric_value=item.value,
        metric_name=f"{bench.name if bench else label}" + (f" ({notes})" if notes else ""),
        source_url=source.url if source else None,
        source_name=source.name if source else None,
    )


def _index(readme: str) -> list[Any]:
    """The card's model-index; InputError when the front matter cannot be read or it is not a list."""
    index = split_front_matter(readme).meta.get(KEY) or []
    if not isinstance(index, list):
        raise InputError(f"the README's {KEY} is not a list; it is not rewritten", f"fix the {KEY} block by hand")
    return index



# --------------------------------------------------------------------------- reading


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
    """Model-index results as Scores (for ``show``): dataset type as dataset id, config as task id."""
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


def same_result(a: EvalResult, b: EvalResult) -> bool:
    """Same dataset, metric and variant; config and split only count when both state one."""
    if a.dataset_type.lower() != b.dataset_type.lower() or _metric_type(a) != _metric_type(b):
        return False
    if _variant(a) != _variant(b):
        return False
    return all(x is None or y is None or x == y for x, y in
               ((a.dataset_config, b.dataset_config), (a.dataset_split, b.dataset_split)))


# --------------------------------------------------------------------------- writing


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


def validate_model_index(readme_text: str, path: str, registry: Registry) -> list[Problem]:
    """Every problem of a card's model-index, located as ``path: model-index[i].results[j]...``."""
    try:
        fm = split_front_matter(readme_text)
    except InputError as exc:
        return [Problem(path, exc.message)]
    if KEY not in fm.meta:
        return []
    metrics, problems = _walk(fm.meta[KEY], path)
    for n, m in enumerate(metrics):
        if any(same_result(m.result, o.result) and m.result.dataset_config == o.result.dataset_config
               for o in metrics[:n]):
            problems.append(Problem(m.where, f"duplicate result for {m.result.dataset_type} ({m.result.metric_type})"))
    values = [_measured(m.result) for m in metrics]
    problems += [Problem(m.where, f"{m.result.dataset_type}: {bad}") for m, v in zip(metrics, values, strict=True)
                 if not isinstance(v.value, str) and (bad := value_problem(v, registry))]
    problems += scale_problems(values, [], f"{path}: {KEY}", registry)
    return problems


def _measured(er: EvalResult) -> Measured:
    return Measured(er.dataset_name, er.metric_value, er.dataset_type, er.dataset_config)
