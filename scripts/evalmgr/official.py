"""Which benchmark datasets the Hub lists as official leaderboards (``benchmark:official``).

Why: only those rank models; a result for any other dataset, even one with an ``eval.yaml``, shows on no
leaderboard, so it is shown to the user but never written to ``.eval_results/``. The list is read at run
time (``HfApi.list_datasets(benchmark="official")``), cached on disk, and replaced by the bundled copy,
with a note saying so, when the Hub cannot be asked.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import HubError

if TYPE_CHECKING:
    from .hub import Hub

BUNDLED_OFFICIAL = Path(__file__).parent / "data" / "official_benchmarks.json"
MAX_AGE = 6 * 3600.0  # seconds the Hub's list is reused from the on-disk cache


@dataclass(frozen=True)
class OfficialBenchmarks:
    """The official benchmark dataset ids, where they came from, and what to tell the user about that."""

    ids: frozenset[str]  # lower-cased dataset ids (the Hub's ids are case-insensitive)
    origin: str  # "hub" | "cache" | "bundled"
    note: str | None = None

    def __contains__(self, dataset_id: object) -> bool:
        return isinstance(dataset_id, str) and dataset_id.lower() in self.ids


def bundled(why: str) -> OfficialBenchmarks:
    """The list shipped with the package; ``why`` says why the Hub's own list is not used."""
    data = json.loads(BUNDLED_OFFICIAL.read_text(encoding="utf-8"))
    ids = frozenset(d.lower() for d in data["datasets"])
    return OfficialBenchmarks(ids, "bundled", f"{why}: using the bundled list of {len(ids)} official benchmarks "
                                               f"(as of {data['as_of']})")


def official_benchmarks(hub: Hub | None, max_age: float = MAX_AGE) -> OfficialBenchmarks:
    """The Hub's official benchmarks: from the cache, else the Hub, else the bundled list (with a note)."""
    if hub is None:
        return bundled("this command does not contact the Hub")
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        return bundled("HF_HUB_OFFLINE=1")
    from .cache import cache_file, read_cached, write_cached

    key = f"{hub.endpoint}/api/datasets?filter=benchmark:official"
    cached = read_cached(cache_file("hub", key), max_age)
    if isinstance(cached, list):
        return OfficialBenchmarks(frozenset(d.lower() for d in cached), "cache")
    try:
        ids = hub.call("listing the Hub's official benchmarks",
                       lambda: [d.id for d in hub.api.list_datasets(benchmark="official")])
    except HubError as exc:
        return bundled(f"the Hub's list of official benchmarks could not be read ({exc.message})")
    write_cached(cache_file("hub", key), key, ids)
    return OfficialBenchmarks(frozenset(d.lower() for d in ids), "hub")
