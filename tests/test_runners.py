"""The runner scripts, run for real through ``uv run`` on a tiny local model, offline.

The tiny models answer every prompt with one fixed text ("ANSWER: A" or "ANSWER: 12"), so each score is known
by construction from the tiny datasets in ``tests/runners/data``: multiple choice golds A, A, B, A, C; math
golds 12, 9, 12, 7. The logs the runs write are then read back with ``evalmgr.sources.eval_logs``.
"""

from __future__ import annotations

import json
import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cli_support import run_cli
from logs_support import read_logs
from runners.uv_runner import cpu_copy, run_script

# Each test starts a framework in its own uv environment (torch, transformers, inspect-ai or lighteval imported
# from scratch): on a loaded 2-core machine that alone can take minutes, so these tests get a longer limit
# than the suite's 300 s; the models and environments are built once per session and shared.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900),
              pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed")]

ROOT = Path(__file__).resolve().parents[1]
RUNNERS = Path(__file__).parent / "runners"
INSPECT_TASKS = RUNNERS / "inspect_tasks.py"
LIGHTEVAL_TASKS = RUNNERS / "lighteval_tasks.py"


def summary(output: str) -> dict:
    """The runner's last ``EVAL_SUMMARY {json}`` line."""
    lines = [line for line in output.splitlines() if line.startswith("EVAL_SUMMARY ")]
    assert lines, output[-3000:]
    return json.loads(lines[-1].removeprefix("EVAL_SUMMARY "))


def ok(result) -> str:
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return result.stdout


def run_dates() -> set[str]:
    """Today's date in UTC, and yesterday's when a run straddles midnight."""
    now = datetime.now(timezone.utc)
    return {now.date().isoformat(), (now - timedelta(minutes=30)).date().isoformat()}


@pytest.fixture(scope="session")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("runners")


@pytest.fixture(scope="session")
def scripts(work: Path) -> dict[str, Path]:
    """CPU copies of the runner scripts and the model builder."""
    folder = work / "scripts"
    return {
        "inspect": cpu_copy(ROOT / "scripts" / "inspect_vllm_uv.py", folder),
        "lighteval": cpu_copy(ROOT / "scripts" / "lighteval_vllm_uv.py", folder),
        "build": cpu_copy(RUNNERS / "build_tiny_model.py", folder),
        "lm_eval": cpu_copy(RUNNERS / "lm_eval_cli.py", folder),
    }


@pytest.fixture(scope="session")
def models(work: Path, scripts: dict[str, Path]) -> dict[str, Path]:
    """Two tiny models, built once per session in one process: one always answers 'ANSWER: A', one 'ANSWER: 12'."""
    wanted = {"tiny-mc": "ANSWER: A", "tiny-math": "ANSWER: 12"}
    built = {name: work / "models" / name for name in wanted}
    args = [str(p) for p in built.values()] + [a for reply in wanted.values() for a in ("--reply", reply)]
    result = run_script(scripts["build"], [*args, "--check"], cwd=work)
    summaries = [json.loads(line) for line in ok(result).strip().splitlines() if line.startswith("{")]
    assert [s["generated"] for s in summaries] == list(wanted.values())
    for out in built.values():
        assert sum(f.stat().st_size for f in out.iterdir()) < 1_000_000
    return built


def test_inspect_hf_full_run_scores_and_pushes_logs(work, scripts, models, hub) -> None:
    hub.add_user("alice", token="hf_alice")
    logs = work / "inspect-mc"
    result = run_script(scripts["inspect"], [
        "--backend", "hf", "--model", str(models["tiny-mc"]), "--task", f"{INSPECT_TASKS}@tiny_mc",
        "--device", "cpu", "--log-dir", str(logs), "--push-to", "alice/eval-logs",
    ], cwd=work, extra_env={"HF_HUB_OFFLINE": "0", "HF_TOKEN": "hf_alice"})
    out = ok(result)
    run = summary(out)["runs"][0]
    assert run["status"] == "success" and run["samples"] == 5
    assert run["metrics"]["choice/accuracy"] == pytest.approx(0.6)
    log = Path(run["log"])
    assert log.parent == logs and log.suffix == ".eval" and f"Log: {log}" in out
    uploaded = hub.files("alice/eval-logs", repo_type="dataset")
    assert uploaded[f"logs/{log.name}"] == log.read_bytes()
    assert "hf_alice" not in result.stdout + result.stderr

    (item,) = read_logs([logs], logs_url="https://huggingface.co/datasets/alice/eval-logs")
    assert (item.framework, item.task, item.metric, item.partial) == ("inspect-ai", "tiny_mc", "accuracy", False)
    assert (item.samples, item.total_samples) == (5, 5)
    assert item.result.value == 60.0 and item.result.date in run_dates()
    assert item.result.notes.startswith("inspect-ai 0.3.285 (own evaluation run)")
    assert "do_sample=False" in item.result.notes and "partial" not in item.result.notes
    assert item.result.provenance.url == "https://huggingface.co/datasets/alice/eval-logs"
    assert item.result.benchmark_key is None  # a local task file is never a registered benchmark

    # The same log through the CLI: shown with its value and date, never written under a guessed dataset; the
    # preview exits 1 like the write would, with nothing to publish.
    cli = run_cli("import-logs", str(logs), "--repo-id", "alice/tiny-mc", "--format", "json")
    assert cli.code == 1, cli.err
    (row,) = cli.json()["results"]
    assert (row["value"], row["dataset_id"], row["date"]) == (60.0, None, item.result.date)
    assert cli.json()["publish"]["files"] == []
    assert [r["kind"] for r in cli.json()["publish"]["refusals"]] == ["nothing_to_publish"]


HUB_TASK_EVAL_YAML = """\
name: Tiny bench
tasks:
  - id: mc
    split: test
    field_spec:
      input: question
      target: target
      choices: choices
    solvers:
      - name: multiple_choice
    scorers:
      - name: choice
"""


def test_inspect_runs_a_hub_benchmark_task(work, scripts, models, hub) -> None:
    """``--task hf/ORG/DATASET/TASK_ID``: inspect builds the task from the dataset's eval.yaml on the Hub (the
    emulator); the log then names the benchmark's own dataset and task id."""
    hub.add_dataset("alice/tiny-bench", {"eval.yaml": HUB_TASK_EVAL_YAML,
                                         "data/test.jsonl": (RUNNERS / "data" / "tiny_mc" / "test.jsonl").read_text()})
    logs = work / "inspect-hub-task"
    result = run_script(scripts["inspect"], [
        "--backend", "hf", "--model", str(models["tiny-mc"]), "--task", "hf/alice/tiny-bench/mc", "--device", "cpu",
        "--log-dir", str(logs), "--log-format", "json",
    ], cwd=work, extra_env={"HF_HUB_OFFLINE": "0", "HF_DATASETS_OFFLINE": "0"})
    run = summary(ok(result))["runs"][0]
    assert run["status"] == "success" and run["samples"] == 5
    assert run["metrics"]["choice/accuracy"] == pytest.approx(0.6)

    (item,) = read_logs([logs])
    assert (item.result.value, item.result.dataset_id, item.result.task_id) == (60.0, "alice/tiny-bench", "mc")
    assert item.result.warnings == () and not item.partial


def test_inspect_hf_limited_json_run_with_task_args(work, scripts, models) -> None:
    """``-T fewshot=2`` reaches the task; the ``--log-format json`` log folder reads back partial and 2-shot."""
    logs = work / "inspect-math"
    result = run_script(scripts["inspect"], [
        "--backend", "hf", "--model", str(models["tiny-math"]), "--task", f"{INSPECT_TASKS}@tiny_math",
        "--limit", "3", "--log-dir", str(logs), "-T", "fewshot=2", "--log-format", "json",
    ], cwd=work)
    run = summary(ok(result))["runs"][0]
    assert run["samples"] == 3 and run["limit"] == 3 and run["dataset_samples"] == 4
    assert run["metrics"]["match/accuracy"] == pytest.approx(2 / 3)
    assert Path(run["log"]).suffix == ".json" and Path(run["log"]).parent == logs

    (item,) = read_logs([logs])  # the folder: inspect's JSON logs are found in it
    assert item.partial is True and item.result.value == 66.67
    assert "partial run: 3 of 4 samples (--limit)" in item.result.notes
    assert "task args: fewshot=2" in item.result.notes and item.observation.setting == "2-shot"


def test_inspect_unknown_task_fails_fast_with_close_names(work, scripts) -> None:
    result = run_script(scripts["inspect"], ["--backend", "hf", "--model", "nobody/none", "--task", "gpqa_diamnd"],
                        cwd=work)
    assert result.returncode == 2
    assert "unknown inspect task 'gpqa_diamnd'" in result.stderr and "inspect_evals/gpqa_diamond" in result.stderr
    result = run_script(scripts["inspect"], ["--backend", "hf", "--model", "m", "--task", f"{INSPECT_TASKS}@tiny_mx"],
                        cwd=work)
    assert result.returncode == 2 and "tiny_mc" in result.stderr


def test_inspect_vllm_model_args_reach_the_provider(work, scripts) -> None:
    result = run_script(scripts["inspect"], [
        "--model", "Qwen/Qwen3-0.6B", "--task", "gsm8k", "--backend", "vllm", "--tensor-parallel-size", "2",
        "--gpu-memory-utilization", "0.85", "--dtype", "bfloat16", "--trust-remote-code", "-M", "max_num_seqs=64",
        "--max-model-len", "8192", "--chat-template", "tmpl.jinja", "-T", "fewshot=0", "--dry-run",
    ], cwd=work)
    plan = json.loads(ok(result))
    assert plan["task"] == "inspect_evals/gsm8k" and plan["model"] == "vllm/Qwen/Qwen3-0.6B"
    assert plan["model_args"] == {"tensor_parallel_size": 2, "gpu_memory_utilization": 0.85, "dtype": "bfloat16",
                                  "trust_remote_code": True, "max_num_seqs": 64, "max_model_len": 8192,
                                  "chat_template": "tmpl.jinja"}
    assert plan["task_args"] == {"fewshot": 0}
    (work / "tmpl.jinja").write_text("{{ messages }}")
    result = run_script(scripts["inspect"], ["--model", "org/m", "--task", "hf/org/bench/diamond@v2", "--backend",
                                             "hf", "--chat-template", "tmpl.jinja", "--dry-run"], cwd=work)
    plan = json.loads(ok(result))  # a Hub task goes to inspect as given; transformers gets the template's text
    assert plan["task"] == "hf/org/bench/diamond@v2" and plan["model_args"]["chat_template"] == "{{ messages }}"
    result = run_script(scripts["inspect"], ["--model", "m", "--task", "hf/only-org", "--dry-run"], cwd=work)
    assert result.returncode == 2 and "hf/ORG/DATASET" in result.stderr
    result = run_script(scripts["inspect"], ["--model", "m", "--task", "gsm8k", "--backend", "vllm"], cwd=work)
    assert result.returncode == 2 and "uv run --with 'vllm==0.29.0'" in result.stderr
    result = run_script(scripts["inspect"], ["--model", "m", "--task", "gsm8k", "--backend", "hf",
                                             "--tensor-parallel-size", "2", "--dry-run"], cwd=work)
    assert result.returncode == 2 and "only apply to --backend vllm" in result.stderr


def test_lighteval_accelerate_run_with_max_samples(work, scripts, models) -> None:
    out_dir = work / "lighteval"
    result = run_script(scripts["lighteval"], [
        "--backend", "accelerate", "--model", str(models["tiny-mc"]), "--tasks", "tiny_mc|0,tiny_math|0",
        "--custom-tasks", str(LIGHTEVAL_TASKS), "--model-args", "device=cpu", "--max-samples", "4",
        "--use-chat-template", "--output-dir", str(out_dir), "--save-details",
    ], cwd=work)
    run = summary(ok(result))["runs"][0]
    # lighteval 0.13 shuffles the docs with random.Random(42) and keeps the first --max-samples of them
    order = list(range(5))
    random.Random(42).shuffle(order)
    expected = sum("AABAC"[i] == "A" for i in order[:4]) / 4
    assert run["metrics"]["tiny_mc|0"]["em"] == pytest.approx(expected)
    assert run["metrics"]["tiny_math|0"]["em"] == 0.0
    results = Path(run["results"])
    assert results.is_relative_to(out_dir) and results.name.startswith("results_")
    assert not any(p.name != "tiny_model.json" and p.suffix not in (".json", ".safetensors", ".jinja")
                   for p in models["tiny-mc"].rglob("*")), "lighteval wrote its cache into the model folder"

    items = {i.task: i for i in read_logs([out_dir])}
    assert set(items) == {"tiny_mc", "tiny_math"}
    mc = items["tiny_mc"]
    assert (mc.framework, mc.metric, mc.partial, mc.samples) == ("lighteval", "em", True, 4)
    assert mc.result.value == expected * 100 and mc.observation.setting == "0-shot" and mc.result.date in run_dates()
    assert "partial run: 4 samples (--max-samples 4)" in mc.result.notes  # counted in the --save-details parquet
    assert "4 samples in the details" in mc.result.notes
    assert "override_chat_template=True" in mc.result.notes


def test_lighteval_unknown_task_fails_fast(work, scripts) -> None:
    result = run_script(scripts["lighteval"], ["--backend", "accelerate", "--model", "m", "--tasks", "gpqa:diamnd|0"],
                        cwd=work)
    assert result.returncode == 2
    assert "unknown lighteval task 'gpqa:diamnd'" in result.stderr and "gpqa:diamond" in result.stderr
    result = run_script(scripts["lighteval"], ["--model", "org/m", "--tasks", "gsm8k|5", "--max-model-len", "8192",
                                               "--gpu-memory-utilization", "0.8", "--dtype", "bfloat16",
                                               "--model-args", "dtype=float16,max_num_seqs=8", "--dry-run"], cwd=work)
    params = json.loads(ok(result))["model_parameters"]  # the named options win over --model-args
    assert (params["max_model_length"], params["gpu_memory_utilization"], params["dtype"]) == (8192, 0.8, "bfloat16")
    assert params["max_num_seqs"] == "8"  # lighteval types it when it builds the config


def test_inspect_eval_checks_provider_and_task_before_any_request(work) -> None:
    """inspect_eval_uv.py in its own environment; no provider is reachable offline, so the plan is checked
    (even inspect's ``mockllm`` fetches a tiktoken encoding from the internet)."""
    script = cpu_copy(ROOT / "scripts" / "inspect_eval_uv.py", work / "scripts")
    result = run_script(script, ["--model", "hf-inference-providers/openai/gpt-oss-20b", "--task", "gpqa_diamond",
                                 "--limit", "2", "--max-connections", "4", "--log-dir", "out", "--dry-run"], cwd=work)
    plan = json.loads(ok(result))
    assert plan["task"] == "inspect_evals/gpqa_diamond" and plan["model"] == "hf-inference-providers/openai/gpt-oss-20b"
    assert (plan["limit"], plan["max_connections"], plan["log_dir"]) == (2, 4, str(work / "out"))
    result = run_script(script, ["--model", "Qwen/Qwen3-8B", "--task", "gsm8k", "--dry-run"], cwd=work)
    assert result.returncode == 2 and "needs an inspect provider prefix" in result.stderr


LM_EVAL_TASK = """\
task: tiny_math
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
fewshot_split: test
output_type: generate_until
doc_to_text: "Question: {{{{question}}}}\\nAnswer:"
doc_to_target: "{{{{answer.split('####')[-1].strip()}}}}"
generation_kwargs:
  until: ["\\n"]
  do_sample: false
  max_gen_toks: 8
filter_list:
  - name: strict-match
    filter:
      - function: regex
        regex_pattern: "(-?[0-9]+)"
      - function: take_first
metric_list:
  - metric: exact_match
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
"""


def test_lm_eval_results_and_samples_read_back(work, scripts, models) -> None:
    """The real harness, 2-shot on the GSM8K-shaped set: the always-12 model scores 2 of 4."""
    tasks = work / "lm_eval_tasks"
    tasks.mkdir(exist_ok=True)
    (tasks / "tiny_math.yaml").write_text(LM_EVAL_TASK.format(data=RUNNERS / "data" / "tiny_math" / "test.jsonl"))
    out = work / "lm_eval_out"
    ok(run_script(scripts["lm_eval"], [
        "--model", "hf", "--model_args", f"pretrained={models['tiny-math']},dtype=float32", "--tasks", "tiny_math",
        "--include_path", str(tasks), "--num_fewshot", "2", "--device", "cpu", "--batch_size", "1",
        "--output_path", str(out), "--log_samples",
    ], cwd=work))
    (results,) = out.rglob("results_*.json")
    assert list(results.parent.glob("samples_tiny_math_*.jsonl"))

    (item,) = read_logs([out], logs_url="https://huggingface.co/datasets/alice/eval-logs")
    assert (item.framework, item.task, item.metric) == ("lm-evaluation-harness", "tiny_math", "exact_match,strict-match")
    assert (item.partial, item.samples, item.total_samples) == (False, 4, 4)
    assert (item.result.value, item.observation.setting) == (50.0, "2-shot") and item.result.date in run_dates()
    assert item.model == str(models["tiny-math"])
    assert item.result.notes.startswith("lm-evaluation-harness 0.4.13 (own evaluation run); model args: dtype=float32")
    assert "filter strict-match" in item.result.notes
    assert item.result.benchmark_key is None  # a local dataset is never a registered benchmark
