"""What is published: a :class:`Result`, resolved by the registry from an :class:`Observation`.

A result names its benchmark by Hub dataset id and task id (and registry key when registered); its
``variant`` (tools, thinking, non-standard shots, ...) is the one qualifier of its identity and names its
file; ``run_notes`` are free details of the run (framework, model arguments). The entry's ``notes``
are both, as written on the Hub.
"""

from __future__ import annotations

from dataclasses import dataclass

from .observation import Observation, Provenance


@dataclass(frozen=True)
class Result:
    """One value for one Hub benchmark (``dataset_id`` None: a label no registry entry names)."""

    label: str  # shown to the user: the label as the source printed it, or the benchmark's name
    value: float
    dataset_id: str | None = None
    task_id: str | None = None
    benchmark_key: str | None = None
    variant: str | None = None
    run_notes: str | None = None
    provenance: Provenance | None = None
    date: str | None = None
    location: str | None = None
    observation: Observation | None = None  # what the source saw (None: the user gave the value)
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, obs: Observation, value: float | None = None, *, dataset_id: str | None = None,
           task_id: str | None = None, benchmark_key: str | None = None, variant: str | None = None,
           warnings: tuple[str, ...] | None = None) -> Result:
        """The result of an observation: its label, run notes, provenance, date and location carried over,
        with the benchmark it resolved to (none: an unmatched label)."""
        return cls(label=obs.label, value=obs.value if value is None else value, dataset_id=dataset_id,
                   task_id=task_id, benchmark_key=benchmark_key, variant=variant, run_notes=obs.notes,
                   provenance=obs.provenance, date=obs.date, location=obs.location, observation=obs,
                   warnings=obs.warnings if warnings is None else warnings)

    @property
    def notes(self) -> str | None:
        """The entry's ``notes``: run details, then the variant."""
        return join_notes(self.run_notes, self.variant)

    @property
    def registered(self) -> bool:
        """Whether it can be written to ``.eval_results/`` (dataset and task id both known)."""
        return bool(self.dataset_id and self.task_id)


@dataclass(frozen=True)
class Unmatched:
    """An observation the registry cannot name a benchmark for, and why.

    ``shown``: the reason is worth a warning (an ambiguous label, a source's task the registry lacks);
    a label that is simply not a registered benchmark is not.
    """

    observation: Observation
    reason: str
    shown: bool = False

    def as_result(self) -> Result:
        """The value under its printed label only: shown, written to model-index, never to ``.eval_results/``."""
        return Result.of(self.observation,
                         warnings=self.observation.warnings + ((self.reason,) if self.shown else ()))


def join_notes(*notes: str | None) -> str | None:
    """Notes joined with ``; `` in order, each once; None when there are none."""
    parts = [n for n in notes if n]
    return "; ".join(dict.fromkeys(parts)) or None
