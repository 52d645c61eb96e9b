"""`run_eval_job.py`: submit an evaluation runner to Hugging Face Jobs. The work is in `evalmgr.jobs`."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .hub import Hub
    from .jobs import Submission

EPILOG = """\
examples:
  {run} --model Qwen/Qwen3-8B --task gpqa_diamond --framework inspect --dry-run
  {run} --model Qwen/Qwen3-8B --task "gsm8k|5" --framework lighteval --limit 100 --wait
  {run} --model meta-llama/Llama-3.1-70B-Instruct --task mmlu_pro --framework inspect \\
      --push-to me/eval-logs --timeout 6h

--hardware auto (or --flavor) sizes the flavor from the model's safetensors metadata (parameters x
bytes per parameter as the backend loads them) and its config.json (the KV cache):
  need per GPU = (weights + KV cache of --max-model-len tokens) / GPUs + 3 GB, within 90% of GPU
  memory; --max-model-len defaults to the model's context up to 16384 and is passed to vLLM;
  the cheapest fitting flavor of the Hub's hardware list wins. Several GPUs (tensor parallelism) only
  with --backend vllm; CPU flavors for the transformers backends on models up to 0.5B parameters.

The runner script is shipped inside the job; your token (HF_TOKEN or `hf auth login`) goes only as the
job secret HF_TOKEN and is never printed. Without --push-to the results live only in the job's logs.

exit codes: 0 submitted (or, with --wait, the job COMPLETED), 1 failure (or the job ended in ERROR,
CANCELED or timeout), 2 usage error.
"""


def build_parser() -> argparse.ArgumentParser:
    from .launcher import launcher, prog_name

    p = argparse.ArgumentParser(
        prog=prog_name("run_eval_job"),
        description="Submit an inspect-ai or lighteval evaluation to Hugging Face Jobs, on automatically sized hardware.",
        epilog=EPILOG.replace("{run}", launcher("run_eval_job")),  # examples run as printed, with your launcher
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--model", required=True, help="Hub model id (ORG/NAME)")
    p.add_argument("--task", required=True, help="inspect: NAME or inspect_evals/NAME; lighteval: 'task|fewshot'")
    p.add_argument("--framework", choices=("inspect", "lighteval"), default="inspect",
                   help="evaluation framework (default: inspect)")
    p.add_argument("--backend", help="inspect: vllm (default), hf, providers; lighteval: vllm (default), accelerate")
    p.add_argument("--hardware", "--flavor", default="auto", metavar="auto|FLAVOR",
                   help="Jobs flavor, as `hf jobs run --flavor`, or auto (default)")
    p.add_argument("--timeout", default="2h", help="job time limit, e.g. 90m, 2h, 1d (default: 2h)")
    p.add_argument("--namespace", help="user or org that runs (and pays for) the job (default: the token's user)")
    p.add_argument("--limit", type=int, metavar="N", help="evaluate only the first N samples (a partial run)")
    p.add_argument("--push-to", metavar="REPO", help="upload the logs/results to this Hub dataset repo")
    g = p.add_argument_group("task and model arguments (passed to the runner)")
    g.add_argument("-T", "--task-arg", action="append", default=[], metavar="KEY=VALUE",
                   help="inspect task argument (repeatable), e.g. -T fewshot=0")
    g.add_argument("--max-model-len", type=int, metavar="TOKENS",
                   help="vLLM context length: sized for and passed to vLLM (default: the model's, at most 16384)")
    g.add_argument("--dtype", help="weights dtype, e.g. bfloat16")
    g.add_argument("--gpu-memory-utilization", type=float, metavar="FRACTION", help="vLLM: fraction of GPU memory")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--detach", action="store_true", help="print the job id and URL and return (default)")
    mode.add_argument("--wait", action="store_true", help="follow status and logs; exit with the job's result")
    p.add_argument("--wait-timeout", metavar="DURATION",
                   help="with --wait: stop waiting after this long, e.g. 3h (default: --timeout + 30m)")
    p.add_argument("--dry-run", action="store_true", help="size the hardware and show the job; submit nothing")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from . import load_dotenv_file
    from .errors import EvalManagerError

    load_dotenv_file()
    from .render import print_error

    from .hub import transport_errors, unreachable

    try:
        return run(args)
    except EvalManagerError as exc:
        return print_error(exc, args.format)
    except transport_errors() as exc:  # a request outside Hub.call: still one line, no traceback
        return print_error(unreachable(exc, "contacting the Hub"), args.format)
    except KeyboardInterrupt:
        print("interrupted (a submitted job keeps running: `hf jobs cancel NAMESPACE/JOB_ID` stops it)",
              file=sys.stderr)
        return 130


def run(args: argparse.Namespace) -> int:
    """Size, show, then submit (and follow) the job; ``--dry-run`` stops after showing it."""
    from . import jobs
    from .errors import HubError
    from .hub import Hub
    from .render import emit_json, err, out

    opts = jobs.JobOptions(
        model=args.model, task=args.task, framework=args.framework, backend=args.backend or "vllm",
        hardware=args.hardware, timeout=args.timeout, namespace=args.namespace, limit=args.limit,
        push_to=args.push_to, task_args=args.task_arg, max_model_len=args.max_model_len, dtype=args.dtype,
        gpu_memory_utilization=args.gpu_memory_utilization,
    )
    jobs.check_options(opts)
    hub: Hub | None
    hub = Hub()
    offline: list[str] = []
    try:
        flavors = jobs.list_flavors(hub)
    except HubError as exc:
        if not args.dry_run:
            raise
        flavors, as_of = jobs.bundled_flavors()
        hub = None
        offline.append(f"the Hub could not be reached ({exc.message}): dry run on the bundled flavor table "
                       f"(as of {as_of}), not the Hub's live list")
    choice = jobs.plan_hardware(hub, opts, flavors)
    sub = jobs.build_submission(opts, choice)
    no_push = ("no --push-to: the results will only be in the job's logs (add --push-to USER/REPO to keep them as "
               "evidence for published scores)")
    notes = offline + choice.warnings + ([] if opts.push_to else [no_push])
    say = out if args.format == "text" else err  # JSON mode: one document on stdout, everything else on stderr
    for note in notes:
        err(f"warning: {note}")
    say(f"hardware: {choice.reason}")
    say(f"runner: {sub.runner} {shlex.join(sub.runner_args)}")
    result = {"dry_run": args.dry_run, "hardware": choice.to_json(), "job": sub.to_json(), "warnings": notes,
              "flavors": "bundled" if offline else "hub"}
    code = 0
    if args.dry_run:
        say(f"dry run: would submit to {opts.namespace or 'your namespace'} on {sub.flavor}, "
            f"timeout {sub.timeout_seconds} s; nothing submitted")
    else:
        wait = None
        if args.wait:
            wait = jobs.timeout_seconds(args.wait_timeout) if args.wait_timeout else sub.timeout_seconds + 1800
        assert hub is not None  # only a dry run goes on without the Hub
        code = submit(hub, sub, opts.namespace, wait, say, result["job"])
    if args.format == "json":
        emit_json(result)
    return code


def submit(hub: Hub, sub: Submission, namespace: str | None, wait: float | None, say: Callable[[str], None],
           record: dict) -> int:
    """Submit; with ``wait`` (seconds), stream the logs and return the job's result (0 COMPLETED, 1 otherwise)."""
    from . import jobs

    namespace = jobs.job_namespace(hub, namespace)
    info = jobs.submit(hub, sub, namespace)
    record.update(id=info.id, url=info.url, namespace=namespace)
    say(f"job {info.id} submitted: {info.url}")
    if wait is None:
        say(f"follow: hf jobs logs -f {namespace}/{info.id}    cancel: hf jobs cancel {namespace}/{info.id}")
        return 0
    jobs.stream_logs(hub, info.id, namespace, say)
    final = jobs.wait_for_end(hub, info.id, namespace, wait)
    stage, message = jobs.stage_of(final), final.status.message
    record.update(stage=stage, message=message)
    say(f"job {info.id} finished: {stage}" + (f" ({message})" if message else ""))
    return 0 if stage == "COMPLETED" else 1


if __name__ == "__main__":
    sys.exit(main())
