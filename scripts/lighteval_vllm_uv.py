# /// script
# requires-python = ">=3.10"
# dependencies = [
#     "lighteval[extended_tasks,math]==0.13.0",
#     "transformers==4.57.6",
#     "accelerate==1.15.0",  # 1.16 needs Python 3.11; lighteval runs on 3.10
#     "huggingface_hub==0.36.2",
#     "datasets==5.0.1",
#     "xxhash==3.8.2",  # 4.x refuses str input, which lighteval 0.13 hashes
#     "pyyaml>=6",
# ]
#
# [tool.evalmgr]
# vllm = "vllm==0.10.1.1"  # only for --backend vllm: `uv run --with "vllm==0.10.1.1" THIS_SCRIPT ...`
#
# [tool.hf-jobs]
# flavor = "a10g-small"
# timeout = "2h"
# secrets = ["HF_TOKEN"]
# ///
"""Run lighteval tasks on open weights, with vLLM (GPU) or accelerate/transformers (any machine).

    uv run --with "vllm==0.10.1.1" scripts/lighteval_vllm_uv.py --model Qwen/Qwen3-0.6B --tasks "gsm8k|5" \\
        --backend vllm --max-model-len 8192 --gpu-memory-utilization 0.9 --use-chat-template
    uv run scripts/lighteval_vllm_uv.py --model ./my-model --tasks "my_task|0" --custom-tasks my_tasks.py \\
        --backend accelerate --model-args "device=cpu" --max-samples 20

vLLM and its CUDA stack are installed only for ``--backend vllm`` (``uv run --with`` the pin in the header's
``[tool.evalmgr]`` table; ``run_eval_job.py`` does it for jobs): a CPU run installs no CUDA package.

Tasks use lighteval's current syntax ``task|fewshot`` (e.g. ``gpqa:diamond|0``), comma-separated; unknown
tasks fail before any model is loaded (exit 2) with close names. Results (``results_*.json``) go under
``--output-dir``; ``--push-to USER/REPO`` uploads them to a Hub dataset repo (token from ``HF_TOKEN``).
The last output line is ``EVAL_SUMMARY {json}`` for tools.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

SUMMARY_MARK = "EVAL_SUMMARY"


class UsageProblem(Exception):
    """A wrong command line: reported with exit code 2."""


def known_tasks(custom_tasks: str | None) -> list[str]:
    """Every task name lighteval's own registry knows, the custom module's included."""
    from lighteval.tasks.registry import Registry

    return sorted(Registry.load_all_task_configs(custom_tasks=custom_tasks))


def check_tasks(spec: str, custom_tasks: str | None) -> list[str]:
    """The ``task|fewshot`` entries of ``spec``; UsageProblem with close names for unknown ones."""
    known = set(known_tasks(custom_tasks))
    entries = [t.strip() for t in spec.split(",") if t.strip()]
    problems = []
    for entry in entries:
        parts = entry.split("|")
        name = parts[-2] if len(parts) == 3 else parts[0]
        name = name.split("@")[0]
        if len(parts) > 3 or len(parts) > 1 and not parts[-1].isdigit():
            problems.append(f"{entry!r}: expected task|fewshot, e.g. gsm8k|5")
        elif name not in known and not any(k.startswith(name + ":") for k in known):
            close = difflib.get_close_matches(name, sorted(known), n=8, cutoff=0.5)
            problems.append(f"unknown lighteval task {name!r}; close names: {', '.join(close) or 'none'}")
    if problems or not entries:
        raise UsageProblem("; ".join(problems) or "no task given")
    return entries


def vllm_requirement() -> str:
    """The vLLM pin of this script's header (``[tool.evalmgr] vllm``): vLLM is installed only when asked for."""
    match = re.search(r'^# vllm = "([^"]+)"', Path(__file__).read_text(), re.MULTILINE)
    return match.group(1) if match else "vllm"


def model_parameters(args: argparse.Namespace) -> dict:
    """lighteval's model config (the YAML ``model_parameters``): --model-args parsed the way lighteval does,
    then the named options (which win)."""
    from lighteval.models.abstract_model import ModelConfig

    params = ModelConfig._parse_args(args.model_args) if args.model_args else {}
    params["model_name"] = args.model
    named = {"dtype": args.dtype, "max_model_length": args.max_model_len,
             "gpu_memory_utilization": args.gpu_memory_utilization}
    if args.backend != "vllm" and (args.max_model_len or args.gpu_memory_utilization):
        raise UsageProblem("--max-model-len and --gpu-memory-utilization only apply to --backend vllm")
    params.update({k: v for k, v in named.items() if v is not None})
    if args.use_chat_template:
        params["override_chat_template"] = True
    if args.system_prompt:
        params["system_prompt"] = args.system_prompt
    generation = params.setdefault("generation_parameters", {})
    generation.setdefault("temperature", args.temperature)
    return params


def offline_workaround() -> None:
    """lighteval 0.13 downloads tinyBenchmarks.pkl from GitHub while it imports its task list; offline
    (``HF_HUB_OFFLINE=1``) that request fails and no task loads. An empty placeholder skips the download;
    only the tiny_benchmarks tasks need the real file."""
    import importlib.util

    spec = importlib.util.find_spec("lighteval")
    placeholder = Path(spec.origin).parent / "tasks" / "tasks" / "tinyBenchmarks.pkl"
    if not placeholder.exists():
        placeholder.touch()


def run_lighteval(args: argparse.Namespace, params: dict, tasks: list[str], output_dir: Path) -> None:
    """Run lighteval's own ``accelerate`` / ``vllm`` command in this process (its task modules, already
    imported by the task check, are not imported twice). A local model folder is reached through a link
    inside a scratch folder: lighteval caches predictions under ``cache_dir / model_name``, which for an
    absolute path is the model folder itself (stale predictions after a rebuild, writes into the model)."""
    import yaml

    if args.backend == "vllm":
        from lighteval.main_vllm import vllm as command
    else:
        from lighteval.main_accelerate import accelerate as command
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="lighteval-run-") as scratch:
        work = Path(scratch)
        model = Path(args.model)
        if model.is_dir():
            link = work / model.resolve().name
            link.symlink_to(model.resolve(), target_is_directory=True)
            params["model_name"] = link.name
        params.setdefault("cache_dir", str(work / "cache"))
        config = work / "model.yaml"
        config.write_text(yaml.safe_dump({"model_parameters": params}))
        custom = str(Path(args.custom_tasks).resolve()) if args.custom_tasks else None
        os.chdir(work)
        try:
            command(model_args=str(config), tasks=",".join(tasks), custom_tasks=custom, output_dir=str(output_dir),
                    max_samples=args.max_samples, save_details=args.save_details)
        finally:
            os.chdir(here)


def summarize(path: Path, max_samples: int | None) -> dict:
    """Model, tasks and metrics of one ``results_*.json``."""
    data = json.loads(path.read_text())
    metrics = {task: values for task, values in data.get("results", {}).items() if task != "all"}
    general = data.get("config_general", {})
    return {"results": str(path), "model": general.get("model_name"), "max_samples": max_samples,
            "metrics": metrics}


def push_results(paths: list[Path], output_dir: Path, repo: str) -> list[str]:
    """Upload result files to the Hub dataset repo ``repo`` (same layout as under --output-dir)."""
    from huggingface_hub import HfApi, constants

    api = HfApi(token=os.environ.get("HF_TOKEN") or None)
    api.create_repo(repo, repo_type="dataset", exist_ok=True)
    urls = []
    for path in paths:
        target = path.relative_to(output_dir).as_posix()
        api.upload_file(path_or_fileobj=str(path), path_in_repo=target, repo_id=repo, repo_type="dataset",
                        commit_message=f"Add lighteval results {path.name}")
        urls.append(f"{constants.ENDPOINT}/datasets/{repo}/blob/main/{target}")
    return urls


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--model", required=True, help="Hub model id or local folder")
    parser.add_argument("--tasks", required=True, help="comma-separated task|fewshot entries, e.g. 'gsm8k|5'")
    parser.add_argument("--backend", choices=("vllm", "accelerate"), default="vllm")
    parser.add_argument("--model-args", default="",
                        help="lighteval model args, e.g. 'dtype=bfloat16,tensor_parallel_size=2' (vllm) or "
                             "'device=cpu,batch_size=8' (accelerate)")
    parser.add_argument("--dtype", help="weights dtype, e.g. bfloat16, float16, auto")
    parser.add_argument("--max-model-len", type=int, help="vLLM: context length to allocate (max_model_length)")
    parser.add_argument("--gpu-memory-utilization", type=float, help="vLLM: fraction of GPU memory to use")
    parser.add_argument("--custom-tasks", help="Python module with a TASKS_TABLE of LightevalTaskConfig")
    parser.add_argument("--use-chat-template", action="store_true", help="force the tokenizer's chat template")
    parser.add_argument("--system-prompt", help="system prompt for chat models")
    parser.add_argument("--temperature", type=float, default=0.0, help="0 = greedy (default)")
    parser.add_argument("--max-samples", type=int, help="evaluate only N samples per task (a partial run)")
    parser.add_argument("--output-dir", default="results", help="where results go (default ./results)")
    parser.add_argument("--save-details", action="store_true", help="also save per-sample details (parquet)")
    parser.add_argument("--push-to", metavar="REPO", help="upload the results to this Hub dataset repo")
    parser.add_argument("--dry-run", action="store_true", help="check and print the planned run, do not run it")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        offline_workaround()
    try:
        if args.custom_tasks and not Path(args.custom_tasks).is_file():
            raise UsageProblem(f"custom tasks file {args.custom_tasks} does not exist")
        tasks = check_tasks(args.tasks, args.custom_tasks)
        params = model_parameters(args)
    except UsageProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    output_dir = Path(args.output_dir).resolve()
    if args.dry_run:
        print(json.dumps({"backend": args.backend, "tasks": tasks, "model_parameters": params,
                          "max_samples": args.max_samples, "output_dir": str(output_dir)}, indent=2))
        return 0
    if args.backend == "vllm":
        try:
            import vllm  # noqa: F401
        except ImportError:
            print(f"error: vLLM is not installed in this environment (it comes only with --backend vllm)\n"
                  f"  hint: on Linux x86-64 with a CUDA GPU run `uv run --with '{vllm_requirement()}' "
                  f"{Path(sys.argv[0]).name} ...`; elsewhere use --backend accelerate", file=sys.stderr)
            return 2
    before = set(output_dir.rglob("results_*.json"))
    run_lighteval(args, params, tasks, output_dir)
    written = sorted(set(output_dir.rglob("results_*.json")) - before)
    summaries = [summarize(p, args.max_samples) for p in written]
    for s in summaries:
        for task, values in s["metrics"].items():
            print(f"{task}: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()))
        print(f"Results: {s['results']}")
    try:
        pushed = push_results(written, output_dir, args.push_to) if args.push_to and written else []
    except Exception as exc:  # the Hub client raises many kinds; the results stay on disk either way
        print(f"error: uploading the results to {args.push_to} failed: {exc}\n  hint: check HF_TOKEN (a write "
              "token) and the repo name; the results above are kept", file=sys.stderr)
        return 1
    for url in pushed:
        print(f"Uploaded: {url}")
    print(SUMMARY_MARK, json.dumps({"framework": "lighteval", "runs": summaries, "uploaded": pushed}))
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
