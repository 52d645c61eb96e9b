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
                   {"header.json": json.dumps(inspect_header(accuracy=0.4343, model=f"vllm/{REPO}")).encode()})
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
    assert "needs --model-mismatch-ok" not in run.err


def test_partial_run_is_refused_unless_forced(tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    repo.mkdir()
    (repo / "README.md").write_text("# Tiny-7B\n")
    log = lighteval_results(tmp_path / "results_2026-05-01T10-00-00.json",
                            {"gsm8k|5": {"extractive_match": 0.61}}, max_samples=100, model=REPO)
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


def test_a_log_of_another_model_is_refused_with_both_names(tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    repo.mkdir()
    (repo / "README.md").write_text("# Tiny-7B\n")
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.json").write_text(json.dumps(inspect_header(model="vllm/bob/Other-7B")))
    args = ("import-logs", str(other), "--repo-id", REPO, "--repo-dir", str(repo), "--logs-url", "https://example.org/l")
    preview = run_cli(*args)
    assert preview.code == 0 and "the log's model is bob/Other-7B, not alice/Tiny-7B" in preview.err
    refused = run_cli(*args, "--apply")
    assert refused.code == 1 and "bob/Other-7B" in refused.err and REPO in refused.err
    assert "--model-mismatch-ok" in refused.err and not (repo / ".eval_results").exists()
    confirmed = run_cli(*args, "--apply", "--model-mismatch-ok")
    assert confirmed.code == 0, confirmed.err
    assert yaml.safe_load((repo / ".eval_results" / "gpqa.yaml").read_text())[0]["value"] == 43.43


@pytest.mark.parametrize(("model_args", "revision", "why"), [
    ({"revision": "abc123"}, None, "at revision abc123, not main"),
    ({"revision": "abc123"}, "def456", "at revision abc123, not def456"),
    ({}, None, None),
    ({"revision": "abc123"}, "abc123", None),
])
def test_a_log_of_another_revision_is_refused(tmp_path: Path, model_args: dict, revision: str | None,
                                              why: str | None) -> None:
    repo = tmp_path / "clone"
    repo.mkdir()
    (repo / "README.md").write_text("# Tiny-7B\n")
    (tmp_path / "a.json").write_text(json.dumps(inspect_header(model=f"hf/{REPO.upper()}", model_args=model_args)))
    run = run_cli("import-logs", str(tmp_path / "a.json"), "--repo-id", REPO, "--repo-dir", str(repo), "--apply",
                  "--logs-url", "https://example.org/l", *(["--revision", revision] if revision else []))
    if why:
        assert run.code == 1 and why in run.err
    else:
        assert run.code == 0, run.err


def test_a_local_model_folder_needs_confirmation(tmp_path: Path) -> None:
    log = lighteval_results(tmp_path / "results_2026-05-01T10-00-00.json", {"gsm8k|5": {"extractive_match": 0.6}},
                            model=str(tmp_path))
    run = run_cli("import-logs", str(log), "--repo-id", REPO, "--create-pr")
    assert run.code == 1 and f"local folder {tmp_path}" in run.err and "--model-mismatch-ok" in run.err


def test_a_folder_of_json_logs_is_read_and_an_empty_one_refused(tmp_path: Path) -> None:
    folder = tmp_path / "json-logs"
    folder.mkdir()
    (folder / "2026-03-04T10-11-12+00-00_gsm8k_abc.json").write_text(json.dumps(
        inspect_header(task="inspect_evals/gsm8k", accuracy=0.8, model=f"vllm/{REPO}",
                       task_args={"fewshot": 10, "fewshot_seed": 42}), indent=2))
    (folder / "notes.json").write_text(json.dumps({"version": "x", "comment": "not a log"}))
    run = run_cli("import-logs", str(folder), "--repo-id", REPO, "--format", "json")
    assert run.code == 0, run.err
    (row,) = run.json()["results"]
    assert row["value"] == 80.0 and "10-shot" in row["notes"] and "task args: fewshot=10, fewshot_seed=42" in row["notes"]
    (name,) = run.json()["publish"]["files"]
    assert "10_shot" in name

    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.json").write_text("{}")
    empty = run_cli("import-logs", str(tmp_path / "empty"), "--repo-id", REPO, "--format", "json")
    assert empty.code == 1 and "no evaluation logs in this folder" in empty.err


@pytest.mark.parametrize(("logs_url", "source"), [
    ("hf://buckets/alice/eval-logs/inspect/run1", "{hub}/buckets/alice/eval-logs/tree/inspect/run1"),
    ("hf://buckets/alice/eval-logs/inspect/run1/2026-03-04_gpqa.eval",
     "{hub}/buckets/alice/eval-logs/tree/inspect/run1"),
    ("hf://buckets/alice/eval-logs", "{hub}/buckets/alice/eval-logs"),
    ("hf://datasets/alice/eval-logs/logs/", "{hub}/datasets/alice/eval-logs/tree/main/logs"),
    ("https://example.org/logs", "https://example.org/logs"),
])
def test_logs_in_a_bucket_link_to_its_page(logs: Path, hub: HubEmulator, logs_url: str, source: str) -> None:
    """A location on the Hub links to its page there (the Hub of HF_ENDPOINT: the emulator here)."""
    hub.add_model(REPO, {"README.md": "# Tiny-7B\n"})  # a preview compares with the repo's main branch
    run = run_cli("import-logs", str(logs), "--repo-id", REPO, "--logs-url", logs_url, "--json")
    assert run.code == 0, run.err
    (row,) = run.json()["results"]
    assert row["source"]["url"] == source.format(hub=hub.endpoint)


def test_upload_logs_to_a_bucket_then_open_one_pr(logs: Path, hub: HubEmulator, hf_env: dict[str, str]) -> None:
    """The Hub docs' place for inspect logs: a storage bucket, through its Xet upload (the emulator's CAS)."""
    import hf_xet

    hub.add_user("alice", TOKEN)
    hub.add_model(REPO, {"README.md": "# Tiny-7B\n"})
    env = dict(hf_env, HF_TOKEN=TOKEN)
    run = run_cli("import-logs", str(logs), "--repo-id", REPO, "--upload-logs-to", "hf://buckets/alice/eval-logs/gpqa",
                  "--create-pr", "--json", env=env)
    assert run.code == 0, run.err
    (path, xet_hash), = hub.bucket_files("alice/eval-logs").items()
    log = next(logs.glob("*.eval"))
    assert path.startswith("gpqa/") and path.endswith("/" + log.name)
    assert xet_hash == hf_xet.hash_files([str(log)])[0].hash  # the content hash of the very file
    (entry,) = yaml.safe_load(hub.files(REPO, "refs/pr/1")[".eval_results/gpqa.yaml"])
    assert entry["source"]["url"] == f"{hub.endpoint}/buckets/alice/eval-logs/tree/{path.rsplit('/', 1)[0]}"
    assert TOKEN not in run.out + run.err


def test_an_upload_target_is_a_dataset_repo_or_a_bucket(logs: Path) -> None:
    run = run_cli("import-logs", str(logs), "--repo-id", REPO, "--upload-logs-to", "hf://models/alice/x",
                  "--create-pr", "--model-mismatch-ok")
    assert run.code == 2 and "hf://buckets/NS/NAME" in run.err
    run = run_cli("import-logs", str(logs), "--repo-id", REPO, "--logs-url", "s3://bucket/logs")
    assert run.code == 2 and "hf://buckets/NS/NAME" in run.err
