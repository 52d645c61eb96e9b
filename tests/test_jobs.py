"""HF Jobs submission (`scripts/run_eval_job.py`, `evalmgr.jobs`) against the Hub emulator's jobs endpoints:
hardware sizing from safetensors metadata, the job as submitted (script inline, token only as a secret), and
following a job to its end."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from cli_support import ROOT, Run, run_cli
from evalmgr import jobs
from evalmgr.errors import EvalManagerError, UsageError
from evalmgr.hub import Hub
from hub_emulator import HubEmulator

RUN_JOB = ROOT / "scripts" / "run_eval_job.py"
TOKEN = "hf_aliceJOBStokenABCDEFGHIJ123456"
BIG = "acme/Big-Instruct"  # 70.6B parameters in BF16
SMALL = "acme/Giant-70B-Instruct"  # the name says 70B; the metadata says 494M


@pytest.fixture
def seeded(hub: HubEmulator) -> HubEmulator:
    hub.add_user("alice", TOKEN, orgs=["acme"])
    hub.add_model(BIG, safetensors={"parameters": {"BF16": 70_600_000_000}, "total": 70_600_000_000})
    hub.add_model(SMALL, safetensors=494_000_000)
    hub.add_model("acme/no-metadata", {"pytorch_model.bin": b"\0" * 16})
    return hub


@pytest.fixture
def flavors(hub: HubEmulator) -> list[jobs.Flavor]:
    return jobs.list_flavors(Hub())


def run_job(env: dict[str, str], *args: str, token: str | None = TOKEN) -> Run:
    env = dict(env, **({"HF_TOKEN": token} if token else {}))
    return run_cli(*args, env=env, script=RUN_JOB)


def size(**parameters: float) -> jobs.ModelSize:
    return jobs.ModelSize("acme/m", {dtype: int(n) for dtype, n in parameters.items()})


# ------------------------------------------------------------------------------------------ sizing


def test_flavors_come_from_the_hub_hardware_list(flavors: list[jobs.Flavor]) -> None:
    by_name = {f.name: f for f in flavors}
    assert (by_name["a100x4"].gpus, by_name["a100x4"].per_device_gb, by_name["a100x4"].usd_per_hour) == (4, 80, 10.0)
    # the Hub lists $0.006667 a minute for a $0.40/h flavor: the hourly price is back in cents, no float noise
    assert repr(by_name["t4-small"].usd_per_hour) == "0.4" and repr(by_name["l4x4"].usd_per_hour) == "3.8"
    assert (by_name["cpu-basic"].gpus, by_name["cpu-basic"].memory_gb) == (0, 16)
    assert by_name["h200"].memory_gb == 141


def test_sizing_formula(flavors: list[jobs.Flavor]) -> None:
    l40s = next(f for f in flavors if f.name == "l40sx1")
    # 8.03B BF16 = 16.06 GB of weights; x 1.2 + 3 GB = 22.27 GB: more than 0.9 x 24 GB (L4), within 0.9 x 48 GB
    assert jobs.need_gb(size(BF16=8.03e9), l40s, "vllm") == pytest.approx(22.272)
    assert jobs.choose_hardware(size(BF16=8.03e9), flavors, "vllm").flavor.name == "l40sx1"
    # mixed dtypes count each at its own width: 6B x 2 + 1B x 4 bytes
    assert size(BF16=6e9, F32=1e9).weights_gb("hf") == pytest.approx(16.0)


@pytest.mark.parametrize(
    ("parameters", "backend", "flavor", "tp"),
    [
        ({"BF16": 494e6}, "vllm", "t4-small", None),  # fits the cheapest GPU
        ({"BF16": 7e9}, "vllm", "l4x1", None),  # 19.8 GB: needs 24 GB
        ({"BF16": 14e9}, "vllm", "l40sx1", None),  # 36.6 GB: needs a bigger GPU
        ({"F8_E4M3": 14e9}, "vllm", "l4x1", None),  # same count in FP8: half the bytes
        ({"F32": 7e9}, "hf", "l40sx1", None),  # transformers keeps float32
        ({"F32": 7e9}, "vllm", "l4x1", None),  # vLLM dtype=auto runs it in 16 bit
        ({"BF16": 7e9}, "hf", "l4x1", None),  # inspect's transformers 5 keeps the checkpoint dtype
        ({"BF16": 7e9}, "accelerate", "l40sx1", None),  # lighteval's transformers 4 loads float32
        ({"BF16": 32e9}, "hf", "rtx-pro-6000", None),  # transformers: one GPU only, no tensor parallelism
        ({"BF16": 70.6e9}, "vllm", "h200x2", 2),  # several GPUs with tensor parallelism (tie with a100x4: fewer GPUs)
        ({"BF16": 405e9}, "vllm", "h200x8", 8),
        ({"F32": 10e6}, "hf", "cpu-basic", None),  # tiny model, transformers: a CPU flavor
        ({"BF16": 10e6}, "accelerate", "cpu-basic", None),
        ({"F32": 10e6}, "vllm", "t4-small", None),  # vLLM always needs a GPU
        ({"BF16": 1e9}, "hf", "t4-small", None),  # above 0.5B parameters: too slow on CPU
    ],
)
def test_auto_hardware_choice(flavors: list[jobs.Flavor], parameters: dict, backend: str, flavor: str,
                              tp: int | None) -> None:
    choice = jobs.choose_hardware(size(**parameters), flavors, backend)
    assert (choice.flavor.name, choice.tensor_parallel_size) == (flavor, tp)
    assert "needs" in choice.reason and flavor in choice.reason
    assert all(f.usd_per_hour >= choice.flavor.usd_per_hour for f in choice.alternatives)


@pytest.mark.parametrize(
    ("parameters", "backend", "says"),
    [
        ({"BF16": 1e12}, "vllm", "smaller or quantized"),
        ({"BF16": 70.6e9}, "hf", "--backend vllm"),
    ],
)
def test_too_big_for_any_flavor(flavors: list[jobs.Flavor], parameters: dict, backend: str, says: str) -> None:
    with pytest.raises(EvalManagerError) as caught:
        jobs.choose_hardware(size(**parameters), flavors, backend)
    assert "does not fit any Jobs flavor" in caught.value.message
    assert says in (caught.value.hint or "")


def test_inference_providers_need_no_gpu(hub: HubEmulator, flavors: list[jobs.Flavor]) -> None:
    opts = jobs.JobOptions(model="acme/not-on-this-hub", task="gpqa_diamond", framework="inspect",
                           backend="providers")
    choice = jobs.plan_hardware(Hub(), opts, flavors)
    assert (choice.flavor.name, choice.tensor_parallel_size) == ("cpu-basic", None)
    assert hub.request_count(path_regex=r"^/api/models/") == 0  # no sizing: the model runs at the provider


def test_a_name_never_decides(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_job(hf_env, "--model", SMALL, "--task", "gpqa_diamond", "--framework", "inspect", "--dry-run", "--json")
    assert run.code == 0, run.err
    assert run.json()["hardware"]["flavor"] == "t4-small"
    assert "494M parameters" in run.json()["hardware"]["reason"]


def test_no_safetensors_metadata_asks_for_hardware(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_job(hf_env, "--model", "acme/no-metadata", "--task", "gpqa_diamond", "--framework", "inspect")
    assert run.code == 2
    assert "no safetensors metadata" in run.err and "--hardware FLAVOR" in run.err
    assert not seeded.jobs


def test_unknown_flavor_lists_the_valid_ones(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_job(hf_env, "--model", BIG, "--task", "mmlu", "--framework", "inspect", "--hardware", "a100-huge")
    assert run.code == 2
    assert "unknown hardware flavor 'a100-huge'" in run.err
    assert all(name in run.err for name in ("a100-large", "h200x8", "cpu-basic"))
    assert not seeded.jobs


def test_explicit_flavor_too_small_warns(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_job(hf_env, "--model", BIG, "--task", "mmlu", "--framework", "inspect", "--hardware", "a10g-large",
                  "--dry-run")
    assert run.code == 0, run.err
    assert "probably does not fit a10g-large" in run.err
    assert not seeded.jobs


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"framework": "lighteval", "backend": "hf"}, "--backend accelerate | vllm"),
        ({"framework": "inspect", "backend": "accelerate"}, "--backend hf | providers | vllm"),
        ({"model": "./my-model"}, "local path"),
        ({"task": "tasks/mine.py@quiz"}, "local task file"),
        ({"timeout": "2 hours"}, "not a duration"),
        ({"limit": 0}, "--limit"),
    ],
)
def test_usage_errors_before_any_request(hub: HubEmulator, options: dict, says: str) -> None:
    opts = jobs.JobOptions(**{"model": "acme/m", "task": "t", "framework": "inspect", "backend": "vllm", **options})
    with pytest.raises(UsageError) as caught:
        jobs.check_options(opts)
    assert says in str(caught.value)
    assert not hub.requests


def test_vllm_on_a_cpu_flavor_is_a_usage_error(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_job(hf_env, "--model", SMALL, "--task", "mmlu", "--framework", "inspect", "--hardware", "cpu-basic")
    assert run.code == 2 and "needs a GPU" in run.err
    assert not seeded.jobs


@pytest.mark.parametrize(("text", "seconds"), [("90m", 5400), ("1.5h", 5400), ("3600", 3600), ("2d", 172800)])
def test_timeout_durations(text: str, seconds: int) -> None:
    assert jobs.timeout_seconds(text) == seconds


# --------------------------------------------------------------------------------------- submission


def assert_no_token(hub: HubEmulator, run: Run) -> None:
    assert TOKEN not in run.out + run.err
    for job in hub.jobs:
        assert TOKEN not in json.dumps(job.spec)  # env, command, labels: everything but the secrets


def execute_command(job: object, tmp_path: Path) -> tuple[list[str], str]:
    """Run the job's command here, with a stand-in ``uv`` that records its arguments and the script it got."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_uv = bin_dir / "uv"
    fake_uv.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path}/args\ncp /tmp/run.py {tmp_path}/script\n')
    fake_uv.chmod(0o755)
    env = {**job.env, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(job.command, env=env, check=True, timeout=30)
    return (tmp_path / "args").read_text().splitlines(), (tmp_path / "script").read_text()


def test_detach_submits_the_runner_inline_with_the_token_only_as_secret(
    seeded: HubEmulator, hf_env: dict[str, str], tmp_path: Path
) -> None:
    run = run_job(hf_env, "--model", BIG, "--task", "gpqa_diamond", "--framework", "inspect", "--limit", "50",
                  "--push-to", "alice/eval-logs", "--detach")
    assert run.code == 0, run.err
    [job] = seeded.jobs
    assert job.secrets == {"HF_TOKEN": TOKEN}
    assert_no_token(seeded, run)
    assert (job.namespace, job.flavor, job.spec["timeoutSeconds"]) == ("alice", "h200x2", 7200)
    assert job.image.startswith("ghcr.io/astral-sh/uv:")
    assert f"job {job.id} submitted: {seeded.endpoint}/jobs/alice/{job.id}" in run.out
    assert f"hf jobs logs -f alice/{job.id}" in run.out
    args, script = execute_command(job, tmp_path)
    assert script == (ROOT / "scripts" / "inspect_vllm_uv.py").read_text()
    assert args == ["run", "--with", "vllm==0.29.0", "/tmp/run.py", "--model", BIG, "--task", "gpqa_diamond",
                    "--log-dir", "/tmp/logs", "--backend", "vllm", "--tensor-parallel-size", "2", "--limit", "50",
                    "--push-to", "alice/eval-logs"]
    assert "no readable config.json: its KV cache is estimated" in run.err


def test_lighteval_job_in_an_org_namespace(seeded: HubEmulator, hf_env: dict[str, str], tmp_path: Path) -> None:
    run = run_job(hf_env, "--model", BIG, "--task", "gsm8k|5", "--framework", "lighteval", "--limit", "20",
                  "--namespace", "acme", "--format", "json")
    assert run.code == 0, run.err
    [job] = seeded.jobs
    out = run.json()
    assert out["job"]["id"] == job.id and out["job"]["url"] == f"{seeded.endpoint}/jobs/acme/{job.id}"
    assert (job.namespace, out["hardware"]["tensor_parallel_size"]) == ("acme", 2)
    assert "no --push-to" in run.err
    assert_no_token(seeded, run)
    args, script = execute_command(job, tmp_path)
    assert script == (ROOT / "scripts" / "lighteval_vllm_uv.py").read_text()
    assert args[:4] == ["run", "--with", "vllm==0.10.1.1", "/tmp/run.py"]
    assert args[4:] == ["--model", BIG, "--tasks", "gsm8k|5", "--backend", "vllm", "--output-dir", "/tmp/results",
                        "--model-args", "tensor_parallel_size=2", "--max-samples", "20"]


def test_dry_run_submits_nothing(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_job(hf_env, "--model", SMALL, "--task", "gsm8k|0", "--framework", "lighteval", "--backend",
                  "accelerate", "--dry-run")
    assert run.code == 0, run.err
    assert "nothing submitted" in run.out and "cpu-basic" in run.out
    assert not seeded.jobs and seeded.request_count("POST", r"^/api/jobs/") == 0


def test_no_token_is_an_auth_error(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_job(hf_env, "--model", SMALL, "--task", "mmlu", "--framework", "inspect", token=None)
    assert run.code == 1
    assert "no Hugging Face token" in run.err and "HF_TOKEN" in run.err
    assert not seeded.jobs


@pytest.mark.parametrize(
    ("stage", "message", "code"),
    [("COMPLETED", None, 0), ("ERROR", "CUDA out of memory", 1)],
)
def test_wait_streams_logs_and_exits_with_the_job_result(
    seeded: HubEmulator, hf_env: dict[str, str], stage: str, message: str | None, code: int
) -> None:
    logs = ["loading acme/Giant-70B-Instruct", "gpqa_diamond: success, 198 samples, accuracy=0.41", "bye"]
    seeded.set_job_plan(logs=logs, stage=stage, message=message, schedule_seconds=0.1, run_seconds=0.4)
    run = run_job(hf_env, "--model", SMALL, "--task", "gpqa_diamond", "--framework", "inspect", "--wait")
    assert run.code == code, run.err
    positions = [run.out.index(line) for line in logs]
    assert positions == sorted(positions)
    assert f"finished: {stage}" in run.out
    assert message is None or message in run.out
    assert_no_token(seeded, run)


def test_a_server_error_on_submission_is_not_retried(seeded: HubEmulator, hf_env: dict[str, str]) -> None:
    seeded.fail_next("POST", r"^/api/jobs/alice$", 503)
    run = run_job(hf_env, "--model", SMALL, "--task", "mmlu", "--framework", "inspect")
    assert run.code == 1
    assert "may have been created anyway" in run.err and "hf jobs ps --namespace alice" in run.err
    assert seeded.request_count("POST", r"^/api/jobs/alice$") == 1


# ------------------------------------------------------------------------------------------ KV cache

LLAMA_8B = "acme/Llama-8B-128k"
LLAMA_CONFIG = {"architectures": ["LlamaForCausalLM"], "num_hidden_layers": 32, "num_attention_heads": 32,
                "num_key_value_heads": 8, "hidden_size": 4096, "max_position_embeddings": 131072}


@pytest.fixture
def llama(seeded: HubEmulator) -> HubEmulator:
    seeded.add_model(LLAMA_8B, {"config.json": json.dumps(LLAMA_CONFIG)}, safetensors=8_030_000_000)
    return seeded


def test_kv_cache_is_read_from_the_config() -> None:
    attention = jobs.Attention.from_config({"text_config": LLAMA_CONFIG, "model_type": "llava"})
    assert attention == jobs.Attention(layers=32, kv_heads=8, head_dim=128, context=131072)
    # K and V x 32 layers x 8 heads x 128 x 2 bytes = 131072 bytes a token: 17.18 GB for 128k tokens
    assert attention.kv_gb(131072) == pytest.approx(17.18, abs=0.01)
    assert jobs.Attention.from_config({"num_hidden_layers": 2}) is None


@pytest.mark.parametrize(("extra", "flavor", "tokens"), [
    ((), "l4x1", 16384),  # 16.06 GB + 2.15 GB of KV cache + 3 GB = 21.2 GB: within 0.9 x 24 GB
    (("--max-model-len", "131072"), "l40sx1", 131072),  # + 17.18 GB of KV cache: 36.2 GB, not on 24 GB
])
def test_hardware_is_sized_for_the_context_vllm_gets(llama: HubEmulator, hf_env: dict[str, str], extra: tuple,
                                                     flavor: str, tokens: int) -> None:
    run = run_job(hf_env, "--model", LLAMA_8B, "--task", "gpqa_diamond", "--framework", "inspect", "--dry-run",
                  "--format", "json", *extra)
    assert run.code == 0, run.err
    out = run.json()
    assert (out["hardware"]["flavor"], out["hardware"]["max_model_len"]) == (flavor, tokens)
    assert "KV cache of" in out["hardware"]["reason"] and "8 KV heads" in out["hardware"]["reason"]
    args = out["job"]["runner_args"]
    assert args[args.index("--max-model-len") + 1] == str(tokens)
    assert "no readable config.json" not in run.err


def test_a_context_longer_than_the_model_is_a_usage_error(llama: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_job(hf_env, "--model", LLAMA_8B, "--task", "mmlu", "--framework", "inspect", "--max-model-len",
                  "200000", "--dry-run")
    assert run.code == 2 and "longer than acme/Llama-8B-128k's context of 131072 tokens" in run.err


def test_a_near_miss_warning_shows_two_different_numbers(llama: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_job(hf_env, "--model", LLAMA_8B, "--task", "mmlu", "--framework", "inspect", "--flavor", "a10g-small",
                  "--max-model-len", "20000", "--dry-run")
    assert run.code == 0, run.err  # 16.06 + 2.62 + 3 = 21.68 GB against 21.6 GB usable: both 22 at no decimals
    assert "needs about 21.7 GB per device, a10g-small offers 21.6 GB usable" in run.err


def test_task_and_model_arguments_reach_the_runner(llama: HubEmulator, hf_env: dict[str, str]) -> None:
    run = run_job(hf_env, "--model", LLAMA_8B, "--task", "hf/acme/bench/main", "--framework", "inspect", "-T",
                  "fewshot=0", "-T", "seed=1", "--dtype", "bfloat16", "--gpu-memory-utilization", "0.85",
                  "--max-model-len", "8192", "--dry-run", "--format", "json")
    assert run.code == 0, run.err
    assert run.json()["job"]["runner_args"] == [
        "--model", LLAMA_8B, "--task", "hf/acme/bench/main", "--log-dir", "/tmp/logs", "--backend", "vllm",
        "-T", "fewshot=0", "-T", "seed=1", "--max-model-len", "8192", "--gpu-memory-utilization", "0.85",
        "--dtype", "bfloat16"]
    run = run_job(hf_env, "--model", LLAMA_8B, "--task", "gsm8k|5", "--framework", "lighteval", "-T", "k=v")
    assert run.code == 2 and "-T task arguments are inspect's" in run.err
    run = run_job(hf_env, "--model", LLAMA_8B, "--task", "mmlu", "--framework", "inspect", "--backend", "hf",
                  "--max-model-len", "4096")
    assert run.code == 2 and "vLLM options" in run.err


def test_version() -> None:
    from evalmgr import __version__

    run = run_cli("--version", script=RUN_JOB)
    assert run.code == 0 and run.out.strip() == f"run_eval_job.py {__version__}"


def test_waiting_stops_at_its_deadline(seeded: HubEmulator) -> None:
    seeded.set_job_plan(logs=["still running"], stage="COMPLETED", schedule_seconds=0.1, run_seconds=60)
    hub = Hub(token=TOKEN)
    job = hub.api.run_job(image="python:3.12", command=["true"], namespace="alice")
    with pytest.raises(EvalManagerError, match="has not ended after 1.5 s"):
        jobs.wait_for_end(hub, job.id, "alice", timeout=1.5)
    seeded.set_job_plan(stage="COMPLETED", schedule_seconds=0, run_seconds=0.2)
    done = hub.api.run_job(image="python:3.12", command=["true"], namespace="alice")
    assert jobs.stage_of(jobs.wait_for_end(hub, done.id, "alice", timeout=30)) == "COMPLETED"
