"""Scores from our own evaluation logs: inspect-ai logs (``.eval`` archives, ``.json``), lighteval
``results_*.json`` files (with their ``--save-details`` parquet files) and lm-evaluation-harness
``results_*.json`` files (with their ``samples_*.jsonl`` files).

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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import InputError, SourceError
from ..safeload import ParseError, json_load
from ..values import percent
from ..observation import Observation, Provenance, SourceReport, TaskRef

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
# lm-evaluation-harness task -> (registry key, "metric,filter" key of its results)
LM_EVAL_TASKS: dict[str, tuple[str, str | None]] = {
    "gsm8k": ("gsm8k", "exact_match,strict-match"),
    "mmlu": ("mmlu", "acc,none"),
    "mmlu_pro": ("mmlu_pro", "exact_match,custom-extract"),
    "gpqa_diamond_zeroshot": ("gpqa_diamond", "acc,none"),
    "hellaswag": ("hellaswag", "acc_norm,none"),
    "arc_challenge": ("arc_challenge", "acc_norm,none"),
    "arc_easy": ("arc_easy", "acc,none"),
    "winogrande": ("winogrande", "acc,none"),
    "ifeval": ("ifeval", "prompt_level_strict_acc,none"),
    "piqa": ("piqa", "acc,none"),
    "boolq": ("boolq", "acc,none"),
    "openbookqa": ("openbookqa", "acc_norm,none"),
    "humaneval": ("humaneval", "pass@1,create_test"),
    "mbpp": ("mbpp", "pass_at_1,none"),
}
_HUB_TASK = re.compile(r"hf/(?P<dataset>[\w.-]+/[\w.-]+)(?:/(?P<task>[\w.-]+))?(?:@[\w./-]+)?")  # inspect hf/ tasks
_SHOT_ARGS = ("fewshot", "num_fewshot", "n_shot", "shots", "few_shot")  # inspect task args that set the shots
_INSPECT_JSON_HEAD = re.compile(rb'\s*\{\s*"version"\s*:\s*\d+\s*,\s*"status"\s*:')
_ZSTD = 93  # zip compression method id of Zstandard (inspect-ai writes its .eval members with it)
_RESULTS_DATE = re.compile(r"results_(\d{4}-\d{2}-\d{2})T")


@dataclass
class LogRun:
    """One value read from a log, with what the publishing guards need to know about the run."""

    observation: Observation
    framework: str  # "inspect-ai" | "lighteval" | "lm-evaluation-harness"
    task: str  # the framework's task name
    metric: str
    partial: bool  # True when only part of the set was evaluated (--limit / --max-samples)
    samples: int | None  # samples evaluated, when the log says
    total_samples: int | None  # samples in the full set, when the log says
    model: str | None  # as the log names it (inspect: "provider/org/name"; others: a repo id or a local path)
    path: Path
    revision: str | None = None  # the model revision the log names, when it names one


@dataclass
class LogsReport(SourceReport):
    """The source report of log files, with each value's run (``observations`` are the runs' observations)."""

    runs: list[LogRun] = field(default_factory=list)


def observations_from_logs(paths: list[Path], logs_url: str | None = None) -> LogsReport:
    """Every value in the given log files (folders are searched for logs), named by its framework task.

    ``logs_url`` is where the logs are published (the entries' ``source.url``). Raises InputError for
    unreadable files, SourceError for runs that did not finish.
    """
    found: list[LogRun] = []
    for path in _expand(paths):
        inspect = path.suffix == ".eval" or (path.suffix == ".json" and not path.name.startswith("results_"))
        log = read_inspect_log(path) if inspect else _read_json(path)
        try:
            found += _inspect_scores(path, log, logs_url) if inspect else _results_scores(path, log, logs_url)
        except (AttributeError, TypeError, KeyError, ValueError) as exc:  # a field of another type than logs have
            framework = "inspect-ai" if inspect else "lighteval / lm-evaluation-harness"
            raise InputError(f"{path}: unexpected structure for a {framework} log ({type(exc).__name__}: "
                             f"{str(exc)[:200]})", "pass a log written by the framework, unmodified") from None
    runs = [replace(item, observation=_named(item)) for item in found]
    return LogsReport(observations=[r.observation for r in runs], runs=runs)


def model_mismatch(item: LogRun, repo_id: str, revision: str | None) -> str | None:
    """Why the log's model may not be ``repo_id`` at ``revision`` (both named), or None when it is.

    A local folder cannot be checked against a repo id, so it needs the user's confirmation like another repo.
    """
    model = item.model
    if model and item.framework == "inspect-ai":
        model = model.split("/", 1)[1] if "/" in model else None  # "vllm/org/name" -> "org/name"
    if not model:
        return f"the log does not name its model (target {repo_id})"
    if model.startswith(("/", ".", "~")) or Path(model).expanduser().is_dir():
        return f"the log's model is the local folder {model}, which cannot be checked to be {repo_id}"
    if model.casefold() != repo_id.casefold():
        return f"the log's model is {model}, not {repo_id}"
    if item.revision and item.revision != (revision or "main"):
        return f"the log evaluated {model} at revision {item.revision}, not {revision or 'main'}"
    return None


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
    """Files as given; folders replaced by the logs they hold: inspect ``*.eval`` and ``--log-format json``
    logs, lighteval and lm-eval ``results_*.json``. A folder without any log is an error, never an empty import."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [f for f in sorted(path.rglob("*.eval")) + sorted(
                p for p in path.rglob("*.json") if p.name.startswith("results_") or _is_inspect_json(p)) if f.is_file()]
            if not found:
                raise InputError(f"{path}: no evaluation logs in this folder (*.eval, inspect *.json, results_*.json)",
                                 "give inspect .eval or .json logs, or lighteval / lm-eval results_*.json files")
            files += found
        elif path.is_file():
            files.append(path)
        elif path.exists():
            raise InputError(f"{path}: not a regular file", "pass a log file or a folder of logs")
        else:
            raise InputError(f"{path}: no such file or folder")
    return files


def _is_inspect_json(path: Path) -> bool:
    """An inspect ``--log-format json`` log: it opens with its ``version`` and ``status`` (read from its head only)."""
    try:
        with path.open("rb") as handle:
            return bool(_INSPECT_JSON_HEAD.match(handle.read(256)))
    except OSError:
        return False


# ---------------------------------------------------------------------- inspect-ai


def _inspect_scores(path: Path, log: dict, logs_url: str | None) -> list[LogRun]:
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
    task_args = spec.get("task_args") or {}  # with the task's defaults: a 10-shot default is recorded too
    notes = _notes(f"inspect-ai {version}" if version else "inspect-ai", spec.get("model_args"),
                   task_args, _partial_text(done, total, partial, "--limit"))
    if epochs and epochs > 1:
        notes += f"; {epochs} epochs"
    shots = next((v for k, v in task_args.items() if k in _SHOT_ARGS and type(v) is int), INSPECT_SHOTS.get(task))
    local = [f"task {task!r} comes from the local file {spec['task_file']}: not a registered benchmark"
             ] if spec.get("task_file") else []
    score = _score(task, value, _date(spec.get("created")), notes, path, metric_name, "inspect-ai", logs_url,
                   f"{shots}-shot" if shots is not None else None, local)
    revision = (spec.get("model_args") or {}).get("revision")
    return [LogRun(score, "inspect-ai", task, metric_name, partial, done, total, spec.get("model"), path, revision)]


def _inspect_metric(results: dict, wanted: str | None) -> tuple[str, float]:
    """The mapped metric, else the log's headline metric, else the first scorer's accuracy."""
    scores = results.get("scores") or []
    headline = results.get("headline") or {}
    choices = [(None, wanted), (headline.get("scorer"), headline.get("metric")), (None, "accuracy")]
    for scorer_name, metric_name in choices:
        for scorer in scores:
            metric = (scorer.get("metrics") or {}).get(metric_name) if metric_name else None
            if metric is not None and metric_name and scorer_name in (None, scorer.get("name")):
                return metric_name, metric["value"]
    raise SourceError("the inspect log has no accuracy-like metric to import",
                      hint="import a log whose scorer reports accuracy (or the mapped metric)")


# ---------------------------------------------------------------------- results_*.json: lighteval or lm-eval


def _results_scores(path: Path, data: dict, logs_url: str | None) -> list[LogRun]:
    """A ``results_*.json``: lighteval's has ``config_general``, lm-evaluation-harness's ``config`` and ``n-shot``."""
    if "results" in data and "config_general" in data:
        return _lighteval_scores(path, data, logs_url)
    if "results" in data and "config" in data and ("n-shot" in data or "lm_eval_version" in data):
        return _lm_eval_scores(path, data, logs_url)
    raise InputError(f"{path}: not a lighteval or lm-evaluation-harness results file "
                     "(no 'results' with 'config_general' or 'config')")


# ---------------------------------------------------------------------- lm-evaluation-harness


def _lm_eval_scores(path: Path, data: dict, logs_url: str | None) -> list[LogRun]:
    config = data.get("config") or {}
    results = data.get("results") or {}
    model_args = _key_values(config.get("model_args"))
    model = model_args.pop("pretrained", None) or model_args.pop("model", None) or data.get("model_name")
    revision = model_args.get("revision")
    groups = {g: members for g, members in (data.get("group_subtasks") or {}).items() if g in results}
    members_of_read_groups = {m for members in groups.values() for m in members}
    counted = _lm_eval_sample_counts(path)
    setup = [label for key, label in (("chat_template", "chat template applied"),
                                           ("fewshot_as_multiturn", "few-shot as multi-turn"),
                                           ("system_instruction", "system instruction")) if data.get(key)]
    if config.get("gen_kwargs"):
        setup.append("gen kwargs: " + ", ".join(f"{k}={v}" for k, v in sorted(config["gen_kwargs"].items())))
    version = data.get("lm_eval_version")
    date = _timestamp_date(data.get("date")) or (m.group(1) if (m := _RESULTS_DATE.search(path.name)) else None)
    found = []
    for task, metrics in sorted(results.items()):
        if task in members_of_read_groups:
            continue  # read through its group: one score per benchmark
        members = groups.get(task) or [task]
        wanted = LM_EVAL_TASKS.get(task, (None, None))[1]
        metric_key, value = _lm_eval_metric(path, task, metrics, wanted)
        metric_name, _, filter_name = metric_key.partition(",")
        done, total = _lm_eval_counts(data.get("n-samples") or {}, members, counted)
        partial = config.get("limit") is not None or (done is not None and total is not None and done < total)
        shots = {(data.get("n-shot") or {}).get(m) for m in members} - {None}
        task_version = (data.get("versions") or {}).get(task)
        extra = [f"task version {task_version}"] if task_version is not None else []
        if filter_name and filter_name != "none":
            extra.append(f"filter {filter_name}")
        notes = _notes(f"lm-evaluation-harness {version}" if version else "lm-evaluation-harness", model_args,
                       None, _partial_text(done, total, partial, "--limit"), extra + setup)
        setting = f"{shots.pop()}-shot" if len(shots) == 1 else None
        doubts = []
        if wanted is not None and metric_key != wanted:
            doubts.append(f"task {task!r} has no {wanted} in {path.name}: {metric_key} is not its score")
        if ((data.get("higher_is_better") or {}).get(task) or {}).get(metric_name) is False:
            doubts.append(f"metric {metric_name} of task {task!r} is lower-is-better: not a benchmark score")
        if task in counted and done is not None and counted[task] != done:
            doubts.append(f"the samples file of task {task!r} holds {counted[task]} documents, "
                          f"the results say {done}: the logs do not agree")
        if _is_local(((data.get("configs") or {}).get(task) or {}).get("dataset_path")):
            doubts.append(f"task {task!r} reads a local dataset: not a registered benchmark")
        score = _score(task, value, date, notes, path, metric_key, "lm-evaluation-harness", logs_url, setting, doubts)
        found.append(LogRun(score, "lm-evaluation-harness", task, metric_key, partial, done, total, model, path,
                              revision))
    return found


def _key_values(value: Any) -> dict[str, Any]:
    """lm-eval's model args: a dict, or the ``key=value,key=value`` string given on its command line."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    if isinstance(value, str):
        return dict(part.split("=", 1) for part in value.split(",") if "=" in part)
    return {}


def _lm_eval_metric(path: Path, task: str, metrics: dict, wanted: str | None) -> tuple[str, float]:
    """The mapped ``metric,filter`` value, else the first metric the task reports (its stderr and labels skipped)."""
    names = [k for k, v in metrics.items()
             if "," in k and not k.split(",")[0].endswith("_stderr") and isinstance(v, (int, float))]
    name = wanted if wanted in metrics else (names[0] if names else None)
    if name is None:
        raise SourceError(f"{path}: task {task} has no metric values")
    return name, metrics[name]


def _lm_eval_counts(n_samples: dict, members: list[str], counted: dict[str, int]) -> tuple[int | None, int | None]:
    """(evaluated, in the full set) summed over a group's members; the samples files count when the results don't."""
    done = 0
    total: int | None = 0
    for member in members:
        entry = n_samples.get(member) or {}
        member_done = entry.get("effective", counted.get(member))
        if member_done is None:
            return None, None
        done += member_done
        total = None if total is None or entry.get("original") is None else total + entry["original"]
    return done, total


def _lm_eval_sample_counts(path: Path) -> dict[str, int]:
    """Documents per task in the ``samples_<task>_<date>.jsonl`` files written beside ``results_<date>.json``."""
    stamp = path.stem.removeprefix("results_")
    counts = {}
    for sample_file in path.parent.glob(f"samples_*_{stamp}.jsonl"):
        task = sample_file.name.removeprefix("samples_").removesuffix(f"_{stamp}.jsonl")
        try:
            if sample_file.stat().st_size > MAX_LOG_BYTES:
                raise InputError(f"{sample_file}: larger than {MAX_LOG_BYTES // 2**20} MB: too large to read")
            docs = {json_load(line).get("doc_id") for line in sample_file.read_text(encoding="utf-8").splitlines()
                    if line.strip()}
        except (OSError, UnicodeDecodeError, ParseError, AttributeError) as exc:
            raise InputError(f"{sample_file}: not a readable lm-evaluation-harness samples file ({exc})") from None
        counts[task] = len(docs)
    return counts


def _timestamp_date(value: Any) -> str | None:
    """A Unix timestamp (lm-eval's ``date``) as an ISO date in UTC."""
    from datetime import datetime, timezone

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return datetime.fromtimestamp(value, tz=timezone.utc).date().isoformat()


def _is_local(dataset: Any) -> bool:
    """A dataset read from files (``json``/``csv`` builders, or a path), not from a Hub dataset repo."""
    return isinstance(dataset, str) and (dataset in ("json", "csv", "parquet", "text", "arrow")
                                         or dataset.startswith(("/", ".")))


# ---------------------------------------------------------------------- lighteval


def _lighteval_scores(path: Path, data: dict, logs_url: str | None) -> list[LogRun]:
    general = data["config_general"]
    max_samples = general.get("max_samples")
    date = _RESULTS_DATE.search(path.name)
    model_config = general.get("model_config") or {}
    details = _lighteval_details(path)
    found = []
    for full_name, metrics in sorted(data["results"].items()):
        if full_name == "all":
            continue
        parts = full_name.split("|")
        task = parts[-2] if len(parts) >= 2 else parts[0]
        shots = int(parts[-1]) if len(parts) >= 2 and parts[-1].isdigit() else None
        metric_name, value = _lighteval_metric(path, full_name, metrics, LIGHTEVAL_TASKS.get(task, (None, None))[1])
        model_args = {k: v for k, v in model_config.items()
                      if k in ("dtype", "tensor_parallel_size", "use_chat_template", "override_chat_template",
                               "system_prompt") and v not in (None, False)}
        rows = details.get(full_name)
        partial = max_samples is not None
        if rows is not None:  # the details list every evaluated sample: an exact count
            count = f"partial run: {rows} samples (--max-samples {max_samples})" if partial else None
            extra = [f"{rows} samples in the details"]
        else:
            count, extra = _partial_text(max_samples, None, partial, "--max-samples"), []
        notes = _notes("lighteval", model_args, None, count, extra)
        setting = f"{shots}-shot" if shots is not None else None
        hf_repo = ((data.get("config_tasks") or {}).get(full_name) or {}).get("hf_repo")
        doubts = []
        if hf_repo and hf_repo.startswith(("/", ".")):
            doubts.append(f"task {task!r} reads the local dataset {hf_repo}: not a registered benchmark")
        if rows is not None and max_samples is not None and rows > max_samples:
            doubts.append(f"the details of task {task!r} hold {rows} samples, more than --max-samples "
                          f"{max_samples}: the logs do not agree")
        score = _score(task, value, date.group(1) if date else None, notes, path, metric_name, "lighteval",
                       logs_url, setting, doubts)
        found.append(LogRun(score, "lighteval", task, metric_name, partial,
                              rows if rows is not None else max_samples, None, general.get("model_name"), path,
                              model_config.get("revision")))
    return found


def _lighteval_details(path: Path) -> dict[str, int]:
    """Samples per task in the run's ``--save-details`` parquet files, read when present and pyarrow is installed.

    lighteval writes ``OUT/results/MODEL/results_STAMP.json`` and ``OUT/details/MODEL/STAMP/details_TASK_STAMP.parquet``.
    """
    stamp = path.stem.removeprefix("results_")
    files = {f for parent in list(path.parents)[:4]
             for f in parent.glob(f"details/**/{stamp}/details_*_{stamp}.parquet")}
    if not files:
        return {}
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return {}  # the results alone are read as before; the details are extra evidence
    rows = {}
    for file in sorted(files):
        try:
            rows[file.name.removeprefix("details_").removesuffix(f"_{stamp}.parquet")] = pq.read_metadata(file).num_rows
        except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) for a damaged file
            raise InputError(f"{file}: not a readable lighteval details file ({exc})") from exc
    return rows


def _lighteval_metric(path: Path, task: str, metrics: dict, wanted: str | None) -> tuple[str, float]:
    names = [k for k in metrics if not k.endswith("_stderr")]
    name = wanted if wanted in metrics else (names[0] if names else None)
    if name is None:
        raise SourceError(f"{path}: task {task} has no metric values")
    return name, metrics[name]


# ---------------------------------------------------------------------- common


def _notes(framework: str, model_args: dict | None, task_args: dict | None, partial_text: str | None,
           extra: list[str] | None = None) -> str:
    """Who measured it and how: framework, model args, task args, other setup, how much of a partial run."""
    parts = [f"{framework} (own evaluation run)"]
    if model_args:
        parts.append("model args: " + ", ".join(f"{k}={v}" for k, v in sorted(model_args.items())))
    if task_args:
        parts.append("task args: " + ", ".join(f"{k}={v}" for k, v in sorted(task_args.items())))
    parts += extra or []
    if partial_text:
        parts.append(partial_text)
    return "; ".join(parts)


def _partial_text(done: int | None, total: int | None, partial: bool, flag: str) -> str | None:
    """``partial run: 10 of 1319 samples (--limit)``, or None for a full run."""
    if not partial:
        return None
    count = f"{done} of {total} samples" if done is not None and total else (
        f"at most {done} samples" if done is not None else "part of the samples")
    return f"partial run: {count} ({flag})"


def _score(task: str, value: float, date: str | None, notes: str, path: Path, metric: str, framework: str,
           logs_url: str | None, setting: str | None, doubts: list[str]) -> Observation:
    warnings = list(doubts)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        warnings.insert(0, f"metric {metric}={value!r} is not a 0-1 fraction: not converted to a percentage")
        shown = value if isinstance(value, (int, float)) and not isinstance(value, bool) else float("nan")
    else:
        shown = percent(value, places=2)  # a harness's float noise is not published
    return Observation(label=task, value=shown, setting=setting, location=f"{path.name}: task {task}, metric {metric}",
                       notes=notes, date=date,
                       provenance=Provenance(kind="logs", url=logs_url, name=f"{framework} evaluation logs"),
                       warnings=tuple(warnings))


def _date(created: str | None) -> str | None:
    return created[:10] if created and re.match(r"\d{4}-\d{2}-\d{2}", created) else None


def _named(item: LogRun) -> Observation:
    """The observation with the benchmark its framework task names (the task table); unmapped and local tasks
    name none, and say so.

    An inspect task ``hf/ORG/DATASET/TASK_ID`` ran from the Hub dataset's own ``eval.yaml``: its dataset and
    task id are the benchmark's, registered or not.
    """
    obs = item.observation
    table = {"inspect-ai": INSPECT_TASKS, "lighteval": LIGHTEVAL_TASKS}.get(item.framework, LM_EVAL_TASKS)
    hub_task = _HUB_TASK.fullmatch(item.task) if item.framework == "inspect-ai" else None
    key = table.get(item.task, (None, None))[0]
    if hub_task and not obs.warnings:
        return replace(obs, task=TaskRef(dataset_id=hub_task["dataset"], task_id=hub_task["task"]))
    if key is None or obs.warnings:
        return replace(obs, task=TaskRef(), warnings=obs.warnings + (
            f"{item.framework} task {item.task!r} is not mapped to a registry benchmark",))
    return replace(obs, task=TaskRef(key=key))
