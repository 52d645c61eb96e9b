"""The Hub's official benchmark datasets, as the emulator serves them by default.

Seeded from the bundled list (``evalmgr/data/official_benchmarks.json``): each dataset is listed with
``benchmark:official``, with an ``eval.yaml`` declaring the task ids the registry knows for it (a dataset
whose task ids the registry does not know gets none: tests that need one seed it).
"""

from __future__ import annotations

import json
from pathlib import Path

from hub_emulator import HubEmulator

BUNDLED = Path(__file__).resolve().parents[1] / "scripts" / "evalmgr" / "data" / "official_benchmarks.json"
MAPPING = Path(__file__).resolve().parents[1] / "examples" / "metric_mapping.json"


def official_ids() -> list[str]:
    return list(json.loads(BUNDLED.read_text(encoding="utf-8"))["datasets"])


def known_task_ids() -> dict[str, list[str]]:
    """dataset id -> task ids the bundled registry names for it."""
    out: dict[str, list[str]] = {}
    for spec in json.loads(MAPPING.read_text(encoding="utf-8"))["benchmarks"].values():
        if spec.get("dataset_id") and spec.get("task_id"):
            out.setdefault(spec["dataset_id"], []).append(spec["task_id"])
    return out


def seed_official_benchmarks(hub: HubEmulator) -> None:
    tasks = known_task_ids()
    for dataset_id in official_ids():
        files = {"README.md": f"# {dataset_id.split('/')[-1]}\n"}
        if dataset_id in tasks:
            files["eval.yaml"] = "name: x\ntasks:\n" + "".join(f"  - id: {t}\n" for t in tasks[dataset_id])
        hub.add_dataset(dataset_id, files, benchmark="official")
