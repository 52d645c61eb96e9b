#!/usr/bin/env python3
"""Worst-case time and memory of the CLI over the hostile corpus (tests/hostile/generate.py).

Each case runs in a forked child (the CLI's ``main()`` in process, the corpus' inputs materialised in a
temporary folder) under a 2 GB address-space limit; the parent reads the child's wall time and peak
resident memory (``wait4``). The baseline is the memory of the forked interpreter before the case runs, so
"added" is what the case itself cost. Prints the figures per class and the slowest cases.

    python scripts/bench_hostile.py [--top 10] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]
LIMIT_AS = 2 * 1024**3


def run_one(case, scratch: Path) -> dict:
    """Fork, run the case in the child, return its outcome, wall time and peak RSS."""
    from hostile.run import run_case

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.monotonic()
        try:
            result = run_case(case, scratch / "case", scratch / "cache")
            info: dict[str, Any] = {"code": result.code, "crash": repr(result.crash) if result.crash else None}
        except BaseException as exc:  # noqa: BLE001 - report, never hang the parent
            info = {"code": None, "crash": repr(exc)}
        info.update(seconds=time.monotonic() - start, base_kb=base)
        os.write(write_fd, json.dumps(info).encode())
        os._exit(0)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    _, status, usage = os.wait4(pid, 0)
    info = json.loads(b"".join(chunks) or b'{"code": null, "crash": "child died", "seconds": 0, "base_kb": 0}')
    info.update(peak_mb=usage.ru_maxrss / 1024, added_mb=max(0, usage.ru_maxrss - info["base_kb"]) / 1024,
                status=status)
    return info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=10, help="how many of the slowest cases to list")
    parser.add_argument("--only", help="run only cases whose name contains this")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ["HOME"] = tempfile.mkdtemp(prefix="bench-hostile-home-")
    from hostile.generate import cases

    # Imported before forking: the baseline holds the interpreter's imports, and no case pays for them.
    import evalmgr.commands  # noqa: F401
    import evalmgr.extract  # noqa: F401
    import evalmgr.formats.model_index  # noqa: F401
    import evalmgr.sources.aa  # noqa: F401
    import evalmgr.sources.eval_logs  # noqa: F401
    import huggingface_hub  # noqa: F401
    import zstandard  # noqa: F401

    corpus = [c for c in cases() if not args.only or args.only in c.name]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        for n, case in enumerate(corpus):
            scratch = Path(tmp) / f"{n:04d}"
            scratch.mkdir()
            info = run_one(case, scratch)
            ok = info["crash"] is None and info["code"] == case.code
            rows.append((case, info, ok))
    by_kind: dict[str, list] = defaultdict(list)
    for case, info, ok in rows:
        by_kind[case.kind].append((case, info, ok))
    print(f"hostile corpus: {len(rows)} cases, {len(by_kind)} classes "
          f"(address space limited to {LIMIT_AS // 1024**3} GB per case; network deadline "
          f"EVALMGR_RETRY_BUDGET=2 s, as in the tests)")
    print(f"{'class':<14} {'cases':>5} {'failed':>6} {'worst s':>8} {'worst peak MB':>14} {'worst added MB':>15}")
    for kind, items in sorted(by_kind.items()):
        print(f"{kind:<14} {len(items):>5} {sum(not ok for *_, ok in items):>6} "
              f"{max(i['seconds'] for _, i, _ in items):>8.2f} {max(i['peak_mb'] for _, i, _ in items):>14.0f} "
              f"{max(i['added_mb'] for _, i, _ in items):>15.0f}")
    slow = max(rows, key=lambda r: r[1]["seconds"])
    big = max(rows, key=lambda r: r[1]["peak_mb"])
    total = sum(i["seconds"] for _, i, _ in rows)
    print(f"worst time: {slow[1]['seconds']:.2f} s ({slow[0].name}); "
          f"worst peak memory: {big[1]['peak_mb']:.0f} MB, {big[1]['added_mb']:.0f} MB above the interpreter "
          f"({big[0].name}); all cases: {total:.1f} s")
    print(f"slowest {args.top}:")
    for case, info, _ in sorted(rows, key=lambda r: -r[1]["seconds"])[: args.top]:
        print(f"  {info['seconds']:7.2f} s  {info['peak_mb']:6.0f} MB  {case.name}")
    failed = [(c, i) for c, i, ok in rows if not ok]
    for case, info in failed:
        print(f"FAILED {case.name}: expected exit {case.code}, got {info['code']} {info['crash'] or ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
