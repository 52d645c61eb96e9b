"""`batch_eval_prs.py`: argparse for the batch run; the work is in `evalmgr.batch` (imported lazily)."""

from __future__ import annotations

import argparse
import sys

from . import __version__, load_dotenv_file

EPILOG = """\
Each model goes through the same checks as `evaluation_manager.py add-eval`: a score that cannot be
located exactly is logged as not_found or ambiguous, never guessed. Derivatives (quantized, GGUF,
AWQ, MLX, merges, adapters), private or gated repos without access, repos that already have the
benchmark on main and repos with an open PR adding it are skipped with a reason.

Start with --dry-run, read the log, then run for real (a dry run never blocks a later real run).

run log: ./runs/{benchmark}_{date}_{id}.jsonl (one JSON record per model, written as it goes),
         .run.json (options, for --resume) and .summary.json (counts, at the end).
exit codes: 0 the run completed (whatever each model's status), 1 it could not run, 2 usage.
"""


def build_parser() -> argparse.ArgumentParser:
    from .launcher import prog_name

    p = argparse.ArgumentParser(
        prog=prog_name("batch_eval_prs"),
        description="Add one benchmark's results to many models from the Hub's model lists (trending by default).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--benchmark", help="benchmark name or registry key, e.g. 'GPQA Diamond' (required unless --resume)")
    p.add_argument("--source", choices=("model_card", "aa", "paper"), default="model_card",
                   help="where each score is read (default: model_card)")
    p.add_argument("--limit", type=int, default=20, help="number of models to list (default: 20)")
    p.add_argument("--sort", choices=("trending", "downloads", "likes"), default="trending")
    p.add_argument("--pipeline-tag", default="text-generation", help="model pipeline tag (default: text-generation)")
    p.add_argument("--author", help="only models of this user or org")
    p.add_argument("--search", help="only models whose id contains this text")
    p.add_argument("--include-derivatives", action="store_true", help="also process quantized / merged / adapter repos")
    p.add_argument("--push", action="store_true", help="push to main instead of opening pull requests (your own repos)")
    p.add_argument("--dry-run", action="store_true", help="extract and log, publish nothing")
    p.add_argument("--concurrency", type=int, default=4, help="parallel workers (default: 4)")
    p.add_argument("--runs-dir", help="where run logs go (default: ./runs under the working directory)")
    p.add_argument("--resume", metavar="RUN", help="continue an interrupted run (its name or .jsonl path)")
    p.add_argument("--mapping", metavar="FILE", help="extra benchmark mapping JSON")
    p.add_argument("--cross-check", action="store_true", help="compare each value with the other sources (card, papers, AA)")
    p.add_argument("--strict", action="store_true",
                   help="log as refused, and publish nothing, when sources disagree or the leaderboard flags the value")
    p.add_argument("--from-audit", metavar="JSON", help="the models of an `evaluation_manager.py audit --format json` "
                   "output that miss the benchmark and whose --source gives it (instead of the Hub's listing)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="summary format on stdout")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.benchmark and not args.resume:
        parser.error("--benchmark is required (or --resume RUN)")
    if args.limit < 1 or args.concurrency < 1:
        parser.error("--limit and --concurrency must be at least 1")
    load_dotenv_file()
    from .batch import DEFAULT_RUNS, BatchOptions, run_batch
    from .errors import EvalManagerError
    from .render import emit_json, err, out

    opts = BatchOptions(
        benchmark=args.benchmark or "", source=args.source, limit=args.limit, sort=args.sort,
        pipeline_tag=args.pipeline_tag or None, author=args.author, search=args.search, dry_run=args.dry_run,
        push=args.push, include_derivatives=args.include_derivatives, concurrency=args.concurrency,
        runs_dir=args.runs_dir or DEFAULT_RUNS, mapping=args.mapping, from_audit=args.from_audit,
        cross_check=args.cross_check, strict=args.strict,
    )
    try:
        summary = run_batch(opts, resume=args.resume)
    except EvalManagerError as exc:
        err(f"error: {exc}")
        return 1
    if args.format == "json":
        emit_json(summary)
    else:
        counts = ", ".join(f"{k} {v}" for k, v in summary["counts"].items() if v)
        out(f"run {summary['run']}: {summary['models_logged']} model(s) logged in {summary['seconds']} s ({counts or 'nothing'})")
        out(f"log: {summary['run_log']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
