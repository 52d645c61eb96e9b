"""The Hub's official benchmarks: discovered with the real client, cached, bundled as the offline fallback,
and used to decide what may go into .eval_results/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub_emulator import HubEmulator
from official_support import official_ids

from evalmgr.errors import InputError
from evalmgr.hub import Hub
from evalmgr.official import BUNDLED_OFFICIAL, official_benchmarks
from evalmgr.registry import Registry


def test_bundled_list_matches_the_hubs_listing(hub: HubEmulator) -> None:
    """The emulator serves the Hub's official datasets (and a non-official one with an eval.yaml):
    what the client lists with benchmark="official" is the bundled list, no more, no less."""
    hub.add_dataset("OpenEvals/aime_24", {"eval.yaml": "tasks:\n  - id: aime_24\n"})
    found = official_benchmarks(Hub())
    assert found.origin == "hub" and found.note is None
    bundled = json.loads(BUNDLED_OFFICIAL.read_text())["datasets"]
    assert found.ids == {d.lower() for d in bundled} == {d.lower() for d in official_ids()}
    assert "OpenEvals/aime_24" not in found
    (listing,) = [r for r in hub.requests if r["path"] == "/api/datasets"]
    assert listing["query"]["filter"] == ["benchmark:official"]  # what huggingface_hub sends for benchmark="official"


def test_every_official_benchmark_is_in_the_registry() -> None:
    reg = Registry.load()
    for dataset_id in json.loads(BUNDLED_OFFICIAL.read_text())["datasets"]:
        assert reg.benchmarks_for_dataset(dataset_id), f"{dataset_id} is official but not in the registry"


def test_the_list_is_cached(hub: HubEmulator) -> None:
    official_benchmarks(Hub())
    again = official_benchmarks(Hub())
    assert again.origin == "cache" and "cais/hle" in again
    assert hub.request_count("GET", r"^/api/datasets$") == 1


def test_offline_uses_the_bundled_list_and_says_so(hub: HubEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.fail_next("GET", r"^/api/datasets$", 503, count=20)
    monkeypatch.setenv("EVALMGR_RETRY_BUDGET", "0")
    found = official_benchmarks(Hub())
    assert found.origin == "bundled" and "Idavidrein/gpqa" in found
    assert found.note.startswith("the Hub's list of official benchmarks could not be read")
    assert "using the bundled list of" in found.note
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert official_benchmarks(Hub()).note.startswith("HF_HUB_OFFLINE=1: using the bundled list")
    assert official_benchmarks(None).origin == "bundled"


def test_user_names_and_card_labels() -> None:
    reg = Registry.load()
    match, note = reg.resolve_name("GPQA")
    assert match.benchmark.key == "gpqa_diamond" and "means GPQA Diamond" in note
    assert reg.resolve_name("GPQA Main") == (reg.match("GPQA Main"), None)
    assert reg.resolve_name("AIME") == (None, None)  # no default: the user must name the year
    assert reg.match("GPQA") is None  # a card's bare label still needs the card to say which set
    assert reg.match("GPQA-Diamond (Pass@1)").benchmark.key == "gpqa_diamond"
    for name, key in (("HLE", "hle"), ("MMLU-Pro", "mmlu_pro"), ("GSM8K", "gsm8k"), ("Terminal-Bench 2.0",
                      "terminal_bench_2"), ("AIME 2026", "aime_2026"), ("olmOCR-bench", "olmocr_bench"),
                      ("EvasionBench", "evasionbench"), ("SWE-bench Pro", "swe_bench_pro")):
        assert reg.resolve_name(name)[0].benchmark.key == key


def test_source_rules_are_validated(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps({"benchmarks": {"x": {"dataset_id": "a/b", "task_id": "t",
                                                    "source_rule": {"accept": ["rumour"], "reason": "r"}}}}))
    with pytest.raises(InputError, match="source_rule.accept"):
        Registry.load(bad)
    bad.write_text(json.dumps({"benchmarks": {"x": {"dataset_id": "a/b", "task_id": "t",
                                                    "source_rule": {"accept": ["harness"]}}}}))
    with pytest.raises(InputError, match="source_rule.reason"):
        Registry.load(bad)
    rule = Registry.load().by_key("swe_bench_verified").source_rule
    assert rule.refusal("harness") is None
    assert all("official SWE-bench harness" in rule.refusal(kind) for kind in ("model_card", "aa", "paper", "manual"))
