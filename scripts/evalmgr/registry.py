"""Benchmark registry: a printed label (plus its setting and table heading) -> Hub dataset id and task id.

Why strict: a wrong mapping publishes a number under the wrong leaderboard. Labels are compared exactly
after normalisation (case, spaces, ``-`` and ``_`` ignored), never by prefix or substring, so MMLU,
MMLU-Pro and MMLU-ProX stay apart. Qualifiers that change the setup (tools, thinking, non-standard
shots, CoT, ...) become the match's ``notes``, which are part of a result's identity.

Data: ``data/metric_mapping.json`` (a link to ``examples/metric_mapping.json``) plus user files
(``EVALMGR_MAPPING``, ``--mapping``) that add or override entries by key. Task ids read from a
dataset's ``eval.yaml`` on the Hub are fed in with :meth:`Registry.add_task_ids`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import HubError, InputError
from .ids import is_repo_id, is_task_id
from .observation import Observation, TaskRef
from .result import Result, Unmatched
from .values import percent

if TYPE_CHECKING:
    from .hub import Hub

BUNDLED = Path(__file__).parent / "data" / "metric_mapping.json"
ENV_VAR = "EVALMGR_MAPPING"
SCALES = ("percent", "points")
MAX_MAPPING_BYTES = 8 * 1024 * 1024
FORMAT_HINT = "see examples/metric_mapping.json and references/benchmark_registry.md for the format"
_STEM_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_FIELDS = {"name", "dataset_id", "task_id", "aliases", "file_stem", "scale", "higher_is_better", "standard_shots",
           "metric", "hub_benchmark", "versioned", "evidence", "source_rule"}
# Provenance kinds a source rule may name (see scores.Provenance); "harness" is a value the user gives, with
# its evidence, as the output of the benchmark's own harness.
SOURCE_KINDS = ("model_card", "aa", "paper", "logs", "manual", "harness")


@dataclass(frozen=True)
class SourceRule:
    """Which sources a benchmark's maintainers accept results from, and why (shown when refusing)."""

    accept: tuple[str, ...]
    reason: str

    def refusal(self, kind: str | None) -> str | None:
        """Why a score from ``kind`` is refused, or None when the rule accepts it."""
        if kind in self.accept:
            return None
        return f"{self.reason} (this value comes from: {kind or 'an unknown source'})"


@dataclass(frozen=True)
class Benchmark:
    """One registered benchmark (one Hub task, or one recognised label without a Hub id)."""

    key: str
    name: str
    dataset_id: str | None
    task_id: str | None
    aliases: tuple[str, ...]
    file_stem: str
    scale: str = "percent"  # "percent" (0-100) or "points" (e.g. MT-Bench, 10-point)
    higher_is_better: bool = True
    standard_shots: int | None = None  # None: every stated shot count goes into notes
    metric: str = "accuracy"
    hub_benchmark: bool = False  # documented as a Hub benchmark dataset (has eval.yaml)
    versioned: bool = False  # trailing versions / date windows ("v5", "24.08-25.05") go into notes
    evidence: str | None = None
    source_rule: SourceRule | None = None
    source: str = ""  # the mapping file that defines (or last changed) it, for errors


@dataclass(frozen=True)
class RegistryMatch:
    """A label's benchmark and the setup qualifiers that become the result's notes."""

    benchmark: Benchmark
    notes: str | None = None


@dataclass(frozen=True)
class _NoMatch:
    """Why a label names no benchmark; ``ambiguous`` ones are worth a warning (a word would decide)."""

    reason: str
    ambiguous: bool = False


@dataclass(frozen=True)
class _Ambiguous:
    """A bare label ("GPQA") that needs a variant word from the label, setting or heading."""

    label: str
    variants: dict[str, str]  # normalised variant word -> benchmark key
    heading_words: frozenset[str]  # variant words that decide even alone in a heading
    message: str
    user_default: str | None = None  # what the label means when a *user* types it bare (GPQA -> Diamond)
    source: str = ""  # the mapping file that defines it


@dataclass
class Registry:
    """Bundled + user benchmarks with an exact alias index; see the module docstring."""

    benchmarks: dict[str, Benchmark]
    ambiguous: dict[str, _Ambiguous] = field(default_factory=dict)
    hub_task_ids: dict[str, frozenset[str]] = field(default_factory=dict)
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = _alias_index(self.benchmarks)
        for label, amb in self.ambiguous.items():
            default = {amb.user_default} if amb.user_default is not None else set()
            unknown = sorted((set(amb.variants.values()) | default) - set(self.benchmarks))
            if unknown:
                raise InputError(f"{amb.source}: ambiguous label {amb.label!r} points to unknown keys {unknown}",
                                 FORMAT_HINT)
            if label in self._index:
                raise InputError(f"{amb.source}: label {amb.label!r} is both an alias of {self._index[label]!r} "
                                 "and ambiguous", FORMAT_HINT)

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, extra: str | Path | None = None,
             task_ids: Mapping[str, Iterable[str]] | None = None) -> Registry:
        """Bundled mapping, then ``$EVALMGR_MAPPING``, then ``extra``; later files override by key.

        Every error names the file that causes it and says where the format is described.
        """
        try:
            return cls._load(extra, task_ids)
        except InputError as exc:
            exc.hint = exc.hint or FORMAT_HINT
            raise

    @classmethod
    def _load(cls, extra: str | Path | None, task_ids: Mapping[str, Iterable[str]] | None) -> Registry:
        raw_b, raw_a = _read_mapping(BUNDLED)
        for path in (os.environ.get(ENV_VAR) or None, extra):
            if path:
                user_b, user_a = _read_mapping(Path(path))
                raw_b = _overlay(raw_b, user_b)
                raw_a = {**raw_a, **user_a}
        benchmarks = {key: _benchmark(key, spec, raw_b.get("__source__", "")) for key, spec in raw_b.items()
                      if key != "__source__"}
        registry = cls(benchmarks, {_norm(label): _ambiguous(label, spec) for label, spec in raw_a.items()})
        for dataset_id, ids in (task_ids or {}).items():
            registry.add_task_ids(dataset_id, ids)
        return registry

    # ------------------------------------------------------------------ lookups

    def by_key(self, key: str) -> Benchmark | None:
        return self.benchmarks.get(key)

    def benchmarks_for_dataset(self, dataset_id: str) -> list[Benchmark]:
        return [b for b in self.benchmarks.values() if b.dataset_id and b.dataset_id.lower() == dataset_id.lower()]

    def lookup(self, dataset_id: str, task_id: str | None) -> Benchmark | None:
        """The benchmark registered for a (dataset, task) pair, e.g. to name its file or know its scale."""
        for b in self.benchmarks_for_dataset(dataset_id):
            if b.task_id == task_id:
                return b
        return None

    def dataset_ids(self) -> list[str]:
        """Every registered dataset id (the ones whose ``eval.yaml`` the Hub module may read)."""
        return sorted({b.dataset_id for b in self.benchmarks.values() if b.dataset_id})

    def known_task_ids(self, dataset_id: str) -> set[str] | None:
        """Task ids valid for a dataset: from its ``eval.yaml`` when read, else the bundled ones; None if unknown."""
        hub = self.hub_task_ids.get(dataset_id.lower())
        if hub is not None:
            return set(hub)
        bundled = {b.task_id for b in self.benchmarks_for_dataset(dataset_id) if b.task_id}
        return bundled or None

    def add_task_ids(self, dataset_id: str, task_ids: Iterable[str]) -> None:
        """Feed a dataset's task ids (from its ``eval.yaml``); fills the task id of its only benchmark if unset."""
        ids = frozenset(t for t in task_ids if isinstance(t, str) and t)
        self.hub_task_ids[dataset_id.lower()] = ids
        members = self.benchmarks_for_dataset(dataset_id)
        if len(ids) == 1 and len(members) == 1 and members[0].task_id is None:
            self.benchmarks[members[0].key] = replace(members[0], task_id=next(iter(ids)))

    def load_hub_task_ids(self, hub: Hub, dataset_ids: Iterable[str]) -> dict[str, str]:
        """Read each dataset's ``eval.yaml`` through ``hub.read_text``; returns why, for each one not read."""
        warnings: dict[str, str] = {}
        for dataset_id in sorted(set(dataset_ids)):
            try:
                text = hub.read_text(dataset_id, "eval.yaml", "main", repo_type="dataset", max_age=EVAL_YAML_MAX_AGE,
                                     accept=_cacheable_eval_yaml)
            except HubError as exc:  # the task id stays unknown: nothing is published under a guess
                warnings[dataset_id] = f"{dataset_id}: eval.yaml could not be read ({exc.message})"
                continue
            if text is None:
                warnings[dataset_id] = f"{dataset_id} has no eval.yaml: it is not a registered Hub benchmark"
                continue
            try:
                self.add_task_ids(dataset_id, parse_eval_yaml(text))
            except InputError as exc:
                warnings[dataset_id] = f"{dataset_id}/eval.yaml: {exc.message}"
        return warnings

    # ------------------------------------------------------------------ matching

    def match(self, label: str, setting: str | None = None, context: str | None = None) -> RegistryMatch | None:
        """The benchmark a printed label names, or None (unknown, or ambiguous and nothing decides)."""
        found = self._resolve(label, setting, context)
        return found if isinstance(found, RegistryMatch) else None

    def resolve_name(self, name: str) -> tuple[RegistryMatch | None, str | None]:
        """The benchmark a *user* names (``--benchmark``), and a one-line note when a default decided it.

        Unlike a card's label, a bare name the user types may carry a documented default (``GPQA`` is the
        Diamond set): the user can name another set, a card cannot be asked what it meant.
        """
        found = self._resolve(name, None, None)
        if isinstance(found, RegistryMatch):
            return found, None
        parsed = _parse_label(name)
        amb = self.ambiguous.get(parsed.base)
        if amb is None or amb.user_default is None or _chosen(amb, parsed.pieces, None):
            return None, None  # unknown, or it names several sets: nothing to default
        bench = self.benchmarks[amb.user_default]
        others = sorted({self.benchmarks[k].name for k in amb.variants.values()} - {bench.name})
        note = (f"{name!r} means {bench.name} ({bench.dataset_id}, task {bench.task_id})"
                + (f"; name {' or '.join(repr(o) for o in others)} for another set" if others else ""))
        return RegistryMatch(bench, _notes(bench, parsed.quals, parsed.pieces, [])), note

    def variants(self, label: str) -> list[Benchmark]:
        """The benchmarks a bare ambiguous label ("GPQA") may mean; [] for any other label."""
        amb = self.ambiguous.get(_parse_label(label).base)
        return [self.benchmarks[k] for k in dict.fromkeys(amb.variants.values())] if amb else []

    def source_refusal(self, result: Result) -> str | None:
        """Why the benchmark's maintainers would not accept this result's source (None: accepted or no rule)."""
        bench = self.by_key(result.benchmark_key) if result.benchmark_key else None
        if bench is None and result.dataset_id:
            bench = self.lookup(result.dataset_id, result.task_id)
        if bench is None or bench.source_rule is None:
            return None
        return bench.source_rule.refusal(result.provenance.kind if result.provenance else None)

    def resolve(self, obs: Observation) -> Result | Unmatched:
        """The Hub benchmark result an observation is, or why it names none.

        The label is read with its setting and its table's heading (which decides "GPQA" -> Diamond); a
        source's own task name (:class:`TaskRef`) is resolved by that instead. A value printed as a 0-1
        fraction becomes a percentage when the benchmark is one.
        """
        if obs.task is not None:
            return self._resolve_task(obs, obs.task)
        return self._by_label(obs, obs.label)

    def _by_label(self, obs: Observation, label: str) -> Result | Unmatched:
        found = self._resolve(label, obs.setting, obs.heading)
        if isinstance(found, _NoMatch):
            return Unmatched(obs, found.reason, shown=found.ambiguous)
        return self._result(obs, found.benchmark, found.notes)

    def results(self, observations: Iterable[Observation]) -> list[Result]:
        """Every observation as a result: resolved, or (unmatched) kept under its printed label only."""
        return [found.as_result() if isinstance(found := self.resolve(o), Unmatched) else found for o in observations]

    def _resolve_task(self, obs: Observation, ref: TaskRef) -> Result | Unmatched:
        if ref.dataset_id:
            return self._hub_task(obs, ref.dataset_id, ref.task_id)
        if ref.label:
            return self._by_label(obs, ref.label)
        if ref.key is None:
            return Unmatched(obs, "the source maps it to no benchmark")  # the source has said why
        bench = self.by_key(ref.key)
        if bench is None:
            return Unmatched(obs, f"registry key {ref.key!r} (for {obs.label}) is not in the registry", shown=True)
        match = self.match(bench.name, obs.setting)  # a setting the task states (shots) may be a variant
        return self._result(obs, bench, match.notes if match is not None and match.benchmark.key == bench.key else None)

    def _hub_task(self, obs: Observation, dataset_id: str, task_id: str | None) -> Result | Unmatched:
        """A Hub benchmark's own task: its dataset and task id, registered or not; without a task id only a
        one-task benchmark fits."""
        if task_id is None:
            known = self.known_task_ids(dataset_id) or set()
            if len(known) != 1:
                return Unmatched(obs, f"task hf/{dataset_id} names no task id and the registry knows "
                                      f"{'several' if known else 'none'}: run hf/{dataset_id}/TASK_ID", shown=True)
            (task_id,) = known
        bench = self.lookup(dataset_id, task_id)
        if bench is not None:
            return self._result(obs, bench, None, task_id)
        return Result.of(obs, dataset_id=dataset_id, task_id=task_id)

    def confirmed(self, obs: Observation, bench: Benchmark) -> Result:
        """The result of an observation the user confirmed to be ``bench`` (a card's bare "GPQA" row)."""
        return self._result(obs, bench, None)

    def _result(self, obs: Observation, bench: Benchmark, variant: str | None, task_id: str | None = None) -> Result:
        warnings = list(obs.warnings)
        value = obs.value
        if obs.scale == "fraction" and bench.scale == "percent":
            # the table prints 0-1 fractions: the Hub benchmark is a percentage
            warnings.append(f"{bench.name}: the table prints 0-1 fractions; {value:g} is published as {value * 100:g}")
            value = percent(value)
        task_id = task_id or bench.task_id
        if bench.dataset_id and not task_id:
            warnings.append(f"{bench.name}: the task id of {bench.dataset_id} is not known offline; it is read from "
                            "the dataset's eval.yaml when the command reads the repo from the Hub")
        return Result.of(obs, value, warnings=tuple(warnings), dataset_id=bench.dataset_id, task_id=task_id,
                         benchmark_key=bench.key, variant=variant)

    def _resolve(self, label: str, setting: str | None, context: str | None) -> RegistryMatch | _NoMatch:
        parsed = _parse_label(label)
        pieces = parsed.pieces + _split_pieces(setting)
        key = self._index.get(parsed.base)
        extra: list[str] = []
        if key is None:
            amb = self.ambiguous.get(parsed.base)
            if amb is not None:
                return self._disambiguate(amb, parsed.quals, pieces, context)
            key, extra = self._versioned(parsed.base)
        if key is None:
            return _NoMatch(f"{label!r} is not in the benchmark registry")
        bench = self.benchmarks[key]
        return RegistryMatch(bench, _notes(bench, parsed.quals, pieces, extra))

    def _disambiguate(self, amb: _Ambiguous, quals: list[str], pieces: list[str],
                      context: str | None) -> RegistryMatch | _NoMatch:
        chosen = _chosen(amb, pieces, context)
        rest = [p for p in pieces if _norm(p) not in amb.variants]
        if len(chosen) != 1:
            options = ", ".join(sorted({self.benchmarks[k].name for k in amb.variants.values()}))
            why = ("the label, setting and heading name several" if chosen
                   else "nothing in the label, setting or heading says which")
            return _NoMatch(f"ambiguous: {amb.message} ({why}); name one of: {options}", ambiguous=True)
        bench = self.benchmarks[chosen.pop()]
        return RegistryMatch(bench, _notes(bench, quals, rest, []))

    def _versioned(self, base: str) -> tuple[str | None, list[str]]:
        """``LiveCodeBench v5`` -> (livecodebench, ["v5"]): only a version-like rest is accepted."""
        for alias, key in self._index.items():
            if self.benchmarks[key].versioned and base.startswith(alias):
                rest = base[len(alias):]
                if _VERSION_RE.match(rest):
                    return key, [rest]
        return None, []


# ---------------------------------------------------------------------- eval.yaml


EVAL_YAML_MAX_AGE = 3600.0  # seconds a benchmark's eval.yaml is reused from the on-disk cache


def parse_eval_yaml(text: str) -> set[str]:
    """Task ids declared in a benchmark dataset's ``eval.yaml`` (``tasks: [{id: ...}, ...]``)."""
    from .safeload import ParseError, yaml_load

    try:
        data = yaml_load(text)
    except ParseError as exc:
        raise InputError(f"eval.yaml is not valid YAML: {exc.message}".splitlines()[0]) from None
    tasks = data.get("tasks") if isinstance(data, dict) else None
    if not isinstance(tasks, list) or not tasks:
        raise InputError("eval.yaml has no 'tasks' list")
    ids: set[Any] = {t.get("id") for t in tasks if isinstance(t, dict)}  # YAML: checked below
    if not ids or not all(isinstance(i, str) and i for i in ids):
        raise InputError("eval.yaml has a task without a string 'id'")
    bad = sorted(i for i in ids if not is_task_id(i))
    if bad:
        raise InputError(f"eval.yaml has task ids that are not task ids: {', '.join(repr(i[:80]) for i in bad[:3])}")
    return ids


def _cacheable_eval_yaml(text: str | None) -> bool:
    """Only an answer that parses is cached (an absent file is an answer too); a broken one is fetched again."""
    if text is None:
        return True
    try:
        parse_eval_yaml(text)
    except InputError:
        return False
    return True


# ---------------------------------------------------------------------- label parsing

_DROP_CHARS = dict.fromkeys(map(ord, "*†‡§¶↑↓⬆⬇\ufe0f'’`\u200b\u200d"), None)
_SEP_RE = re.compile(r"[\s\-_–—]+")
_PAREN_RE = re.compile(r"[(\[{]([^)\]}]*)[)\]}]")
_VERSION_RE = re.compile(r"^v?\d+(?:[./]\d+)*$")
_IGNORED = {"score", "scores", "avg", "avg.", "average", "mean", "acc", "accuracy", "overall", "%", "none"}

# Qualifiers recognised inside a label, its parentheses or its setting: (pattern, kind).
_QUALIFIERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:w/o|without|no)[\s-]*tools?\b", re.I), "no_tools"),
    (re.compile(r"(?:\bw/|\bwith|\+)\s*tools?\b|\btool[\s-]*use\b|\btools\b", re.I), "tools"),
    (re.compile(r"\bnon[\s-]*thinking\b|\bno[\s-]*think(?:ing)?\b|\b(?:w/o|without)\s+thinking\b", re.I),
     "non_thinking"),
    (re.compile(r"\bthinking\b|\breasoning\s+mode\b", re.I), "thinking"),
    (re.compile(r"\b(\d+|zero|few)(?:[\s-]*shots?\b|\s*-\s*s\b)", re.I), "shots"),
    (re.compile(r"\bcot\b|\bchain[\s-]*of[\s-]*thought\b", re.I), "cot"),
    (re.compile(r"\b(pass|maj|cons|avg|mean)\s*@\s*(\d+)\b", re.I), "at_k"),
]


@dataclass
class _Parsed:
    base: str  # normalised label without qualifiers
    quals: list[str]  # canonical qualifiers found in the bare label
    pieces: list[str]  # parenthesised parts (still raw)


def _norm(text: str) -> str:
    """Case-, space-, dash- and underscore-insensitive form used for exact comparison."""
    text = unicodedata.normalize("NFKC", text).translate(_DROP_CHARS).lower()
    return _SEP_RE.sub("", text).strip(".:;,")


def _split_pieces(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"[,;|]", text or "") if p.strip()]


def _parse_label(label: str) -> _Parsed:
    text = unicodedata.normalize("NFKC", label).translate(_DROP_CHARS)
    pieces = [p for group in _PAREN_RE.findall(text) for p in _split_pieces(group)]
    bare = _PAREN_RE.sub(" ", text)
    quals: list[str] = []
    for pattern, kind in _QUALIFIERS:
        for m in pattern.finditer(bare):
            quals.append(_canonical(kind, m))
        bare = pattern.sub(" ", bare)
    return _Parsed(_norm(bare), quals, pieces)


def _canonical(kind: str, m: re.Match[str]) -> str:
    if kind == "shots":
        n = m.group(1).lower()
        words = {"zero": "0-shot", "one": "1-shot", "few": "few-shot"}
        return words[n] if n in words else f"{int(n)}-shot"
    if kind == "at_k":
        return f"{m.group(1).lower()}@{int(m.group(2))}"
    return kind


def _piece_qualifiers(piece: str) -> tuple[list[str], str]:
    """Known qualifiers in one piece of text, and what is left of it."""
    found: list[str] = []
    for pattern, kind in _QUALIFIERS:
        found += [_canonical(kind, m) for m in pattern.finditer(piece)]
        piece = pattern.sub(" ", piece)
    return found, re.sub(r"\s+", " ", piece).strip(" .:-")


def _notes(bench: Benchmark, quals: list[str], pieces: list[str], extra: list[str]) -> str | None:
    """Canonical notes: only what changes the benchmark's standard setup, in a fixed order."""
    found = list(quals)
    unknown = list(extra)
    for piece in pieces:
        piece_quals, rest = _piece_qualifiers(piece)
        found += piece_quals
        if rest and rest.lower() not in _IGNORED and _norm(rest) not in {_norm(a) for a in bench.aliases}:
            unknown.append(rest)
    parts = []
    if "tools" in found:
        parts.append("with tools")
    if "thinking" in found and "non_thinking" not in found:
        parts.append("thinking")
    if "non_thinking" in found:
        parts.append("non-thinking")
    for q in found:
        if q.endswith("-shot") and q != f"{bench.standard_shots}-shot":
            parts.append(q)
    if "cot" in found:
        parts.append("CoT")
    for q in found:
        if "@" in q and q != "pass@1" and not q.startswith(("avg@", "mean@")):
            parts.append(q)
    parts += unknown
    return ", ".join(dict.fromkeys(parts)) or None


def _chosen(amb: _Ambiguous, pieces: list[str], context: str | None) -> set[str]:
    """The variant keys the label's pieces name, else those its heading names."""
    chosen = {amb.variants[_norm(p)] for p in pieces if _norm(p) in amb.variants}
    if not chosen and context:
        chosen = {key for word, key in amb.variants.items() if _in_context(amb, word, context)}
    return chosen


def _in_context(amb: _Ambiguous, word: str, context: str) -> bool:
    """A variant named in a heading: next to the label ("GPQA Diamond"), or alone if decisive."""
    ctx = _norm(context)
    label = _norm(amb.label)
    if re.search(re.escape(label) + r"[(:]?" + re.escape(word), ctx):
        return True
    alone = re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", context.lower())
    return word in amb.heading_words and alone is not None


# ---------------------------------------------------------------------- mapping files


def _read_mapping(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``benchmarks`` and ``ambiguous`` objects of one mapping file, with clear errors."""
    from .safeload import ParseError, json_load

    try:
        if path.stat().st_size > MAX_MAPPING_BYTES:
            raise InputError(f"mapping file {path} is larger than {MAX_MAPPING_BYTES // 2**20} MB",
                             f"check --mapping / ${ENV_VAR}")
        data = json_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"mapping file not found: {path}", f"check --mapping / ${ENV_VAR}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read mapping file {path}: {exc.strerror if isinstance(exc, OSError) else exc}",
                         f"check --mapping / ${ENV_VAR}") from None
    except ParseError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise InputError(f"{where}: mapping file is not valid JSON ({exc.message})",
                         FORMAT_HINT) from None
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks", {}), dict):
        raise InputError(f"{path}: expected an object with a 'benchmarks' object",
                         FORMAT_HINT)
    benchmarks = dict(data.get("benchmarks", {}))
    for key, spec in benchmarks.items():
        if spec is not None and not isinstance(spec, dict):
            raise InputError(f"{path}: benchmark {key!r} must be an object (or null to remove it)",
                             FORMAT_HINT)
    benchmarks["__source__"] = str(path)
    ambiguous = data.get("ambiguous", {})
    if not isinstance(ambiguous, dict) or not all(isinstance(v, dict) for v in ambiguous.values()):
        raise InputError(f"{path}: 'ambiguous' must be an object of objects",
                         FORMAT_HINT)
    return benchmarks, {label: {**spec, "__source__": str(path)} for label, spec in ambiguous.items()}


def _overlay(base: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    """User entries add keys, merge fields into existing keys, or remove a key when null."""
    merged = dict(base)
    source = user.get("__source__", "")
    for key, spec in user.items():
        if key == "__source__":
            continue
        if spec is None:
            merged.pop(key, None)
        elif isinstance(spec, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **spec, "__source__": source}
        else:
            merged[key] = spec if not isinstance(spec, dict) else {**spec, "__source__": source}
    return merged


def _benchmark(key: str, spec: Any, default_source: str) -> Benchmark:
    """Validate one entry; every error names the file and the key."""
    where = f"{spec.get('__source__', default_source) if isinstance(spec, dict) else default_source}: benchmark {key!r}"
    if not isinstance(spec, dict):
        raise InputError(f"{where} must be an object")
    unknown = set(spec) - _FIELDS - {"__source__"}
    if unknown:
        raise InputError(f"{where}: unknown field(s) {sorted(unknown)}", f"known fields: {sorted(_FIELDS)}")
    dataset_id, task_id = spec.get("dataset_id"), spec.get("task_id")
    if dataset_id is not None and not is_repo_id(dataset_id):
        raise InputError(f"{where}: dataset_id must look like 'owner/name', got {dataset_id!r}")
    if task_id is not None and not is_task_id(task_id):
        raise InputError(f"{where}: task_id must be a task id (letters, digits, '_', '-', '.', ':', one '/') or null, "
                         f"got {task_id!r}")
    aliases = spec.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and _norm(a) for a in aliases):
        raise InputError(f"{where}: aliases must be a list of non-empty strings")
    stem = spec.get("file_stem", key)
    if not isinstance(stem, str) or not _STEM_RE.match(stem):
        raise InputError(f"{where}: file_stem must be lower-case letters, digits, '_' or '-', got {stem!r}")
    scale = spec.get("scale", "percent")
    if scale not in SCALES:
        raise InputError(f"{where}: scale must be one of {SCALES}, got {scale!r}")
    shots = spec.get("standard_shots")
    if shots is not None and (not isinstance(shots, int) or isinstance(shots, bool) or shots < 0):
        raise InputError(f"{where}: standard_shots must be a non-negative integer or null")
    name = spec.get("name", key)
    wrong = [f for f, (kinds, _) in _TYPES.items() if f in spec and not isinstance(spec[f], kinds)]
    if not isinstance(name, str) or not name.strip() or wrong:
        bad = wrong or ["name"]
        raise InputError(f"{where}: {', '.join(bad)} must be " + "; ".join(f"{f}: {_TYPES[f][1]}" for f in bad),
                         FORMAT_HINT)
    return Benchmark(
        key=key, name=name, dataset_id=dataset_id, task_id=task_id, source_rule=_source_rule(where, spec.get("source_rule")),
        aliases=tuple(dict.fromkeys([name, *aliases])), file_stem=stem, scale=scale,
        higher_is_better=bool(spec.get("higher_is_better", True)), standard_shots=shots,
        metric=str(spec.get("metric", "accuracy")), hub_benchmark=bool(spec.get("hub_benchmark", False)),
        versioned=bool(spec.get("versioned", False)), evidence=spec.get("evidence"),
        source=str(spec.get("__source__", default_source)),
    )


def _source_rule(where: str, spec: Any) -> SourceRule | None:
    if spec is None:
        return None
    accept = spec.get("accept") if isinstance(spec, dict) else None
    reason = spec.get("reason") if isinstance(spec, dict) else None
    if not isinstance(accept, list) or not accept or not all(a in SOURCE_KINDS for a in accept):
        raise InputError(f"{where}: source_rule.accept must be a non-empty list of {list(SOURCE_KINDS)}")
    if not isinstance(reason, str) or not reason.strip():
        raise InputError(f"{where}: source_rule.reason must say why (it is shown when a result is refused)")
    return SourceRule(tuple(accept), reason.strip())


def _ambiguous(label: str, spec: dict[str, Any]) -> _Ambiguous:
    where = f"{spec.get('__source__', BUNDLED)}: ambiguous label {label!r}"
    variants, words = spec.get("variants"), spec.get("heading_words", [])
    if not isinstance(variants, dict) or not all(isinstance(w, str) and isinstance(k, str) for w, k in variants.items()):
        raise InputError(f"{where} needs a 'variants' object (word -> benchmark key)",
                         FORMAT_HINT)
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise InputError(f"{where}: heading_words must be a list of strings")
    if not isinstance(spec.get("message", ""), str):
        raise InputError(f"{where}: message must be a string")
    if not isinstance(spec.get("user_default") or "", str):
        raise InputError(f"{where}: user_default must be a benchmark key")
    return _Ambiguous(
        label=label,
        variants={_norm(w): k for w, k in variants.items()},
        heading_words=frozenset(_norm(w) for w in words),
        message=spec.get("message", f"plain {label!r} is ambiguous"),
        user_default=spec.get("user_default"),
        source=str(spec.get("__source__", BUNDLED)),
    )


# Optional fields' accepted types, and how an error describes them.
_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), "a non-empty string"),
    "metric": ((str,), "a string"),
    "evidence": ((str, type(None)), "a string or null"),
    "higher_is_better": ((bool,), "true or false"),
    "hub_benchmark": ((bool,), "true or false"),
    "versioned": ((bool,), "true or false"),
}



def _alias_index(benchmarks: Mapping[str, Benchmark]) -> dict[str, str]:
    """Normalised alias -> key; two keys claiming one alias is an error (strict identity)."""
    index: dict[str, str] = {}
    for key, bench in benchmarks.items():
        for alias in (key, *bench.aliases):
            n = _norm(alias)
            if index.get(n, key) != key:
                other = benchmarks[index[n]]
                files = " and ".join(dict.fromkeys(f for f in (other.source, bench.source) if f))
                raise InputError(
                    f"{files}: label {alias!r} is claimed by benchmarks {index[n]!r} and {key!r}",
                    "remove the alias from one of them in your mapping file",
                )
            index[n] = key
    return index
