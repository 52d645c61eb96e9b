"""import-logs end to end: logs in the frameworks' formats → .eval_results entries, partial runs, uploads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from cli_support import run_cli
from hub_emulator import HubEmulator
from test_eval_logs import inspect_header, lighteval_results, write_zstd_zip

REPO = "alice/Tiny-7B"
TOKEN = "hf_aliceTOKEN0123456789abcdefghijk"


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    write_zstd_zip(folder / "2026-03-04T10-11-12_gpqa-diamond_abc.eval",
                   {"header.json": json.dumps(inspect_header(accuracy=0.4343)).encode()})
    return folder


def test_preview_entries_from_an_inspect_log(logs: Path, hub: HubEmulator, hf_env: dict[str, str]) -> None:
    hub.add_model(REPO, {"README.md": "# Tiny-7B\n"})
    run = run_cli("import-logs", str(logs), "--repo-id", REPO, "--logs-url", "https://huggingface.co/datasets/alice/logs",
                  env=hf_env)
    assert run.code == 0, run.err
    (entry,) = yaml.safe_load(run.out.split("\n", 1)[1])
    assert entry == {"dataset": {"id": "Idavidrein/gpqa", "task_id": "diamond"}, "value": 43.43, "date": "2026-03-04",
                     "source": {"url": "https://huggingface.co/datasets/alice/logs", "name": "inspect-ai evaluation logs"},
                     "notes": "inspect-ai 0.3.285 (own evaluation run); model args: tensor_parallel_size=2"}


def test_partial_run_is_refused_unless_forced(tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    repo.mkdir()
    (repo / "README.md").write_text("# Tiny-7B\n")
    log = lighteval_results(tmp_path / "results_2026-05-01T10-00-00.json",
                            {"gsm8k|5": {"extractive_match": 0.61}}, max_samples=100)
    args = ("import-logs", str(log), "--repo-id", REPO, "--repo-dir", str(repo), "--logs-url", "https://example.org/logs")
    preview = run_cli(*args, "--format", "json")
    assert preview.code == 1, preview.err  # the preview refuses what the write refuses
    assert [r["kind"] for r in preview.json()["publish"]["refusals"]] == ["partial_run"]
    refused = run_cli(*args, "--apply")
    assert refused.code == 1
    assert "partial" in refused.err and "--force" in refused.err
    assert not (repo / ".eval_results").exists()
    forced = run_cli(*args, "--apply", "--force")
    assert forced.code == 0, forced.err
    (entry,) = yaml.safe_load((repo / ".eval_results" / "gsm8k_5_shot.yaml").read_text())  # 5-shot: not the standard setup
    assert entry["value"] == 61.0 and "partial" in entry["notes"] and "5-shot" in entry["notes"]


def test_upload_logs_then_open_one_pr(logs: Path, hub: HubEmulator, hf_env: dict[str, str]) -> None:
    hub.add_user("alice", TOKEN)
    hub.add_model(REPO, {"README.md": "# Tiny-7B\n"})
    env = dict(hf_env, HF_TOKEN=TOKEN)
    run = run_cli("import-logs", str(logs), "--repo-id", REPO, "--upload-logs-to", "alice/eval-logs", "--create-pr",
                  "--format", "json", env=env)
    assert run.code == 0, run.err
    uploaded = hub.files("alice/eval-logs", repo_type="dataset")
    (path,) = [p for p in uploaded if p.endswith(".eval")]
    assert uploaded[path] == next(logs.glob("*.eval")).read_bytes()
    (entry,) = yaml.safe_load(hub.files(REPO, "refs/pr/1")[".eval_results/gpqa.yaml"])
    upload = hub.commits("alice/eval-logs", repo_type="dataset")[0]["oid"]  # the log file, pinned to its upload
    assert entry["source"]["url"].endswith(f"/datasets/alice/eval-logs/blob/{upload}/{path}")
    assert run.json()["publish"]["status"] == "pr_created"
    assert TOKEN not in run.out + run.err


def test_upload_needs_a_publishing_flag(logs: Path) -> None:
    run = run_cli("import-logs", str(logs), "--repo-id", REPO, "--upload-logs-to", "alice/eval-logs")
    assert run.code == 2


def test_missing_log_path(tmp_path: Path) -> None:
    run = run_cli("import-logs", str(tmp_path / "nope.eval"), "--repo-id", REPO)
    assert run.code == 1 and "nope.eval" in run.err
