"""Guards that once survived a hand-made mutation test: each test here fails when its guard is removed.

End to end: the real command line against the Hub emulator (the real huggingface_hub client).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from cli_support import BATCH, ROOT, run_cli
from hub_emulator import HubEmulator
from test_eval_logs import inspect_header, write_zstd_zip

OWNER = "hf_guardOWNERtoken0123456789abcdef"
HELPER = "hf_guardHELPERtoken0123456789abcde"
REPO = "orbit/Orbit-7B-Instruct"
CARD = (ROOT / "tests" / "fixtures" / "cli" / "gpqa_card.md").read_text()
THINKING = (ROOT / "tests" / "fixtures" / "cards" / "thinking.md").read_text()
GPQA_YAML = "- dataset:\n    id: Idavidrein/gpqa\n    task_id: diamond\n  value: 41.2\n"


@pytest.fixture
def seeded(hub: HubEmulator) -> HubEmulator:
    """The card's owner, a community helper, and the card's repo."""
    hub.add_user("orbit", OWNER)
    hub.add_user("helper", HELPER)
    hub.add_model(REPO, {"README.md": CARD})
    return hub


def with_token(hf_env: dict[str, str], token: str, **extra: str) -> dict[str, str]:
    return dict(hf_env, HF_TOKEN=token, **extra)


def commit_posts(hub: HubEmulator, repo_id: str) -> list[int]:
    """Statuses of the commit requests the emulator answered for ``repo_id``, in order."""
    return [r["status"] for r in hub.requests if r["method"] == "POST" and r["path"].startswith(f"/api/models/{repo_id}/commit/")]


def metrics(readme: bytes) -> list[tuple[str, float]]:
    """(metric name, value) of every model-index metric of a card."""
    meta = yaml.safe_load(readme.decode().split("---", 2)[1])
    return [(m["name"], m["value"]) for entry in meta["model-index"] for r in entry["results"] for m in r["metrics"]]


# --------------------------------------------------------------------------- a. Hub.call retries 5xx


def test_a_5xx_answer_is_retried(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.fail_next("POST", rf"^/api/models/{REPO}/commit/main$", 503)
    run = run_cli("add-eval", "--repo-id", REPO, "--benchmark", "GPQA Diamond", "--value", "41.2", "--apply",
                  env=with_token(hf_env, OWNER))
    assert run.code == 0, run.err
    assert commit_posts(seeded, REPO) == [503, 200]
    assert yaml.safe_load(seeded.files(REPO)[".eval_results/gpqa.yaml"])[0]["value"] == 41.2


# --------------------------------------------------------------------------- b. an open PR narrows the new one


def test_an_open_pr_covering_part_of_a_change_narrows_the_new_pr(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    open_pr = seeded.add_pull_request(REPO, "Add GPQA", "someone", {".eval_results/gpqa.yaml": GPQA_YAML})
    run = run_cli("extract-readme", "--repo-id", REPO, "--create-pr", "--format", "json",
                  env=with_token(hf_env, HELPER))
    assert run.code == 0, run.err
    publish = run.json()["publish"]
    assert publish["status"] == "pr_created" and publish["open_prs"] == {str(open_pr): ["gpqa_diamond"]}
    new = next(pr for pr in seeded.pull_requests(REPO) if pr["num"] != open_pr)
    added = {p for p in new["files"] if p.startswith(".eval_results/")}
    assert added and ".eval_results/gpqa.yaml" not in added
    assert "gpqa_diamond" not in publish["added"] and "41.2" not in new["description"]


# --------------------------------------------------------------------------- c. add-eval: several different values


def test_add_eval_refuses_several_values_even_with_force(hub: HubEmulator, hf_env: dict[str, str]) -> None:
    # --notes gives both rows (thinking 68.4, non-thinking 54.6) the same identity: only add-eval's own check
    # tells two different values apart from a conflict that --force would settle by picking one.
    hub.add_user("helper", HELPER)
    hub.add_model("plover/Plover-32B", {"README.md": THINKING})
    args = ("add-eval", "--repo-id", "plover/Plover-32B", "--benchmark", "GPQA Diamond", "--notes", "reasoning")
    env = with_token(hf_env, HELPER)
    preview = run_cli(*args, "--format", "json", env=env)
    assert preview.code == 1
    error = preview.json()["error"]
    assert error["type"] == "AmbiguousScoreError" and "several different values" in error["message"]
    assert [o.split(" ")[0] for o in error["options"]] == ["68.4", "54.6"]
    forced = run_cli(*args, "--create-pr", "--force", env=env)
    assert forced.code == 1
    assert "68.4" in forced.err and "54.6" in forced.err
    assert hub.pull_requests("plover/Plover-32B") == []


# --------------------------------------------------------------------------- d. fine-grained token scope


def test_a_fine_grained_token_without_the_namespace_writes_nothing(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    # A member of the org (who could push with a classic write token) whose fine-grained token is scoped elsewhere.
    seeded.add_user("dana", orgs=["orbit"])
    seeded.add_token("dana", "hf_danaFINEgrained0123456789abcdef", role="fineGrained", can_write=["dana-lab"])
    before = seeded.commits(REPO)
    run = run_cli("add-eval", "--repo-id", REPO, "--benchmark", "GPQA Diamond", "--value", "41.2", "--apply",
                  env=with_token(hf_env, "hf_danaFINEgrained0123456789abcdef"))
    assert run.code == 1
    assert "fine-grained" in run.err and "'orbit'" in run.err
    assert commit_posts(seeded, REPO) == []  # refused before any write request
    assert seeded.commits(REPO) == before


# --------------------------------------------------------------------------- e. model-index identity includes notes


def test_model_index_results_differing_only_by_notes_are_two_results(seeded: HubEmulator,
                                                                     hf_env: dict[str, str]) -> None:
    env = with_token(hf_env, OWNER)
    for notes in ("thinking", "non-thinking"):  # the same value: only the notes tell them apart
        run = run_cli("add-eval", "--repo-id", REPO, "--benchmark", "GPQA Diamond", "--value", "68.4", "--notes", notes,
                      "--format", "model-index", "--apply", env=env)
        assert run.code == 0, run.err
    assert sorted(metrics(seeded.files(REPO)["README.md"])) == [("GPQA Diamond (non-thinking)", 68.4),
                                                                ("GPQA Diamond (thinking)", 68.4)]


# --------------------------------------------------------------------------- f. partial runs by sample count


def test_a_run_with_fewer_samples_than_the_set_is_partial(tmp_path: Path, hub: HubEmulator,
                                                          hf_env: dict[str, str]) -> None:
    hub.add_user("alice", OWNER)
    hub.add_model("alice/Tiny-7B", {"README.md": "# Tiny-7B\n"})
    logs = tmp_path / "logs"
    logs.mkdir()
    header = inspect_header(model="vllm/alice/Tiny-7B", limit=None, done=150, total=198)  # no --limit, 150 of 198
    write_zstd_zip(logs / "2026-03-04T10-11-12_gpqa-diamond_abc.eval", {"header.json": json.dumps(header).encode()})
    args = ("import-logs", str(logs), "--repo-id", "alice/Tiny-7B", "--logs-url", "https://example.org/logs", "--apply")
    env = with_token(hf_env, OWNER)
    refused = run_cli(*args, env=env)
    assert refused.code == 1
    assert "partial" in refused.err and "--force" in refused.err
    assert commit_posts(hub, "alice/Tiny-7B") == []
    forced = run_cli(*args, "--force", env=env)
    assert forced.code == 0, forced.err
    (entry,) = yaml.safe_load(hub.files("alice/Tiny-7B")[".eval_results/gpqa.yaml"])
    assert "partial run: 150 of 198 samples" in entry["notes"]


# --------------------------------------------------------------------------- g. extract-readme --benchmark


def test_extract_readme_benchmark_keeps_only_that_benchmark(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_cli("extract-readme", "--repo-id", REPO, "--benchmark", "GPQA Diamond", "--create-pr", "--format",
                  "json", env=with_token(hf_env, HELPER))
    assert run.code == 0, run.err
    assert [(r["benchmark"], r["value"]) for r in run.json()["results"]] == [("GPQA Diamond", 41.2)]
    (pr,) = seeded.pull_requests(REPO)
    assert sorted(p for p in pr["files"] if p.startswith(".eval_results/")) == [".eval_results/gpqa.yaml"]


# --------------------------------------------------------------------------- h. thinking / non-thinking rows


def test_rows_of_the_model_differing_by_mode_become_settings(hub: HubEmulator, hf_env: dict[str, str]) -> None:
    card = ("# Plover-32B\n\n## Evaluation\n\n| Model | Mode | GPQA Diamond | AIME 2025 |\n|---|---|---|---|\n"
            "| Plover-32B | Thinking | 68.4 | 81.4 |\n| Plover-32B | Non-thinking | 54.6 | 31.0 |\n"
            "| Rival-30B | Thinking | 65.0 | 70.2 |\n")
    hub.add_user("helper", HELPER)
    hub.add_model("plover/Plover-32B", {"README.md": card})
    run = run_cli("extract-readme", "--repo-id", "plover/Plover-32B", "--benchmark", "GPQA Diamond", "--create-pr",
                  "--format", "json", env=with_token(hf_env, HELPER))
    assert run.code == 0, run.err
    assert sorted((r["setting"], r["value"]) for r in run.json()["results"]) == [("Non-thinking", 54.6),
                                                                                 ("Thinking", 68.4)]
    (pr,) = hub.pull_requests("plover/Plover-32B")
    values = {p: yaml.safe_load(t)[0]["value"] for p, t in pr["files"].items() if p.startswith(".eval_results/")}
    assert values == {".eval_results/gpqa_thinking.yaml": 68.4, ".eval_results/gpqa_non_thinking.yaml": 54.6}


# --------------------------------------------------------------------------- i. the batch's open-PR pre-check


def test_a_dry_run_batch_reports_the_open_pr(hub: HubEmulator, hf_env: dict[str, str], tmp_path: Path) -> None:
    hub.add_user("helper", HELPER)
    hub.add_model("acme/In-PR", {"README.md": CARD.replace("Orbit-7B-Instruct", "In-PR")}, trending_score=5,
                  pipeline_tag="text-generation")
    num = hub.add_pull_request("acme/In-PR", "Add GPQA", "someone", {".eval_results/gpqa.yaml": GPQA_YAML})
    runs = tmp_path / "runs"
    run = run_cli("--benchmark", "GPQA Diamond", "--runs-dir", str(runs), "--dry-run", env=with_token(hf_env, HELPER),
                  script=BATCH)
    assert run.code == 0, run.err
    (log,) = runs.glob("*.jsonl")
    (record,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert (record["repo_id"], record["status"]) == ("acme/In-PR", "open_pr_exists")
    assert record["pr_url"].endswith(f"/discussions/{num}")


def test_a_conflict_with_an_open_prs_value_is_that_prs_in_a_batch_record(seeded: HubEmulator,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A PR opened after the batch's pre-check still makes the model's record "open_pr_exists": the conflict
    says which PR holds the other value (a typed field, not its message)."""
    from evalmgr.batch import conflict_status
    from evalmgr.commands import add_eval, publish_or_preview
    from evalmgr.errors import ConflictError
    from evalmgr.request import AddEvalRequest, Context, PublishOptions, RepoInput

    monkeypatch.setenv("HF_TOKEN", HELPER)
    num = seeded.add_pull_request(REPO, "Add GPQA", "someone", {".eval_results/gpqa.yaml": GPQA_YAML})  # 41.2
    req = AddEvalRequest(RepoInput(REPO), "GPQA Diamond", value=45.0, publish=PublishOptions("create_pr"))
    ctx = Context()
    with pytest.raises(ConflictError) as raised:
        publish_or_preview(req, ctx, add_eval(req, ctx))
    assert [(c.pr, c.existing_value, c.new_value) for c in raised.value.conflicts] == [(num, 41.2, 45.0)]
    assert conflict_status(raised.value) == "open_pr_exists"
    seeded.add_model("orbit/Orbit-2", {"README.md": CARD, ".eval_results/gpqa.yaml": GPQA_YAML})  # on main
    on_main = AddEvalRequest(RepoInput("orbit/Orbit-2"), "GPQA Diamond", value=45.0, publish=PublishOptions("create_pr"))
    with pytest.raises(ConflictError) as raised:
        publish_or_preview(on_main, ctx, add_eval(on_main, ctx))
    assert [c.pr for c in raised.value.conflicts] == [None] and conflict_status(raised.value) == "already_present"
