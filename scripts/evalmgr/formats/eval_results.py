"""The ``.eval_results/*.yaml`` format: build, name, read, merge and validate entries.

Entries are huggingface_hub's own ``EvalResultEntry`` (serialised and parsed with its
``eval_result_entries_to_yaml`` / ``parse_eval_result_entries``); this module adds what the library
leaves to callers: strict reading with every problem located, safe file names, and the identity of a
result for the one merge loop (:func:`.base.merge`): dataset id (case-insensitive), task id and notes.
New entries are appended to their file with its existing text kept byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..errors import Conflict, EvalManagerError, Problem, UsageError, ValidationError
from ..ids import is_repo_id, is_task_id, slug
from ..result import Result
from ..safeload import ParseError, yaml_compose
from ..values import finite_number
from .base import Existing, Format, Known, Measured, benchmark_of, scale_problems, value_problem

if TYPE_CHECKING:
    from huggingface_hub import EvalResultEntry

    from ..hub import RepoState
    from ..registry import Registry

EVAL_DIR = ".eval_results"
MAX_FILE_CHARS = 1_000_000  # result files are a few hundred bytes; refuse to parse megabytes of YAML
_ENTRY_KEYS = {"dataset", "value", "verifyToken", "date", "source", "notes", "evaluation_framework"}
_DATASET_KEYS = {"id", "task_id", "revision", "config", "split"}
_SOURCE_KEYS = {"url", "name", "user", "org"}
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


# --------------------------------------------------------------------------- the format


class EvalResults(Format["EvalResultEntry"]):
    """``.eval_results/<benchmark>[_<variant>].yaml`` files, or one ``--filename`` for everything."""

    name = "eval-results"
    scale_where = "scale"

    def __init__(self, registry: Registry, filename: str | None = None) -> None:
        self.registry = registry
        self.filename = filename_path(filename) if filename else None

    def record(self, item: Result) -> EvalResultEntry:
        return entry_for(item)

    def same_result(self, a: EvalResultEntry, b: EvalResultEntry) -> bool:
        return identity(a) == identity(b)

    def value(self, record: EvalResultEntry) -> Any:
        return record.value

    def conflict(self, new: EvalResultEntry, old: EvalResultEntry, where: str) -> Conflict:
        return Conflict(new.dataset_id, new.task_id, _clean_notes(new.notes), old.value, new.value,
                        _source_text(old), _source_text(new), where)

    def target(self, item: Result) -> str:
        return self.filename or eval_results_path(item, self.registry)

    def read(self, state: RepoState) -> Existing[EvalResultEntry]:
        """Every well-formed file's entries; a file with an error is reported and never written into."""
        existing: Existing[EvalResultEntry] = Existing([], [], set())
        for path, text in sorted(state.eval_files.items()):
            rows, problems = _read(text, path)
            existing.problems += problems
            if any(p.severity == "error" for p in problems):
                existing.malformed.add(path)
                continue
            existing.records += [Known(row.entry, path, path) for row in rows]
        return existing

    def write(self, state: RepoState, existing: Existing[EvalResultEntry], added: dict[str, list[EvalResultEntry]],
              replaced: list[tuple[Known[EvalResultEntry], EvalResultEntry]]) -> dict[str, str]:
        """Replaced entries re-serialise their file; added ones are appended to the text already there."""
        entries: dict[str, list[EvalResultEntry]] = {}
        for known in existing.records:
            entries.setdefault(known.file, []).append(known.record)
        files: dict[str, str] = {}
        for path in dict.fromkeys(old.file for old, _ in replaced):
            news = [new for old, new in replaced if old.file == path]
            entries[path] = [next((n for n in news if identity(n) == identity(e)), e) for e in entries[path]]
            files[path] = dump_eval_results(entries[path])
        for path, new in added.items():
            files[path] = _append(files.get(path, state.eval_files.get(path)), entries.get(path, []), new)
        return files

    def measure(self, record: EvalResultEntry, item: Result | None) -> Measured:
        return _measured(record)


def entry_for(item: Result) -> EvalResultEntry:
    """The entry for a registered item; refuses an item without dataset and task id (never a guess)."""
    from huggingface_hub import EvalResultEntry

    label = item.label
    if not item.dataset_id:
        raise EvalManagerError(
            f"{label!r} has no registered Hub benchmark dataset; it is not written to {EVAL_DIR}/",
            "add it to a --mapping file with its dataset_id and task_id, or use --format model-index",
        )
    if not item.task_id:
        raise EvalManagerError(
            f"{label!r} ({item.dataset_id}) has no known task id; it is not written to {EVAL_DIR}/",
            "set task_id (a task from the dataset's eval.yaml) in a --mapping file; add-eval also takes --task-id",
        )
    value = finite_number(item.value)
    if value is None:
        raise EvalManagerError(f"{label!r}: value {item.value!r} is not a finite number")
    source = item.provenance if item.provenance and item.provenance.url else None
    return EvalResultEntry(
        dataset_id=item.dataset_id,
        task_id=item.task_id,
        value=value,
        date=_iso_date(item.date, label),
        source_url=source.url if source else None,
        source_name=source.name if source else None,
        source_user=source.user if source else None,
        source_org=source.org if source else None,
        notes=_clean_notes(item.notes),
    )


def identity(entry: EvalResultEntry) -> tuple[str, str, str | None]:
    """What makes two entries the same result: dataset id (case-insensitive), task id and notes."""
    return entry.dataset_id.lower(), entry.task_id, _clean_notes(entry.notes)


# --------------------------------------------------------------------------- file names


def eval_results_path(item: Result, registry: Registry) -> str:
    """``.eval_results/<stem>[_<variant slug>].yaml``: one file per benchmark and variant."""
    bench = benchmark_of(item, registry)
    stem = bench.file_stem if bench else slug((item.dataset_id or "").split("/")[-1]) or "results"
    variant = _clean_notes(item.variant)  # tools, thinking, shots: not the run details of the notes
    name = f"{stem}_{slug(variant)}" if variant else stem
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


# --------------------------------------------------------------------------- validation


def validate_eval_results(files: Mapping[str, str], registry: Registry) -> list[Problem]:
    """Every problem of a set of ``.eval_results`` files: schema, registry, duplicates, scale."""
    problems: list[Problem] = []
    seen: dict[tuple, str] = {}
    entries: list[Measured] = []
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
            entries.append(_measured(row.entry))
    problems += scale_problems(entries, [], "scale", registry)
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


def _measured(entry: EvalResultEntry) -> Measured:
    label = f"{entry.dataset_id} [{entry.task_id}]" + (f" ({entry.notes})" if entry.notes else "")
    return Measured(label, entry.value, entry.dataset_id, entry.task_id)


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


class _Quoted(str):
    """A string always written in double quotes (dates: never re-read as YAML timestamps)."""


def _dumper() -> type:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
    return Dumper
