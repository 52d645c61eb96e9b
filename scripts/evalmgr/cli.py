"""The `evaluation_manager` command line: argparse only, each subcommand a few lines over the library.

Nothing heavy is imported at module level: `--help` and `--version` must stay instant, so every
command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, Callable

from . import __version__, load_dotenv_file

if TYPE_CHECKING:
    from .request import Context

WORKFLOW = """\
safe workflow:
  1. inspect-tables  see which tables the card has and which column is the model
  2. extract-readme  preview the results (YAML by default, --format json for agents)
  3. get-prs         check open pull requests: never open a second PR for the same result
  4. --create-pr     open one pull request (or --apply to push to main when you own the repo)

exit codes: 0 done (also 'nothing new'), 1 failure (not found, ambiguous, invalid, refused,
conflict, Hub error), 2 usage error.
"""


def _add_input_options(p: argparse.ArgumentParser, *, readme: bool = True) -> None:
    g = p.add_argument_group("input")
    if readme:
        g.add_argument("--readme", metavar="PATH", help="a local model card (README.md)")
    g.add_argument("--repo-dir", metavar="PATH", help="a local clone: README.md and .eval_results/")
    g.add_argument("--repo-id", metavar="ORG/NAME", help="the model repo; read from the Hub unless --readme/--repo-dir")
    g.add_argument("--revision", default=None, help="branch, tag, commit or refs/pr/N to read (default: main)")
    g.add_argument("--mapping", metavar="FILE", help="extra benchmark mapping JSON (adds to / overrides the bundled one)")


def _add_output_options(p: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    p.add_argument("--format", choices=formats, default=formats[0], help=f"output format (default: {formats[0]})")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print only the result (files, URL or JSON) and errors: no warnings or status lines")


def _add_publish_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("publish (preview only unless one of these is given)")
    mode = g.add_mutually_exclusive_group()
    mode.add_argument("--apply", action="store_true", help="write: into --repo-dir if given, else push to main on the Hub")
    mode.add_argument("--create-pr", action="store_true", help="open a pull request on the Hub")
    mode.add_argument("--pr", type=int, metavar="N", help="add to the existing pull request #N instead of opening one")
    g.add_argument("--force", action="store_true", help="publish even if an open PR already adds the same result, or replace a conflicting value")
    _add_check_options(p)


def _add_check_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("checks before publishing (the Hub leaderboard is compared whenever the Hub is read)")
    g.add_argument("--cross-check", action="store_true",
                   help="also read the other sources (card, papers, Artificial Analysis) and show their values side by side")
    g.add_argument("--tolerance", type=float, default=1.0, metavar="X",
                   help="largest difference between sources that is not a warning (default: 1.0 point)")
    g.add_argument("--strict", action="store_true",
                   help="refuse to publish when sources disagree or a value is off its leaderboard's scale")


def _add_source_attribution(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("source attribution (the entry's source block)")
    g.add_argument("--source-url", help="link to the evidence (default: the model page)")
    g.add_argument("--source-name", help='display name (default: "Model card")')
    g.add_argument("--source-user", help="HF user to credit")
    g.add_argument("--source-org", help="HF org to credit")


def _add_location_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("where the model is in the tables")
    g.add_argument("--table", type=int, metavar="N", help="table number as printed by inspect-tables (1-based)")
    g.add_argument("--model-column-index", type=int, metavar="N", help="0-based column (or row, for transposed tables) of the model, as inspect-tables shows")
    g.add_argument("--model-name-override", metavar="TEXT", help="the model's header or row label as printed, when it differs from the repo name")


def build_parser() -> argparse.ArgumentParser:
    from .launcher import prog_name

    parser = argparse.ArgumentParser(
        prog=prog_name("evaluation_manager"),
        description="Put correct, sourced benchmark results into Hugging Face model repositories.",
        epilog=WORKFLOW,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str, description: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=description, epilog=WORKFLOW,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = add("inspect-tables", _reporting(_inspect_tables, "print_tables"), "list the card's tables, layouts and model columns",
            "Step 1. Number every table of the card (markdown and HTML, 1-based), show its section, layout, "
            "columns (the model's marked) and sample rows, and print the extract-readme command to run next.")
    _add_input_options(p)
    p.add_argument("--model-name-override", metavar="TEXT", help="the model's header as printed, if not the repo name")
    _add_output_options(p, ("text", "json"))

    p = add("extract-readme", _publishing, "extract the model's scores from the card's tables",
            "Step 2. Read the model's scores from the card's evaluation tables, map them to Hub benchmarks and "
            "preview the result files. Without --table the tool chooses the table and refuses ambiguous values.")
    _add_input_options(p)
    _add_location_options(p)
    p.add_argument("--task-type", default="text-generation", help="model-index task type (default: text-generation)")
    p.add_argument("--dataset-name", help="model-index dataset name for all results (default: the benchmark name)")
    p.add_argument("--filename", metavar="NAME", help="write every result into this one .eval_results file")
    p.add_argument("--benchmark", action="append", metavar="NAME", help="keep only these benchmarks (repeatable)")
    _add_source_attribution(p)
    _add_output_options(p, ("eval-results", "model-index", "json"))
    _add_publish_options(p)

    p = add("add-eval", _publishing, "add one benchmark result (from the card, AA, a paper, or a given value)",
            "Add one benchmark: looked up in the chosen source with the same strictness as extract-readme, "
            "or given explicitly with --value. Previews unless --apply/--create-pr/--pr.")
    _add_input_options(p)
    p.add_argument("--benchmark", required=True, metavar="NAME", help="benchmark name or registry key, e.g. 'GPQA Diamond'")
    p.add_argument("--value", type=float, help="the score (0-100 for percentages); skips the lookup")
    p.add_argument("--task-id", help="task id, when the benchmark has several and the name does not say")
    p.add_argument("--dataset-id", help="Hub benchmark dataset id, for a benchmark not in the registry (with --value)")
    p.add_argument("--notes", help="setup qualifiers: 'with tools', 'thinking', '0-shot' ...")
    p.add_argument("--date", help="ISO date of the evaluation")
    p.add_argument("--source", choices=("model_card", "aa", "paper", "harness"), default="model_card",
                   help="where to look the score up (default: model_card); harness: a --value from the benchmark's "
                        "own harness, with --source-url to the run (the only source some benchmarks accept)")
    p.add_argument("--paper", metavar="ARXIV_ID", help="with --source paper: which paper")
    p.add_argument("--creator-slug", help="with --source aa: Artificial Analysis creator slug")
    p.add_argument("--model-name", help="with --source aa: Artificial Analysis model slug or name")
    p.add_argument("--aa-model-id", metavar="ID", help="with --source aa: Artificial Analysis model id (stable)")
    _add_location_options(p)
    _add_source_attribution(p)
    _add_output_options(p, ("eval-results", "model-index", "json"))
    _add_publish_options(p)

    p = add("import-aa", _publishing, "import scores from Artificial Analysis",
            "Read a model's benchmark scores from the Artificial Analysis API (key in AA_API_KEY), convert "
            "fractions to percentages and map them to Hub benchmarks. Composite indexes are never written.")
    _add_input_options(p, readme=False)
    p.add_argument("--creator-slug", help="AA creator slug, e.g. 'alibaba'")
    p.add_argument("--model-name", help="AA model slug or name, e.g. 'qwen3-235b-a22b-instruct'")
    p.add_argument("--aa-model-id", metavar="ID", help="AA model id: stable, where slugs and names may change")
    p.add_argument("--benchmark", action="append", metavar="NAME", help="keep only these benchmarks (repeatable)")
    _add_output_options(p, ("eval-results", "model-index", "json"))
    _add_publish_options(p)

    p = add("extract-paper", _reporting(_extract_paper, "print_paper_candidates"), "show candidate scores from the model's papers",
            "Find the model's papers (arxiv tags and links in the card), read them and show candidate scores "
            "with the page or table they come from. Publish with add-eval --source paper.")
    _add_input_options(p)
    p.add_argument("--paper", metavar="ARXIV_ID", help="read this paper instead of the card's links")
    p.add_argument("--benchmark", metavar="NAME", help="show only this benchmark")
    p.add_argument("--model-name-override", metavar="TEXT", help="the model's name as printed in the paper")
    _add_output_options(p, ("text", "json"))

    p = add("import-logs", _publishing, "import scores from our own inspect-ai / lighteval / lm-eval logs",
            "Read inspect-ai .eval/.json logs, lighteval results JSON (and --save-details parquet) and "
            "lm-evaluation-harness results JSON (and samples), map tasks to Hub benchmarks and preview entries "
            "dated from the run. Partial runs (--limit) are refused without --force; logs of another model than "
            "--repo-id without --model-mismatch-ok.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="log files or folders")
    _add_input_options(p, readme=False)
    p.add_argument("--upload-logs-to", metavar="REPO|hf://buckets/NS/NAME",
                   help="upload the logs to this Hub dataset repo or storage bucket and link entries to them")
    p.add_argument("--logs-url", metavar="URL",
                   help="where the logs are already published (source.url): an https URL, hf://buckets/NS/NAME/PATH "
                        "or hf://datasets/NS/NAME/PATH")
    p.add_argument("--model-mismatch-ok", action="store_true",
                   help="publish although the logs name another model, revision or a local folder than --repo-id")
    _add_output_options(p, ("eval-results", "model-index", "json"))
    _add_publish_options(p)

    p = add("show", _reporting(_show, "print_show"), "list results already published (main, open PRs, model-index)",
            "List the results in .eval_results/ on main and in open pull requests (marked), and in the "
            "README model-index.")
    _add_input_options(p)
    _add_output_options(p, ("text", "json"))

    p = add("validate", _reporting(_validate, "print_problems"), "validate .eval_results files and model-index",
            "Check .eval_results/*.yaml and the README model-index: schema, values, known benchmarks and task "
            "ids. Lists every problem with its location; exit 1 when invalid.")
    p.add_argument("paths", nargs="*", metavar="PATH", help=".eval_results YAML files or README.md files")
    _add_input_options(p, readme=False)
    _add_output_options(p, ("text", "json"))

    p = add("audit", _audit, "which benchmarks models have, and which each source could give them",
            "Plan a campaign: for an org's models (trending / most downloaded) or a file of repo ids, list which Hub "
            "benchmarks each has on main or in open PRs, and which it could get from its card, Artificial Analysis "
            "or its papers, with each source's value. Most missing first. Feed --format json to "
            "batch_eval_prs.py --from-audit.")
    g = p.add_argument_group("models")
    g.add_argument("--author", metavar="ORG", help="the models of this org or user")
    g.add_argument("--search", metavar="TEXT", help="models whose id contains this text")
    g.add_argument("--repo-ids-file", metavar="FILE", help="one repo id per line (# comments allowed)")
    g.add_argument("--limit", type=int, default=20, help="models to list with --author/--search (default: 20)")
    g.add_argument("--sort", choices=("trending", "downloads", "likes"), default="trending")
    g.add_argument("--pipeline-tag", default="text-generation", help="model pipeline tag (default: text-generation)")
    g.add_argument("--include-derivatives", action="store_true", help="also audit quantized / merged / adapter repos")
    p.add_argument("--sources", default="model_card,aa,paper",
                   help="sources to read, comma-separated (default: model_card,aa,paper; aa needs AA_API_KEY)")
    p.add_argument("--aa-creator-slug", metavar="SLUG", help="the org's Artificial Analysis creator slug")
    p.add_argument("--benchmark", action="append", metavar="NAME", help="only these benchmarks (repeatable)")
    p.add_argument("--tolerance", type=float, default=1.0, help="sources further apart than this disagree (default: 1.0)")
    p.add_argument("--concurrency", type=int, default=4, help="models read at the same time (default: 4)")
    p.add_argument("--mapping", metavar="FILE", help="extra benchmark mapping JSON")
    p.add_argument("--csv", metavar="PATH", help="also write the table as CSV")
    _add_output_options(p, ("text", "json"))

    p = add("get-prs", _reporting(_get_prs, "print_prs"), "list open pull requests and which touch evaluation results",
            "Step 3 before publishing: list the repo's open pull requests (all pages) and which of them add "
            ".eval_results/ files or model-index entries, and for which benchmarks.")
    p.add_argument("--repo-id", required=True, metavar="ORG/NAME")
    _add_output_options(p, ("text", "json"))
    return parser


# --------------------------------------------------------------------------- commands
# A subcommand is a function of `evalmgr.commands` plus a printer; both are imported when it runs.


def _publishing(args: argparse.Namespace) -> int:
    """A command that collects results for its typed request, then previews or publishes them."""
    from .commands import collect, publish_or_preview
    from .render import print_collected
    from .request import Context, from_args

    req, ctx = from_args(args), Context(args.mapping)
    collected = collect(req, ctx)
    change, outcome = publish_or_preview(req, ctx, collected)
    return print_collected(args.format, collected, change, outcome)


def _reporting(compute: Callable[[argparse.Namespace, Context], Any], printer: str) -> Callable[[argparse.Namespace], int]:
    """A command that computes a report from its flags and prints it with `render.<printer>`."""

    def run(args: argparse.Namespace) -> int:
        from . import render
        from .request import Context

        return getattr(render, printer)(compute(args, Context(getattr(args, "mapping", None))), args.format)

    return run


def _inspect_tables(args: argparse.Namespace, ctx: Context) -> Any:
    from .commands import inspect_tables
    from .request import repo_input

    return inspect_tables(repo_input(args), args.model_name_override, ctx)


def _extract_paper(args: argparse.Namespace, ctx: Context) -> Any:
    from .commands import extract_paper
    from .request import PaperRequest, repo_input

    return extract_paper(PaperRequest(repo_input(args), args.paper, args.model_name_override, args.benchmark), ctx)


def _show(args: argparse.Namespace, ctx: Context) -> Any:
    from .commands import show
    from .request import repo_input

    return show(repo_input(args), ctx)


def _validate(args: argparse.Namespace, ctx: Context) -> Any:
    from .commands import validate
    from .request import repo_input

    return validate(repo_input(args), args.paths, ctx)


def _get_prs(args: argparse.Namespace, ctx: Context) -> Any:
    from .commands import get_prs

    return get_prs(args.repo_id, ctx)


def _audit(args: argparse.Namespace) -> int:
    from .audit import print_audit, run_audit
    from .request import audit_request

    return print_audit(run_audit(audit_request(args)), args.format, args.csv)


# --------------------------------------------------------------------------- main


def check_arguments(args: argparse.Namespace) -> None:
    """Usage errors argparse cannot see: ids that are not Hub ids, values that are not finite, counts below 1."""
    import math

    from .errors import UsageError
    from .ids import is_repo_id, is_task_id

    for flag in ("repo_id", "upload_logs_to", "dataset_id"):
        value = getattr(args, flag, None)
        if flag == "upload_logs_to" and value is not None and value.startswith("hf://"):
            bucket = value.removeprefix("hf://buckets/").split("/")
            if not value.startswith("hf://buckets/") or not is_repo_id("/".join(bucket[:2])):
                raise UsageError(f"--upload-logs-to {value[:120]!r} is neither a dataset repo nor a bucket",
                                 "give a dataset repo ORG/NAME or a bucket hf://buckets/NS/NAME[/PATH]")
            continue
        if value is not None and not is_repo_id(value):
            raise UsageError(f"--{flag.replace('_', '-')} {value[:120]!r} is not a Hub repo id",
                             "write it as owner/name (letters, digits, '-', '_', '.'), e.g. example-org/Lumen-8B")
    task_id = getattr(args, "task_id", None)
    if task_id is not None and not is_task_id(task_id):
        raise UsageError(f"--task-id {task_id[:120]!r} is not a task id",
                         "use the id from the benchmark's eval.yaml: letters, digits, '_', '-', '.', ':'")
    value = getattr(args, "value", None)
    if value is not None and not math.isfinite(value):
        raise UsageError(f"--value {value} is not a finite number", "give the score as a number, e.g. --value 36.4")
    for flag, low in (("table", 1), ("pr", 1), ("model_column_index", 0)):
        number = getattr(args, flag, None)
        if number is not None and not low <= number < 10_000:
            raise UsageError(f"--{flag.replace('_', '-')} {str(number)[:20]} is out of range",
                             "use the numbers inspect-tables prints" if flag != "pr" else "give the PR's number")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    load_dotenv_file()
    from . import render
    from .errors import EvalManagerError
    from .render import print_error

    from .hub import transport_errors, unreachable

    render.QUIET = args.quiet
    try:
        check_arguments(args)
        return args.func(args)
    except EvalManagerError as exc:
        return print_error(exc, getattr(args, "format", "text"))
    except transport_errors() as exc:  # a request outside Hub.call (papers, jobs): still one line, no traceback
        return print_error(unreachable(exc, "contacting the Hub"), getattr(args, "format", "text"))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
