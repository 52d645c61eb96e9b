# /// script
# requires-python = ">=3.11"  # inspect-ai 0.3.285 and inspect-evals 0.26 need 3.11
# dependencies = [
#     "inspect-ai==0.3.285",
#     "inspect-evals==0.26.0",
#     "huggingface_hub==2.4.0",
#     "openai==3.57.0",
# ]
#
# [tool.hf-jobs]
# flavor = "cpu-basic"  # the model runs at the provider
# timeout = "2h"
# secrets = ["HF_TOKEN"]
# ///
"""Run an inspect-ai task against a hosted model: Hugging Face Inference Providers or any inspect provider.

    HF_TOKEN=... uv run scripts/inspect_eval_uv.py --model hf-inference-providers/openai/gpt-oss-20b \
        --task inspect_evals/gpqa_diamond --limit 20 --max-connections 8
    OPENAI_API_KEY=... uv run scripts/inspect_eval_uv.py --model openai/gpt-4o-mini --task gsm8k

``--model`` is ``PROVIDER/MODEL`` as inspect names it (``hf-inference-providers/``, ``openai/``,
``anthropic/``, ``together/``, ...; the provider's API key comes from its usual environment variable and is
never printed). Tasks: an inspect_evals name or a local task file (``path/to/file.py@task_name``); unknown
tasks fail before any request (exit 2) with close names. Logs go to ``--log-dir``; ``--push-to USER/REPO``
uploads them to a Hub dataset repo (token from ``HF_TOKEN``). The last output line is
``EVAL_SUMMARY {json}`` for tools. For open weights on your own GPU use inspect_vllm_uv.py.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import re
import sys
from pathlib import Path

SUMMARY_MARK = "EVAL_SUMMARY"
HF_TASK = re.compile(r"hf/[\w.-]+/[\w.-]+(/[\w.-]+)?(@[\w./-]+)?")


class UsageProblem(Exception):
    """A wrong command line: reported with exit code 2."""


def parse_model_arg(text: str, flag: str = "-M") -> tuple[str, object]:
    """``key=value`` with the value typed like inspect's ``-M`` / ``-T`` (true/false, ints, floats, else text)."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise UsageProblem(f"{flag} {text!r}: expected key=value")
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return key, lowered == "true"
    for kind in (int, float):
        try:
            return key, kind(raw)
        except ValueError:
            pass
    return key, raw


def file_tasks(path: Path) -> list[str]:
    """Names of the ``@task`` functions a task file defines (read without importing it)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if getattr(target, "id", getattr(target, "attr", None)) == "task":
                    names.append(node.name)
    return names


def registry_tasks() -> list[str]:
    """Every task name the installed inspect packages register (inspect_evals included)."""
    from inspect_ai._util.entrypoints import ensure_entry_points
    from inspect_ai._util.registry import registry_find, registry_info

    ensure_entry_points()
    return sorted(registry_info(t).name for t in registry_find(lambda info: info.type == "task"))


def resolve_task(spec: str) -> str:
    """The task as inspect will load it, or UsageProblem naming close candidates.

    ``hf/ORG/DATASET[/TASK_ID][@REVISION]`` is a Hub benchmark's own task, which inspect builds from the
    dataset's ``eval.yaml`` when it runs: passed on as given.
    """
    if spec.startswith("hf/"):
        if not HF_TASK.fullmatch(spec):
            raise UsageProblem(f"task {spec!r}: a Hub task is hf/ORG/DATASET or hf/ORG/DATASET/TASK_ID")
        return spec
    file_part, _, name = spec.partition("@")
    if file_part.endswith(".py"):
        path = Path(file_part)
        if not path.is_file():
            raise UsageProblem(f"task file {file_part} does not exist")
        names = file_tasks(path)
        if name and name not in names or not names:
            close = difflib.get_close_matches(name, names, n=5, cutoff=0.3) or names
            raise UsageProblem(f"task {name!r} is not defined in {file_part}; tasks there: {', '.join(close) or 'none'}")
        return f"{path.resolve()}@{name}" if name else str(path.resolve())
    known = registry_tasks()
    for candidate in (spec, f"inspect_evals/{spec}"):
        if candidate in known:
            return candidate
    close = difflib.get_close_matches(spec, known, n=8, cutoff=0.5)
    close += [k for k in known if spec.lower() in k.lower() and k not in close][:8 - len(close)]
    raise UsageProblem(f"unknown inspect task {spec!r}; close names: {', '.join(close) or 'none'}")


def check_provider(model: str) -> None:
    """UsageProblem unless ``model`` starts with a provider inspect knows (``Qwen/Qwen3-8B`` has none)."""
    import inspect_ai.model._providers.providers  # noqa: F401  (registers the providers)
    from inspect_ai._util.registry import registry_find, registry_info

    known = sorted(registry_info(o).name.split("/")[-1] for o in registry_find(lambda i: i.type == "modelapi"))
    provider = model.split("/")[0]
    if "/" not in model or provider not in known:
        raise UsageProblem(f"--model {model!r} needs an inspect provider prefix, e.g. hf-inference-providers/{model}"
                           f"; providers: {', '.join(known)}")


def summarize(log) -> dict:
    """Task, status, sample counts and every metric of one inspect EvalLog."""
    results = log.results
    metrics = {}
    for score in results.scores if results else []:
        for metric in score.metrics.values():
            metrics[f"{score.name}/{metric.name}"] = metric.value
    return {
        "task": log.eval.task, "status": log.status, "model": log.eval.model, "log": str(log.location),
        "samples": results.completed_samples if results else 0,
        "dataset_samples": log.eval.dataset.samples, "limit": log.eval.config.limit, "metrics": metrics,
    }


def push_logs(paths: list[str], repo: str) -> list[str]:
    """Upload log files to the Hub dataset repo ``repo`` under ``logs/``; returns their URLs."""
    from huggingface_hub import HfApi, constants

    api = HfApi(token=os.environ.get("HF_TOKEN") or None)
    api.create_repo(repo, repo_type="dataset", exist_ok=True)
    urls = []
    for path in paths:
        target = f"logs/{Path(path).name}"
        api.upload_file(path_or_fileobj=path, path_in_repo=target, repo_id=repo, repo_type="dataset",
                        commit_message=f"Add evaluation log {Path(path).name}")
        urls.append(f"{constants.ENDPOINT}/datasets/{repo}/blob/main/{target}")
    return urls


def run(plan: dict, push_to: str | None) -> int:
    """Run the planned eval, print each task's metrics and log path, upload the logs if asked."""
    from inspect_ai import eval as inspect_eval

    logs = inspect_eval(plan.pop("task"), model=plan.pop("model"), **{k: v for k, v in plan.items() if v is not None})
    summaries = [summarize(log) for log in logs]
    for s in summaries:
        print(f"{s['task']}: {s['status']}, {s['samples']} samples, "
              + ", ".join(f"{k}={v:.4g}" for k, v in s["metrics"].items()))
        print(f"Log: {s['log']}")
    try:
        pushed = push_logs([s["log"] for s in summaries], push_to) if push_to else []
    except Exception as exc:  # the Hub client raises many kinds; the logs stay on disk either way
        print(f"error: uploading the logs to {push_to} failed: {exc}\n  hint: check HF_TOKEN (a write token) "
              "and the repo name; the logs above are kept", file=sys.stderr)
        return 1
    for url in pushed:
        print(f"Uploaded: {url}")
    print(SUMMARY_MARK, json.dumps({"framework": "inspect-ai", "runs": summaries, "uploaded": pushed}))
    return 0 if all(s["status"] == "success" for s in summaries) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--model", required=True, help="PROVIDER/MODEL, e.g. hf-inference-providers/ORG/NAME")
    parser.add_argument("--task", required=True,
                        help="inspect_evals/NAME, NAME, FILE.py@NAME, or a Hub task hf/ORG/DATASET[/TASK_ID]")
    parser.add_argument("-T", "--task-arg", action="append", default=[], metavar="KEY=VALUE",
                        help="task argument (repeatable), e.g. -T fewshot=0")
    parser.add_argument("--limit", type=int, help="evaluate only the first N samples (a partial run)")
    parser.add_argument("--max-connections", type=int, help="concurrent requests to the provider")
    parser.add_argument("--temperature", type=float, help="sampling temperature (provider default if unset)")
    parser.add_argument("--max-tokens", type=int, help="maximum tokens per generation")
    parser.add_argument("-M", "--model-arg", action="append", default=[], metavar="KEY=VALUE",
                        help="provider model arg (repeatable), e.g. -M base_url=...")
    parser.add_argument("--log-dir", default="logs", help="where the logs go (default ./logs)")
    parser.add_argument("--log-format", choices=("eval", "json"), help="log file format (inspect's default: eval)")
    parser.add_argument("--push-to", metavar="REPO", help="upload the logs to this Hub dataset repo")
    parser.add_argument("--dry-run", action="store_true", help="check and print the planned run, do not run it")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        check_provider(args.model)
        task = resolve_task(args.task)
        plan = {"task": task, "model": args.model, "model_args": dict(parse_model_arg(m) for m in args.model_arg),
                "task_args": dict(parse_model_arg(t, "-T") for t in args.task_arg), "log_format": args.log_format,
                "limit": args.limit, "log_dir": str(Path(args.log_dir).resolve()), "temperature": args.temperature,
                "max_tokens": args.max_tokens, "max_connections": args.max_connections}
    except UsageProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.dry_run:
        print(json.dumps(plan, indent=2))
        return 0
    return run(plan, args.push_to)


if __name__ == "__main__":
    sys.exit(main())
