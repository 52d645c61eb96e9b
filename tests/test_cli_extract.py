"""extract-readme, inspect-tables and add-eval --source model_card end to end, offline and on the Hub."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from cli_support import ROOT, run_cli
from hub_emulator import HubEmulator

FIXTURES = ROOT / "tests" / "fixtures" / "cli"
CARD = FIXTURES / "gpqa_card.md"
TWO = FIXTURES / "two_tables.md"
REPO = "orbit/Orbit-7B-Instruct"


def test_extract_readme_json_shape() -> None:
    run = run_cli("extract-readme", "--readme", str(CARD), "--repo-id", REPO, "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    by_label = {r["benchmark"]: r for r in data["results"]}
    assert set(by_label) == {"GPQA Diamond", "MMLU-Pro", "GSM8K", "Humanity's Last Exam"}
    gpqa = by_label["GPQA Diamond"]
    assert (gpqa["value"], gpqa["dataset_id"], gpqa["task_id"], gpqa["table"], gpqa["setting"]) == (
        41.2, "Idavidrein/gpqa", "diamond", 1, None)
    assert by_label["MMLU-Pro"]["value"] == 52.3 and by_label["MMLU-Pro"]["dataset_id"] == "TIGER-Lab/MMLU-Pro"
    assert "warnings" in data and data["publish"]["status"] == "preview"
    assert sorted(data["publish"]["files"]) == [".eval_results/gpqa.yaml", ".eval_results/gsm8k.yaml",
                                                ".eval_results/hle.yaml", ".eval_results/mmlu_pro.yaml"]


def test_model_not_found_lists_candidates_with_flags() -> None:
    run = run_cli("extract-readme", "--readme", str(CARD), "--repo-id", "orbit/Orbit-7B")
    assert run.code == 1
    assert "--table 1 --model-column-index 1" in run.err and "Orbit-7B-Instruct" in run.err
    json_run = run_cli("extract-readme", "--readme", str(CARD), "--repo-id", "orbit/Orbit-7B", "--format", "json")
    assert json_run.code == 1
    labels = {c["label"] for c in json_run.json()["error"]["candidates"]}
    assert {"Orbit-7B-Instruct", "Orbit-7B-Base", "Other-8B"} <= labels


def test_selected_column_is_used() -> None:
    run = run_cli("extract-readme", "--readme", str(CARD), "--repo-id", "orbit/Orbit-7B-Base", "--table", "1",
                  "--model-column-index", "2", "--format", "json")
    assert run.code == 0, run.err
    assert {r["benchmark"]: r["value"] for r in run.json()["results"]}["GPQA Diamond"] == 30.1


def test_inspect_tables_points_to_the_next_command() -> None:
    run = run_cli("inspect-tables", "--readme", str(CARD), "--repo-id", REPO)
    assert run.code == 0
    assert f"extract-readme --readme {CARD} --repo-id {REPO} --table 1" in run.out
    assert "Orbit-7B-Instruct*" in run.out
    data = run_cli("inspect-tables", "--readme", str(TWO), "--repo-id", "nimbus/Nimbus-3B-Instruct",
                   "--format", "json").json()
    assert [t["number"] for t in data["tables"]] == [1, 2]


def test_add_eval_from_the_card_is_strict_about_the_benchmark() -> None:
    mmlu = run_cli("add-eval", "--readme", str(TWO), "--repo-id", "nimbus/Nimbus-3B-Instruct", "--benchmark", "MMLU",
                   "--format", "json")
    assert mmlu.code == 1, mmlu.err  # found and shown, but MMLU has no Hub task id: nothing could be written
    assert [(r["benchmark"], r["value"]) for r in mmlu.json()["results"]] == [("MMLU", 63.5)]
    assert mmlu.json()["publish"]["status"] == "refused"


def test_add_eval_refuses_two_different_values() -> None:
    run = run_cli("add-eval", "--readme", str(TWO), "--repo-id", "nimbus/Nimbus-3B-Instruct",
                  "--benchmark", "GPQA Diamond")
    assert run.code == 1
    assert "28.1" in run.err and "29.4" in run.err
    chosen = run_cli("add-eval", "--readme", str(TWO), "--repo-id", "nimbus/Nimbus-3B-Instruct",
                     "--benchmark", "GPQA Diamond", "--table", "2", "--format", "json")
    assert chosen.code == 0, chosen.err
    assert [r["value"] for r in chosen.json()["results"]] == [29.4]


def test_add_eval_unknown_benchmark_in_card_is_not_found() -> None:
    run = run_cli("add-eval", "--readme", str(CARD), "--repo-id", REPO, "--benchmark", "AIME 2025")
    assert run.code == 1
    assert "not reported" in run.err


def test_extract_apply_into_a_clone(tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    repo.mkdir()
    shutil.copy(CARD, repo / "README.md")
    run = run_cli("extract-readme", "--repo-dir", str(repo), "--repo-id", REPO, "--apply")
    assert run.code == 0, run.err
    names = sorted(p.name for p in (repo / ".eval_results").glob("*.yaml"))
    assert names == ["gpqa.yaml", "gsm8k.yaml", "hle.yaml", "mmlu_pro.yaml"]
    assert yaml.safe_load((repo / ".eval_results" / "gsm8k.yaml").read_text())[0]["value"] == 81.0
    assert run_cli("extract-readme", "--repo-dir", str(repo), "--repo-id", REPO, "--apply").code == 0
    assert sorted(p.name for p in (repo / ".eval_results").glob("*.yaml")) == names


def test_extract_from_the_hub_opens_one_pr(hub: HubEmulator, hf_env: dict[str, str]) -> None:
    hub.add_user("helper", "hf_helperTOKEN0123456789abcdefgh")
    hub.add_model(REPO, {"README.md": CARD.read_text()})
    env = dict(hf_env, HF_TOKEN="hf_helperTOKEN0123456789abcdefgh")
    run = run_cli("extract-readme", "--repo-id", REPO, "--create-pr", env=env)
    assert run.code == 0, run.err
    assert run.out.strip().endswith("/discussions/1")
    files = hub.files(REPO, "refs/pr/1")
    assert {p for p in files if p.startswith(".eval_results/")} == {
        ".eval_results/gpqa.yaml", ".eval_results/gsm8k.yaml", ".eval_results/hle.yaml", ".eval_results/mmlu_pro.yaml"}
    again = run_cli("extract-readme", "--repo-id", REPO, "--create-pr", env=env)
    assert again.code == 0
    assert len(hub.pull_requests(REPO)) == 1
