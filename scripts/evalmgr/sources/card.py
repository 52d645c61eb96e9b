"""Model-card source: the card's own tables, read by :mod:`evalmgr.extract`, with card provenance."""

from __future__ import annotations

import dataclasses

from ..extract import ExtractionReport, extract
from ..observation import Provenance


def observations_from_card(
    readme_text: str,
    repo_id: str | None,
    *,
    table: int | None = None,
    model_name: str | None = None,
    model_column_index: int | None = None,
) -> ExtractionReport:
    """Extract the card's values (same options as :func:`evalmgr.extract.extract`) and mark them as from the card."""
    report = extract(readme_text, repo_id, table=table, model_name=model_name, model_column_index=model_column_index)
    source = Provenance(
        kind="model_card",
        url=f"https://huggingface.co/{repo_id}" if repo_id else None,
        name="Model card",
    )
    report.observations = [dataclasses.replace(o, provenance=source) for o in report.observations]
    return report
