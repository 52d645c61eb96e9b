"""The ``.eval_results/*.yaml`` format: build, name, read, merge and validate entries.

Entries are huggingface_hub's own ``EvalResultEntry`` (serialised and parsed with its
``eval_result_entries_to_yaml`` / ``parse_eval_result_entries``); this module adds what the library
leaves to callers: strict reading with every problem located, safe file names, and an idempotent
merge where the identity of a result is (dataset id, task id, notes). A different value for the same
identity is a :class:`Conflict`, never an overwrite, unless the caller asks for replacement.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import Conflict, EvalManagerError, Problem, UsageError, ValidationError
from .ids import is_repo_id, is_task_id
from .safeload import ParseError, yaml_compose
from .result import Result

if TYPE_CHECKING:
    from huggingface_hub import EvalResultEntry

    from .registry import Benchmark, Registry

    Item = Result | EvalResultEntry

EVAL_DIR = ".eval_results"
MAX_FILE_CHARS = 1_000_000  # result files are a few hundred bytes; refuse to parse megabytes of YAML
_ENTRY_KEYS = {"dataset", "value", "verifyToken", "date", "source", "notes", "evaluation_framework"}
_DATASET_KEYS = {"id", "task_id", "revision", "config", "split"}
_SOURCE_KEYS = {"url", "name", "user", "org"}
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


# --------------------------------------------------------------------------- building


def entry_from_score(score: Result) -> EvalResultEntry:
    """The entry for a registered score; refuses a score without dataset and task id (never a guess)."""
    from huggingface_hub import EvalResultEntry

    if not score.dataset_id:
        raise EvalManagerError(
            f"{score.label!r} has no registered Hub benchmark dataset; it is not written to {EVAL_DIR}/",
            "add it to a --mapping file with its dataset_id and task_id, or use --format model-index",
        )
    if not score.task_id:
        raise EvalManagerError(
            f"{score.label!r} ({score.dataset_id}) has no known task id; it is not written to {EVAL_DIR}/",
            "set task_id (a task from the dataset's eval.yaml) in a --mapping file; add-eval also takes --task-id",
        )
    value = finite_number(score.value)
    if value is None:
        raise EvalManagerError(f"{score.label!r}: value {score.value!r} is not a finite number")
    source = score.provenance if score.provenance and score.provenance.url else None
    return EvalResultEntry(
        dataset_id=score.dataset_id,
        task_id=score.task_id,
        value=value,
        date=_iso_date(score.date, score.label),
        source_url=source.url if source else None,
        source_name=source.name if source else None,
        source_user=source.user if source else None,
        source_org=source.org if source else None,
        notes=_clean_notes(score.notes),
    )


def identity(entry: EvalResultEntry) -> tuple[str, str, str | None]:
    """What makes two entries the same result: dataset id (case-insensitive), task id and notes."""
    return entry.dataset_id.lower(), entry.task_id, _clean_notes(entry.notes)


# --------------------------------------------------------------------------- file names


def slug(text: str, max_len: int = 48) -> str:
    """ASCII ``a-z0-9_`` slug, safe as a file name part; long or non-ASCII text keeps a short hash."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    if not out and text.strip():
        return f"n{digest}"
    return out if len(out) <= max_len else f"{out[:max_len - 9].rstrip('_')}_{digest}"


def eval_results_path(item: Item, registry: Registry | None = None) -> str:
    """``.eval_results/<stem>[_<notes slug>].yaml``: one file per benchmark and variant."""
    bench = benchmark_of(item, registry)
    stem = bench.file_stem if bench else slug((item.dataset_id or "").split("/")[-1]) or "results"
    # A Result names its file by its variant (tools, thinking, shots), not by run details in its notes.
    notes = _clean_notes(item.variant if isinstance(item, Result) else item.notes)
    name = f"{stem}_{slug(notes)}" if notes else stem
    return f"{EVAL_DIR}/{name}.yaml"


def filename_path(filename: str) -> str:
    """The repo path for a user-chosen ``--filename``; refuses anything but a plain file name."""
    name = filename.strip()
    if name.startswith(EVAL_DIR + "/"):
        name = name[len(EVAL_DIR) + 1:]
    stem = name[: -len(".yaml")] if name.endswith(".yaml") else name[: -len(".yml")] if name.endswith(".yml") else name
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", stem) or ".." in stem:
        raise UsageError(f"--filename {filename!r} is not a plain file name",
                         "use letters, digits, '_', '-' and '.', e.g. --filename gpqa.yaml")
    return f"{EVAL_DIR}/{stem}.yaml"


# --------------------------------------------------------------------------- YAML text


def dump_eval_results(entries: Sequence[EvalResultEntry]) -> str:
    """YAML text of entries in the Hub's layout; dates are always written as quoted strings."""
    import yaml
    from huggingface_hub import eval_result_entries_to_yaml

    data = eval_result_entries_to_yaml(list(entries))
    for item in data:
        if "date" in item:
            item["date"] = _Quoted(item["date"])
    return yaml.dump(data, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False)


def load_eval_results(text: str, path: str) -> list[EvalResultEntry]:
    """Entries of one file; a ValidationError lists every problem with its location."""
    rows, problems = _read(text, path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationError(
            f"{path} is not a valid evaluation results file ({len(errors)} problem(s)):\n"
            + "\n".join(f"  {p}" for p in errors),
            errors,
            "fix the file (see https://huggingface.co/docs/hub/eval-results) or remove it",
        )
    return [row.entry for row in rows]


@dataclass
class _Row:
    entry: EvalResultEntry
    line: int
    warnings: list[str] = field(default_factory=list)


def _read(text: str, path: str) -> tuple[list[_Row], list[Problem]]:
    """Parse and check one file without raising; rows are only the well-formed entries."""
    if "\x00" in text:
        return [], [Problem(path, "binary data, not a YAML text file")]
    if len(text) > MAX_FILE_CHARS:
        return [], [Problem(path, f"{len(text)} characters: far too large for an evaluation results file")]
    try:
        data, node = yaml_compose(text)
    except ParseError as exc:
        return [], [Problem(f"{path}:{exc.line}" if exc.line else path, f"not valid YAML: {exc.message}")]
    if data is None:
        return [], [Problem(path, "empty file: expected a list of results")]
    if not isinstance(data, list):
        return [], [Problem(f"{path}:1", f"expected a list of results, got a {type(data).__name__}")]
    rows: list[_Row] = []
    problems: list[Problem] = []
    for i, (item, item_node) in enumerate(zip(data, node.value, strict=True), start=1):
        line = item_node.start_mark.line + 1
        where = f"{path}:{line}"
        errors, warnings = _check_item(item)
        problems += [Problem(where, f"entry {i}: {m}") for m in errors]
        problems += [Problem(where, f"entry {i}: {m}", "warning") for m in warnings]
        if not errors:
            rows.append(_Row(_parse_item(item), line, warnings))
    return rows, problems


def _check_item(item: Any) -> tuple[list[str], list[str]]:
    """Schema errors and warnings of one entry (types, required keys, source.url, ISO date)."""
    if not isinstance(item, dict):
        return [f"expected a mapping, got {type(item).__name__}"], []
    errors: list[str] = []
    warnings = [f"unknown key {k!r}" for k in item if k not in _ENTRY_KEYS]
    ds = item.get("dataset")
    if not isinstance(ds, dict):
        errors.append("'dataset' must be a mapping with 'id' and 'task_id'")
    else:
        warnings += [f"unknown key 'dataset.{k}'" for k in ds if k not in _DATASET_KEYS]
        for key in ("id", "task_id"):
            if not isinstance(ds.get(key), str) or not ds[key].strip():
                errors.append(f"'dataset.{key}' is required and must be a non-empty string")
        if isinstance(ds.get("id"), str) and ds["id"].strip() and not is_repo_id(ds["id"]):
            errors.append(f"'dataset.id' {ds['id'][:200]!r} is not a Hub dataset id (owner/name)")
        if isinstance(ds.get("task_id"), str) and ds["task_id"].strip() and not is_task_id(ds["task_id"]):
            errors.append(f"'dataset.task_id' {ds['task_id'][:200]!r} is not a task id")
        if "revision" in ds and not isinstance(ds["revision"], str):
            errors.append("'dataset.revision' must be a string")
    if "value" not in item:
        errors.append("'value' is required")
    elif finite_number(item["value"]) is None:
        errors.append(f"'value' must be a finite number, got {item['value']!r}")
    date_value = item.get("date")
    if isinstance(date_value, (date, datetime)):
        warnings.append("'date' is not quoted: write it as a string, e.g. date: \"2025-01-15\"")
    elif date_value is not None and not (isinstance(date_value, str) and _valid_iso(date_value)):
        errors.append(f"'date' must be an ISO-8601 date string, got {date_value!r}")
    source = item.get("source")
    if source is not None:
        if not isinstance(source, dict):
            errors.append("'source' must be a mapping with a 'url'")
        else:
            warnings += [f"unknown key 'source.{k}'" for k in source if k not in _SOURCE_KEYS]
            if not isinstance(source.get("url"), str) or not source["url"].strip():
                errors.append("'source.url' is required when 'source' is present")
            errors += [f"'source.{k}' must be a string" for k in ("name", "user", "org")
                       if k in source and not isinstance(source[k], str)]
    for key in ("notes", "verifyToken"):
        if key in item and not isinstance(item[key], str):
            errors.append(f"'{key}' must be a string")
    return errors, warnings


def _parse_item(item: dict[str, Any]) -> EvalResultEntry:
    """A checked mapping as the library's entry (dates normalised to ISO strings)."""
    from huggingface_hub import parse_eval_result_entries

    if isinstance(item.get("date"), (date, datetime)):
        item = {**item, "date": item["date"].isoformat()}
    return parse_eval_result_entries([item])[0]


# --------------------------------------------------------------------------- merge plan


@dataclass
class ResultsPlan:
    """What merging new results into a repo's ``.eval_results/`` would change; nothing is written here."""

    files: dict[str, str] = field(default_factory=dict)  # repo path -> new full text (only files that change)
    added: list[Any] = field(default_factory=list)  # the caller's items (Result or EvalResultEntry)
    already_present: list[Any] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blocked: list[Any] = field(default_factory=list)  # items whose target file is malformed: not planned


@dataclass
class _Known:
    value: Any
    source: str | None
    path: str


def plan_eval_results(
    existing: Mapping[str, str],
    new: Sequence[Item],
    *,
    filename: str | None = None,
    registry: Registry | None = None,
    replace_conflicts: bool = False,
) -> ResultsPlan:
    """Merge ``new`` into ``existing`` (repo path -> text) by identity (dataset, task, notes).

    Same value: already present. Different value: a conflict (with ``replace_conflicts``, the existing
    entry's value is replaced in its own file: the explicit ``--force``). New: appended to its file
    (``filename`` puts everything in one file). Malformed existing files are reported and never rewritten.
    Idempotent: planning the result of a plan again adds nothing.
    """
    plan = ResultsPlan()
    parsed, known, bad = _existing(existing, plan.problems)
    target_all = filename_path(filename) if filename else None
    pending: dict[str, list[EvalResultEntry]] = {}
    planned: dict[tuple, Any] = {}
    replacements: dict[str, list[EvalResultEntry]] = {}
    for item in new:
        entry = item if not isinstance(item, Result) else entry_from_score(item)
        key = identity(entry)
        if key in known:
            _merge_known(plan, item, entry, known[key], replacements if replace_conflicts else None)
        elif key in planned:
            _merge_planned(plan, item, entry, planned[key])
        else:
            target = target_all or eval_results_path(item, registry)
            if target in bad:
                plan.blocked.append(item)
                plan.problems.append(Problem(target, f"malformed: not updated, so {_label(item)} was not added",
                                             "warning"))
                continue
            planned[key] = entry
            pending.setdefault(target, []).append(entry)
            plan.added.append(item)
    for path, entries in replacements.items():
        parsed[path] = [_replaced(e, entries) for e in parsed[path]]
        plan.files[path] = dump_eval_results(parsed[path])
    for path, entries in pending.items():
        base = plan.files.get(path, existing.get(path))
        plan.files[path] = _append(base, parsed.get(path, []), entries)
    scale = check_scale([*(e for rows in parsed.values() for e in rows), *planned.values()], registry)
    new_labels = {f"{_label(e)} = " for e in planned.values()}
    plan.problems += [Problem(SCALE_NEW if any(m.startswith(n) for n in new_labels) else "scale", m, "warning")
                      for m in scale]
    return plan


def _existing(existing: Mapping[str, str], problems: list[Problem]) -> tuple[dict, dict, set]:
    """Parsed well-formed files, the identities they hold, and the set of malformed paths."""
    parsed: dict[str, list[EvalResultEntry]] = {}
    known: dict[tuple, _Known] = {}
    bad: set[str] = set()
    for path, text in sorted(existing.items()):
        rows, probs = _read(text, path)
        problems += probs
        if any(p.severity == "error" for p in probs):
            bad.add(path)
            continue
        parsed[path] = [r.entry for r in rows]
        for row in rows:
            known.setdefault(identity(row.entry), _Known(row.entry.value, _source_text(row.entry), path))
    return parsed, known, bad


def _merge_known(plan: ResultsPlan, item: Any, entry: EvalResultEntry, old: _Known,
                 replacements: dict[str, list[EvalResultEntry]] | None) -> None:
    if same_value(old.value, entry.value):
        plan.already_present.append(item)
        return
    plan.conflicts.append(_conflict(entry, old.value, old.source, old.path))
    if replacements is not None:
        replacements.setdefault(old.path, []).append(entry)
        plan.added.append(item)


def _merge_planned(plan: ResultsPlan, item: Any, entry: EvalResultEntry, first: EvalResultEntry) -> None:
    """The same identity twice in one change: a repeat is harmless, a different value is a conflict."""
    if same_value(first.value, entry.value):
        plan.already_present.append(item)
    else:
        plan.conflicts.append(_conflict(entry, first.value, _source_text(first), "this change"))


def _conflict(entry: EvalResultEntry, old_value: Any, old_source: str | None, where: str) -> Conflict:
    return Conflict(entry.dataset_id, entry.task_id, _clean_notes(entry.notes), old_value, entry.value,
                    old_source, _source_text(entry), where)


def _replaced(entry: EvalResultEntry, replacements: list[EvalResultEntry]) -> EvalResultEntry:
    return next((r for r in replacements if identity(r) == identity(entry)), entry)


def _append(old_text: str | None, old_entries: list[EvalResultEntry], new: list[EvalResultEntry]) -> str:
    """Existing text kept byte for byte with the new entries appended; re-serialised if that is not possible."""
    addition = dump_eval_results(new)
    if not old_text or not old_text.strip():
        return addition
    candidate = old_text.rstrip("\n") + "\n" + addition
    rows, problems = _read(candidate, "check")
    if not problems and [r.entry for r in rows] == [*old_entries, *new]:
        return candidate
    return dump_eval_results([*old_entries, *new])


# --------------------------------------------------------------------------- scale and validation


SCALE_NEW = "scale (new result)"  # location of a scale warning about a result this change adds


def check_scale(items: Sequence[Item], registry: Registry | None = None) -> list[str]:
    """Flag values that look like 0-1 fractions next to percentages, and percentages above 100.

    Only percent-scale registered benchmarks count (MT-Bench's 10-point scale is not a percentage).
    """
    percent = []
    for item in items:
        bench = benchmark_of(item, registry)
        value = finite_number(item.value)
        if bench is not None and bench.scale == "percent" and value is not None:
            percent.append((_label(item), value))
    high = [(label, v) for label, v in percent if v > 1]
    flags = [f"{label} = {v:g} is above 100 on a percentage scale" for label, v in percent if v > 100]
    if high:
        ref = f"{high[0][0]} = {high[0][1]:g}"
        flags += [f"{label} = {v:g} looks like a 0-1 fraction next to percentages ({ref}); "
                  f"write it as {v * 100:g} if it is a fraction" for label, v in percent if 0 < v <= 1]
    return flags


def validate_eval_results(files: Mapping[str, str], registry: Registry) -> list[Problem]:
    """Every problem of a set of ``.eval_results`` files: schema, registry, duplicates, scale."""
    problems: list[Problem] = []
    seen: dict[tuple, str] = {}
    entries: list[EvalResultEntry] = []
    for path, text in sorted(files.items()):
        if not path.endswith((".yaml", ".yml")):
            problems.append(Problem(path, "not a .yaml file: the Hub only reads .eval_results/*.yaml", "warning"))
        rows, probs = _read(text, path)
        problems += probs
        for row in rows:
            where = f"{path}:{row.line}"
            problems += _registry_problems(row.entry, where, registry)
            key = identity(row.entry)
            if key in seen:
                problems.append(Problem(where, f"duplicate result: same dataset, task and notes as {seen[key]}"))
            seen.setdefault(key, where)
            entries.append(row.entry)
    problems += [Problem("scale", m, "warning") for m in check_scale(entries, registry)]
    return problems


def _registry_problems(entry: EvalResultEntry, where: str, registry: Registry) -> list[Problem]:
    """Unknown dataset: a warning. Known dataset, task id outside its known task ids: an error."""
    label = f"{entry.dataset_id} [{entry.task_id}]"
    bad_value = value_problem(entry, registry)
    if bad_value:
        return [Problem(where, f"{label}: {bad_value}")]
    known = registry.known_task_ids(entry.dataset_id)
    if known is None:
        if registry.benchmarks_for_dataset(entry.dataset_id):
            return []
        return [Problem(where, f"{label}: dataset is not in the benchmark registry; check it is a Hub benchmark",
                        "warning")]
    if entry.task_id not in known:
        return [Problem(where, f"{label}: task id {entry.task_id!r} is not a task of {entry.dataset_id} "
                               f"(known: {', '.join(sorted(known))})")]
    return []


# --------------------------------------------------------------------------- helpers


def same_value(a: Any, b: Any) -> bool:
    """Equal as numbers (88.5 == 88.50), else as text."""
    x, y = finite_number(a), finite_number(b)
    if x is not None and y is not None:
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
    return str(a).strip() == str(b).strip()


def finite_number(value: Any) -> float | None:
    """A real number as float; None for text, booleans, NaN, infinities and integers too large for a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def value_problem(item: Item, registry: Registry | None = None) -> str | None:
    """Why a score or entry's value must not be published: not a finite number, or a negative percentage."""
    value = finite_number(item.value)
    if value is None:
        return f"value {item.value!r} is not a finite number"
    if value >= 0:
        return None
    bench = benchmark_of(item, registry)
    scales = {bench.scale} if bench else {b.scale for b in (registry or default_registry()).benchmarks_for_dataset(
        item.dataset_id or "")}
    return f"value {value:g} is negative on a percentage scale" if scales == {"percent"} else None


def _iso_date(value: str | None, label: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not _valid_iso(text):
        raise EvalManagerError(f"{label!r}: date {value!r} is not an ISO-8601 date", "use YYYY-MM-DD")
    return text


def _valid_iso(text: str) -> bool:
    """ISO-8601 date or datetime that exists on the calendar (2025-02-30 does not)."""
    if not _ISO_RE.match(text):
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return False
    return True


def _clean_notes(notes: str | None) -> str | None:
    return notes.strip() or None if isinstance(notes, str) else None


def _source_text(entry: EvalResultEntry) -> str | None:
    return entry.source_url or entry.source_name


def _label(item: Any) -> str:
    if isinstance(item, Result):
        return item.label
    return f"{item.dataset_id} [{item.task_id}]" + (f" ({item.notes})" if item.notes else "")


def benchmark_of(item: Any, registry: Registry | None) -> Benchmark | None:
    """The registered benchmark of a score (by key) or an entry (by dataset and task)."""
    registry = registry or default_registry()
    key = getattr(item, "benchmark_key", None)
    bench = registry.by_key(key) if key else None
    if bench is None and item.dataset_id:
        bench = registry.lookup(item.dataset_id, item.task_id)
        members = registry.benchmarks_for_dataset(item.dataset_id)
        if bench is None and len(members) == 1:
            bench = members[0]
    return bench


def default_registry() -> Registry:
    """The bundled (+ ``$EVALMGR_MAPPING``) registry, for callers that were not given one."""
    return _load_registry(os.environ.get("EVALMGR_MAPPING"))


@lru_cache(maxsize=4)
def _load_registry(_env_mapping: str | None) -> Registry:
    from .registry import Registry

    return Registry.load()


class _Quoted(str):
    """A string always written in double quotes (dates: never re-read as YAML timestamps)."""


def _dumper() -> type:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
    return Dumper
