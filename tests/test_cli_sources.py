"""import-aa, extract-paper and add-eval --source aa|paper end to end (AA emulator, Hub emulator papers)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from aa_emulator import AAEmulator
from cli_support import ROOT, run_cli
from hub_emulator import HubEmulator

KEY = "aa-cli-key-0123456789"
REPO = "tidepool/Orca-Lite-7B-Instruct"
PAPER_ID = "2501.01234"
PAPER = (ROOT / "tests" / "fixtures" / "papers" / "orca_lite.md").read_text()
TOKEN = "hf_paperTOKEN0123456789abcdefghij"


@pytest.fixture
def aa_env(hf_env: dict[str, str], tmp_path: Path, hub: HubEmulator):
    hub.add_model(REPO, {"README.md": "# Orca-Lite-7B-Instruct\n"})
    with AAEmulator(api_key=KEY) as aa:
        yield aa, dict(hf_env, AA_API_BASE=aa.endpoint, AA_API_KEY=KEY, XDG_CACHE_HOME=str(tmp_path / "cache"))


def test_import_aa_converts_fractions_and_never_writes_indexes(aa_env) -> None:
    aa, env = aa_env
    run = run_cli("import-aa", "--creator-slug", "tidepool", "--model-name", "orca-lite-7b-instruct",
                  "--repo-id", REPO, "--format", "json", env=env)
    assert run.code == 0, run.err
    data = run.json()
    by_key = {r["benchmark"]: r for r in data["results"]}
    assert (by_key["mmlu_pro"]["value"], by_key["mmlu_pro"]["dataset_id"]) == (74.8, "TIGER-Lab/MMLU-Pro")
    assert (by_key["gpqa"]["value"], by_key["gpqa"]["task_id"]) == (51.9, "diamond")
    assert all("Artificial Analysis" in (r["notes"] or "") for r in data["results"])
    assert all("index" not in r["benchmark"] for r in data["results"])
    assert data["indexes"]["artificial_analysis_intelligence_index"] == 31.4
    assert {".eval_results/gpqa.yaml", ".eval_results/mmlu_pro.yaml", ".eval_results/hle.yaml"} <= set(
        data["publish"]["files"])
    assert KEY not in run.out + run.err


def test_import_aa_refuses_to_pick_between_variants(aa_env) -> None:
    _, env = aa_env
    run = run_cli("import-aa", "--repo-id", REPO, env=env)
    assert run.code == 1
    assert "orca-lite-7b-instruct-reasoning" in run.err and "--creator-slug" in run.err


def test_import_aa_by_aa_id(aa_env) -> None:
    aa, env = aa_env
    model_id = next(m["id"] for m in aa.payload["data"] if m["slug"] == "orca-lite-7b-instruct")
    run = run_cli("import-aa", "--aa-model-id", model_id, "--repo-id", REPO, "--json", env=env)
    assert run.code == 0, run.err
    assert {r["benchmark"]: r["value"] for r in run.json()["results"]}["mmlu_pro"] == 74.8


def test_missing_aa_key_names_the_variable(aa_env) -> None:
    _, env = aa_env
    env = {k: v for k, v in env.items() if k != "AA_API_KEY"}
    run = run_cli("import-aa", "--creator-slug", "tidepool", "--model-name", "orca-lite-7b-instruct", env=env)
    assert run.code == 1 and "AA_API_KEY" in run.err


def test_add_eval_from_aa_into_a_clone(aa_env, tmp_path: Path) -> None:
    _, env = aa_env
    repo = tmp_path / "clone"
    repo.mkdir()
    run = run_cli("add-eval", "--source", "aa", "--benchmark", "GPQA Diamond", "--creator-slug", "tidepool",
                  "--model-name", "orca-lite-7b-instruct", "--repo-id", REPO, "--repo-dir", str(repo), "--apply",
                  env=env)
    assert run.code == 0, run.err
    (entry,) = yaml.safe_load((repo / ".eval_results" / "gpqa.yaml").read_text())
    assert entry["value"] == 51.9 and entry["dataset"] == {"id": "Idavidrein/gpqa", "task_id": "diamond"}
    assert entry["source"] == {"url": "https://artificialanalysis.ai", "name": "Artificial Analysis"}


@pytest.fixture
def paper_hub(hub: HubEmulator) -> HubEmulator:
    hub.add_user("helper", TOKEN)
    hub.add_model(REPO, {"README.md": f"---\ntags:\n- arxiv:{PAPER_ID}\n---\n# Orca-Lite-7B-Instruct\n\n"
                                      f"See [our paper](https://arxiv.org/abs/{PAPER_ID}v2).\n"})
    hub.add_paper(PAPER_ID, "Orca-Lite: Small Models", "We present Orca-Lite.", markdown=PAPER)
    return hub


def test_extract_paper_shows_candidates_with_their_table(paper_hub: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_cli("extract-paper", "--repo-id", REPO, "--format", "json", env=hf_env)
    assert run.code == 0, run.err
    (paper,) = run.json()["papers"]
    assert paper["id"] == PAPER_ID
    exact = {c["benchmark"]: c["value"] for c in paper["candidates"] if c["confirmed"]}
    assert exact == {"GPQA Diamond": 31.3, "GSM8K": 71.8, "HumanEval": 48.2, "IFEval": 74.0}
    text = run_cli("extract-paper", "--repo-id", REPO, env=hf_env)
    assert "[exact] GPQA Diamond = 31.3" in text.out and "[check] MMLU-Pro" in text.out


def test_add_eval_from_paper_publishes_only_exact_matches(paper_hub: HubEmulator, hf_env: dict[str, str]) -> None:
    env = dict(hf_env, HF_TOKEN=TOKEN)
    run = run_cli("add-eval", "--source", "paper", "--benchmark", "GPQA Diamond", "--repo-id", REPO, "--create-pr",
                  env=env)
    assert run.code == 0, run.err
    (entry,) = yaml.safe_load(paper_hub.files(REPO, "refs/pr/1")[".eval_results/gpqa.yaml"])
    assert entry["value"] == 31.3
    assert entry["source"]["url"] == f"https://arxiv.org/abs/{PAPER_ID}"
    refused = run_cli("add-eval", "--source", "paper", "--benchmark", "MMLU-Pro", "--repo-id", REPO, "--create-pr",
                      env=env)
    assert refused.code == 1
    assert "61.2" in refused.err and "60.9" in refused.err
    assert len(paper_hub.pull_requests(REPO)) == 1
