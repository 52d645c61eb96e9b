"""Typed requests: the CLI's flags become one request per command; the library never sees argparse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from evalmgr.cli import build_parser
from evalmgr.request import (
    AddEvalRequest,
    Attribution,
    CardOptions,
    ExtractRequest,
    ImportAARequest,
    ImportLogsRequest,
    RepoInput,
    audit_request,
    from_args,
)

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "evalmgr"
CLI_MODULES = {"cli.py", "batch_cli.py", "jobs_cli.py", "request.py"}  # where flags become typed requests


def parse(*argv: str):  # type: ignore[no-untyped-def]
    return from_args(build_parser().parse_args(list(argv)))


@pytest.mark.parametrize(("flags", "mode", "pr"), [
    ((), "preview", None),
    (("--apply",), "apply", None),
    (("--create-pr",), "create_pr", None),
    (("--pr", "7"), "pr", 7),
])
def test_publish_flags_become_one_mode(flags: tuple[str, ...], mode: str, pr: int | None) -> None:
    req = parse("extract-readme", "--repo-id", "acme/Wren-7B", *flags)
    assert isinstance(req, ExtractRequest)
    assert (req.publish.mode, req.publish.pr, req.publish.writes) == (mode, pr, mode != "preview")


def test_extract_readme_request_carries_every_flag() -> None:
    req = parse("extract-readme", "--readme", "card.md", "--repo-id", "acme/Wren-7B", "--table", "2",
                "--model-name-override", "Wren 7B", "--benchmark", "MMLU", "--benchmark", "GSM8K",
                "--source-url", "https://example.org/run", "--format", "model-index", "--task-type", "fill-mask",
                "--cross-check", "--tolerance", "0.5", "--strict", "--force")
    assert req == ExtractRequest(
        RepoInput("acme/Wren-7B", "card.md", None, None), CardOptions(2, "Wren 7B", None), ("MMLU", "GSM8K"),
        Attribution("https://example.org/run"),
        req.publish,
    )
    p = req.publish
    assert (p.fmt, p.task_type, p.cross_check, p.tolerance, p.strict, p.force) == (
        "model-index", "fill-mask", True, 0.5, True, True)


def test_add_eval_import_aa_and_import_logs_requests() -> None:
    add = parse("add-eval", "--repo-id", "acme/Wren-7B", "--benchmark", "HLE", "--value", "4.1", "--notes",
                "with tools", "--source", "aa", "--creator-slug", "acme", "--model-name", "wren-7b", "--json")
    assert isinstance(add, AddEvalRequest)
    assert (add.benchmark, add.value, add.notes, add.source, add.aa.creator_slug, add.aa.model_name) == (
        "HLE", 4.1, "with tools", "aa", "acme", "wren-7b")
    assert add.publish.fmt == "eval-results"  # --json is how it prints, not what it writes
    aa = parse("import-aa", "--repo-id", "acme/Wren-7B", "--aa-model-id", "m-1", "--create-pr")
    assert isinstance(aa, ImportAARequest) and (aa.aa.model_id, aa.publish.mode) == ("m-1", "create_pr")
    logs = parse("import-logs", "a.eval", "b/", "--repo-id", "acme/Wren-7B", "--logs-url", "https://x.org/l",
                 "--model-mismatch-ok")
    assert isinstance(logs, ImportLogsRequest)
    assert (logs.paths, logs.logs_url, logs.model_mismatch_ok) == (("a.eval", "b/"), "https://x.org/l", True)


def test_audit_request() -> None:
    req = audit_request(build_parser().parse_args(["audit", "--author", "acme", "--benchmark", "HLE",
                                                   "--concurrency", "2"]))
    assert (req.author, req.benchmarks, req.concurrency, req.sources) == ("acme", ("HLE",), 2, "model_card,aa,paper")


def test_only_the_command_line_modules_see_argparse() -> None:
    """Library functions take typed requests: no other module imports argparse or builds the CLI's parser."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in CLI_MODULES or "data" in path.relative_to(PACKAGE).parts:  # data/runners: standalone scripts
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] + [a.name for a in node.names] if isinstance(node, ast.ImportFrom)
                     else [])
            if any(n == "argparse" or n == "build_parser" for n in names):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []
