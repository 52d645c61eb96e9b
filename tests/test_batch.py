"""batch_eval_prs.py against the Hub emulator: listing, skips, every status, resume after a crash, 429 storms."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_support import BATCH, ROOT, run_cli
from hub_emulator import HubEmulator

TOKEN = "hf_batchTOKEN0123456789abcdefghij"
CARD = (ROOT / "tests" / "fixtures" / "cli" / "gpqa_card.md").read_text()
TWO_VALUES = (ROOT / "tests" / "fixtures" / "cli" / "two_tables.md").read_text()
GPQA_YAML = "- dataset:\n    id: Idavidrein/gpqa\n    task_id: diamond\n  value: 41.2\n"


def card_for(name: str, value: str = "41.2") -> str:
    """A card whose own column is ``name`` (so that extraction finds this repo's model)."""
    return CARD.replace("Orbit-7B-Instruct", name).replace("**41.2**", value)


def records(runs: Path) -> list[dict]:
    (log,) = runs.glob("*.jsonl")
    return [json.loads(line) for line in log.read_text().splitlines()]


def status_of(runs: Path) -> dict[str, str]:
    return {r["repo_id"]: r["status"] for r in records(runs)}


def batch(env: dict[str, str], runs: Path, *args: str):
    return run_cli("--benchmark", "GPQA Diamond", "--runs-dir", str(runs), *args, env=env, script=BATCH)


@pytest.fixture
def env(hub: HubEmulator, hf_env: dict[str, str]) -> dict[str, str]:
    hub.add_user("contrib", TOKEN)
    return dict(hf_env, HF_TOKEN=TOKEN, EVALMGR_RETRY_BUDGET="20")


def seed_every_case(hub: HubEmulator) -> None:
    """One model per outcome, in trending order."""
    tg = {"pipeline_tag": "text-generation"}
    hub.add_model("acme/Good-7B", {"README.md": card_for("Good-7B")}, trending_score=100, **tg)
    hub.add_model("acme/Good-7B-GGUF", {"README.md": "---\nbase_model: acme/Good-7B\nbase_model_relation: quantized\n---\n"
                                        + card_for("Good-7B")}, trending_score=95, tags=["gguf"], **tg)
    hub.add_model("acme/Has-It", {"README.md": card_for("Has-It"), ".eval_results/gpqa.yaml": GPQA_YAML},
                  trending_score=90, **tg)
    hub.add_model("acme/In-PR", {"README.md": card_for("In-PR")}, trending_score=85, **tg)
    hub.add_pull_request("acme/In-PR", "Add GPQA", "someone", {".eval_results/gpqa.yaml": GPQA_YAML})
    hub.add_model("acme/No-Table", {"README.md": "# No-Table\n\nJust prose, 7B parameters.\n"}, trending_score=80, **tg)
    hub.add_model("nimbus/Nimbus-3B-Instruct", {"README.md": TWO_VALUES.replace("## Evaluation", "## Evaluation")},
                  trending_score=75, **tg)
    hub.add_model("acme/Locked", {"README.md": card_for("Locked"), ".eval_results/mmlu.yaml": GPQA_YAML.replace(
        "Idavidrein/gpqa", "cais/mmlu").replace("diamond", "mmlu")}, gated="manual", trending_score=70, **tg)
    hub.add_model("acme/Image-Model", {"README.md": card_for("Image-Model")}, trending_score=99,
                  pipeline_tag="image-classification")


def test_every_status_and_skip_reason(hub: HubEmulator, env: dict[str, str], tmp_path: Path) -> None:
    seed_every_case(hub)
    runs = tmp_path / "runs"
    run = batch(env, runs, "--limit", "20", "--concurrency", "4", "--format", "json")
    assert run.code == 0, run.err
    assert status_of(runs) == {
        "acme/Good-7B": "pr_created",
        "acme/Good-7B-GGUF": "skipped",
        "acme/Has-It": "already_present",
        "acme/In-PR": "open_pr_exists",
        "acme/No-Table": "not_found",
        "nimbus/Nimbus-3B-Instruct": "ambiguous",
        "acme/Locked": "skipped",
    }
    by_repo = {r["repo_id"]: r for r in records(runs)}
    assert "quantized" in by_repo["acme/Good-7B-GGUF"]["reason"]
    assert "gated" in by_repo["acme/Locked"]["reason"]
    assert by_repo["acme/Good-7B"]["value"] == 41.2
    assert by_repo["acme/Good-7B"]["pr_url"].endswith("/acme/Good-7B/discussions/1")
    assert "28.1" in by_repo["nimbus/Nimbus-3B-Instruct"]["reason"]
    assert set(by_repo["acme/Good-7B"]) == {"repo_id", "status", "value", "source_url", "pr_url", "reason", "flags",
                                            "time"}
    summary = run.json()
    assert summary["counts"]["pr_created"] == 1 and summary["models_logged"] == 7
    assert json.loads(next(runs.glob("*.summary.json")).read_text())["counts"] == summary["counts"]
    # The PR holds the value from the card, and nothing else was written anywhere.
    assert len(hub.pull_requests("acme/Good-7B")) == 1
    assert len(hub.pull_requests("acme/In-PR")) == 1
    for blob in [p.read_text() for p in runs.iterdir()] + [run.out, run.err]:
        assert TOKEN not in blob


def test_sort_limit_and_filters(hub: HubEmulator, env: dict[str, str], tmp_path: Path) -> None:
    for i, (trend, likes) in enumerate([(10, 500), (30, 100), (20, 300)]):
        hub.add_model(f"acme/M{i}", {"README.md": card_for(f"M{i}")}, trending_score=trend, likes=likes,
                      pipeline_tag="text-generation")
    hub.add_model("other/M9", {"README.md": card_for("M9")}, trending_score=99, pipeline_tag="text-generation")
    runs = tmp_path / "trending"
    assert batch(env, runs, "--limit", "2", "--concurrency", "1", "--dry-run").code == 0
    assert [r["repo_id"] for r in records(runs)] == ["other/M9", "acme/M1"]
    runs = tmp_path / "likes"
    assert batch(env, runs, "--limit", "2", "--sort", "likes", "--concurrency", "1", "--dry-run").code == 0
    assert [r["repo_id"] for r in records(runs)] == ["acme/M0", "acme/M2"]
    runs = tmp_path / "author"
    assert batch(env, runs, "--author", "other", "--dry-run").code == 0
    assert [r["repo_id"] for r in records(runs)] == ["other/M9"]
    runs = tmp_path / "search"
    assert batch(env, runs, "--search", "M2", "--dry-run").code == 0
    assert [r["repo_id"] for r in records(runs)] == ["acme/M2"]


def test_dry_run_then_real_run_and_push(hub: HubEmulator, env: dict[str, str], tmp_path: Path) -> None:
    hub.add_model("contrib/Mine-7B", {"README.md": card_for("Mine-7B")}, trending_score=5, pipeline_tag="text-generation")
    runs = tmp_path / "runs"
    dry = batch(env, runs / "dry", "--dry-run")
    assert dry.code == 0
    assert status_of(runs / "dry") == {"contrib/Mine-7B": "dry_run"}
    assert hub.pull_requests("contrib/Mine-7B") == [] and ".eval_results/gpqa.yaml" not in hub.files("contrib/Mine-7B")
    real = batch(env, runs / "real", "--push")
    assert real.code == 0, real.err
    assert status_of(runs / "real") == {"contrib/Mine-7B": "uploaded"}
    assert ".eval_results/gpqa.yaml" in hub.files("contrib/Mine-7B")
    again = batch(env, runs / "again", "--push")
    assert status_of(runs / "again") == {"contrib/Mine-7B": "already_present"}
    assert again.code == 0


def test_a_failed_upload_is_an_error_and_does_not_block_a_later_run(hub: HubEmulator, env: dict[str, str],
                                                                     tmp_path: Path) -> None:
    hub.add_model("acme/Flaky", {"README.md": card_for("Flaky")}, trending_score=5, pipeline_tag="text-generation")
    hub.fail_next("POST", r"/api/models/acme/Flaky/commit/", 500, count=100)
    runs = tmp_path / "runs"
    first = batch(dict(env, EVALMGR_RETRY_BUDGET="1"), runs / "a")
    assert first.code == 0
    (rec,) = records(runs / "a")
    assert rec["status"] == "error" and rec["pr_url"] is None and "500" in rec["reason"]
    hub.clear_faults()
    second = batch(env, runs / "b")
    assert status_of(runs / "b") == {"acme/Flaky": "pr_created"}
    assert second.code == 0


def test_429_storm_is_shared_and_survived(hub: HubEmulator, env: dict[str, str], tmp_path: Path) -> None:
    for i in range(6):
        hub.add_model(f"acme/S{i}", {"README.md": card_for(f"S{i}")}, trending_score=i, pipeline_tag="text-generation")
    hub.fail_next("*", r"/api/models/acme/S", 429, headers={"Retry-After": "1"}, count=8)
    runs = tmp_path / "runs"
    run = batch(env, runs, "--concurrency", "4", "--dry-run")
    assert run.code == 0, run.err
    assert set(status_of(runs).values()) == {"dry_run"} and len(status_of(runs)) == 6
    assert hub.request_count() > 0


def test_resume_after_a_crash(hub: HubEmulator, env: dict[str, str], tmp_path: Path) -> None:
    for i in range(8):
        hub.add_model(f"acme/R{i}", {"README.md": card_for(f"R{i}")}, trending_score=10 - i, pipeline_tag="text-generation")
    runs = tmp_path / "runs"
    hub.latency = 0.05
    proc = subprocess.Popen([sys.executable, str(BATCH), "--benchmark", "GPQA Diamond", "--runs-dir", str(runs),
                             "--concurrency", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        logs = list(runs.glob("*.jsonl")) if runs.exists() else []
        if logs and len(logs[0].read_text().splitlines()) >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    hub.latency = 0.0
    done_before = status_of(runs)
    assert 2 <= len(done_before) < 8
    assert not list(runs.glob("*.summary.json"))  # it crashed before the end
    (log,) = runs.glob("*.jsonl")
    with log.open("a") as fh:
        fh.write('{"repo_id": "acme/R7", "status": "pr_cr')  # a torn line from the crash
    resumed = run_cli("--resume", log.stem, "--runs-dir", str(runs), env=env, script=BATCH)
    assert resumed.code == 0, resumed.err
    final = [r for r in records_tolerant(log)]
    assert sorted(r["repo_id"] for r in final) == sorted(f"acme/R{i}" for i in range(8))
    assert {r["status"] for r in final} == {"pr_created"}
    for i in range(8):  # at most the model in flight was lost: never a duplicate PR
        assert len(hub.pull_requests(f"acme/R{i}")) == 1


def records_tolerant(log: Path) -> list[dict]:
    out = []
    for line in log.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def test_usage_and_could_not_run(hub: HubEmulator, env: dict[str, str], tmp_path: Path) -> None:
    assert run_cli(env=env, script=BATCH).code == 2
    unknown = batch(env, tmp_path, "--benchmark", "Zorp-Bench")
    assert unknown.code == 1 and "not a registered benchmark" in unknown.err
    no_token = {k: v for k, v in env.items() if k != "HF_TOKEN"}
    assert batch(no_token, tmp_path / "x").code == 1
    assert os.path.isdir(ROOT / "runs")



@pytest.mark.parametrize(("disabled", "expected_bar"), [("0", True), ("1", False)])
def test_progress_bar_honours_hf_hub_disable_progress_bars(disabled: str, expected_bar: bool) -> None:
    """huggingface_hub's tqdm reads the variable at import: a fresh process per setting."""
    code = ("from evalmgr.batch import Record, _progress; "
            "_progress(1, tty=True)(Record(repo_id='org/m', status='skipped'))")
    env = {**os.environ, "HF_HUB_DISABLE_PROGRESS_BARS": disabled, "PYTHONPATH": str(ROOT / "scripts")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    if expected_bar:
        assert "1/1" in done.stderr and "model" in done.stderr and "[1/1]" not in done.stderr
    else:
        assert done.stderr == "[1/1] org/m: skipped\n"
