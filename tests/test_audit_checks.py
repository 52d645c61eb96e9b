"""Issue 14 end to end against the Hub and AA emulators: the coverage audit (and the batch reading it),
the cross-source check, leaderboard sanity, and evidence URLs pinned to the revision and row read."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from aa_emulator import AAEmulator
from cli_support import BATCH, ROOT, run_cli
from hub_emulator import HubEmulator

ORG = "tidepool"
SEVEN = f"{ORG}/Orca-Lite-7B-Instruct"
THIRTEEN = f"{ORG}/Orca-Lite-13B-Instruct"
PAPER_ID = "2501.01234"
PAPER = (ROOT / "tests" / "fixtures" / "papers" / "orca_lite.md").read_text()
TOKEN = "hf_auditTOKEN0123456789abcdefghij"
AA_KEY = "aa-audit-key-0123456789"
GPQA_TASKS = "name: GPQA\ntasks:\n- id: diamond\n- id: main\n- id: extended\n"


def card(name: str, rows: dict[str, str], paper: bool = False) -> str:
    """A card whose evaluation table has ``name``'s column (and a rival's), optionally linking the paper."""
    front = f"---\ntags:\n- arxiv:{PAPER_ID}\n---\n" if paper else "---\nlicense: mit\n---\n"
    table = "\n".join(f"| {bench} | {value} | 10.0 |" for bench, value in rows.items())
    return f"{front}# {name}\n\nA small model.\n\n## Evaluation\n\n| Benchmark | {name} | Rival-7B |\n|---|---|---|\n{table}\n"


def result_yaml(dataset: str, task: str, value: float) -> str:
    return yaml.safe_dump([{"dataset": {"id": dataset, "task_id": task}, "value": value,
                            "source": {"url": "https://huggingface.co/x", "name": "Model card"}}], sort_keys=False)


def seed_org(hub: HubEmulator) -> None:
    """An org with: a model missing four benchmarks (card, paper and AA give them; AA disagrees on GPQA), one whose
    GPQA is in an open PR, a GGUF derivative (skipped) and a card without a table."""
    hub.add_user("contrib", TOKEN)
    tg = {"pipeline_tag": "text-generation"}
    for repo_id, text in (("Idavidrein/gpqa", GPQA_TASKS), ("TIGER-Lab/MMLU-Pro", "tasks:\n- id: mmlu_pro\n"),
                          ("openai/gsm8k", "tasks:\n- id: gsm8k\n"), ("cais/hle", "tasks:\n- id: hle\n"),
                          ("OpenEvals/aime_24", "tasks:\n- id: aime_24\n")):  # its task id is not bundled
        hub.add_dataset(repo_id, {"eval.yaml": text}, benchmark=None if repo_id.startswith("OpenEvals/") else "official")
    seven = card("Orca-Lite-7B-Instruct", {"GPQA Diamond": "31.3", "MMLU-Pro": "74.8", "GSM8K": "71.8",
                                           "Humanity's Last Exam": "4.9"}, paper=True)
    hub.add_model(SEVEN, {"README.md": seven, ".eval_results/gsm8k.yaml": result_yaml("openai/gsm8k", "gsm8k", 71.8)},
                  trending_score=100, **tg)
    hub.add_model(THIRTEEN, {"README.md": card("Orca-Lite-13B-Instruct", {"GPQA Diamond": "35.5", "MMLU-Pro": "66.4"})},
                  trending_score=90, **tg)
    hub.add_pull_request(THIRTEEN, "Add GPQA", "someone",
                         {".eval_results/gpqa.yaml": result_yaml("Idavidrein/gpqa", "diamond", 35.5)})
    hub.add_model(f"{ORG}/Orca-Lite-7B-Instruct-GGUF", {"README.md": seven}, trending_score=95, tags=["gguf"], **tg)
    hub.add_model(f"{ORG}/Orca-Lite-Notes", {"README.md": "# Notes\n\nNo scores here.\n"}, trending_score=80, **tg)
    hub.add_paper(PAPER_ID, "Orca-Lite: Small Models", "We present Orca-Lite.", markdown=PAPER)


def aa_payload() -> dict:
    """AA's shape: the 7B model only (its GPQA, 51.9, disagrees with the card's 31.3)."""
    return {"data": [{"id": "m-7b", "name": "Orca Lite 7B Instruct", "slug": "orca-lite-7b-instruct",
                      "model_creator": {"id": "c-1", "name": "Tidepool Labs", "slug": ORG},
                      "evaluations": {"gpqa": 0.519, "mmlu_pro": 0.748, "hle": 0.047, "aime": 0.3,
                                      "artificial_analysis_intelligence_index": 31.4}}]}


@pytest.fixture
def org(hub: HubEmulator, hf_env: dict[str, str], tmp_path: Path):
    seed_org(hub)
    with AAEmulator(api_key=AA_KEY) as aa:
        aa.payload = aa_payload()
        yield hub, dict(hf_env, AA_API_BASE=aa.endpoint, AA_API_KEY=AA_KEY, XDG_CACHE_HOME=str(tmp_path / "cache"))


# --------------------------------------------------------------------------- audit


def test_audit_of_an_org_lists_what_each_model_has_and_could_get(org, tmp_path: Path) -> None:
    hub, env = org
    out_csv = tmp_path / "audit.csv"
    run = run_cli("audit", "--author", ORG, "--format", "json", "--csv", str(out_csv), env=env)
    assert run.code == 0, run.err
    data = run.json()
    assert [m["repo_id"] for m in data["models"]] == [SEVEN, THIRTEEN, f"{ORG}/Orca-Lite-Notes"]  # most missing first
    assert data["skipped"] == [{"repo_id": f"{ORG}/Orca-Lite-7B-Instruct-GGUF", "reason": "derivative: tagged gguf"}]
    seven = {b["benchmark"]: b for b in data["models"][0]["benchmarks"]}
    assert data["models"][0]["missing"] == ["AIME 2024", "GPQA Diamond", "Humanity's Last Exam", "MMLU-Pro"]
    assert seven["AIME 2024"]["task_id"] == "aime_24"  # read from the benchmark's eval.yaml
    gpqa = seven["GPQA Diamond"]
    assert gpqa["status"] == "missing"
    assert {s: [v["value"] for v in vals] for s, vals in gpqa["sources"].items()} == {
        "model_card": [31.3], "paper": [31.3], "aa": [51.9]}
    assert "model card 31.3" in gpqa["disagreement"] and "Artificial Analysis 51.9" in gpqa["disagreement"]
    assert seven["MMLU-Pro"]["disagreement"] is None  # card 74.8 and AA 74.8 agree
    assert (seven["GSM8K"]["status"], seven["GSM8K"]["main"]) == ("on_main", [71.8])
    thirteen = {b["benchmark"]: b for b in data["models"][1]["benchmarks"]}
    assert thirteen["GPQA Diamond"]["status"] == "in_pr"
    assert thirteen["GPQA Diamond"]["open_prs"] == [{"num": 1, "values": [35.5]}]
    assert data["models"][1]["missing"] == ["MMLU-Pro"]
    assert "no Artificial Analysis model fits" in data["models"][1]["notes"]["aa"]
    rows = list(csv.DictReader(out_csv.open()))
    assert {(r["repo_id"], r["benchmark"], r["status"], r["model_card"]) for r in rows if r["repo_id"] == THIRTEEN} == {
        (THIRTEEN, "GPQA Diamond", "in_pr", "35.5"), (THIRTEEN, "MMLU-Pro", "missing", "66.4")}
    text = run_cli("audit", "--author", ORG, env=env)
    assert text.code == 0, text.err
    assert f"{SEVEN}: 4 missing (AIME 2024, GPQA Diamond, Humanity's Last Exam, MMLU-Pro)" in text.out
    assert "! sources disagree on GPQA Diamond" in text.out


def test_audit_from_a_file_of_repo_ids_and_one_benchmark(org, tmp_path: Path) -> None:
    _, env = org
    ids = tmp_path / "ids.txt"
    ids.write_text(f"# campaign\n{ORG}/Gone\n{THIRTEEN}\n{SEVEN}\n")
    run = run_cli("audit", "--repo-ids-file", str(ids), "--benchmark", "MMLU-Pro", "--sources", "model_card",
                  "--format", "json", env=env)
    assert run.code == 0, run.err
    gone = run.json()["models"][-1]  # a repo that cannot be read is listed last, with why
    assert gone["repo_id"] == f"{ORG}/Gone" and "not found" in gone["error"]
    models = {m["repo_id"]: m for m in run.json()["models"][:-1]}
    assert set(models) == {SEVEN, THIRTEEN}
    assert [b["benchmark"] for m in models.values() for b in m["benchmarks"]] == ["MMLU-Pro", "MMLU-Pro"]
    assert all(set(b["sources"]) == {"model_card"} for m in models.values() for b in m["benchmarks"])


def test_audit_needs_a_model_list(hf_env: dict[str, str]) -> None:
    run = run_cli("audit", env=hf_env)
    assert run.code == 2 and "--author" in run.err


def test_batch_takes_the_audit_as_input(org, tmp_path: Path) -> None:
    hub, env = org
    audit = run_cli("audit", "--author", ORG, "--format", "json", env=env)
    path = tmp_path / "audit.json"
    path.write_text(audit.out)
    runs = tmp_path / "runs"
    env = dict(env, HF_TOKEN=TOKEN)
    run = run_cli("--benchmark", "GPQA Diamond", "--from-audit", str(path), "--dry-run", "--runs-dir", str(runs),
                  env=env, script=BATCH)
    assert run.code == 0, run.err
    (log,) = runs.glob("*.jsonl")
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["repo_id"], r["status"], r["value"]) for r in records] == [(SEVEN, "dry_run", 31.3)]  # 13B: in a PR
    mmlu = run_cli("--benchmark", "MMLU-Pro", "--from-audit", str(path), "--dry-run", "--runs-dir",
                   str(tmp_path / "runs2"), env=env, script=BATCH)
    assert mmlu.code == 0, mmlu.err
    (log,) = (tmp_path / "runs2").glob("*.jsonl")
    assert sorted(json.loads(line)["repo_id"] for line in log.read_text().splitlines()) == [THIRTEEN, SEVEN]


# --------------------------------------------------------------------------- cross-source check


def test_cross_check_shows_sources_side_by_side_and_warns_naming_both(org) -> None:
    hub, env = org
    env = dict(env, HF_TOKEN=TOKEN)
    run = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Diamond", "--cross-check", "--create-pr", env=env)
    assert run.code == 0, run.err
    assert "sources: GPQA Diamond: model card 31.3 (taken) | paper 31.3 | Artificial Analysis 51.9" in run.err
    assert ("warning: cross-check: GPQA Diamond: model card gives 31.3, Artificial Analysis gives 51.9 "
            "(more than 1 apart)") in run.err
    (entry,) = yaml.safe_load(hub.files(SEVEN, "refs/pr/1")[".eval_results/gpqa.yaml"])
    assert entry["value"] == 31.3 and entry["source"]["name"] == "Model card"  # the source it took
    data = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "MMLU-Pro", "--cross-check", "--format", "json",
                   env=env).json()
    (cmp,) = data["cross_check"]["comparisons"]
    assert cmp["took"]["source"] == "model_card" and [(o["source"], o["agrees"]) for o in cmp["others"]] == [
        ("aa", True)]
    assert not any(w.startswith("cross-check: MMLU-Pro") for w in data["warnings"])


def test_strict_refuses_when_sources_disagree(org) -> None:
    hub, env = org
    env = dict(env, HF_TOKEN=TOKEN)
    run = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Diamond", "--cross-check", "--strict",
                  "--create-pr", env=env)
    assert run.code == 1
    assert "error: --strict" in run.err and "Artificial Analysis gives 51.9" in run.err
    assert hub.pull_requests(SEVEN) == []
    wide = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Diamond", "--cross-check", "--strict",
                   "--tolerance", "25", "--create-pr", env=env)
    assert wide.code == 0, wide.err
    assert len(hub.pull_requests(SEVEN)) == 1


def test_cross_check_of_aa_values_against_the_card(org) -> None:
    _, env = org
    run = run_cli("import-aa", "--repo-id", SEVEN, "--creator-slug", ORG, "--model-name", "orca-lite-7b-instruct",
                  "--benchmark", "GPQA Diamond", "--cross-check", "--format", "json", env=env)
    assert run.code == 0, run.err
    (cmp,) = run.json()["cross_check"]["comparisons"]
    assert cmp["took"] == {"source": "aa", "value": 51.9, "url": "https://artificialanalysis.ai"}
    assert {(o["source"], o["value"]) for o in cmp["others"]} == {("model_card", 31.3), ("paper", 31.3)}


# --------------------------------------------------------------------------- leaderboard sanity

BOARD = {f"board/model-{i}": v for i, v in enumerate([58.2, 61.0, 63.4, 59.9, 66.1, 57.5, 62.8, 60.3])}


@pytest.fixture
def board(hub: HubEmulator, hf_env: dict[str, str]) -> tuple[HubEmulator, dict[str, str]]:
    hub.add_user("contrib", TOKEN)
    hub.add_dataset("Idavidrein/gpqa", {"eval.yaml": GPQA_TASKS}, benchmark="official")
    hub.add_leaderboard("Idavidrein/gpqa", BOARD)
    hub.add_model("board/derived", {"README.md": "---\nbase_model: board/model-0\n---\n",
                                    ".eval_results/g.yaml": result_yaml("Idavidrein/gpqa", "diamond", 1.0)})
    hub.add_model(SEVEN, {"README.md": card("Orca-Lite-7B-Instruct", {"GPQA Diamond": "0.59"})},
                  pipeline_tag="text-generation", trending_score=10)
    return hub, dict(hf_env, HF_TOKEN=TOKEN)


def test_emulated_leaderboard_answers_the_client_like_the_hub(board) -> None:
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi()
    entries = api.get_dataset_leaderboard("Idavidrein/gpqa")
    assert [(e.rank, e.model_id, e.value) for e in entries[:2]] == [(1, "board/model-4", 66.1), (2, "board/model-2", 63.4)]
    assert entries[0].filename == ".eval_results/gpqa_diamond.yaml" and entries[0].author.name == "board"
    assert "board/derived" not in {e.model_id for e in entries}  # base-model repos only, by default
    assert "board/derived" in {e.model_id for e in api.get_dataset_leaderboard("Idavidrein/gpqa", base_model_only=False)}
    board[0].add_dataset("plain/data", {"README.md": "# data\n"})
    with pytest.raises(HfHubHTTPError) as exc:
        api.get_dataset_leaderboard("plain/data")
    assert exc.value.response.status_code == 404


def test_a_fraction_among_percentages_is_flagged_with_the_range(board) -> None:
    _, env = board
    run = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Diamond", "--value", "0.59", env=env)
    assert run.code == 0, run.err
    assert ("warning: leaderboard check: GPQA Diamond: 0.59 is off the scale: the Idavidrein/gpqa [diamond] "
            "leaderboard ranges from 57.5 to 66.1 (median 60.65, 8 models)") in run.err
    fine = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Diamond", "--value", "64.0", env=env)
    assert fine.code == 0 and "leaderboard check" not in fine.err
    strict = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Diamond", "--value", "0.59", "--strict",
                     "--create-pr", env=env)
    assert strict.code == 1 and "off the scale" in strict.err
    assert board[0].pull_requests(SEVEN) == []


def test_a_benchmark_without_a_leaderboard_is_nothing_to_check(board) -> None:
    # the Hub answers 404 (no error code) for a dataset without a leaderboard: nothing to compare with, and
    # nothing to warn about; any other failure is said (the value was not checked)
    hub, env = board
    hub.fail_next("GET", r"^/api/datasets/Idavidrein/gpqa/leaderboard", 404)
    run = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Diamond", "--value", "0.59", "--format", "json",
                  env=env)
    assert run.code == 0, run.err
    assert run.json()["leaderboard_flags"] == [] and not any("leaderboard" in w for w in run.json()["warnings"])
    hub.fail_next("GET", r"^/api/datasets/Idavidrein/gpqa/leaderboard", 500, count=20)
    broken = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Diamond", "--value", "0.59", "--format",
                     "json", env=dict(env, EVALMGR_RETRY_BUDGET="1"))
    assert broken.code == 0, broken.err
    assert any("leaderboard of Idavidrein/gpqa not checked" in w for w in broken.json()["warnings"])


def test_a_value_far_above_every_model_is_flagged(board) -> None:
    _, env = board
    run = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Diamond", "--value", "91", "--format", "json",
                  env=env)
    assert run.code == 0, run.err
    (flag,) = run.json()["leaderboard_flags"]
    assert "91 is above every reported model by 24.9" in flag and "ranges from 57.5 to 66.1" in flag
    new_best = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Diamond", "--value", "72", "--format",
                       "json", env=env)  # 5.9 above the best: more than half the spread, less than 15% of it
    assert new_best.json()["leaderboard_flags"] == []
    other_task = run_cli("add-eval", "--repo-id", SEVEN, "--benchmark", "GPQA Main", "--value", "0.5", "--format",
                         "json", env=env)  # the leaderboard ranks diamond only: nothing to compare with
    assert other_task.json()["leaderboard_flags"] == []


def test_the_batch_log_records_the_leaderboard_flag(board, tmp_path: Path) -> None:
    _, env = board
    runs = tmp_path / "runs"
    run = run_cli("--benchmark", "GPQA Diamond", "--search", "Orca", "--dry-run", "--runs-dir", str(runs), env=env,
                  script=BATCH)
    assert run.code == 0, run.err
    (log,) = runs.glob("*.jsonl")
    (record,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert record["value"] == 0.59 and "off the scale" in record["flags"][0] and "57.5 to 66.1" in record["flags"][0]
    assert "flagged: leaderboard check" in run.err
    strict = run_cli("--benchmark", "GPQA Diamond", "--search", "Orca", "--strict", "--runs-dir", str(tmp_path / "s"),
                     env=env, script=BATCH)
    (log,) = (tmp_path / "s").glob("*.jsonl")
    (record,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert strict.code == 0 and record["status"] == "refused" and board[0].pull_requests(SEVEN) == []


# --------------------------------------------------------------------------- evidence


def test_card_source_points_at_the_revision_and_line_read(org) -> None:
    hub, env = org
    env = dict(env, HF_TOKEN=TOKEN)
    sha = hub.commits(SEVEN)[0]["oid"]
    run = run_cli("extract-readme", "--repo-id", SEVEN, "--create-pr", env=env)
    assert run.code == 0, run.err
    hub.add_commit(SEVEN, {"README.md": "# rewritten card\n"})  # the card changes after publishing
    (entry,) = yaml.safe_load(hub.files(SEVEN, "refs/pr/1")[".eval_results/gpqa.yaml"])
    url = entry["source"]["url"]
    assert url.startswith(f"https://huggingface.co/{SEVEN}/blob/{sha}/README.md#L")
    line = int(url.rsplit("#L", 1)[1])
    card_at_sha = hub.files(SEVEN, sha)["README.md"].decode().split("\n")
    assert card_at_sha[line - 1].startswith("| GPQA Diamond | 31.3 |")


def test_paper_source_names_the_table_and_a_pdf_page_links_to_it() -> None:
    from evalmgr.evidence import pin_paper
    from evalmgr.observation import Provenance
    from evalmgr.result import Result
    from evalmgr.sources.paper import PaperText

    given = Result("GPQA Diamond", 31.3, provenance=Provenance("paper", f"https://arxiv.org/abs/{PAPER_ID}", "Orca-Lite"))
    md = pin_paper(given, PaperText(PAPER_ID, "Orca-Lite", "", "markdown"), None, 2)
    assert (md.provenance.url, md.provenance.name) == (f"https://arxiv.org/abs/{PAPER_ID}", "Orca-Lite, table 2")
    pdf = pin_paper(given, PaperText(PAPER_ID, "Orca-Lite", "", "pdf", ["", "", ""]), 3, 1)
    assert (pdf.provenance.url, pdf.provenance.name) == (f"https://arxiv.org/pdf/{PAPER_ID}#page=3", "Orca-Lite, page 3")


def test_cross_check_needs_the_repo(hf_env: dict[str, str], tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(card("Orca-Lite-7B-Instruct", {"GPQA Diamond": "31.3"}))
    run = run_cli("extract-readme", "--readme", str(readme), "--model-name-override", "Orca-Lite-7B-Instruct",
                  "--cross-check", env=hf_env)
    assert run.code == 2 and "--cross-check needs --repo-id" in run.err


def test_strict_refuses_a_log_before_uploading_it(board, tmp_path: Path) -> None:
    """import-logs --strict --upload-logs-to: a value off its leaderboard is refused before any upload."""
    from test_eval_logs import inspect_header, write_zstd_zip

    hub, env = board
    logs = tmp_path / "logs"
    logs.mkdir()
    header = inspect_header(model=f"vllm/{SEVEN}", accuracy=0.0059)  # 0.59 among leaderboard values near 60
    write_zstd_zip(logs / "2026-03-04T10-11-12_gpqa-diamond_abc.eval", {"header.json": json.dumps(header).encode()})
    run = run_cli("import-logs", str(logs), "--repo-id", SEVEN, "--upload-logs-to", "contrib/eval-logs", "--strict",
                  "--create-pr", env=env)
    assert run.code == 1 and "off the scale" in run.err, run.err
    assert not any("contrib/eval-logs" in r["path"] for r in hub.requests)  # nothing was created nor uploaded
    assert hub.pull_requests(SEVEN) == []
