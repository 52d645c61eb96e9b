#!/usr/bin/env python3
"""Measure table extraction on the development corpus (real cards with hand-checked truth).

Guided mode passes the truth's table number and model header (as ``--table`` /
``--model-name-override`` would); automatic mode passes only the repo id. Per card it prints the
truth count, hits, wrong values and misses; then totals, the negative cards (which must yield
nothing) and the time taken. Exit status 1 when any value is wrong or a negative yields a score.

    python3 scripts/bench_extraction.py [--corpus PATH] [--mode guided|automatic|both] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evalmgr.errors import EvalManagerError
from evalmgr.extract import extract
from evalmgr.observation import Observation

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def norm_label(text: str | None) -> str:
    """Case, whitespace and punctuation folded; dots, '+' and non-ASCII letters kept (1.3B != 13B, β != α)."""
    return "".join(re.findall(r"[^\W_]+|[.+%]", (text or "").lower()))


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


@dataclass
class CardResult:
    file: str
    truth: int
    hits: int = 0
    wrong: list[str] = field(default_factory=list)  # wrong value, `never` value, mislabelled, or output where none is right
    misses: list[str] = field(default_factory=list)
    extra: int = 0
    error: str | None = None


def score_card(entry: dict, scores: list[Observation], automatic: bool = False) -> CardResult:
    """Compare output with truth on (benchmark, setting) keys.

    Wrong: a differing value under a truth key; a result carrying one of the entry's ``never`` values
    under that label; a result from the truth table whose label matches no truth score (mislabelled);
    in automatic mode, any result for an entry marked ``auto: false``.
    """
    expected = [] if automatic and entry.get("auto") is False else entry["scores"]
    res = CardResult(entry["file"], len(expected))
    out: dict[tuple[str, str], list[Observation]] = {}
    for s in scores:
        out.setdefault((norm_label(s.label), norm_label(s.setting)), []).append(s)
    truth_keys = set()
    hit_ids: set[int] = set()
    for t in expected:
        key = (norm_label(t["benchmark"]), norm_label(t["setting"]))
        truth_keys.add(key)
        found = out.get(key, [])
        if any(same_value(s.value, t["value"]) for s in found):
            res.hits += 1
            hit_ids.update(id(s) for s in found if same_value(s.value, t["value"]))
        else:
            res.misses.append(f"{t['benchmark']} [{t['setting']}] = {t['value']}")
        for s in found:
            if not same_value(s.value, t["value"]):
                res.wrong.append(f"{s.label} [{s.setting}] = {s.value} (truth {t['value']}; {s.location})")
    truth_labels = {norm_label(t["benchmark"]) for t in entry["scores"]}
    for s in scores:
        if id(s) in hit_ids:
            continue
        never = [n for n in entry.get("never", []) if norm_label(n["benchmark"]) == norm_label(s.label)
                 and same_value(n["value"], s.value)]
        if never:
            res.wrong.append(f"NEVER {s.label} [{s.setting}] = {s.value} ({never[0]['why'][:60]}; {s.location})")
        elif automatic and entry.get("auto") is False:
            res.wrong.append(f"AUTO-FALSE {s.label} [{s.setting}] = {s.value} ({s.location})")
        elif s.table == entry.get("table_index") and (norm_label(s.label), norm_label(s.setting)) not in truth_keys:
            why = "label in truth, setting not" if norm_label(s.label) in truth_labels else "no such label in truth"
            res.wrong.append(f"MISLABELLED {s.label} [{s.setting}] = {s.value} ({why}; {s.location})")
    res.extra = sum(len(v) for k, v in out.items() if k not in truth_keys)
    return res


def run_mode(corpus: Path, truth: list[dict], guided: bool) -> tuple[list[CardResult], float]:
    results = []
    start = time.perf_counter()
    for entry in truth:
        text = (corpus / "cards" / entry["file"]).read_text(encoding="utf-8")
        try:
            if guided:
                report = extract(
                    text, entry["hub_repo_id"], table=entry["table_index"], model_name=entry["model_header"]
                )
            else:
                report = extract(text, entry["hub_repo_id"])
            res = score_card(entry, report.observations, automatic=not guided)
        except EvalManagerError as exc:
            res = score_card(entry, [], automatic=not guided)
            res.error = exc.message
        results.append(res)
    return results, time.perf_counter() - start


def print_mode(name: str, results: list[CardResult], seconds: float, verbose: bool) -> tuple[int, int, int]:
    print(f"\n== {name} ==")
    print(f"{'card':<58} {'truth':>5} {'hits':>5} {'wrong':>5} {'miss':>5} {'extra':>5}")
    for r in results:
        print(
            f"{r.file:<58} {r.truth:>5} {r.hits:>5} {len(r.wrong):>5} {len(r.misses):>5} {r.extra:>5}"
            + (f"  error: {r.error.splitlines()[0][:80]}" if r.error else "")
        )
        if verbose:
            for w in r.wrong:
                print(f"      WRONG {w}")
            for m in r.misses:
                print(f"      miss  {m}")
    truth = sum(r.truth for r in results)
    hits = sum(r.hits for r in results)
    wrong = sum(len(r.wrong) for r in results)
    print(
        f"{name}: recall {hits}/{truth} = {hits / truth:.3f}, wrong values {wrong}, "
        f"misses {truth - hits}, extra (not in truth) {sum(r.extra for r in results)}, time {seconds * 1000:.0f} ms"
    )
    return truth, hits, wrong


def run_negatives(corpus: Path) -> int:
    negatives = json.loads((corpus / "negatives.json").read_text(encoding="utf-8"))
    total = 0
    print("\n== negatives (automatic) ==")
    for entry in negatives:
        text = (corpus / "negatives" / entry["file"]).read_text(encoding="utf-8")
        try:
            n = len(extract(text, entry["hub_repo_id"]).observations)
        except EvalManagerError as exc:
            n, note = 0, f" ({type(exc).__name__})"
        else:
            note = ""
        total += n
        print(f"{entry['file']:<58} scores {n}{note}")
    print(f"negatives: {total} scores extracted (must be 0)")
    return total


def time_cards(folder: Path) -> None:
    """Extraction time per card (in-process, automatic mode): the slowest cards and the total."""
    timings = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        repo = path.stem.replace("__", "/", 1) if "__" in path.stem else path.stem.replace("_", "/", 1)
        start = time.perf_counter()
        try:
            extract(text, repo)
        except EvalManagerError:
            pass
        timings.append((time.perf_counter() - start, path.name))
    timings.sort(reverse=True)
    total = sum(t for t, _ in timings)
    print(f"\n== timing ({folder}) ==")
    for seconds, name in timings[:5]:
        print(f"{seconds * 1000:8.0f} ms  {name}")
    print(f"timing: {len(timings)} cards, slowest {timings[0][0] * 1000:.0f} ms, total {total:.1f} s" if timings else "no cards")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"corpus folder (default {DEFAULT_CORPUS})")
    ap.add_argument("--mode", choices=["guided", "automatic", "both"], default="both")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every wrong value and miss")
    ap.add_argument("--time", type=Path, metavar="CARDS_DIR", help="also time extraction on every card of a folder")
    args = ap.parse_args(argv)
    truth_file = args.corpus / "truth.json"
    if not truth_file.is_file():
        print(f"error: {truth_file} not found; pass --corpus PATH", file=sys.stderr)
        return 2
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    bad = 0
    for mode in ["guided", "automatic"] if args.mode == "both" else [args.mode]:
        results, seconds = run_mode(args.corpus, truth, mode == "guided")
        bad += print_mode(mode, results, seconds, args.verbose)[2]
    bad += run_negatives(args.corpus)
    if args.time:
        time_cards(args.time)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
