"""The open-PR index (``evalmgr.prindex``) against the Hub emulator with the real huggingface_hub client.

One repo with four open pull requests: one adds GPQA as a result file, one adds MMLU-Pro to the model-index
(next to main's GSM8K), one has a result file that cannot be read, one only edits prose. The index says what
each proposes, reads each once, and every consumer (publish, the batch's pre-check, show, get-prs, the audit)
gives the same answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import BATCH, ROOT, run_cli
from evalmgr.hub import Hub
from hub_emulator import HubEmulator

REPO = "orbit/Orbit-7B-Instruct"
OWNER = "hf_prindexOWNERtoken0123456789abc"
HELPER = "hf_prindexHELPERtoken0123456789ab"
CARD = (ROOT / "tests" / "fixtures" / "cli" / "gpqa_card.md").read_text()
GSM8K_INDEX = ("model-index:\n- name: Orbit-7B-Instruct\n  results:\n  - task:\n      type: text-generation\n"
               "    dataset:\n      name: GSM8K\n      type: openai/gsm8k\n      config: gsm8k\n    metrics:\n"
               "    - type: accuracy\n      value: 81.0\n")
MMLU_PRO_RESULT = ("  - task:\n      type: text-generation\n    dataset:\n      name: MMLU-Pro\n      type: TIGER-Lab/MMLU-Pro\n"
                   "      config: mmlu_pro\n    metrics:\n    - type: accuracy\n      value: 52.3\n")
MAIN_CARD = CARD.replace("---\n#", GSM8K_INDEX + "---\n#", 1)  # main's model-index has GSM8K
PR_CARD = CARD.replace("---\n#", GSM8K_INDEX + MMLU_PRO_RESULT + "---\n#", 1)  # and a PR adds MMLU-Pro
GPQA_YAML = "- dataset:\n    id: Idavidrein/gpqa\n    task_id: diamond\n  value: 41.2\n"
GSM8K_YAML = "- dataset:\n    id: openai/gsm8k\n    task_id: gsm8k\n  value: 81.0\n"
GPQA = ("Idavidrein/gpqa", "diamond")
MMLU_PRO = ("TIGER-Lab/MMLU-Pro", "mmlu_pro")


@pytest.fixture
def four_prs(hub: HubEmulator) -> dict[str, int]:
    """The repo and its open PRs, by what they do."""
    hub.add_user("orbit", OWNER)
    hub.add_user("helper", HELPER)
    hub.add_model(REPO, {"README.md": MAIN_CARD}, trending_score=5, pipeline_tag="text-generation")
    prs = {"eval_results": hub.add_pull_request(REPO, "Add GPQA", "someone", {".eval_results/gpqa.yaml": GPQA_YAML})}
    prs["model_index"] = hub.add_pull_request(REPO, "Add MMLU-Pro", "someone", {"README.md": PR_CARD})
    prs["unreadable"] = hub.add_pull_request(REPO, "Broken", "mallory", {".eval_results/x.yaml": "- dataset: [open\n"})
    prs["prose"] = hub.add_pull_request(REPO, "Fix typo", "someone", {"README.md": MAIN_CARD.replace("small", "compact")})
    return prs


def listings(hub: HubEmulator) -> int:
    """How often the open PRs of REPO were listed."""
    return hub.request_count("GET", rf"^/api/models/{REPO}/discussions")


def pr_reads(hub: HubEmulator, num: int) -> int:
    """How often the result files of PR ``num`` were listed."""
    return hub.request_count("GET", rf"^/api/models/{REPO}/tree/refs(%2F|/)pr(%2F|/){num}/")


def test_the_index_says_what_each_pr_proposes_and_reads_each_once(four_prs: dict[str, int], hub: HubEmulator) -> None:
    index = Hub().open_prs(REPO)
    changes = {c.pr.num: c for c in index}
    assert sorted(changes) == sorted(four_prs.values())
    by_kind = {kind: changes[num] for kind, num in four_prs.items()}
    assert by_kind["eval_results"].benchmarks() == ["Idavidrein/gpqa/diamond"]
    assert by_kind["model_index"].benchmarks() == ["TIGER-Lab/MMLU-Pro/mmlu_pro"]  # main's GSM8K is not proposed
    assert [(r.format, r.value) for r in by_kind["model_index"].results] == [("model-index", 52.3)]
    assert by_kind["unreadable"].benchmarks() == [".eval_results/x.yaml (unreadable)"]
    assert by_kind["unreadable"].problems[0].pr == four_prs["unreadable"]
    assert (by_kind["prose"].touches_results, by_kind["prose"].overlay) == (False, {})
    assert [p.num for p in index.adding(*GPQA)] == [four_prs["eval_results"]]
    assert [p.num for p in index.adding(*MMLU_PRO)] == [four_prs["model_index"]]
    assert index.adding("openai/gsm8k", "gsm8k") == []  # already on main
    assert listings(hub) == 1
    assert all(pr_reads(hub, num) == 1 for num in four_prs.values())


def test_every_consumer_sees_the_same_open_prs(four_prs: dict[str, int], hub: HubEmulator, hf_env: dict[str, str],
                                               tmp_path: Path) -> None:
    env = dict(hf_env, HF_TOKEN=HELPER)
    prs = run_cli("get-prs", "--repo-id", REPO, "--format", "json", env=env)
    assert prs.code == 0, prs.err
    assert {p["num"]: p["benchmarks"] for p in prs.json()["pull_requests"] if p["touches_eval_results"]} == {
        four_prs["eval_results"]: ["Idavidrein/gpqa/diamond"],
        four_prs["model_index"]: ["TIGER-Lab/MMLU-Pro/mmlu_pro"],
        four_prs["unreadable"]: [".eval_results/x.yaml (unreadable)"],
    }

    show = run_cli("show", "--repo-id", REPO, "--format", "json", env=env)
    assert show.code == 0, show.err
    assert {(r["dataset_id"], r["task_id"], r["value"], r["format"], r["pr"]) for r in show.json()["results"]} == {
        ("openai/gsm8k", "gsm8k", 81.0, "model-index", None),
        (*GPQA, 41.2, "eval-results", four_prs["eval_results"]),
        (*MMLU_PRO, 52.3, "model-index", four_prs["model_index"]),
    }
    assert [p.split(":")[0] for p in show.json()["problems"]] == [f".eval_results/x.yaml (PR #{four_prs['unreadable']})"]

    again = run_cli("add-eval", "--repo-id", REPO, "--benchmark", "GPQA Diamond", "--value", "41.2", "--create-pr",
                    "--format", "json", env=env)
    assert again.code == 0, again.err
    assert (again.json()["publish"]["status"], again.json()["publish"]["pr"]) == ("open_pr_exists", four_prs["eval_results"])
    again = run_cli("add-eval", "--repo-id", REPO, "--benchmark", "MMLU-Pro", "--value", "52.3", "--format",
                    "model-index", "--create-pr", env=env)  # model-index output is the card: no JSON
    assert again.code == 0, again.err
    assert f"open pull request #{four_prs['model_index']} already adds these results" in again.out + again.err

    for benchmark, kind in (("GPQA Diamond", "eval_results"), ("MMLU-Pro", "model_index")):
        runs = tmp_path / kind
        batch = run_cli("--benchmark", benchmark, "--runs-dir", str(runs), "--dry-run", env=env, script=BATCH)
        assert batch.code == 0, batch.err
        (record,) = [json.loads(line) for log in runs.glob("*.jsonl") for line in log.read_text().splitlines()]
        assert record["status"] == "open_pr_exists"
        assert record["pr_url"].endswith(f"/discussions/{four_prs[kind]}")

    ids = tmp_path / "ids.txt"
    ids.write_text(REPO + "\n")
    audit = run_cli("audit", "--repo-ids-file", str(ids), "--sources", "model_card", "--format", "json", env=env)
    assert audit.code == 0, audit.err
    rows = {b["benchmark"]: b for b in audit.json()["models"][0]["benchmarks"]}
    assert (rows["GPQA Diamond"]["status"], rows["GPQA Diamond"]["open_prs"]) == (
        "in_pr", [{"num": four_prs["eval_results"], "values": [41.2]}])
    assert (rows["MMLU-Pro"]["status"], rows["MMLU-Pro"]["open_prs"]) == (
        "in_pr", [{"num": four_prs["model_index"], "values": [52.3]}])
    assert rows["GSM8K"]["status"] == "on_main"
    assert len(hub.pull_requests(REPO)) == 4  # nobody opened another


def test_one_batch_run_lists_the_open_prs_once(hub: HubEmulator, hf_env: dict[str, str], tmp_path: Path) -> None:
    """The pre-check and the publish preview of the same model share one index."""
    hub.add_user("helper", HELPER)
    hub.add_model(REPO, {"README.md": CARD}, trending_score=5, pipeline_tag="text-generation")
    num = hub.add_pull_request(REPO, "Add GSM8K", "someone", {".eval_results/gsm8k.yaml": GSM8K_YAML})
    runs = tmp_path / "runs"
    run = run_cli("--benchmark", "GPQA Diamond", "--runs-dir", str(runs), "--dry-run", env=dict(hf_env, HF_TOKEN=HELPER),
                  script=BATCH)
    assert run.code == 0, run.err
    (record,) = [json.loads(line) for log in runs.glob("*.jsonl") for line in log.read_text().splitlines()]
    assert (record["status"], record["value"]) == ("dry_run", 41.2)
    assert listings(hub) == 1 and pr_reads(hub, num) == 1


def test_a_commit_drops_the_index_and_the_next_question_reads_again(hub: HubEmulator) -> None:
    hub.add_user("helper", HELPER)
    hub.add_model(REPO, {"README.md": CARD})
    client = Hub(token=HELPER)
    before = client.open_prs(REPO)
    assert before.adding(*GPQA) == []
    result = client.commit(REPO, {".eval_results/gpqa.yaml": GPQA_YAML}, message="Add GPQA", description="",
                           create_pr=True)
    after = client.open_prs(REPO)
    assert after is not before
    assert [p.num for p in after.adding(*GPQA)] == [result.pr_num]
    assert listings(hub) == 2
