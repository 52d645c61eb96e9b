"""The command lines of the two skill documents this project grew from, run end to end.

Each test runs one documented command line (placeholders replaced by repos seeded in the Hub emulator, the
way the example assumes them) and checks what the document promises: the YAML printed, one PR opened, the
run log's fields and statuses, exit codes. Where the project deliberately differs (a refusal instead of a
guess), the test pins the refusal and that its message says what to type instead; README.md lists those
differences ("Differences from the earlier skills").
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import sys
from pathlib import Path

import pytest
import yaml
from aa_emulator import AAEmulator
from cli_support import BATCH, MANAGER, ROOT, Run, run_cli
from hub_emulator import HubEmulator

JOBS = ROOT / "scripts" / "run_eval_job.py"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
KIMI = "moonshotai/Kimi-K2-Thinking"
OWN = "username/model-name"  # the user's own repo ("your-username/your-model")
LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
USER_TOKEN = "hf_usernameTOKEN0123456789abcdefgh"
AA_KEY = "aa-seed-key-0123456789"
GPQA_YAML = "- dataset:\n    id: Idavidrein/gpqa\n    task_id: diamond\n  value: 84.5\n"


def aa_model(slug: str, name: str, creator: str, **evaluations: float) -> dict:
    """One model of the Artificial Analysis API (v2 shape): fractions of 1, as the API gives them."""
    return {"id": f"aa-{slug}", "name": name, "slug": slug,
            "model_creator": {"id": f"c-{creator}", "name": creator.title(), "slug": creator},
            "evaluations": evaluations}


@pytest.fixture
def world(hub: HubEmulator, hf_env: dict[str, str], tmp_path: Path):
    """The Hub and AA as the documents' examples assume them: a card with tables, the user's own repo, AA scores."""
    hub.add_user("username", USER_TOKEN)
    kimi = (SEEDS / "kimi_card.md").read_text()
    hub.add_model(KIMI, {"README.md": kimi}, trending_score=100, downloads=500, pipeline_tag="text-generation")
    hub.add_model(OWN, {"README.md": kimi.replace("Kimi-K2-Thinking", "model-name")}, trending_score=50, downloads=900,
                  pipeline_tag="text-generation")
    hub.add_model(LLAMA, {"README.md": (SEEDS / "llama_card.md").read_text()}, trending_score=10,
                  pipeline_tag="text-generation")
    hub.add_model("anthropic/claude-sonnet-4", {"README.md": "# claude-sonnet-4\n"}, trending_score=5,
                  pipeline_tag="text-generation")
    hub.add_model("acme/Image-Model", {"README.md": "# Image-Model\n"}, trending_score=99,
                  pipeline_tag="image-classification")
    with AAEmulator(api_key=AA_KEY) as aa:
        aa.payload = {"status": 200, "data": [
            aa_model("kimi-k2-thinking", "Kimi K2 Thinking", "moonshotai", hle=0.223, gpqa=0.838, aime=0.9),
            aa_model("claude-sonnet-4", "Claude 4 Sonnet", "anthropic", hle=0.04, gpqa=0.683, mmlu_pro=0.837),
            aa_model("model-name", "Model Name", "username", hle=0.1),
        ]}
        env = dict(hf_env, HF_TOKEN=USER_TOKEN, AA_API_BASE=aa.endpoint, AA_API_KEY=AA_KEY)
        env.pop("UV", None)  # launched as `python scripts/...` unless a test says otherwise
        yield hub, env, tmp_path


def manager(env: dict[str, str], *args: str, cwd: Path | None = None) -> Run:
    """`python scripts/evaluation_manager.py ARGS` from the project root (the script as a user types it)."""
    return run_cli(*args, env=env, cwd=cwd, script=MANAGER.relative_to(ROOT) if cwd is None else MANAGER)


def printed_yaml(out: str) -> dict[str, list]:
    """``# path`` headed YAML documents as printed by a preview."""
    files: dict[str, list] = {}
    for block in out.split("# ")[1:]:
        path, _, text = block.partition("\n")
        files[path.strip()] = yaml.safe_load(text)
    return files


def eval_files(hub: HubEmulator, repo: str, revision: str = "main") -> dict[str, list]:
    return {p: yaml.safe_load(c) for p, c in hub.files(repo, revision).items() if p.startswith(".eval_results/")}


# --------------------------------------------------------------------------- help, version, launchers


@pytest.mark.parametrize("args", [("--help",), ("inspect-tables", "--help"), ("extract-readme", "--help"),
                                  ("add-eval", "--help")])
def test_help_lines(world, args: tuple[str, ...]) -> None:
    """`uv run scripts/evaluation_manager.py [COMMAND] --help`"""
    _, env, _ = world
    run = manager(env, *args)
    assert run.code == 0 and run.out.startswith("usage: evaluation_manager.py")


def test_version_names_the_program(world) -> None:
    """`uv run scripts/evaluation_manager.py --version`, and the other programs' --version."""
    _, env, _ = world
    assert manager(env, "--version").out.strip() == "evaluation_manager.py 0.1.0"
    assert run_cli("--version", env=env, script=BATCH).out.strip() == "batch_eval_prs.py 0.1.0"
    assert run_cli("--version", env=env, script=JOBS).out.strip() == "run_eval_job.py 0.1.0"


def test_console_command_names_itself(world, tmp_path: Path) -> None:
    """An installed `evaluation-manager` prints its own name in usage, --version and the commands it suggests."""
    _, env, _ = world
    console = tmp_path / "bin" / "evaluation-manager"
    console.parent.mkdir()
    console.write_text(f"#!{sys.executable}\nimport sys\nfrom evalmgr.cli import main\nsys.exit(main())\n")
    console.chmod(0o755)
    run = run_cli("--version", env=env, script=console)
    assert run.out.strip() == "evaluation-manager 0.1.0"
    tables = run_cli("inspect-tables", "--repo-id", KIMI, env=env, script=console)
    assert "  next: evaluation-manager extract-readme --repo-id moonshotai/Kimi-K2-Thinking --table 1" in tables.out


def test_next_command_of_inspect_tables_runs_as_printed(world) -> None:
    """`uv run scripts/evaluation_manager.py inspect-tables --repo-id "model/name"`, then the printed next line."""
    _, env, _ = world
    for launcher, extra in (("uv run scripts/evaluation_manager.py", {"UV": "/usr/bin/uv"}),
                            ("python scripts/evaluation_manager.py", {})):
        run = manager(dict(env, **extra), "inspect-tables", "--repo-id", KIMI)
        assert run.code == 0, run.err
        (line,) = [x.split("next: ", 1)[1] for x in run.out.splitlines() if "next: " in x]
        assert line.startswith(f"{launcher} extract-readme --repo-id {KIMI} --table 1")
    argv = shlex.split(line)
    assert argv[:2] == ["python", "scripts/evaluation_manager.py"]
    followed = manager(env, *argv[2:])  # exactly the printed flags
    assert followed.code == 0, followed.err
    assert printed_yaml(followed.out)[".eval_results/hle.yaml"][0]["value"] == 23.9


# --------------------------------------------------------------------------- add-eval (SKILL v2.2)


def test_add_eval_hle_preview_prints_yaml_and_writes_nothing(world) -> None:
    """`add-eval --benchmark HLE --repo-id "moonshotai/Kimi-K2-Thinking"`"""
    hub, env, _ = world
    run = manager(env, "add-eval", "--benchmark", "HLE", "--repo-id", KIMI)
    assert run.code == 0, run.err
    printed = printed_yaml(run.out)
    url = printed[".eval_results/hle.yaml"][0]["source"].pop("url")
    assert printed == {".eval_results/hle.yaml": [{
        "dataset": {"id": "cais/hle", "task_id": "hle"}, "value": 23.9, "source": {"name": "Model card"}}]}
    # the source points at the card's revision that was read and the table's line
    assert re.fullmatch(rf"https://huggingface\.co/{KIMI}/blob/[0-9a-f]{{40}}/README\.md#L\d+", url)
    assert len(hub.commits(KIMI)) == 1 and hub.pull_requests(KIMI) == []


def test_add_eval_from_artificial_analysis(world) -> None:
    """`add-eval --benchmark HLE --repo-id "model/name" --source aa`"""
    _, env, _ = world
    run = manager(env, "add-eval", "--benchmark", "HLE", "--repo-id", KIMI, "--source", "aa")
    assert run.code == 0, run.err
    (entry,) = printed_yaml(run.out)[".eval_results/hle.yaml"]
    assert entry["value"] == 22.3 and entry["dataset"] == {"id": "cais/hle", "task_id": "hle"}
    assert entry["source"]["name"] == "Artificial Analysis"


def test_add_eval_create_pr_opens_one_pr(world) -> None:
    """`add-eval --benchmark HLE --repo-id "model/name" --create-pr`, twice: one PR."""
    hub, env, _ = world
    first = manager(env, "add-eval", "--benchmark", "HLE", "--repo-id", KIMI, "--create-pr")
    assert first.code == 0, first.err
    assert first.out.strip() == f"{env['HF_ENDPOINT']}/{KIMI}/discussions/1"
    again = manager(env, "add-eval", "--benchmark", "HLE", "--repo-id", KIMI, "--create-pr", "--format", "json")
    assert again.code == 0 and again.json()["publish"]["status"] == "open_pr_exists"
    (pr,) = hub.pull_requests(KIMI)
    assert yaml.safe_load(pr["files"][".eval_results/hle.yaml"])[0]["value"] == 23.9


def test_add_eval_apply_pushes_to_the_users_own_repo(world) -> None:
    """`add-eval --benchmark HLE --repo-id "your-username/your-model" --apply`"""
    hub, env, _ = world
    run = manager(env, "add-eval", "--benchmark", "HLE", "--repo-id", OWN, "--apply")
    assert run.code == 0, run.err
    assert eval_files(hub, OWN)[".eval_results/hle.yaml"][0]["value"] == 23.9
    assert hub.pull_requests(OWN) == []


def test_add_eval_given_value_with_each_source(world) -> None:
    """`add-eval --benchmark HLE --repo-id "model/name" [--source model_card|aa] [--value 84.5] [--apply|--create-pr]`"""
    hub, env, _ = world
    pushed = manager(env, "add-eval", "--benchmark", "HLE", "--repo-id", OWN, "--value", "84.5", "--apply")
    assert pushed.code == 0, pushed.err
    assert eval_files(hub, OWN)[".eval_results/hle.yaml"][0]["value"] == 84.5
    aa = manager(env, "add-eval", "--benchmark", "HLE", "--repo-id", KIMI, "--source", "aa", "--value", "84.5",
                 "--create-pr")
    assert aa.code == 0, aa.err
    assert len(hub.pull_requests(KIMI)) == 1


def test_user_typed_gpqa_means_diamond_and_says_so(world) -> None:
    """`add-eval --benchmark GPQA ...` (the benchmark names the documents use: HLE, GPQA, MMLU-Pro, GSM8K)."""
    hub, env, _ = world
    card = manager(env, "add-eval", "--benchmark", "GPQA", "--repo-id", KIMI)  # the card's row: GPQA-Diamond (Pass@1)
    assert card.code == 0, card.err
    assert printed_yaml(card.out)[".eval_results/gpqa.yaml"][0]["dataset"] == {"id": "Idavidrein/gpqa",
                                                                               "task_id": "diamond"}
    notes = [x for x in card.err.splitlines() if "means GPQA Diamond" in x]
    assert notes == ["note: 'GPQA' means GPQA Diamond (Idavidrein/gpqa, task diamond); "
                     "name 'GPQA Extended' or 'GPQA Main' for another set"]
    given = manager(env, "add-eval", "--benchmark", "GPQA", "--repo-id", OWN, "--value", "50", "--apply")
    assert given.code == 0, given.err
    assert eval_files(hub, OWN)[".eval_results/gpqa.yaml"][0]["dataset"]["task_id"] == "diamond"
    for name in ("MMLU-Pro", "GSM8K"):
        run = manager(env, "add-eval", "--benchmark", name, "--repo-id", OWN, "--value", "61", "--format", "json")
        assert run.code == 0 and run.json()["results"][0]["dataset_id"] in ("TIGER-Lab/MMLU-Pro", "openai/gsm8k")


def test_a_cards_bare_gpqa_row_needs_the_user_to_confirm_the_set(world) -> None:
    """A card row labelled only "GPQA" is refused with the flag that confirms it, then published with it."""
    hub, env, _ = world
    hub.add_model("wren/Wren-8B-Instruct", {"README.md": (SEEDS / "bare_gpqa_card.md").read_text()})
    refused = manager(env, "add-eval", "--benchmark", "GPQA", "--repo-id", "wren/Wren-8B-Instruct", "--create-pr")
    assert refused.code == 1
    assert "does not say which set" in refused.err and "confirm it with --task-id diamond" in refused.err
    assert hub.pull_requests("wren/Wren-8B-Instruct") == []
    confirmed = manager(env, "add-eval", "--benchmark", "GPQA", "--repo-id", "wren/Wren-8B-Instruct",
                        "--task-id", "diamond", "--create-pr")
    assert confirmed.code == 0, confirmed.err
    (pr,) = hub.pull_requests("wren/Wren-8B-Instruct")
    assert yaml.safe_load(pr["files"][".eval_results/gpqa.yaml"])[0]["value"] == 39.4


def test_paper_value_for_a_benchmark_that_is_no_hub_leaderboard_is_refused(world) -> None:
    """`add-eval --benchmark MMLU --repo-id "meta-llama/Llama-3.1-8B-Instruct" --value 73.5 --create-pr`

    Works differently: cais/mmlu is not an official Hub benchmark, so no .eval_results entry (it would show on
    no leaderboard); the message names --format model-index, which publishes it in the card's metadata.
    """
    hub, env, _ = world
    run = manager(env, "add-eval", "--benchmark", "MMLU", "--repo-id", LLAMA, "--value", "73.5", "--create-pr")
    assert run.code == 1
    assert run.err.startswith("error: nothing to publish") and "--format model-index" in run.err
    assert hub.pull_requests(LLAMA) == []
    model_index = manager(env, "add-eval", "--benchmark", "MMLU", "--repo-id", LLAMA, "--value", "73.5",
                          "--source-url", "https://arxiv.org/abs/2407.21783", "--format", "model-index", "--create-pr")
    assert model_index.code == 0, model_index.err
    (pr,) = hub.pull_requests(LLAMA)
    assert "73.5" in pr["files"]["README.md"].decode()


def test_swe_bench_verified_accepts_only_the_official_harness(world) -> None:
    """A source rule of the registry: the card's SWE-bench Verified value is refused with the maintainers' reason."""
    hub, env, _ = world
    hub.add_dataset("SWE-bench/SWE-bench_Verified", {"eval.yaml": "tasks:\n  - id: swe_bench_verified\n"},
                    benchmark="official")
    card = manager(env, "add-eval", "--benchmark", "SWE-bench Verified", "--repo-id", KIMI, "--create-pr")
    assert card.code == 1
    assert "official SWE-bench harness" in card.err and "--source harness" in card.err
    harness = manager(env, "add-eval", "--benchmark", "SWE-bench Verified", "--repo-id", KIMI, "--value", "71.3",
                      "--source", "harness", "--source-url", "https://github.com/SWE-bench/experiments/pull/1",
                      "--create-pr")
    assert harness.code == 0, harness.err
    (pr,) = hub.pull_requests(KIMI)
    assert yaml.safe_load(pr["files"][".eval_results/swe_bench_verified.yaml"])[0]["dataset"]["task_id"] == \
        "swe_bench_verified"


# --------------------------------------------------------------------------- batch (SKILL v2.2)


def batch(env: dict[str, str], *args: str, cwd: Path | None = None) -> Run:
    return run_cli(*args, env=env, script=BATCH, cwd=cwd)


def log_records(runs: Path) -> list[dict]:
    (log,) = runs.glob("*.jsonl")
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_batch_dry_run_then_real_run(world) -> None:
    """`batch_eval_prs.py --limit 10 --benchmark HLE --dry-run`, then without --dry-run."""
    hub, env, tmp = world
    runs = tmp / "runs"
    dry = batch(env, "--limit", "10", "--benchmark", "HLE", "--dry-run", "--runs-dir", str(runs))
    assert dry.code == 0, dry.err
    records = {r["repo_id"]: r for r in log_records(runs)}
    assert records[KIMI]["status"] == "dry_run" and records[KIMI]["value"] == 23.9
    assert records[KIMI]["source_url"].startswith(f"https://huggingface.co/{KIMI}/blob/")
    assert records["anthropic/claude-sonnet-4"]["status"] == "not_found"
    assert {"repo_id", "value", "status", "source_url"} <= set(records[KIMI])
    assert "acme/Image-Model" not in records  # --pipeline-tag text-generation is the default
    assert hub.pull_requests(KIMI) == []
    real_runs = tmp / "real"
    real = batch(env, "--limit", "10", "--benchmark", "HLE", "--runs-dir", str(real_runs))
    assert real.code == 0, real.err
    statuses = {r["repo_id"]: r["status"] for r in log_records(real_runs)}
    assert statuses[KIMI] == "pr_created" and len(hub.pull_requests(KIMI)) == 1


def test_batch_from_artificial_analysis(world) -> None:
    """`batch_eval_prs.py --limit 10 --benchmark HLE --source aa`"""
    hub, env, tmp = world
    runs = tmp / "runs"
    run = batch(env, "--limit", "10", "--benchmark", "HLE", "--source", "aa", "--runs-dir", str(runs))
    assert run.code == 0, run.err
    records = {r["repo_id"]: r for r in log_records(runs)}
    assert (records[KIMI]["status"], records[KIMI]["value"]) == ("pr_created", 22.3)
    assert records[KIMI]["source_url"].startswith("https://artificialanalysis.ai")


def test_batch_gpqa_sorted_by_downloads(world) -> None:
    """`batch_eval_prs.py --limit 20 --sort downloads --benchmark GPQA`"""
    _, env, tmp = world
    runs = tmp / "runs"
    run = batch(env, "--limit", "20", "--sort", "downloads", "--benchmark", "GPQA", "--dry-run", "--runs-dir", str(runs))
    assert run.code == 0, run.err
    assert "note: 'GPQA' means GPQA Diamond" in run.err
    records = {r["repo_id"]: r for r in log_records(runs)}
    assert (records[KIMI]["status"], records[KIMI]["value"]) == ("dry_run", 84.5)
    assert [p.name[:7] for p in runs.glob("*.jsonl")] == ["gpqa_20"]  # runs/{benchmark}_{date}_{id}


def test_batch_pipeline_tag_and_default_runs_dir_under_the_cwd(world) -> None:
    """`batch_eval_prs.py --limit 10 --benchmark HLE --pipeline-tag text-generation` (no --runs-dir)."""
    _, env, tmp = world
    cwd = tmp / "work"
    cwd.mkdir()
    run = batch(env, "--limit", "10", "--benchmark", "HLE", "--pipeline-tag", "image-classification", "--dry-run",
                cwd=cwd)
    assert run.code == 0, run.err
    assert [r["repo_id"] for r in log_records(cwd / "runs")] == ["acme/Image-Model"]
    assert "log: runs/hle_" in run.out


def test_batch_statuses_uploaded_and_error(world) -> None:
    """Status values of the run log: `uploaded` (a push to the user's own repo) and `error`."""
    hub, env, tmp = world
    runs = tmp / "runs"
    hub.fail_next("GET", r"^/anthropic/claude-sonnet-4/resolve/", 404, count=0)  # no fault: a plain not_found
    hub.add_model("username/broken", {"README.md": "# broken\n"}, trending_score=1, pipeline_tag="text-generation")
    hub.fail_next("GET", r"/api/models/username/broken", 500, count=50)
    run = batch(dict(env, EVALMGR_RETRY_BUDGET="0"), "--limit", "10", "--benchmark", "HLE", "--author", "username",
                "--push", "--runs-dir", str(runs))
    assert run.code == 0, run.err
    statuses = {r["repo_id"]: r["status"] for r in log_records(runs)}
    assert statuses == {OWN: "uploaded", "username/broken": "error"}


def test_batch_refuses_a_benchmark_without_a_hub_leaderboard(world) -> None:
    """Works differently: a benchmark the Hub does not list as official stops the batch before it starts."""
    _, env, tmp = world
    run = batch(env, "--limit", "10", "--benchmark", "MMLU", "--dry-run", "--runs-dir", str(tmp / "runs"))
    assert run.code == 1
    assert "not an official Hub benchmark" in run.err or "has no Hub benchmark dataset" in run.err
    assert not (tmp / "runs").exists() or not list((tmp / "runs").glob("*.jsonl"))


# --------------------------------------------------------------------------- README tables (both skills)


def test_extract_readme_table_preview_then_pr(world) -> None:
    """`extract-readme --repo-id "model/name" --table 1`, then with `--create-pr`."""
    hub, env, _ = world
    preview = manager(env, "extract-readme", "--repo-id", KIMI, "--table", "1")
    assert preview.code == 0, preview.err
    assert set(printed_yaml(preview.out)) == {".eval_results/hle.yaml", ".eval_results/gpqa.yaml",
                                              ".eval_results/mmlu_pro.yaml"}
    assert "refused: SWE-bench Verified = 71.3" in preview.err
    pr = manager(env, "extract-readme", "--repo-id", KIMI, "--table", "1", "--create-pr")
    assert pr.code == 0, pr.err
    assert len(hub.pull_requests(KIMI)) == 1


def test_extract_readme_with_column_index_and_name_override(world) -> None:
    """`extract-readme --repo-id R --table 1 [--model-column-index N] [--model-name-override "..."]`"""
    _, env, _ = world
    by_index = manager(env, "extract-readme", "--repo-id", KIMI, "--table", "1", "--model-column-index", "3")
    by_name = manager(env, "extract-readme", "--repo-id", KIMI, "--table", "1", "--model-name-override",
                      "Kimi-K2-Instruct")
    assert by_index.code == by_name.code == 0, by_index.err + by_name.err
    assert printed_yaml(by_index.out) == printed_yaml(by_name.out)
    assert printed_yaml(by_index.out)[".eval_results/hle.yaml"][0]["value"] == 4.7
    starred = manager(env, "extract-readme", "--repo-id", KIMI, "--table", "1", "--model-name-override",
                      "**Kimi-K2-Instruct**")  # the troubleshooting example: the header as printed, with markdown
    assert starred.code == 0 and printed_yaml(starred.out) == printed_yaml(by_name.out)


def test_update_your_own_model_previews_first(world) -> None:
    """`extract-readme --repo-id "your-username/your-model" --task-type "text-generation"` (no --apply: a preview)."""
    hub, env, _ = world
    run = manager(env, "extract-readme", "--repo-id", OWN, "--task-type", "text-generation")
    assert run.code == 0, run.err
    assert printed_yaml(run.out)[".eval_results/hle.yaml"][0]["value"] == 23.9
    assert eval_files(hub, OWN) == {} and "preview only" in run.err


def test_extract_readme_model_index_options_of_the_first_skill(world) -> None:
    """`extract-readme --repo-id R --table N --task-type "text-generation" --dataset-name "Custom Benchmarks"`

    Works differently: the default output is `.eval_results/`; `--format model-index` prints the first skill's
    model-index YAML with these options.
    """
    _, env, _ = world
    run = manager(env, "extract-readme", "--repo-id", KIMI, "--table", "1", "--task-type", "text-generation",
                  "--dataset-name", "Custom Benchmarks", "--format", "model-index")
    assert run.code == 0, run.err
    meta = yaml.safe_load(run.out.split("---")[1])
    result = meta["model-index"][0]["results"][0]
    assert result["task"]["type"] == "text-generation" and result["dataset"]["name"] == "Custom Benchmarks"


def test_extract_readme_apply_own_repo_and_create_pr_elsewhere(world) -> None:
    """`extract-readme --repo-id R --table 1 --apply` (own repo) / `--create-pr` (someone else's)."""
    hub, env, _ = world
    own = manager(env, "extract-readme", "--repo-id", OWN, "--table", "1", "--apply")
    assert own.code == 0, own.err
    assert set(eval_files(hub, OWN)) == {".eval_results/hle.yaml", ".eval_results/gpqa.yaml",
                                         ".eval_results/mmlu_pro.yaml"}
    other = manager(env, "extract-readme", "--repo-id", KIMI, "--create-pr")  # "Update someone else's model"
    assert other.code == 0, other.err
    assert len(hub.pull_requests(KIMI)) == 1 and eval_files(hub, KIMI) == {}


def test_preview_refuses_what_the_write_refuses(world) -> None:
    """A preview with a conflicting value on main exits 1 and lists it in `refused`, like `--apply` does."""
    hub, env, _ = world
    hub.add_commit(OWN, {".eval_results/gpqa.yaml": GPQA_YAML.replace("84.5", "80.0")}, author="username")
    preview = manager(env, "add-eval", "--benchmark", "GPQA", "--repo-id", OWN, "--format", "json")
    write = manager(env, "add-eval", "--benchmark", "GPQA", "--repo-id", OWN, "--apply", "--format", "json")
    assert (preview.code, write.code) == (1, 1)
    assert preview.json()["publish"]["status"] == "refused"
    assert any("conflict" in r and "80.0" in r and "84.5" in r for r in preview.json()["refused"])
    assert write.json()["error"]["type"] == "ConflictError"
    assert eval_files(hub, OWN)[".eval_results/gpqa.yaml"][0]["value"] == 80.0


# --------------------------------------------------------------------------- AA import (SKILL v1.3)


def test_import_aa_with_key_in_the_environment(world) -> None:
    """`AA_API_KEY=... python scripts/evaluation_manager.py import-aa --creator-slug "anthropic"
    --model-name "claude-sonnet-4" --repo-id "username/model-name"`"""
    _, env, _ = world
    run = manager(env, "import-aa", "--creator-slug", "anthropic", "--model-name", "claude-sonnet-4",
                  "--repo-id", OWN)
    assert run.code == 0, run.err
    files = printed_yaml(run.out)
    assert files[".eval_results/gpqa.yaml"][0]["value"] == 68.3
    assert files[".eval_results/mmlu_pro.yaml"][0]["value"] == 83.7


def test_import_aa_with_a_dotenv_file_and_create_pr(world) -> None:
    """`echo "AA_API_KEY=..." >> .env; python scripts/evaluation_manager.py import-aa ... --create-pr`"""
    hub, env, tmp = world
    cwd = tmp / "project"
    cwd.mkdir()
    (cwd / ".env").write_text(f"AA_API_KEY={AA_KEY}\nHF_TOKEN={USER_TOKEN}\n")
    no_keys = {k: v for k, v in env.items() if k not in ("AA_API_KEY", "HF_TOKEN")}
    run = manager(no_keys, "import-aa", "--creator-slug", "anthropic", "--model-name", "claude-sonnet-4",
                  "--repo-id", "anthropic/claude-sonnet-4", "--create-pr", cwd=cwd)
    assert run.code == 0, run.err
    again = manager(no_keys, "import-aa", "--creator-slug", "anthropic", "--model-name", "claude-sonnet-4",
                    "--repo-id", "anthropic/claude-sonnet-4", "--create-pr", cwd=cwd)
    assert again.code == 0, again.err
    (pr,) = hub.pull_requests("anthropic/claude-sonnet-4")
    assert {".eval_results/gpqa.yaml", ".eval_results/hle.yaml", ".eval_results/mmlu_pro.yaml"} <= set(pr["files"])
    assert AA_KEY not in run.out + run.err and USER_TOKEN not in run.out + run.err


def test_aa_aime_has_an_eval_yaml_but_is_no_leaderboard(world) -> None:
    """AA's `aime` maps to OpenEvals/aime_24, which has an eval.yaml but is not an official benchmark: shown only."""
    hub, env, _ = world
    hub.add_dataset("OpenEvals/aime_24", {"eval.yaml": "tasks:\n  - id: aime_24\n"})
    run = manager(env, "import-aa", "--creator-slug", "moonshotai", "--model-name", "kimi-k2-thinking",
                  "--repo-id", KIMI, "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    aime = [r for r in data["results"] if r["dataset_id"] == "OpenEvals/aime_24"]
    assert aime and aime[0]["value"] == 90.0
    assert not any("aime" in f for f in data["publish"]["files"])
    assert any("OpenEvals/aime_24" in w and "not an official Hub benchmark" in w for w in data["warnings"])


# --------------------------------------------------------------------------- show, validate, get-prs


def test_get_prs_lists_open_pull_requests(world) -> None:
    """`get-prs --repo-id "username/model-name"`: number, title, author, date, URL."""
    hub, env, _ = world
    num = hub.add_pull_request(KIMI, "Add GPQA result", "someone", {".eval_results/gpqa.yaml": GPQA_YAML})
    run = manager(env, "get-prs", "--repo-id", KIMI)
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == f"1 open pull request(s) on {KIMI}"
    assert f"#{num} Add GPQA result by someone" in run.out and f"/{KIMI}/discussions/{num}" in run.out
    assert "[eval results: Idavidrein/gpqa/diamond]" in run.out


def test_show_and_validate(world) -> None:
    """`show --repo-id "username/model-name"` and `validate --repo-id "username/model-name"`"""
    hub, env, _ = world
    hub.add_commit(OWN, {".eval_results/gpqa.yaml": GPQA_YAML}, author="username")
    show = manager(env, "show", "--repo-id", OWN)
    assert show.code == 0 and "Idavidrein/gpqa [diamond] = 84.5" in show.out
    valid = manager(env, "validate", "--repo-id", OWN)
    assert valid.code == 0 and valid.out.strip().endswith("valid: 0 error(s), 0 warning(s)")


def test_the_second_skills_example_files_fail_validation(world) -> None:
    """The second skill's YAML examples (task_id `default` for HLE, `gpqa_diamond` with 0.412) are not valid
    entries: the task ids are those of the datasets' eval.yaml (`hle`, `diamond`), values are percentages."""
    hub, env, _ = world
    hub.add_commit(OWN, {".eval_results/hle.yaml": "- dataset:\n    id: cais/hle\n    task_id: default\n  value: 22.2\n",
                         ".eval_results/gpqa.yaml": "- dataset:\n    id: Idavidrein/gpqa\n    task_id: gpqa_diamond\n"
                                                    "  value: 0.412\n"}, author="username")
    run = manager(env, "validate", "--repo-id", OWN)
    assert run.code == 1
    assert "default" in run.out and "gpqa_diamond" in run.out


def test_hints_name_only_flags_the_subcommand_has(world) -> None:
    """`validate` without input suggests its own inputs (it has no --readme)."""
    _, env, _ = world
    run = manager(env, "validate")
    assert run.code == 2 and "--repo-dir PATH or --repo-id ORG/NAME" in run.err and "--readme" not in run.err


# --------------------------------------------------------------------------- jobs and runners (SKILL v1.3)


def test_run_eval_job_helper_submits_on_the_named_hardware(world) -> None:
    """`python scripts/run_eval_job.py --model "meta-llama/Llama-2-7b-hf" --task "mmlu" --hardware "t4-small"`"""
    hub, env, _ = world
    hub.add_model("meta-llama/Llama-2-7b-hf", {"README.md": "# Llama-2-7b-hf\n"}, safetensors=6_738_415_616)
    run = run_cli("--model", "meta-llama/Llama-2-7b-hf", "--task", "mmlu", "--hardware", "t4-small", env=env,
                  script=JOBS)
    assert run.code == 0, run.err
    (job,) = hub.jobs
    assert job.flavor == "t4-small" and "meta-llama/Llama-2-7b-hf" in " ".join(job.command)


def test_run_eval_job_dry_run_offline_uses_the_bundled_flavors(world) -> None:
    """`run_eval_job.py ... --dry-run` without a network: the bundled flavor table, marked as such."""
    _, env, _ = world
    offline = dict(env, HF_ENDPOINT="http://127.0.0.1:9")
    run = run_cli("--model", "meta-llama/Llama-2-7b-hf", "--task", "mmlu", "--hardware", "t4-small", "--dry-run",
                  "--format", "json", env=offline, script=JOBS)
    assert run.code == 0, run.err
    assert run.json()["flavors"] == "bundled" and "bundled flavor table" in run.err
    auto = run_cli("--model", "meta-llama/Llama-2-7b-hf", "--task", "mmlu", "--dry-run", env=offline, script=JOBS)
    assert auto.code == 2 and auto.err.splitlines()[-2].startswith("error: --hardware auto")


def test_vllm_job_helper_of_the_first_skill_is_run_eval_job(world) -> None:
    """`python scripts/run_vllm_eval_job.py --model M --task "leaderboard|mmlu|5" --framework lighteval`

    Works differently: one helper, `run_eval_job.py`, takes the same --model/--task/--framework/--hardware (and
    sizes tensor parallelism itself, so it has no --tensor-parallel-size).
    """
    hub, env, _ = world
    assert not (ROOT / "scripts" / "run_vllm_eval_job.py").exists()
    hub.add_model("meta-llama/Llama-3.2-1B", {"README.md": "# Llama-3.2-1B\n"}, safetensors=1_235_814_400)
    run = run_cli("--model", "meta-llama/Llama-3.2-1B", "--task", "leaderboard|mmlu|5", "--framework", "lighteval",
                  "--dry-run", "--format", "json", env=env, script=JOBS)
    assert run.code == 0, run.err
    assert run.json()["job"]["runner"] == "lighteval_vllm_uv.py"


def runner_parser(name: str):
    """The argument parser of a self-contained runner script (imported, not run: running needs its framework)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_parser()


@pytest.mark.parametrize("script, argv", [
    ("lighteval_vllm_uv", ["--model", "meta-llama/Llama-3.2-1B", "--tasks", "leaderboard|mmlu|5"]),
    ("lighteval_vllm_uv", ["--model", "meta-llama/Llama-3.2-1B", "--tasks", "leaderboard|mmlu|5,leaderboard|gsm8k|5"]),
    ("lighteval_vllm_uv", ["--model", "meta-llama/Llama-3.2-1B", "--tasks", "leaderboard|mmlu|5", "--backend",
                           "accelerate"]),
    ("lighteval_vllm_uv", ["--model", "meta-llama/Llama-3.2-1B-Instruct", "--tasks", "leaderboard|mmlu|5",
                           "--use-chat-template"]),
    ("inspect_vllm_uv", ["--model", "meta-llama/Llama-3.2-1B", "--task", "mmlu"]),
    ("inspect_vllm_uv", ["--model", "meta-llama/Llama-3.2-1B", "--task", "mmlu", "--backend", "hf"]),
    ("inspect_vllm_uv", ["--model", "meta-llama/Llama-3.2-70B", "--task", "mmlu", "--tensor-parallel-size", "4"]),
    ("inspect_eval_uv", ["--model", "meta-llama/Llama-2-7b-hf", "--task", "mmlu"]),
    ("inspect_eval_uv", ["--model", "meta-llama/Llama-2-7b-hf", "--task", "gsm8k"]),
])
def test_runner_command_lines_parse(script: str, argv: list[str]) -> None:
    """`python scripts/<runner>.py ...` and the arguments after `--` of `hf jobs uv run scripts/<runner>.py`.

    The runs themselves need the framework (and a GPU for vLLM): tests/test_runners.py runs them on a tiny model.
    """
    args = runner_parser(script).parse_args(argv)
    assert args.model == argv[1]
