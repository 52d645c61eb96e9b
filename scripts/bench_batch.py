#!/usr/bin/env python3
"""Benchmark the batch run: models per second at concurrency 1 and 16 against the Hub emulator.

The emulator (tests/hub_emulator) adds a fixed latency to every request; 200 models are seeded, each
with a card that reports the benchmark. The batch runs for real (it opens one PR per model) as a
subprocess, exactly as a user runs it. The ideal bound is requests per model x latency / concurrency.

    python scripts/bench_batch.py [--models 200] [--latency 0.05] [--concurrency 1 16]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "scripts")]

from hub_emulator import HubEmulator  # noqa: E402
from official_support import seed_official_benchmarks  # noqa: E402

TOKEN = "hf_benchTOKEN0123456789abcdefghij"
CARD = """---
license: apache-2.0
---
# {name}

| Benchmark | {name} | Other-8B |
|---|---|---|
| GPQA Diamond | {value} | 44.0 |
| MMLU-Pro | 52.3 | 50.1 |
"""


def seed(hub: HubEmulator, n: int) -> None:
    hub.reset()
    seed_official_benchmarks(hub)  # the Hub's official benchmarks, GPQA among them
    hub.add_user("bench", TOKEN)
    for i in range(n):
        name = f"Model-{i:03d}-7B"
        hub.add_model(f"org{i % 7}/{name}", {"README.md": CARD.format(name=name, value=30 + i % 50)},
                      trending_score=n - i, pipeline_tag="text-generation")


def run(hub: HubEmulator, n: int, concurrency: int, latency: float) -> dict[str, float]:
    seed(hub, n)
    hub.latency = latency
    runs = tempfile.mkdtemp(prefix="bench-runs-")
    env = dict(os.environ, HF_ENDPOINT=hub.endpoint, HF_TOKEN=TOKEN, HF_HOME=tempfile.mkdtemp(prefix="bench-hf-"),
               HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_PROGRESS_BARS="1", XDG_CACHE_HOME=runs)
    before = hub.request_count()
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "batch_eval_prs.py"), "--benchmark", "GPQA Diamond",
         "--limit", str(n), "--concurrency", str(concurrency), "--runs-dir", runs],
        env=env, capture_output=True, text=True,
    )
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"batch failed:\n{proc.stderr[-2000:]}")
    requests = hub.request_count() - before
    prs = sum(len(hub.pull_requests(r)) for (kind, r) in list(hub.repos) if kind == "model")
    per_model = requests / n
    ideal = n * per_model * latency / concurrency
    return {"seconds": elapsed, "models_per_s": n / elapsed, "requests_per_model": per_model,
            "ideal_seconds": ideal, "ratio_to_ideal": elapsed / ideal, "prs": prs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=int, default=200)
    ap.add_argument("--latency", type=float, default=0.05, help="seconds added to every request")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    args = ap.parse_args()
    results = {}
    with HubEmulator() as hub:
        for c in args.concurrency:
            r = results[c] = run(hub, args.models, c, args.latency)
            print(f"concurrency {c:>2}: {r['seconds']:7.1f} s  {r['models_per_s']:6.2f} models/s  "
                  f"{r['requests_per_model']:.1f} requests/model  ideal {r['ideal_seconds']:6.1f} s  "
                  f"x{r['ratio_to_ideal']:.2f} of ideal  PRs opened {r['prs']}")
    if len(results) >= 2:
        lo, hi = min(results), max(results)
        print(f"speed-up concurrency {hi} vs {lo}: x{results[hi]['models_per_s'] / results[lo]['models_per_s']:.1f} "
              f"(target >= 8); concurrency {hi} within x{results[hi]['ratio_to_ideal']:.2f} of its bound (target <= 1.5)")


if __name__ == "__main__":
    main()
