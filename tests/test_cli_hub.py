"""The CLI against the Hub emulator with the real huggingface_hub client: reading, publishing, guards."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cli_support import ROOT, run_cli
from hub_emulator import HubEmulator

REPO = "orbit/Orbit-7B-Instruct"
TOKEN = "hf_ownerTOKENabcdefghijklmnop1234"
COMMUNITY = "hf_communityTOKENqrstuvwxyz98765"
READONLY = "hf_readonlyTOKENzyxwvutsrqpo4321"
CARD = (ROOT / "tests" / "fixtures" / "cli" / "gpqa_card.md").read_text()
GPQA_YAML = "- dataset:\n    id: Idavidrein/gpqa\n    task_id: diamond\n  value: 41.2\n  source:\n    url: https://huggingface.co/orbit/Orbit-7B-Instruct\n    name: Model card\n"


@pytest.fixture
def seeded(hub: HubEmulator) -> HubEmulator:
    hub.add_user("orbit", TOKEN)
    hub.add_user("helper", COMMUNITY)
    hub.add_token("helper", READONLY, role="read")
    hub.add_model(REPO, {"README.md": CARD, "config.json": "{}"})
    hub.add_dataset("Idavidrein/gpqa", {"eval.yaml": "name: GPQA\ntasks:\n- id: diamond\n- id: main\n- id: extended\n"},
                    benchmark="official")
    return hub


def env_with(hf_env: dict[str, str], token: str | None) -> dict[str, str]:
    env = dict(hf_env)
    if token:
        env["HF_TOKEN"] = token
    return env


def add_gpqa(env: dict[str, str], *extra: str, value: str = "41.2"):
    return run_cli("add-eval", "--repo-id", REPO, "--benchmark", "GPQA Diamond", "--value", value, *extra, env=env)


def eval_file(hub: HubEmulator, path: str = ".eval_results/gpqa.yaml", revision: str = "main") -> list | None:
    data = hub.files(REPO, revision).get(path)
    return yaml.safe_load(data) if data is not None else None


# --------------------------------------------------------------------------- reading


def test_show_lists_main_pr_and_model_index(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.add_commit(REPO, {".eval_results/gpqa.yaml": GPQA_YAML})
    num = seeded.add_pull_request(REPO, "Add HLE", "helper", {".eval_results/hle.yaml":
                                  "- dataset:\n    id: cais/hle\n    task_id: hle\n  value: 4.1\n"})
    run = run_cli("show", "--repo-id", REPO, "--format", "json", env=hf_env)
    assert run.code == 0, run.err
    rows = run.json()["results"]
    assert {(r["dataset_id"], r["task_id"], r["value"], r["format"], r["pr"]) for r in rows} == {
        ("Idavidrein/gpqa", "diamond", 41.2, "eval-results", None),
        ("cais/hle", "hle", 4.1, "eval-results", num),
    }


def test_get_prs_reads_every_page_and_flags_result_prs(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    for i in range(57):
        seeded.add_pull_request(REPO, f"Fix typo {i}", "someone", {"notes.txt": f"{i}"})
    hle = seeded.add_pull_request(REPO, "Add HLE result", "helper", {".eval_results/hle.yaml":
                                  "- dataset:\n    id: cais/hle\n    task_id: hle\n  value: 4.1\n"})
    seeded.add_pull_request(REPO, "Closed one", "helper", {".eval_results/x.yaml": GPQA_YAML}, status="closed")
    seeded.add_discussion(REPO, "A question", "someone")
    run = run_cli("get-prs", "--repo-id", REPO, "--format", "json", env=hf_env)
    assert run.code == 0, run.err
    data = run.json()
    assert data["repo_id"] == REPO
    prs = data["pull_requests"]
    assert len(prs) == 58
    flagged = [p for p in prs if p["touches_eval_results"]]
    assert [p["num"] for p in flagged] == [hle]
    assert flagged[0]["benchmarks"] == ["cais/hle/hle"]
    assert set(flagged[0]) == {"num", "title", "author", "created_at", "url", "touches_eval_results", "benchmarks"}
    assert flagged[0]["url"].endswith(f"/{REPO}/discussions/{hle}")


def test_get_prs_failure_is_an_error_not_an_empty_list(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.fail_next("GET", r"/discussions", 500, count=50)
    env = dict(hf_env, EVALMGR_RETRY_BUDGET="2")
    run = run_cli("get-prs", "--repo-id", REPO, "--format", "json", env=env)
    assert run.code == 1
    assert "pull_requests" not in run.out
    assert "500" in run.err


def test_missing_repo_is_a_clear_error(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_cli("show", "--repo-id", "orbit/no-such-model", env=hf_env)
    assert run.code == 1
    assert "not found" in run.err


def test_gated_repo_without_access(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    # Like the Hub, the card of a gated repo stays readable; its other files need granted access.
    seeded.add_model("vault/Locked-7B", {"README.md": CARD, ".eval_results/gpqa.yaml": GPQA_YAML}, gated="manual")
    run = run_cli("show", "--repo-id", "vault/Locked-7B", env=env_with(hf_env, COMMUNITY))
    assert run.code == 1
    assert "gated" in run.err and "request access" in run.err
    seeded.grant_gated("vault/Locked-7B", "helper")
    assert run_cli("show", "--repo-id", "vault/Locked-7B", env=env_with(hf_env, COMMUNITY)).code == 0


def test_private_repo_needs_the_owner_token(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.add_model("orbit/secret", {"README.md": CARD}, private=True)
    assert run_cli("show", "--repo-id", "orbit/secret", env=hf_env).code == 1
    assert run_cli("show", "--repo-id", "orbit/secret", env=env_with(hf_env, TOKEN)).code == 0


def test_malformed_results_file_is_reported_not_crashing(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.add_commit(REPO, {".eval_results/broken.yaml": "- dataset: [oops\n", ".eval_results/gpqa.yaml": GPQA_YAML})
    run = run_cli("show", "--repo-id", REPO, "--format", "json", env=hf_env)
    assert run.code == 0, run.err
    data = run.json()
    assert [r["dataset_id"] for r in data["results"]] == ["Idavidrein/gpqa"]
    assert any("broken.yaml" in p for p in data["problems"])
    invalid = run_cli("validate", "--repo-id", REPO, env=hf_env)
    assert invalid.code == 1 and "broken.yaml" in invalid.out


def test_validate_checks_task_ids_against_eval_yaml(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.add_commit(REPO, {".eval_results/gpqa.yaml": GPQA_YAML.replace("task_id: diamond", "task_id: gpqa_diamond")})
    run = run_cli("validate", "--repo-id", REPO, "--format", "json", env=hf_env)
    assert run.code == 1
    problems = run.json()["problems"]
    assert any("gpqa_diamond" in p["message"] and p["severity"] == "error" for p in problems)


# --------------------------------------------------------------------------- publishing


def test_push_to_main_prints_the_commit_url(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = add_gpqa(env_with(hf_env, TOKEN), "--apply")
    assert run.code == 0, run.err
    assert eval_file(seeded) == [{"dataset": {"id": "Idavidrein/gpqa", "task_id": "diamond"}, "value": 41.2,
                                  "source": {"url": "https://huggingface.co/orbit/Orbit-7B-Instruct", "name": "Model card"}}]
    assert "/commit/" in run.out
    last = seeded.commits(REPO)[0]
    assert "GPQA Diamond" in last["title"] and "41.2" in last["title"]
    assert seeded.files(REPO)["README.md"].decode() == CARD


def test_push_to_main_needs_rights_on_the_namespace(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    before = len(seeded.commits(REPO))
    run = add_gpqa(env_with(hf_env, COMMUNITY), "--apply")
    assert run.code == 1
    assert "--create-pr" in run.err
    assert len(seeded.commits(REPO)) == before


def test_read_only_token_writes_nothing(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = add_gpqa(env_with(hf_env, READONLY), "--create-pr")
    assert run.code == 1
    assert "read-only" in run.err
    assert seeded.pull_requests(REPO) == []


def test_no_token_is_a_clear_error(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = add_gpqa(hf_env, "--create-pr")
    assert run.code == 1
    assert "HF_TOKEN" in run.err


def test_pr_flow_never_opens_a_duplicate(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    env = env_with(hf_env, COMMUNITY)
    first = add_gpqa(env, "--create-pr", "--format", "json")
    assert first.code == 0, first.err
    publish = first.json()["publish"]
    assert publish["status"] == "pr_created" and publish["url"].endswith("/discussions/1")
    prs = seeded.pull_requests(REPO)
    assert len(prs) == 1
    assert yaml.safe_load(seeded.files(REPO, "refs/pr/1")[".eval_results/gpqa.yaml"])[0]["value"] == 41.2
    assert eval_file(seeded) is None  # main untouched
    second = add_gpqa(env, "--create-pr")
    assert second.code == 0
    assert "#1" in second.err
    assert len(seeded.pull_requests(REPO)) == 1


def test_pr_description_names_values_and_sources(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    assert add_gpqa(env_with(hf_env, COMMUNITY), "--create-pr").code == 0
    pr = seeded.pull_requests(REPO)[0]
    assert "41.2" in pr["title"]
    assert "Idavidrein/gpqa" in pr["description"] and "Model card" in pr["description"]


def test_pr_with_a_different_value_is_a_conflict(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    env = env_with(hf_env, COMMUNITY)
    assert add_gpqa(env, "--create-pr").code == 0
    run = add_gpqa(env, "--create-pr", value="43.0")
    assert run.code == 1
    assert "#1" in run.err and "41.2" in run.err and "43" in run.err
    assert len(seeded.pull_requests(REPO)) == 1


def test_force_opens_another_pr(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    env = env_with(hf_env, COMMUNITY)
    assert add_gpqa(env, "--create-pr").code == 0
    assert add_gpqa(env, "--create-pr", "--force").code == 0
    assert len(seeded.pull_requests(REPO)) == 2


def test_add_to_an_existing_pr(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    env = env_with(hf_env, COMMUNITY)
    assert add_gpqa(env, "--create-pr").code == 0
    run = run_cli("add-eval", "--repo-id", REPO, "--benchmark", "HLE", "--value", "4.1", "--pr", "1", env=env)
    assert run.code == 0, run.err
    files = seeded.files(REPO, "refs/pr/1")
    assert ".eval_results/gpqa.yaml" in files and ".eval_results/hle.yaml" in files
    assert len(seeded.pull_requests(REPO)) == 1
    assert ".eval_results/hle.yaml" not in seeded.files(REPO)
    again = run_cli("add-eval", "--repo-id", REPO, "--benchmark", "HLE", "--value", "4.1", "--pr", "1", env=env)
    assert again.code == 0 and "already has" in again.err


def test_already_on_main_writes_nothing(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.add_commit(REPO, {".eval_results/gpqa.yaml": GPQA_YAML})
    before = len(seeded.commits(REPO))
    run = add_gpqa(env_with(hf_env, COMMUNITY), "--create-pr", "--format", "json")
    assert run.code == 0
    assert run.json()["publish"]["status"] == "already_present"
    assert seeded.pull_requests(REPO) == [] and len(seeded.commits(REPO)) == before


def test_conflict_with_main_is_reported_with_both_values(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.add_commit(REPO, {".eval_results/gpqa.yaml": GPQA_YAML})
    run = add_gpqa(env_with(hf_env, COMMUNITY), "--create-pr", value="39.9")
    assert run.code == 1
    assert "41.2" in run.err and "39.9" in run.err
    assert seeded.pull_requests(REPO) == []


def test_model_index_pr_keeps_the_card_body(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    env = env_with(hf_env, COMMUNITY)
    run = run_cli("add-eval", "--repo-id", REPO, "--benchmark", "GSM8K", "--value", "81.0", "--format", "model-index",
                  "--create-pr", env=env)
    assert run.code == 0, run.err
    readme = seeded.files(REPO, "refs/pr/1")["README.md"].decode()
    meta = yaml.safe_load(readme.split("---", 2)[1])
    assert meta["license"] == "apache-2.0"
    assert meta["model-index"][0]["results"][0]["metrics"][0]["value"] == 81.0
    assert readme.split("---", 2)[2] == CARD.split("---", 2)[2]
    again = run_cli("add-eval", "--repo-id", REPO, "--benchmark", "GSM8K", "--value", "81.0", "--format", "model-index",
                    "--create-pr", env=env)
    assert again.code == 0 and len(seeded.pull_requests(REPO)) == 1


def test_stale_parent_is_re_read_and_written_once(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    # Someone else commits between our read and our write: the commit endpoint answers 412 for our stale parent.
    seeded.before_next("POST", r"/commit/main", lambda h: h.add_commit(REPO, {"other.txt": "x"}))
    run = add_gpqa(env_with(hf_env, TOKEN), "--apply")
    assert run.code == 0, run.err
    files = seeded.files(REPO)
    assert "other.txt" in files and eval_file(seeded)[0]["value"] == 41.2
    ours = [c for c in seeded.commits(REPO) if "GPQA" in c["title"]]
    assert len(ours) == 1
    statuses = [r["status"] for r in seeded.requests if r["method"] == "POST" and "/commit/main" in r["path"]]
    assert statuses == [412, 200]


def test_stale_parent_when_the_result_arrived_meanwhile(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.before_next("POST", r"/commit/main", lambda h: h.add_commit(REPO, {".eval_results/gpqa.yaml": GPQA_YAML}))
    run = add_gpqa(env_with(hf_env, TOKEN), "--apply", "--format", "json")
    assert run.code == 0, run.err
    assert run.json()["publish"]["status"] == "already_present"
    assert [c for c in seeded.commits(REPO) if c["title"].startswith("Add GPQA")] == []
    assert [r["status"] for r in seeded.requests if r["method"] == "POST" and "/commit/main" in r["path"]] == [412]


def test_rate_limit_is_retried_after_the_announced_delay(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.fail_next("GET", rf"/api/models/{REPO}", 429, headers={"Retry-After": "1"}, count=2)
    run = add_gpqa(env_with(hf_env, TOKEN), "--apply")
    assert run.code == 0, run.err
    assert eval_file(seeded) is not None


def test_rate_limit_beyond_the_budget_fails_cleanly(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.fail_next("GET", rf"/api/models/{REPO}", 429, headers={"Retry-After": "1"}, count=100)
    run = add_gpqa(dict(env_with(hf_env, TOKEN), EVALMGR_RETRY_BUDGET="2"), "--apply")
    assert run.code == 1
    assert "429" in run.err
    assert eval_file(seeded) is None


def test_tokens_never_appear_in_output_or_files(seeded: HubEmulator, hf_env: dict[str, str], tmp_path: Path) -> None:
    outputs = []
    for token, args in ((TOKEN, ("--apply",)), (COMMUNITY, ("--create-pr",)), (READONLY, ("--create-pr",)),
                        ("hf_badTOKENnotknown0000000000000", ("--create-pr",))):
        for fmt in ("json", "eval-results"):
            run = add_gpqa(env_with(hf_env, token), *args, "--format", fmt)
            outputs += [run.out, run.err]
    outputs.append(run_cli("get-prs", "--repo-id", REPO, env=env_with(hf_env, TOKEN)).out)
    blob = "\n".join(outputs)
    for secret in (TOKEN, COMMUNITY, READONLY, "hf_badTOKENnotknown0000000000000"):
        assert secret not in blob
        for data in seeded.files(REPO).values():
            assert secret.encode() not in data
        for pr in seeded.pull_requests(REPO):
            assert secret not in pr["description"]


def test_get_prs_flags_model_index_changes_not_prose_edits(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    head, body = CARD.split("---", 2)[1], CARD.split("---", 2)[2]
    with_index = ("---" + head + "model-index:\n- name: Orbit-7B-Instruct\n  results:\n  - task:\n      type: text-generation\n"
                  "    dataset:\n      name: GSM8K\n      type: openai/gsm8k\n    metrics:\n    - type: accuracy\n"
                  "      value: 81.0\n---" + body)
    prose = seeded.add_pull_request(REPO, "Fix typo", "someone", {"README.md": CARD.replace("small", "compact")})
    mi = seeded.add_pull_request(REPO, "Add GSM8K to model-index", "helper", {"README.md": with_index})
    run = run_cli("get-prs", "--repo-id", REPO, "--format", "json", env=hf_env)
    assert run.code == 0, run.err
    flags = {p["num"]: (p["touches_eval_results"], p["benchmarks"]) for p in run.json()["pull_requests"]}
    assert flags[prose] == (False, [])
    assert flags[mi][0] is True and flags[mi][1] == ["openai/gsm8k"]


def test_show_reports_an_unreadable_front_matter(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.add_commit(REPO, {"README.md": "---\nlicense: [unclosed\n---\n# card\n", ".eval_results/gpqa.yaml": GPQA_YAML})
    run = run_cli("show", "--repo-id", REPO, "--format", "json", env=hf_env)
    assert run.code == 0, run.err
    assert [r["dataset_id"] for r in run.json()["results"]] == ["Idavidrein/gpqa"]
    assert any("README.md" in p for p in run.json()["problems"])


def test_reading_at_a_revision(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    num = seeded.add_pull_request(REPO, "Add GPQA", "helper", {".eval_results/gpqa.yaml": GPQA_YAML})
    at_pr = run_cli("validate", "--repo-id", REPO, "--revision", f"refs/pr/{num}", "--format", "json", env=hf_env)
    assert at_pr.code == 0, at_pr.err
    extracted = run_cli("extract-readme", "--repo-id", REPO, "--revision", f"refs/pr/{num}", "--format", "json",
                        env=hf_env)
    assert extracted.code == 0 and {r["value"] for r in extracted.json()["results"]} >= {41.2}
    missing = run_cli("extract-readme", "--repo-id", REPO, "--revision", "no-such-branch", env=hf_env)
    assert missing.code == 1 and "revision" in missing.err
