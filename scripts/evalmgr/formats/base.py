"""What every results format shares: the items a change publishes, the Format interface, one merge loop.

A :class:`Format` says what identifies a result, reads the results a repo already has and writes new
file texts; :func:`merge` is the one merge by identity for every format:

- same value as a result already there: already present;
- a different value: a :class:`Conflict` (with ``force``, the existing value is replaced in place);
- the same result twice in one change: a repeat (a conflict when the values differ);
- a target file that is malformed: the item is blocked, with a problem saying so (never rewritten);
- idempotent: planning the outcome of a plan again adds nothing.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ..errors import Conflict, Problem
from ..result import Result
from ..values import finite_number

if TYPE_CHECKING:
    from ..hub import RepoState
    from ..registry import Benchmark, Registry

R = TypeVar("R")  # a format's own record of one result (an EvalResultEntry, an EvalResult)


# --------------------------------------------------------------------------- items


def measured(item: Result) -> Measured:
    """What the value checks read of an item."""
    return Measured(item.label, item.value, item.dataset_id, item.task_id, item.benchmark_key)


@dataclass(frozen=True)
class Measured:
    """A result in any shape as the value checks read it: its label, value and benchmark."""

    label: str
    value: Any
    dataset_id: str | None
    task_id: str | None
    benchmark_key: str | None = None


class _Benchmarked(Protocol):
    """Anything that names a benchmark by dataset and task (an item, an entry, a Measured)."""

    @property
    def value(self) -> Any: ...

    @property
    def dataset_id(self) -> str | None: ...

    @property
    def task_id(self) -> str | None: ...


# --------------------------------------------------------------------------- plan and problems


class ScaleProblem(Problem):
    """A value that looks like it is on another scale than its neighbours (a warning)."""


class NewScaleProblem(ScaleProblem):
    """A scale problem about a result this change adds: the write refuses the change unless forced."""


@dataclass
class Plan:
    """What merging a change into one repo state would write, and why; nothing is written here."""

    files: dict[str, str] = field(default_factory=dict)  # repo path -> new full text (only files that change)
    added: list[Result] = field(default_factory=list)
    already_present: list[Result] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blocked: list[Result] = field(default_factory=list)  # items whose target file is malformed: not planned


@dataclass
class Known(Generic[R]):
    """A result the repo already has: ``file`` holds it, ``where`` names it in a conflict."""

    record: R
    file: str
    where: str
    position: tuple[int, ...] = ()  # where in the file, for formats that replace in place


@dataclass
class Existing(Generic[R]):
    """What a format read of a repo state: its well-formed results and the files it must not write into."""

    records: list[Known[R]]
    problems: list[Problem]
    malformed: set[str]


class Format(ABC, Generic[R]):
    """One way results are stored in a repo: identity, reading, and building new file texts."""

    name: str
    scale_where: str  # the location of its scale warnings
    registry: Registry  # the one in use: benchmarks name files and know their scale

    @abstractmethod
    def record(self, item: Result) -> R:
        """The item as this format writes it; raises EvalManagerError when it cannot be written."""

    @abstractmethod
    def same_result(self, a: R, b: R) -> bool:
        """Identity: the two records are the same result (their values may differ)."""

    @abstractmethod
    def value(self, record: R) -> Any:
        """The record's value."""

    @abstractmethod
    def conflict(self, new: R, old: R, where: str) -> Conflict:
        """The conflict of ``new`` with ``old`` (same result, another value) found at ``where``."""

    @abstractmethod
    def target(self, item: Result) -> str:
        """The repo path a new item is written to."""

    @abstractmethod
    def read(self, state: RepoState) -> Existing[R]:
        """The results ``state`` already has; raises InputError when the format cannot be read at all."""

    @abstractmethod
    def write(self, state: RepoState, existing: Existing[R], added: dict[str, list[R]],
              replaced: list[tuple[Known[R], R]]) -> dict[str, str]:
        """New texts of the files that change: ``added`` appended to their target, ``replaced`` in place."""

    @abstractmethod
    def measure(self, record: R, item: Result | None) -> Measured:
        """What the scale check reads of a record (``item``: the change's item it was built from)."""


def merge(state: RepoState, items: Sequence[Result], fmt: Format[Any], *, force: bool = False) -> Plan:
    """Merge ``items`` into ``state`` in ``fmt`` by identity (see the module docstring); nothing is written."""
    existing = fmt.read(state)
    out = Plan(problems=list(existing.problems))
    added: dict[str, list[Any]] = {}
    replaced: list[tuple[Known[Any], Any]] = []
    new: list[Measured] = []
    for item in items:
        rec = fmt.record(item)
        old = next((k for k in existing.records if fmt.same_result(k.record, rec)), None)
        first = None if old is not None else next(
            (p for recs in added.values() for p in recs if fmt.same_result(p, rec)), None)
        if old is not None or first is not None:
            prior, where = (old.record, old.where) if old is not None else (first, "this change")
            if same_value(fmt.value(prior), fmt.value(rec)):
                out.already_present.append(item)
                continue
            out.conflicts.append(fmt.conflict(rec, prior, where))
            if force and old is not None:
                replaced.append((old, rec))
                out.added.append(item)
            continue
        target = fmt.target(item)
        if target in existing.malformed:
            out.blocked.append(item)
            out.problems.append(Problem(target, f"malformed: not updated, so {item.label} was not added",
                                        "warning"))
            continue
        added.setdefault(target, []).append(rec)
        out.added.append(item)
        new.append(fmt.measure(rec, item))
    if added or replaced:
        out.files = fmt.write(state, existing, added, replaced)
    out.problems += scale_problems([fmt.measure(k.record, None) for k in existing.records], new, fmt.scale_where,
                                   fmt.registry)
    return out


def scale_problems(old: Sequence[Measured], new: Sequence[Measured], where: str,
                   registry: Registry) -> list[Problem]:
    """Scale warnings over old and new results together; those about a new result are :class:`NewScaleProblem`."""
    fresh = {id(m) for m in new}
    return [NewScaleProblem(f"{where} (new result)", message, "warning") if id(m) in fresh
            else ScaleProblem(where, message, "warning")
            for m, message in check_scale([*old, *new], registry)]


# --------------------------------------------------------------------------- value checks


def check_scale(items: Sequence[Measured], registry: Registry) -> list[tuple[Measured, str]]:
    """Values that look like 0-1 fractions next to percentages, and percentages above 100, with why.

    Only percent-scale registered benchmarks count (MT-Bench's 10-point scale is not a percentage).
    """
    percent = []
    for item in items:
        bench = benchmark_of(item, registry)
        value = finite_number(item.value)
        if bench is not None and bench.scale == "percent" and value is not None:
            percent.append((item, value))
    high = [(m, v) for m, v in percent if v > 1]
    flags = [(m, f"{m.label} = {v:g} is above 100 on a percentage scale") for m, v in percent if v > 100]
    if high:
        ref = f"{high[0][0].label} = {high[0][1]:g}"
        flags += [(m, f"{m.label} = {v:g} looks like a 0-1 fraction next to percentages ({ref}); "
                      f"write it as {v * 100:g} if it is a fraction") for m, v in percent if 0 < v <= 1]
    return flags


def value_problem(item: _Benchmarked, registry: Registry) -> str | None:
    """Why a result's value must not be published: not a finite number, or a negative percentage."""
    value = finite_number(item.value)
    if value is None:
        return f"value {item.value!r} is not a finite number"
    if value >= 0:
        return None
    bench = benchmark_of(item, registry)
    scales = {bench.scale} if bench else {b.scale for b in registry.benchmarks_for_dataset(item.dataset_id or "")}
    return f"value {value:g} is negative on a percentage scale" if scales == {"percent"} else None


def benchmark_of(item: _Benchmarked, registry: Registry) -> Benchmark | None:
    """The registered benchmark of a result: by key when it has one, else by dataset and task."""
    key = getattr(item, "benchmark_key", None)
    bench = registry.by_key(key) if key else None
    if bench is None and item.dataset_id:
        bench = registry.lookup(item.dataset_id, item.task_id)
        members = registry.benchmarks_for_dataset(item.dataset_id)
        if bench is None and len(members) == 1:
            bench = members[0]
    return bench


def same_value(a: Any, b: Any) -> bool:
    """Equal as numbers (88.5 == 88.50), else as text."""
    x, y = finite_number(a), finite_number(b)
    if x is not None and y is not None:
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
    return str(a).strip() == str(b).strip()
