"""The common currency of the pipeline: what every source yields and every writer consumes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Provenance:
    """Where a score comes from; becomes the entry's ``source`` block."""

    kind: str  # "model_card" | "aa" | "paper" | "logs" | "manual"
    url: str | None = None
    name: str | None = None
    user: str | None = None
    org: str | None = None


@dataclass
class Score:
    """One number read from a source, before registry mapping.

    ``benchmark`` is the label as printed (markup stripped), ``setting`` a qualifier
    (``dev``, ``5-shot``, ``pass@1``) or None; ``value`` is on the source's own scale.
    """

    benchmark: str
    value: float
    setting: str | None = None
    table: int | None = None  # 1-based table number for card/paper sources
    location: str | None = None  # human-readable: "table 3, row 'MMLU', column 'Foo-7B'"
    notes: str | None = None  # what the entry's `notes` will say (setup qualifiers, run details)
    variant: str | None = None  # the setup qualifiers alone (tools, thinking, shots): a separate result and file
    date: str | None = None  # ISO date of the run when the source knows it
    provenance: Provenance | None = None
    warnings: list[str] = field(default_factory=list)
    scale: str | None = None  # "fraction" when the source prints this score on a 0-1 scale (the registry converts)
    # Filled by the registry; None when the label is not registered.
    dataset_id: str | None = None
    task_id: str | None = None
    benchmark_key: str | None = None
