"""The Hub emulator answers the real huggingface_hub client (over a socket) the way the Hub does."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hub_emulator import HubEmulator
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, hf_hub_download
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    JobNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import get_session

README = "---\nlicense: apache-2.0\nbase_model: base/model\nbase_model_relation: finetune\n---\n# Model\n"
GPQA = "- dataset:\n    id: Idavidrein/gpqa\n    task_id: gpqa_diamond\n  value: 41.2\n  notes: no-tools\n"
HLE = "- dataset:\n    id: cais/hle\n    task_id: hle\n  value: 20.9\n"


@pytest.fixture
def seeded(hub: HubEmulator) -> HubEmulator:
    hub.add_user("alice", token="hf_alice_write", orgs=["acme"])
    hub.add_token("alice", "hf_alice_read", role="read")
    hub.add_user("bob", token="hf_bob_write")
    hub.add_model(
        "acme/m1",
        {"README.md": README, ".eval_results/gpqa.yaml": GPQA, "config.json": '{"model_type": "llama"}'},
        downloads=500,
        likes=7,
        trending_score=30,
        pipeline_tag="text-generation",
        library_name="transformers",
        safetensors=8_000_000_000,
    )
    return hub


def api(token: str | None = None) -> HfApi:
    return HfApi(token=token if token is not None else False)


def test_whoami_reports_role_orgs_and_fine_grained_scopes(seeded: HubEmulator) -> None:
    seeded.add_token("bob", "hf_bob_fg", role="fineGrained", can_write=["bob", "acme"])
    write = api("hf_alice_write").whoami()
    assert (write["name"], write["auth"]["accessToken"]["role"]) == ("alice", "write")
    assert [org["name"] for org in write["orgs"]] == ["acme"]
    assert api("hf_alice_read").whoami()["auth"]["accessToken"]["role"] == "read"
    scoped = api("hf_bob_fg").whoami()["auth"]["accessToken"]["fineGrained"]["scoped"]
    assert [s["entity"]["name"] for s in scoped] == ["bob", "acme"]
    with pytest.raises(HfHubHTTPError, match="Invalid user token") as err:
        api("hf_nope").whoami()
    assert err.value.response.status_code == 401


def test_model_info_serves_expanded_properties_and_eval_results(seeded: HubEmulator) -> None:
    seeded.add_commit("acme/m1", {".eval_results/broken.yaml": "- dataset: {id: cais/hle}\n  value: high\n"})
    info = api().model_info(
        "acme/m1",
        expand=[
            "evalResults",
            "cardData",
            "safetensors",
            "downloads",
            "likes",
            "trendingScore",
            "tags",
            "pipeline_tag",
            "author",
            "gated",
            "private",
            "sha",
            "siblings",
        ],
    )
    assert [(e.dataset_id, e.task_id, e.value, e.notes) for e in info.eval_results] == [
        ("Idavidrein/gpqa", "gpqa_diamond", 41.2, "no-tools")
    ]
    assert info.card_data.license == "apache-2.0"
    assert info.safetensors.total == 8_000_000_000
    assert (info.downloads, info.likes, info.trending_score, info.pipeline_tag) == (500, 7, 30, "text-generation")
    assert "base_model:finetune:base/model" in info.tags and info.author == "acme"
    assert info.sha == seeded.commits("acme/m1")[0]["oid"]
    assert {s.rfilename for s in info.siblings} >= {"README.md", ".eval_results/broken.yaml"}
    assert info.config is None  # not expanded
    raw = get_session().get(f"{seeded.endpoint}/api/models/acme/m1", params={"expand[]": "evalResults"}).json()
    assert raw["evalResults"][0]["filename"] == ".eval_results/broken.yaml"
    assert "task_id" in raw["evalResults"][0]["error"]
    assert set(raw) == {"_id", "id", "evalResults"}


def test_model_info_and_download_at_a_pull_request_revision(seeded: HubEmulator, hf_home: Path) -> None:
    num = seeded.add_pull_request("acme/m1", "Add HLE", "bob", {".eval_results/hle.yaml": HLE})
    info = api().model_info("acme/m1", revision=f"refs/pr/{num}", expand=["evalResults"])
    assert {e.dataset_id for e in info.eval_results} == {"Idavidrein/gpqa", "cais/hle"}
    pr_file = hf_hub_download("acme/m1", ".eval_results/hle.yaml", revision=f"refs/pr/{num}")
    assert Path(pr_file).read_text() == HLE and str(hf_home) in pr_file
    assert Path(hf_hub_download("acme/m1", "README.md")).read_text() == README
    with pytest.raises(EntryNotFoundError):
        hf_hub_download("acme/m1", ".eval_results/hle.yaml")  # not on main
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download("acme/m1", "README.md", revision="refs/pr/99")


def test_list_repo_tree_recursive_folders_expand_and_paging(seeded: HubEmulator) -> None:
    seeded.tree_page_size = 2
    top = {(type(e).__name__, e.path) for e in api().list_repo_tree("acme/m1")}
    assert top == {("RepoFolder", ".eval_results"), ("RepoFile", "README.md"), ("RepoFile", "config.json")}
    everything = [e.path for e in api().list_repo_tree("acme/m1", recursive=True)]
    assert ".eval_results/gpqa.yaml" in everything and len(everything) == 4
    assert seeded.request_count("GET", r"/tree/main$") == 2 + 2  # two listings of 3 and 4 entries, 2 per page
    inside = list(api().list_repo_tree("acme/m1", path_in_repo=".eval_results", expand=True))
    assert [e.path for e in inside] == [".eval_results/gpqa.yaml"]
    assert inside[0].last_commit.title == "initial commit"
    assert inside[0].size == len(GPQA)
    assert api().list_repo_files("acme/m1") == [".eval_results/gpqa.yaml", "README.md", "config.json"]


def test_push_to_main_with_parent_commit_and_stale_parent_412(seeded: HubEmulator) -> None:
    client = api("hf_alice_write")
    head = client.model_info("acme/m1").sha
    info = client.create_commit(
        "acme/m1",
        [CommitOperationAdd(".eval_results/hle.yaml", HLE.encode())],
        commit_message="Add HLE",
        commit_description="HLE 20.9 from the card",
        parent_commit=head,
    )
    assert seeded.files("acme/m1")[".eval_results/hle.yaml"] == HLE.encode()
    assert seeded.commits("acme/m1")[0] == {
        **seeded.commits("acme/m1")[0],
        "oid": info.oid,
        "parent": head,
        "title": "Add HLE",
        "author": "alice",
    }
    with pytest.raises(HfHubHTTPError) as err:
        client.create_commit(
            "acme/m1", [CommitOperationDelete(".eval_results/hle.yaml")], commit_message="stale", parent_commit=head
        )
    assert err.value.response.status_code == 412
    assert ".eval_results/hle.yaml" in seeded.files("acme/m1")
    unchanged = client.create_commit(
        "acme/m1", [CommitOperationAdd("config.json", b'{"model_type": "llama"}')], commit_message="no-op"
    )
    assert unchanged.oid == info.oid and len(seeded.commits("acme/m1")) == 2


def test_concurrent_commit_before_write_gives_412_then_reread_succeeds(seeded: HubEmulator) -> None:
    client = api("hf_alice_write")
    head = client.model_info("acme/m1").sha
    seeded.before_next("POST", r"/commit/main$", lambda hub: hub.add_commit("acme/m1", {"other.txt": "x"}))
    op = [CommitOperationAdd(".eval_results/hle.yaml", HLE.encode())]
    with pytest.raises(HfHubHTTPError, match="A commit has happened since"):
        client.create_commit("acme/m1", op, commit_message="Add HLE", parent_commit=head)
    fresh = client.model_info("acme/m1").sha
    client.create_commit(
        "acme/m1",
        [CommitOperationAdd(".eval_results/hle.yaml", HLE.encode())],
        commit_message="Add HLE",
        parent_commit=fresh,
    )
    assert set(seeded.files("acme/m1")) >= {"other.txt", ".eval_results/hle.yaml"}


def test_community_pull_request_then_commit_into_its_ref(seeded: HubEmulator) -> None:
    bob = api("hf_bob_write")
    with pytest.raises(HfHubHTTPError) as err:  # bob has no rights on acme: a direct push is refused
        bob.upload_file(
            path_or_fileobj=HLE.encode(),
            path_in_repo=".eval_results/hle.yaml",
            repo_id="acme/m1",
            commit_message="push",
        )
    assert err.value.response.status_code == 403
    pr = bob.create_commit(
        "acme/m1",
        [CommitOperationAdd(".eval_results/hle.yaml", HLE.encode())],
        commit_message="Add HLE evaluation",
        commit_description="HLE 20.9",
        create_pr=True,
    )
    assert (pr.pr_num, pr.pr_revision) == (1, "refs/pr/1")
    bob.create_commit(
        "acme/m1",
        [CommitOperationAdd(".eval_results/gpqa.yaml", GPQA.replace("41.2", "41.3").encode())],
        commit_message="Fix GPQA",
        revision="refs/pr/1",
    )
    refs = api().list_repo_refs("acme/m1", include_pull_requests=True)
    assert [r.ref for r in refs.pull_requests] == ["refs/pr/1"] and refs.branches[0].name == "main"
    titles = [c.title for c in api().list_repo_commits("acme/m1", revision="refs/pr/1")]
    assert titles == ["Fix GPQA", "Add HLE evaluation", "initial commit"]
    [view] = seeded.pull_requests("acme/m1")
    assert (view["title"], view["author"], view["status"], view["description"]) == (
        "Add HLE evaluation",
        "bob",
        "open",
        "HLE 20.9",
    )
    assert view["files"][".eval_results/hle.yaml"] == HLE.encode() and len(view["commits"]) == 2
    assert ".eval_results/hle.yaml" not in seeded.files("acme/m1")
    with pytest.raises(HfHubHTTPError) as err:  # read-only tokens cannot even open a PR
        api("hf_alice_read").create_commit(
            "acme/m1", [CommitOperationAdd("x.txt", b"x")], commit_message="x", create_pr=True
        )
    assert err.value.response.status_code == 403
    assert len(seeded.pull_requests("acme/m1")) == 1


def test_discussions_listing_pages_filters_and_details(seeded: HubEmulator) -> None:
    for i in range(110):
        author = "bob" if i % 2 else "carol"
        if i % 10 == 0:
            seeded.add_discussion("acme/m1", f"Question {i}", author)
        else:
            seeded.add_pull_request(
                "acme/m1",
                f"PR {i}",
                author,
                {f".eval_results/r{i}.yaml": HLE},
                status="closed" if i % 7 == 0 else "open",
            )
    prs = list(
        api("hf_alice_write").get_repo_discussions(
            "acme/m1", discussion_type="pull_request", discussion_status="open", author="bob"
        )
    )
    expected = [i for i in range(110) if i % 2 and i % 10 and i % 7]
    assert sorted(int(d.title.split()[1]) for d in prs) == expected
    assert all(d.is_pull_request and d.author == "bob" and d.git_reference for d in prs)
    everything = list(api().get_repo_discussions("acme/m1"))
    assert len(everything) == 110
    assert seeded.request_count("GET", r"/discussions$") == 1 + 3  # 1 filtered page, 3 pages of 50
    details = api().get_discussion_details("acme/m1", prs[0].num)
    assert details.target_branch == "refs/heads/main" and details.conflicting_files == []
    assert "+- dataset:" in details.diff and details.events[-1].type == "commit"


def test_pull_request_conflicts_comment_status_and_merge(seeded: HubEmulator) -> None:
    alice = api("hf_alice_write")
    num = seeded.add_pull_request("acme/m1", "Fix GPQA", "bob", {".eval_results/gpqa.yaml": GPQA.replace("41.2", "4")})
    seeded.add_commit("acme/m1", {".eval_results/gpqa.yaml": GPQA.replace("41.2", "42")})
    assert alice.get_discussion_details("acme/m1", num).conflicting_files == [".eval_results/gpqa.yaml"]
    other = seeded.add_pull_request("acme/m1", "Add HLE", "bob", {".eval_results/hle.yaml": HLE})
    alice.comment_discussion("acme/m1", num, "Conflicts with main")
    assert alice.change_discussion_status("acme/m1", num, "closed").new_status == "closed"
    alice.merge_pull_request("acme/m1", other)
    assert seeded.files("acme/m1")[".eval_results/hle.yaml"] == HLE.encode()
    statuses = {d.num: d.status for d in api().get_repo_discussions("acme/m1")}
    assert statuses == {num: "closed", other: "merged"}
    with pytest.raises(HfHubHTTPError) as err:
        api("hf_bob_write").change_discussion_status("acme/m1", other, "open")
    assert err.value.response.status_code == 400  # a merged PR stays merged
    seeded.add_user("carol", token="hf_carol")
    with pytest.raises(HfHubHTTPError) as err:
        api("hf_carol").change_discussion_status("acme/m1", num, "open")
    assert err.value.response.status_code == 403  # neither the author nor a maintainer


def test_list_models_sort_filter_search_and_cursor_paging(seeded: HubEmulator) -> None:
    seeded.list_page_size = 3
    for i in range(7):
        seeded.add_model(
            f"org{i % 2}/model-{i}",
            {"README.md": "---\ntags: [gguf]\n---\n" if i == 3 else "# m"},
            trending_score=i * 10 + 1,
            downloads=100 - i,
            likes=i % 3,
            pipeline_tag="text-generation" if i != 5 else "image-classification",
        )
    trending = [m.id for m in api().list_models(sort="trending_score", pipeline_tag="text-generation")]
    assert trending == [
        "org0/model-6",
        "org0/model-4",
        "org1/model-3",
        "acme/m1",
        "org0/model-2",
        "org1/model-1",
        "org0/model-0",
    ]
    assert seeded.request_count("GET", r"^/api/models$") == 3  # 7 results, 3 per page
    assert [m.id for m in api().list_models(sort="downloads", limit=2)] == ["acme/m1", "org0/model-0"]
    assert [m.id for m in api().list_models(filter="gguf")] == ["org1/model-3"]
    assert {m.id for m in api().list_models(author="org1", search="model")} == {
        "org1/model-1",
        "org1/model-3",
        "org1/model-5",
    }
    [first] = api().list_models(sort="likes", limit=1, expand=["likes", "gated", "cardData"])
    assert (first.id, first.likes, first.gated, first.downloads) == ("acme/m1", 7, False, None)
    assert first.card_data.license == "apache-2.0"


def test_list_datasets_registered_benchmarks_and_eval_yaml(seeded: HubEmulator) -> None:
    eval_yaml = "name: GPQA\ntasks:\n  - id: gpqa_diamond\n    config: gpqa_diamond\n    split: train\n"
    seeded.reset()
    seeded.add_dataset("Idavidrein/gpqa", {"eval.yaml": eval_yaml, "README.md": "# GPQA"}, downloads=9,
                       benchmark="official")
    seeded.add_dataset("OpenEvals/aime_24", {"eval.yaml": eval_yaml})  # an eval.yaml does not make it official
    seeded.add_dataset("someone/notes", {"README.md": "# notes"})
    assert [d.id for d in api().list_datasets(benchmark=True)] == ["Idavidrein/gpqa"]
    assert [d.id for d in api().list_datasets(benchmark="official")] == ["Idavidrein/gpqa"]
    assert [d.id for d in api().list_datasets(filter="benchmark:eval-yaml")] == ["Idavidrein/gpqa", "OpenEvals/aime_24"]
    assert [d.id for d in api().list_datasets(search="notes")] == ["someone/notes"]
    assert api().dataset_info("Idavidrein/gpqa").downloads == 9
    path = hf_hub_download("Idavidrein/gpqa", "eval.yaml", repo_type="dataset")
    assert Path(path).read_text() == eval_yaml


def test_errors_are_classified_by_the_client(seeded: HubEmulator) -> None:
    seeded.add_model("acme/private", {"w.bin": b"\x00"}, private=True)
    seeded.add_model("acme/gated", {"README.md": README, ".eval_results/gpqa.yaml": GPQA}, gated="manual")
    with pytest.raises(RepositoryNotFoundError):
        api().model_info("nobody/missing")
    with pytest.raises(RepositoryNotFoundError):
        api("hf_bob_write").model_info("acme/private")
    assert api("hf_alice_read").model_info("acme/private").private is True
    with pytest.raises(RevisionNotFoundError):
        api().model_info("acme/m1", revision="nope")
    with pytest.raises(EntryNotFoundError):
        hf_hub_download("acme/m1", "missing.txt")
    assert Path(hf_hub_download("acme/gated", "README.md")).read_text() == README  # the card stays readable
    for token in (None, "hf_bob_write"):
        with pytest.raises(GatedRepoError):
            hf_hub_download("acme/gated", ".eval_results/gpqa.yaml", token=token or False)
    with pytest.raises(GatedRepoError):  # nor can a PR be opened on it
        api("hf_bob_write").create_commit(
            "acme/gated", [CommitOperationAdd("x", b"x")], commit_message="x", create_pr=True
        )
    with pytest.raises(GatedRepoError):
        api("hf_bob_write").auth_check("acme/gated")
    seeded.grant_gated("acme/gated", "bob")
    api("hf_bob_write").auth_check("acme/gated")
    with pytest.raises(HfHubHTTPError, match="write access"):
        api("hf_bob_write").auth_check("acme/gated", write=True)
    assert Path(hf_hub_download("acme/gated", ".eval_results/gpqa.yaml", token="hf_bob_write")).exists()
    with pytest.raises(HfHubHTTPError) as err:
        api("hf_invalid").model_info("acme/m1")
    assert err.value.response.status_code == 401


def test_fault_injection_429_retry_after_and_5xx(seeded: HubEmulator) -> None:
    seeded.fail_next("GET", r"^/api/models/acme/m1$", 429, headers={"Retry-After": "7"})
    with pytest.raises(HfHubHTTPError) as err:
        api().model_info("acme/m1")
    assert (err.value.response.status_code, err.value.response.headers["Retry-After"]) == (429, "7")
    seeded.fail_next("GET", r"^/api/models$", 429, headers={"Retry-After": "0"})
    started = time.monotonic()
    assert [m.id for m in api().list_models()] == ["acme/m1"]  # http_backoff honours Retry-After (+1 s)
    assert time.monotonic() - started >= 1
    assert [r["status"] for r in seeded.requests if r["path"] == "/api/models"] == [429, 200]
    seeded.fail_next("POST", r"/commit/", 503, count=1)
    with pytest.raises(HfHubHTTPError) as err:
        api("hf_alice_write").upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="acme/m1")
    assert err.value.response.status_code == 503 and "x.txt" not in seeded.files("acme/m1")


def test_readme_metadata_is_validated_like_the_hub(seeded: HubEmulator) -> None:
    bad = "---\nmodel-index:\n- name: m1\n  results:\n  - task: {type: text-generation}\n    metrics: []\n---\n"
    with pytest.raises(ValueError, match="dataset.name"):
        api("hf_alice_write").upload_file(path_or_fileobj=bad.encode(), path_in_repo="README.md", repo_id="acme/m1")
    assert seeded.files("acme/m1")["README.md"] == README.encode()
    ndjson = b"\n".join(
        json.dumps(line).encode()
        for line in (
            {"key": "header", "value": {"summary": "raw push"}},
            {"key": "file", "value": {"path": "README.md", "content": "---\na: [1\n---\n", "encoding": "utf-8"}},
        )
    )
    response = get_session().post(
        f"{seeded.endpoint}/api/models/acme/m1/commit/main",
        content=ndjson,
        headers={"Authorization": "Bearer hf_alice_write", "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 400 and "Invalid YAML" in response.headers["X-Error-Message"]
    assert "\n" in response.json()["error"] and len(seeded.commits("acme/m1")) == 1


def test_create_repo_for_logs_and_upload(seeded: HubEmulator) -> None:
    alice = api("hf_alice_write")
    url = alice.create_repo("alice/eval-logs", repo_type="dataset", private=True)
    assert url.repo_id == "alice/eval-logs" and url.repo_type == "dataset"
    assert alice.create_repo("alice/eval-logs", repo_type="dataset", exist_ok=True).repo_id == "alice/eval-logs"
    alice.upload_file(
        path_or_fileobj=b"{}", path_in_repo="logs/run.json", repo_id="alice/eval-logs", repo_type="dataset"
    )
    assert seeded.files("alice/eval-logs", repo_type="dataset")["logs/run.json"] == b"{}"
    with pytest.raises(HfHubHTTPError) as err:
        api("hf_bob_write").create_repo("acme/not-bobs")
    assert err.value.response.status_code == 403


def test_jobs_run_inspect_logs_list_cancel_and_hardware(seeded: HubEmulator) -> None:
    seeded.set_job_plan(logs=["loading model", "accuracy: 0.75"], run_seconds=0.3)
    seeded.set_job_plan("fail.py", logs=["Traceback"], stage="ERROR", message="exit code 1", run_seconds=0.05)
    alice = api("hf_alice_write")
    job = alice.run_job(
        image="ghcr.io/astral-sh/uv:python3.12-bookworm",
        command=["uv", "run", "eval.py"],
        env={"MODEL": "acme/m1"},
        secrets={"HF_TOKEN": "hf_alice_write"},
        flavor="a10g-small",
    )
    assert job.status.stage == "RUNNING" and job.owner.name == "alice" and job.flavor == "a10g-small"
    assert job.secrets == {"HF_TOKEN": None} and seeded.jobs[0].secrets == {"HF_TOKEN": "hf_alice_write"}
    assert list(alice.fetch_job_logs(job_id=job.id, follow=True)) == ["loading model", "accuracy: 0.75"]
    assert alice.inspect_job(job_id=job.id).status.stage == "COMPLETED"
    failing = alice.run_job(image="python:3.12", command=["python", "fail.py"], namespace="acme")
    done = alice.wait_for_job(job_id=failing.id, namespace="acme", poll_interval=0.05)
    assert (done.status.stage, done.status.message, done.owner.type) == ("ERROR", "exit code 1", "org")
    slow = alice.run_job(image="python:3.12", command=["sleep", "60"])
    alice.cancel_job(job_id=slow.id)
    # list_jobs() without a namespace asks the module-level whoami (implicit token), not this HfApi's token
    assert {j.id: j.status.stage for j in alice.list_jobs(namespace="alice")} == {
        job.id: "COMPLETED",
        slow.id: "CANCELED",
    }
    with pytest.raises(JobNotFoundError):
        alice.inspect_job(job_id="0" * 24)
    flavors = {h.name: h for h in alice.list_jobs_hardware()}
    assert (flavors["a100-large"].accelerator.vram, flavors["l4x4"].accelerator.quantity) == ("80 GB", "4")
    assert flavors["cpu-basic"].accelerator is None and flavors["cpu-basic"].unit_cost_micro_usd == 167
    assert all("hf_alice_write" not in repr(r) for r in seeded.requests)


def test_paper_info_and_markdown(seeded: HubEmulator) -> None:
    seeded.add_paper(
        "2501.00001", "A Model", "We report GPQA 41.2.", markdown="# A Model\n| GPQA | 41.2 |", authors=["Ada"]
    )
    paper = api().paper_info("2501.00001")
    assert (paper.title, paper.summary, paper.authors[0].name) == ("A Model", "We report GPQA 41.2.", "Ada")
    assert api().read_paper("2501.00001").startswith("# A Model")
    with pytest.raises(HfHubHTTPError) as err:
        api().paper_info("2501.99999")
    assert err.value.response.status_code == 404


def test_load_spec_from_yaml_file(hub: HubEmulator, tmp_path: Path) -> None:
    spec = tmp_path / "hub.yaml"
    spec.write_text(
        "users:\n  - {name: carol, token: hf_carol, role: read}\n"
        "models:\n  - repo_id: carol/m\n    gated: auto\n    files: {README.md: '# m'}\n"
        "    pull_requests:\n      - {title: Add evals, author: dave, files: {.eval_results/x.yaml: 'x'}}\n"
        "grants:\n  - {repo_id: carol/m, user: dave}\n"
        "papers:\n  - {arxiv_id: '2401.1', title: T, summary: S}\n"
    )
    hub.load_spec(spec)
    assert hub.pull_requests("carol/m")[0]["files"][".eval_results/x.yaml"] == b"x"
    assert api("hf_carol").whoami()["auth"]["accessToken"]["role"] == "read"
    assert api().model_info("carol/m").gated == "auto" and "dave" in hub.repo("carol/m").grants


def test_latency_is_added_per_request_and_requests_run_concurrently(hub: HubEmulator) -> None:
    hub.add_model("acme/x")
    hub.latency = 0.1
    started = time.monotonic()
    api().model_info("acme/x")
    assert time.monotonic() - started >= 0.1  # a lower bound: a busy machine only makes it longer
    hub.latency = 0
    # Four requests meet at a barrier inside the server: served one at a time, the first would wait alone
    # until the barrier breaks (BrokenBarrierError, then a 501 and a server error).
    barrier = threading.Barrier(4, timeout=60)
    hub.before_next("GET", r"^/api/models/acme/x$", lambda _: barrier.wait(), count=4)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(api().model_info("acme/x").id)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["acme/x"] * 4 and not barrier.broken


def test_cached_login_token_file_is_used_and_subprocess_env_reaches_the_emulator(
    seeded: HubEmulator, hf_home: Path, hf_env: dict[str, str]
) -> None:
    (hf_home / "token").write_text("hf_alice_write")
    assert HfApi().whoami()["name"] == "alice"  # implicit token from this test's HF_HOME
    assert "HF_TOKEN" not in hf_env and hf_env["HF_ENDPOINT"] == seeded.endpoint
    script = "from huggingface_hub import HfApi; print(HfApi().model_info('acme/m1').sha)"
    out = subprocess.run([sys.executable, "-c", script], env=hf_env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == seeded.commits("acme/m1")[0]["oid"]
    assert seeded.requests[-1]["user"] == "alice"  # the subprocess found the cached login too


def test_unemulated_routes_are_reported_not_guessed(hub: HubEmulator) -> None:
    response = get_session().get(f"{hub.endpoint}/api/spaces/someone/space")
    assert response.status_code == 501
    assert "Route not emulated" in hub.server_errors[0]
    hub.server_errors.clear()  # expected here; any other test fails at teardown
