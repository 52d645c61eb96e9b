"""What a source saw: observations, refusals and the one report type every source returns.

An :class:`Observation` is immutable and says only what the source printed and where: the label as
printed, its setting, the value on the source's own scale. Deciding which Hub benchmark it is, is the
registry's job (:meth:`evalmgr.registry.Registry.resolve` turns it into a :class:`~evalmgr.result.Result`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ProvenanceKind = Literal["model_card", "aa", "paper", "logs", "manual", "harness", "model_index"]


@dataclass(frozen=True)
class Provenance:
    """Where a value comes from; becomes the entry's ``source`` block."""

    kind: ProvenanceKind  # "harness" and "manual": given by the user
    url: str | None = None
    name: str | None = None
    user: str | None = None
    org: str | None = None


@dataclass(frozen=True)
class TaskRef:
    """The benchmark a source's own task table names (a harness task, an Artificial Analysis key).

    The registry resolves it by this, never by the printed label: a framework's task name is not a
    benchmark label. All fields None: the source knows the task maps to no benchmark.
    """

    key: str | None = None  # a registry key (harness task tables)
    label: str | None = None  # a registry label (Artificial Analysis keys)
    dataset_id: str | None = None  # a Hub benchmark's own task (inspect ``hf/ORG/NAME[/TASK]``)
    task_id: str | None = None


@dataclass(frozen=True)
class Observation:
    """One number a source printed, with where it stands; ``value`` is on the source's own scale."""

    label: str  # as printed (markup stripped)
    value: float
    setting: str | None = None  # a qualifier printed with it: ``dev``, ``5-shot``, ``pass@1``
    scale: Literal["fraction"] | None = None  # the source prints this value on a 0-1 scale
    table: int | None = None  # 1-based table number (card and paper sources)
    location: str | None = None  # human-readable: "table 3, row 'MMLU', column 'Foo-7B'"
    heading: str | None = None  # the table's headings and caption (say which GPQA set, base or instruct)
    provenance: Provenance | None = None
    date: str | None = None  # ISO date of the run when the source knows it
    notes: str | None = None  # run details the source knows (framework, model arguments, AA's harness)
    task: TaskRef | None = None  # the source's own name for the benchmark, when it has one
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refusal:
    """A label the source read but will not hand on, with the values it refused and why."""

    label: str
    reason: str
    candidates: tuple[Observation, ...] = ()
    value: float | None = None  # the one value refused, when there is one

    def __str__(self) -> str:
        value = f" = {self.value:g}" if self.value is not None else ""
        return f"{self.label}{value}: {self.reason}"


@dataclass
class SourceReport:
    """What every source returns: what it observed, what it refused, what the user should know."""

    observations: list[Observation] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
