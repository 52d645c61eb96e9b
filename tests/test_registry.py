"""Benchmark registry: strict identity, ambiguity, notes, user overrides, Hub task ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evalmgr.errors import InputError
from evalmgr.registry import BUNDLED, Registry, parse_eval_yaml
from evalmgr.observation import Observation, TaskRef
from evalmgr.result import Result, Unmatched

ROOT = Path(__file__).resolve().parents[1]

pytest_plugins = ("results_support",)  # fixtures: reg, no_env_mapping




@pytest.mark.parametrize(
    ("label", "dataset_id", "task_id"),
    [
        ("GPQA Diamond", "Idavidrein/gpqa", "diamond"),
        ("GPQA-D", "Idavidrein/gpqa", "diamond"),
        ("GPQA (diamond)", "Idavidrein/gpqa", "diamond"),
        ("gpqa_main", "Idavidrein/gpqa", "main"),
        ("GPQA Extended", "Idavidrein/gpqa", "extended"),
        ("HLE", "cais/hle", "hle"),
        ("Humanity's Last Exam", "cais/hle", "hle"),
        ("MMLU-Pro", "TIGER-Lab/MMLU-Pro", "mmlu_pro"),
        ("mmlu pro", "TIGER-Lab/MMLU-Pro", "mmlu_pro"),
        ("**MMLU_PRO** ↑", "TIGER-Lab/MMLU-Pro", "mmlu_pro"),
        ("GSM8K", "openai/gsm8k", "gsm8k"),
        ("SWE-bench Verified", "SWE-bench/SWE-bench_Verified", None),
    ],
)
def test_registered_ids(reg: Registry, label: str, dataset_id: str, task_id: str | None) -> None:
    match = reg.match(label)
    assert match is not None, label
    assert (match.benchmark.dataset_id, match.benchmark.task_id) == (dataset_id, task_id)


@pytest.mark.parametrize(
    "labels",
    [
        ["MMLU", "MMLU-Pro", "MMLU-Redux", "MMLU-ProX"],
        ["AIME 2024", "AIME 2025"],
        ["HumanEval", "HumanEval+", "HumanEval-Mul"],
        ["MATH", "MATH-500"],
        ["SWE-bench Verified", "SWE-bench Pro", "SWE-bench Multilingual"],
        ["ARC-Challenge", "ARC-Easy"],
        ["MBPP", "MBPP+"],
    ],
)
def test_strict_identity_keeps_neighbours_apart(reg: Registry, labels: list[str]) -> None:
    keys = [reg.match(label).benchmark.key for label in labels]
    assert len(set(keys)) == len(labels), dict(zip(labels, keys, strict=True))


@pytest.mark.parametrize(
    "label", ["MMLU-Pro Max", "MMLU-anatomy", "GPQA Diamond Plus", "HumanEval Pro", "LiveCodeBenchPro", "AIME",
              "Average", "MMLU-Redux 2.1 extra", "SWE-bench", "ARC (25-s)"],
)
def test_no_prefix_or_substring_match(reg: Registry, label: str) -> None:
    assert reg.match(label) is None


def test_bare_gpqa_is_ambiguous_until_something_says_which(reg: Registry) -> None:
    assert reg.match("GPQA") is None
    bare = reg.resolve(Observation("GPQA", 41.0))
    assert isinstance(bare, Unmatched) and "Diamond" in bare.reason
    assert reg.match("GPQA", setting="diamond").benchmark.task_id == "diamond"
    assert reg.match("GPQA", context="Results on GPQA Diamond (0-shot)").benchmark.task_id == "diamond"
    assert reg.match("GPQA", context="### Diamond subset").benchmark.task_id == "diamond"
    assert reg.match("GPQA", context="## Main results") is None  # "main" alone is not a decision
    assert reg.match("GPQA", context="GPQA main set").benchmark.task_id == "main"
    assert reg.match("GPQA", context="GPQA Diamond and GPQA Main") is None
    assert isinstance(reg.resolve(Observation("GPQA Diamond", 41.0)), Result)


@pytest.mark.parametrize(
    ("label", "setting", "notes"),
    [
        ("HLE (w/ tools)", None, "with tools"),
        ("HLE", "w/o tools", None),
        ("GPQA Diamond", "thinking", "thinking"),
        ("GPQA Diamond (non-thinking)", None, "non-thinking"),
        ("MMLU (5-shot)", None, None),  # 5-shot is MMLU's standard
        ("MMLU (0-shot)", None, "0-shot"),
        ("MMLU-Pro (5-s) ⬆️", None, None),
        ("GSM8K (8-shot, CoT)", None, "8-shot, CoT"),
        ("HumanEval", "pass@1", None),
        ("HumanEval", "pass@10", "pass@10"),
        ("LiveCodeBench v6", None, "v6"),
        ("LiveCodeBench (2408-2505)", None, "2408-2505"),
        ("TruthfulQA (MC2)", None, "MC2"),
        ("MT-Bench (score)", None, None),
    ],
)
def test_setup_qualifiers_become_notes(reg: Registry, label: str, setting: str | None, notes: str | None) -> None:
    assert reg.match(label, setting).notes == notes


def test_resolve_fills_ids_merges_notes_and_warns(reg: Registry) -> None:
    found = [reg.resolve(o) for o in [
        Observation("GPQA", 41.0, table=2, heading="Evaluation on GPQA Diamond"),
        Observation("GPQA", 40.0, table=3),
        Observation("HLE", 20.9, setting="with tools", notes="text-only"),
        Observation("SWE-bench Verified", 60.0),
        Observation("Unknown Bench", 1.0),
        Observation("aime_25", 80.0, task=TaskRef(key="aime_2025")),  # named by its source's own task table
        Observation("ArenaX", 1.0, task=TaskRef()),  # a source's task that maps to nothing
    ]]
    diamond, bare, hle, swe, unknown, aime, unmapped = found
    assert isinstance(diamond, Result) and (diamond.dataset_id, diamond.task_id) == ("Idavidrein/gpqa", "diamond")
    assert isinstance(bare, Unmatched) and bare.shown and "ambiguous" in bare.reason
    assert bare.as_result().dataset_id is None and bare.reason in bare.as_result().warnings
    assert isinstance(hle, Result) and (hle.run_notes, hle.variant) == ("text-only", "with tools")
    assert hle.notes == "text-only; with tools" and hle.benchmark_key == "hle"
    assert isinstance(swe, Result) and swe.task_id is None and any("task id" in w for w in swe.warnings)
    assert isinstance(unknown, Unmatched) and not unknown.shown and unknown.as_result().warnings == ()
    assert isinstance(aime, Result) and (aime.benchmark_key, aime.label) == ("aime_2025", "aime_25")
    assert isinstance(unmapped, Unmatched) and not unmapped.shown


def test_resolve_converts_fractions_of_percentage_benchmarks_only(reg: Registry) -> None:
    mmlu = reg.resolve(Observation("MMLU", 0.712, scale="fraction"))
    assert isinstance(mmlu, Result) and mmlu.value == 71.2 and any("0-1 fractions" in w for w in mmlu.warnings)
    assert mmlu.observation is not None and mmlu.observation.value == 0.712  # what the source printed stays
    unknown = reg.resolve(Observation("Unknown Bench", 0.5, scale="fraction"))
    assert isinstance(unknown, Unmatched) and unknown.as_result().value == 0.5


def test_user_mapping_adds_overrides_and_removes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "mine.json"
    user.write_text(json.dumps({"benchmarks": {
        "swe_bench_verified": {"task_id": "verified"},
        "my_bench": {"name": "My Bench", "dataset_id": "me/my-bench", "task_id": "default", "aliases": ["MyB"]},
        "mmlu_prox": None,
    }}))
    reg = Registry.load(user)
    assert reg.match("SWE-bench Verified").benchmark.task_id == "verified"
    assert reg.match("SWE-bench Verified").benchmark.name == "SWE-bench Verified"  # other fields kept
    assert reg.match("myb").benchmark.dataset_id == "me/my-bench"
    assert reg.match("MMLU-ProX") is None
    monkeypatch.setenv("EVALMGR_MAPPING", str(user))
    assert Registry.load().match("MyB") is not None


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('{"benchmarks": {"x": {"aliases": ["MMLU"]}}}', "claimed by"),
        ('{"benchmarks": {"x": {"file_stem": "../../etc"}}}', "file_stem"),
        ('{"benchmarks": {"x": {"dataset_id": "no-owner"}}}', "owner/name"),
        ('{"benchmarks": {"x": {"scale": "fraction"}}}', "scale"),
        ('{"benchmarks": {"x": {"typo": 1}}}', "unknown field"),
        ('{"benchmarks": [1, 2]}', "'benchmarks' object"),
        ('{"benchmarks": {\n  "x": }', ":2:"),
    ],
)
def test_bad_user_mapping_is_a_clear_error(tmp_path: Path, content: str, needle: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(InputError) as err:
        Registry.load(bad)
    assert needle in str(err.value)


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        Registry.load(tmp_path / "nope.json")


def test_hub_task_ids_fill_and_restrict(reg: Registry) -> None:
    local = Registry.load()
    assert local.known_task_ids("Idavidrein/gpqa") == {"diamond", "main", "extended"}
    assert local.known_task_ids("SWE-bench/SWE-bench_Verified") is None
    local.add_task_ids("SWE-bench/SWE-bench_Verified", {"swe_bench_verified"})
    assert local.match("SWE-bench Verified").benchmark.task_id == "swe_bench_verified"
    assert local.known_task_ids("swe-bench/swe-bench_verified") == {"swe_bench_verified"}
    assert reg.match("SWE-bench Verified").benchmark.task_id is None  # other instances unaffected


def test_load_hub_task_ids_from_the_hub_with_a_cache(hub, tmp_path, monkeypatch) -> None:
    from evalmgr.hub import Hub

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    hub.add_dataset("cais/hle", {"eval.yaml": "name: HLE\ntasks:\n  - id: hle\n    config: default\n    split: test\n"})
    hub.add_dataset("OpenEvals/MuSR", {"README.md": "no eval.yaml here"})
    hub.add_dataset("openai/gsm8k", {"eval.yaml": "tasks: nope"})
    ids = ["cais/hle", "OpenEvals/MuSR", "openai/gsm8k"]
    reg = Registry.load()
    warnings = reg.load_hub_task_ids(Hub(), ids)
    assert reg.known_task_ids("cais/hle") == {"hle"}
    assert set(warnings) == {"OpenEvals/MuSR", "openai/gsm8k"}  # why, by dataset: hle was read
    assert "MuSR has no eval.yaml" in warnings["OpenEvals/MuSR"] and "gsm8k/eval.yaml" in warnings["openai/gsm8k"]
    served = hub.request_count(path_regex=r"(hle|MuSR)/.*eval\.yaml")
    broken = hub.request_count(path_regex=r"gsm8k/.*eval\.yaml")
    assert served > 0 and broken > 0
    again = Registry.load()
    assert again.load_hub_task_ids(Hub(), ids) == warnings
    assert again.known_task_ids("cais/hle") == {"hle"}
    # answered from the on-disk cache, except the eval.yaml that does not parse: never cached, asked again
    assert hub.request_count(path_regex=r"(hle|MuSR)/.*eval\.yaml") == served
    assert hub.request_count(path_regex=r"gsm8k/.*eval\.yaml") > broken


def test_parse_eval_yaml() -> None:
    text = "name: X\nevaluation_framework: inspect-ai\ntasks:\n  - id: diamond\n  - id: main\n    split: train\n"
    assert parse_eval_yaml(text) == {"diamond", "main"}
    for bad in ("tasks: [", "- a list", "tasks: []", "tasks:\n  - config: x\n"):
        with pytest.raises(InputError):
            parse_eval_yaml(bad)


def test_bundled_mapping_is_linked_and_documented() -> None:
    assert BUNDLED.resolve() == (ROOT / "examples" / "metric_mapping.json").resolve()
    data = json.loads(BUNDLED.read_text())
    for key, spec in data["benchmarks"].items():
        assert spec.get("evidence"), f"{key} has no evidence"
    reg = Registry.load()
    assert all(b.dataset_id in reg.dataset_ids() for b in reg.benchmarks.values() if b.dataset_id)

