"""Scores from our own evaluation logs: inspect-ai logs (``.eval`` archives, ``.json``) and lighteval
``results_*.json`` files, as written by the runner scripts.

Why strict: a task maps to a registry benchmark only through the table below (framework task name ->
benchmark key); tasks from local files or unknown names stay unmapped. Framework accuracies (0-1) become
percentages, rounded to two decimals so no float noise is published. A run on part of the set
(``--limit`` / ``--max-samples``) is marked ``partial``: the CLI must not publish it as the benchmark score
without ``--force``.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError, SourceError
from ..safeload import ParseError, json_load
from ..scores import Provenance, Score

# framework task name -> (registry key, metric to read or None for the framework's headline metric)
INSPECT_TASKS: dict[str, tuple[str, str | None]] = {
    "inspect_evals/gpqa_diamond": ("gpqa_diamond", None),
    "inspect_evals/gsm8k": ("gsm8k", None),
    "inspect_evals/mmlu_pro": ("mmlu_pro", None),
    "inspect_evals/mmlu_0_shot": ("mmlu", None),
    "inspect_evals/mmlu_5_shot": ("mmlu", None),
    "inspect_evals/aime2024": ("aime_2024", None),
    "inspect_evals/aime2025": ("aime_2025", None),
    "inspect_evals/ifeval": ("ifeval", "prompt_strict_acc"),
    "inspect_evals/math": ("math", None),
    "inspect_evals/hle": ("hle", None),
    "inspect_evals/arc_challenge": ("arc_challenge", None),
    "inspect_evals/arc_easy": ("arc_easy", None),
    "inspect_evals/hellaswag": ("hellaswag", None),
    "inspect_evals/winogrande": ("winogrande", None),
    "inspect_evals/drop": ("drop", None),
    "inspect_evals/simpleqa": ("simpleqa", None),
    "inspect_evals/musr": ("musr", None),
    "inspect_evals/bbh": ("bbh", None),
    "inspect_evals/humaneval": ("humaneval", None),
    "inspect_evals/mbpp": ("mbpp", None),
}
INSPECT_SHOTS = {"inspect_evals/mmlu_0_shot": 0, "inspect_evals/mmlu_5_shot": 5}
LIGHTEVAL_TASKS: dict[str, tuple[str, str | None]] = {
    "gpqa:diamond": ("gpqa_diamond", None),
    "gsm8k": ("gsm8k", None),
    "mmlu_pro": ("mmlu_pro", None),
    "aime24": ("aime_2024", None),
    "aime25": ("aime_2025", None),
    "ifeval": ("ifeval", "prompt_level_strict_acc"),
    "math_500": ("math_500", None),
    "hle": ("hle", None),
    "arc:challenge": ("arc_challenge", None),
    "hellaswag": ("hellaswag", None),
    "winogrande": ("winogrande", None),
    "drop": ("drop", None),
    "simpleqa": ("simpleqa", None),
}
MAX_LOG_BYTES = 64 * 1024 * 1024  # the most of one log (or of an archive's header) that is read
_ZSTD = 93  # zip compression method id of Zstandard (inspect-ai writes its .eval members with it)
_LIGHTEVAL_DATE = re.compile(r"results_(\d{4}-\d{2}-\d{2})T")


@dataclass
class LogScore:
    """One score read from a log, with what the publishing guards need to know about the run."""

    score: Score
    framework: str  # "inspect-ai" | "lighteval"
    task: str  # the framework's task name
    metric: str
    partial: bool  # True when only part of the set was evaluated (--limit / --max-samples)
    samples: int | None  # samples evaluated, when the log says
    total_samples: int | None  # samples in the full set, when the log says
    model: str | None
    path: Path


def scores_from_logs(paths: list[Path], logs_url: str | None = None, registry: Any = None) -> list[LogScore]:
    """Every score in the given log files (folders are searched for logs), mapped to the registry.

    ``logs_url`` is where the logs are published (the entries' ``source.url``); ``registry`` defaults to
    the bundled one. Raises InputError for unreadable files, SourceError for runs that did not finish.
    """
    if registry is None:
        from ..registry import Registry

        registry = Registry.load()
    found: list[LogScore] = []
    for path in _expand(paths):
        inspect = path.suffix == ".eval" or (path.suffix == ".json" and not path.name.startswith("results_"))
        log = read_inspect_log(path) if inspect else _read_json(path)
        try:
            found += _inspect_scores(path, log, logs_url) if inspect else _lighteval_scores(path, log, logs_url)
        except (AttributeError, TypeError, KeyError, ValueError) as exc:  # a field of another type than logs have
            framework = "inspect-ai" if inspect else "lighteval"
            raise InputError(f"{path}: unexpected structure for a {framework} log ({type(exc).__name__}: "
                             f"{str(exc)[:200]})", "pass a log written by the framework, unmodified") from None
    for item in found:
        _annotate(item, registry)
    return found


def percent(value: float) -> float:
    """A 0-1 fraction as a percentage with two decimals, computed in decimal (0.6 -> 60.0, not 60.000000001)."""
    return float((Decimal(repr(value)) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------------- reading


def read_inspect_log(path: Path) -> dict:
    """An inspect log's header (eval, results, status) as a dict: inspect-ai's reader when installed, else ours.

    Our bounded reader always goes first, so a bomb or a huge log is refused before inspect-ai reads it.
    """
    ours = _read_json(path) if path.suffix == ".json" else _json_object(path, _zip_member(path, "header.json"))
    try:
        from inspect_ai.log import read_eval_log
    except ImportError:
        return ours
    try:
        return read_eval_log(str(path), header_only=True).model_dump(mode="json", exclude_none=True)
    except Exception as exc:  # noqa: BLE001 - inspect raises many types for a damaged log
        raise InputError(f"{path}: not a readable inspect log ({exc})",
                         "pass the log file inspect-ai wrote, unmodified") from None


def _zip_member(path: Path, name: str) -> bytes:
    """One member of a zip archive, Zstandard-compressed members included (zipfile reads them from 3.14 on).

    At most MAX_LOG_BYTES are decompressed, whatever the archive declares: a 32 KB bomb stays 32 KB.
    """
    import zstandard

    hint = "pass the .eval file written by inspect-ai, or its .json export"
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(name)
            if info.compress_type != _ZSTD:
                with archive.open(info) as member:
                    return _capped(path, member.read(MAX_LOG_BYTES + 1))
        with path.open("rb") as handle:
            handle.seek(info.header_offset)
            local = handle.read(30)
            name_len, extra_len = struct.unpack("<HH", local[26:30])
            handle.seek(info.header_offset + 30 + name_len + extra_len)
            raw = handle.read(min(info.compress_size, MAX_LOG_BYTES))
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)) as reader:
            return _capped(path, reader.read(MAX_LOG_BYTES + 1))
    except (OSError, KeyError, EOFError, struct.error, zipfile.BadZipFile, zstandard.ZstdError,
            NotImplementedError) as exc:
        raise InputError(f"{path}: not a readable inspect .eval log ({exc})", hint) from None


def _capped(path: Path, data: bytes) -> bytes:
    if len(data) > MAX_LOG_BYTES:
        raise InputError(f"{path}: the log expands to more than {MAX_LOG_BYTES // 2**20} MB: too large to read",
                         "pass the log's header (inspect-ai: header_only) or a smaller log")
    return data


def _read_json(path: Path) -> dict:
    if not path.is_file():
        raise InputError(f"{path}: not a regular file", "pass a log file or a folder of logs")
    if path.stat().st_size > MAX_LOG_BYTES:
        raise InputError(f"{path}: {path.stat().st_size // 2**20} MB is too large to read as a log",
                         "pass the log's header (inspect-ai: header_only) or a smaller log")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    return _json_object(path, data)


def _json_object(path: Path, data: bytes) -> dict:
    try:
        log = json_load(data.decode("utf-8"))
    except (UnicodeDecodeError, ParseError) as exc:
        reason = exc.message if isinstance(exc, ParseError) else "not UTF-8"
        raise InputError(f"{path}: not a readable JSON log ({reason})",
                         "pass the log file the framework wrote, unmodified") from None
    if not isinstance(log, dict):
        raise InputError(f"{path}: not an evaluation log (expected a JSON object)",
                         "pass the log file the framework wrote, unmodified")
    return log


def _expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders replaced by the logs they hold (inspect ``*.eval``, lighteval ``results_*.json``)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [f for f in sorted(path.rglob("*.eval")) + sorted(path.rglob("results_*.json")) if f.is_file()]
            if not found:
                raise InputError(f"{path}: no evaluation logs in this folder (*.eval, results_*.json)",
                                 "pass the folder the framework wrote its logs to, or the log files")
            files += found
        elif path.is_file():
            files.append(path)
        elif path.exists():
            raise InputError(f"{path}: not a regular file", "pass a log file or a folder of logs")
        else:
            raise InputError(f"{path}: no such file or folder")
    return files


# ---------------------------------------------------------------------- inspect-ai


def _inspect_scores(path: Path, log: dict, logs_url: str | None) -> list[LogScore]:
    spec = log.get("eval") or {}
    if "results" not in log and "status" not in log:
        raise InputError(f"{path}: not an inspect log (no eval results)")
    if log.get("status") != "success":
        raise SourceError(f"{path}: the run's status is {log.get('status')!r}, so its scores are incomplete",
                          hint="re-run the evaluation to completion, or import a log whose status is success")
    results = log.get("results") or {}
    task = spec.get("task_registry_name") or spec.get("task") or "?"
    metric_name, value = _inspect_metric(results, INSPECT_TASKS.get(task, (None, None))[1])
    done = results.get("completed_samples")
    total = (spec.get("dataset") or {}).get("samples")
    epochs = (spec.get("config") or {}).get("epochs")
    partial = bool((spec.get("config") or {}).get("limit")) or (done is not None and total is not None and done < total)
    version = (spec.get("packages") or {}).get("inspect_ai")
    notes = _notes(f"inspect-ai {version}" if version else "inspect-ai", spec.get("model_args"),
                   spec.get("task_args"), done, total, partial, "--limit")
    if epochs and epochs > 1:
        notes += f"; {epochs} epochs"
    score = _score(task, value, _date(spec.get("created")), notes, path, metric_name, "inspect-ai", logs_url)
    if spec.get("task_file"):
        score.warnings.append(f"task {task!r} comes from the local file {spec['task_file']}: not a registered benchmark")
    return [LogScore(score, "inspect-ai", task, metric_name, partial, done, total, spec.get("model"), path)]


def _inspect_metric(results: dict, wanted: str | None) -> tuple[str, float]:
    """The mapped metric, else the log's headline metric, else the first scorer's accuracy."""
    scores = results.get("scores") or []
    headline = results.get("headline") or {}
    choices = [(None, wanted), (headline.get("scorer"), headline.get("metric")), (None, "accuracy")]
    for scorer_name, metric_name in choices:
        for scorer in scores:
            metric = (scorer.get("metrics") or {}).get(metric_name) if metric_name else None
            if metric is not None and scorer_name in (None, scorer.get("name")):
                return metric_name, metric["value"]
    raise SourceError("the inspect log has no accuracy-like metric to import",
                      hint="import a log whose scorer reports accuracy (or the mapped metric)")


# ---------------------------------------------------------------------- lighteval


def _lighteval_scores(path: Path, data: dict, logs_url: str | None) -> list[LogScore]:
    if "results" not in data or "config_general" not in data:
        raise InputError(f"{path}: not a lighteval results file (no 'results' and 'config_general')")
    general = data["config_general"]
    max_samples = general.get("max_samples")
    date = _LIGHTEVAL_DATE.search(path.name)
    found = []
    for full_name, metrics in sorted(data["results"].items()):
        if full_name == "all":
            continue
        parts = full_name.split("|")
        task = parts[-2] if len(parts) >= 2 else parts[0]
        shots = int(parts[-1]) if len(parts) >= 2 and parts[-1].isdigit() else None
        metric_name, value = _lighteval_metric(path, full_name, metrics, LIGHTEVAL_TASKS.get(task, (None, None))[1])
        model_args = {k: v for k, v in (general.get("model_config") or {}).items()
                      if k in ("dtype", "tensor_parallel_size", "use_chat_template", "override_chat_template",
                               "system_prompt") and v not in (None, False)}
        notes = _notes("lighteval", model_args, None, max_samples, None, max_samples is not None, "--max-samples")
        setting = f"{shots}-shot" if shots is not None else None
        score = _score(task, value, date.group(1) if date else None, notes, path, metric_name, "lighteval",
                       logs_url, setting)
        hf_repo = ((data.get("config_tasks") or {}).get(full_name) or {}).get("hf_repo")
        if hf_repo and hf_repo.startswith(("/", ".")):
            score.warnings.append(f"task {task!r} reads the local dataset {hf_repo}: not a registered benchmark")
        found.append(LogScore(score, "lighteval", task, metric_name, max_samples is not None, max_samples, None,
                              general.get("model_name"), path))
    return found


def _lighteval_metric(path: Path, task: str, metrics: dict, wanted: str | None) -> tuple[str, float]:
    names = [k for k in metrics if not k.endswith("_stderr")]
    name = wanted if wanted in metrics else (names[0] if names else None)
    if name is None:
        raise SourceError(f"{path}: task {task} has no metric values")
    return name, metrics[name]


# ---------------------------------------------------------------------- common


def _notes(framework: str, model_args: dict | None, task_args: dict | None, done: int | None,
           total: int | None, partial: bool, flag: str) -> str:
    """Who measured it and how: framework, model args, task args, sample count of a partial run."""
    parts = [f"{framework} (own evaluation run)"]
    if model_args:
        parts.append("model args: " + ", ".join(f"{k}={v}" for k, v in sorted(model_args.items())))
    if task_args:
        parts.append("task args: " + ", ".join(f"{k}={v}" for k, v in sorted(task_args.items())))
    if partial:
        count = f"{done} of {total} samples" if done is not None and total else (
            f"at most {done} samples" if done is not None else "part of the samples")
        parts.append(f"partial run: {count} ({flag})")
    return "; ".join(parts)


def _score(task: str, value: float, date: str | None, notes: str, path: Path, metric: str, framework: str,
           logs_url: str | None, setting: str | None = None) -> Score:
    warnings = []
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        warnings.append(f"metric {metric}={value!r} is not a 0-1 fraction: not converted to a percentage")
        shown = value if isinstance(value, (int, float)) and not isinstance(value, bool) else float("nan")
    else:
        shown = percent(value)
    return Score(benchmark=task, value=shown, setting=setting, location=f"{path.name}: task {task}, metric {metric}",
                 notes=notes, date=date,
                 provenance=Provenance(kind="logs", url=logs_url, name=f"{framework} evaluation logs"),
                 warnings=warnings)


def _date(created: str | None) -> str | None:
    return created[:10] if created and re.match(r"\d{4}-\d{2}-\d{2}", created) else None


def _annotate(item: LogScore, registry: Any) -> None:
    """Registry key, dataset and task id from the task table; unmapped and local tasks stay unmapped."""
    table = INSPECT_TASKS if item.framework == "inspect-ai" else LIGHTEVAL_TASKS
    key = table.get(item.task, (None, None))[0]
    score = item.score
    if key is None or score.warnings:
        score.warnings.append(f"{item.framework} task {item.task!r} is not mapped to a registry benchmark")
        return
    bench = registry.by_key(key)
    if bench is None:
        score.warnings.append(f"registry key {key!r} (for {item.task}) is not in the registry")
        return
    shots = INSPECT_SHOTS.get(item.task)
    setting = score.setting or (f"{shots}-shot" if shots is not None else None)
    match = registry.match(bench.name, setting)
    score.benchmark_key, score.dataset_id, score.task_id = bench.key, bench.dataset_id, bench.task_id
    if match is not None and match.benchmark.key == bench.key and match.notes:
        score.notes = f"{score.notes}; {match.notes}"
        score.variant = match.notes
