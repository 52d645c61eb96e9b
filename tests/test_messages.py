"""Messages that work when copied: one `error:` line and one `hint:` for every way the Hub cannot be reached
or a repo id is not one, never a traceback; previews refuse what writes refuse."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from cli_support import ROOT, run_cli
from hub_emulator import HubEmulator

BATCH = ROOT / "scripts" / "batch_eval_prs.py"


def one_error(run, code: int = 1) -> str:
    """The error line of a failed run, after checking the shape: exactly `error:` then `  hint:`, no traceback."""
    lines = run.err.splitlines()
    assert run.code == code, run.err
    assert "Traceback" not in run.err
    errors = [i for i, line in enumerate(lines) if line.startswith("error: ")]
    assert len(errors) == 1 and lines[errors[0] + 1].startswith("  hint: ") and errors[0] + 2 == len(lines), run.err
    return lines[errors[0]]


@pytest.mark.parametrize("repo_id", ["a/b/c", "a/b\nc", "a/" + "x" * 500])
def test_an_invalid_repo_id_is_one_line(hf_env: dict[str, str], repo_id: str) -> None:
    for args in (("show", "--repo-id", repo_id), ("add-eval", "--benchmark", "HLE", "--repo-id", repo_id)):
        line = one_error(run_cli(*args, env=hf_env), code=2)  # a usage error, caught before any request
        assert re.search(r"not a (valid )?Hub repo id", line) and len(line) < 250 and "\n" not in line


def test_no_network_dns_and_proxy_failures_are_one_line(hf_env: dict[str, str]) -> None:
    refused = one_error(run_cli("get-prs", "--repo-id", "a/b", env=dict(hf_env, HF_ENDPOINT="http://127.0.0.1:9")))
    assert "could not connect to http://127.0.0.1:9" in refused
    dns = one_error(run_cli("show", "--repo-id", "a/b", env=dict(hf_env, HF_ENDPOINT="http://no-such-host.invalid")))
    assert "no-such-host.invalid" in dns
    proxied = dict(hf_env, HF_ENDPOINT="http://hub.example.org", HTTP_PROXY="http://user:s3cret@127.0.0.1:9")
    proxy = run_cli("show", "--repo-id", "a/b", env=proxied)
    assert "through the proxy http://127.0.0.1:9 (HTTP_PROXY)" in one_error(proxy) and "s3cret" not in proxy.err
    offline = one_error(run_cli("show", "--repo-id", "a/b", env=dict(hf_env, HF_HUB_OFFLINE="1")))
    assert "HF_HUB_OFFLINE=1" in offline


def test_batch_without_network_is_one_line(hf_env: dict[str, str], tmp_path: Path) -> None:
    run = run_cli("--benchmark", "HLE", "--dry-run", "--runs-dir", str(tmp_path), script=BATCH,
                  env=dict(hf_env, HF_ENDPOINT="http://127.0.0.1:9"))
    assert run.code == 1 and "Traceback" not in run.err
    assert [x for x in run.err.splitlines() if x.startswith("error: ")] == [
        "error: listing models: could not connect to http://127.0.0.1:9 ([Errno 111] Connection refused)"]


@pytest.mark.parametrize("command", ["extract-readme", "inspect-tables", "show", "validate", "extract-paper", "add-eval"])
def test_no_input_hint_names_only_this_commands_flags(hf_env: dict[str, str], command: str) -> None:
    from evalmgr.cli import build_parser

    extra = ("--benchmark", "HLE") if command == "add-eval" else ()
    run = run_cli(command, *extra, env=hf_env)
    assert run.code == 2
    sub = build_parser()._subparsers._group_actions[0].choices[command]
    flags = {o for a in sub._actions for o in a.option_strings}
    named = {w.rstrip(",") for w in run.err.split() if w.startswith("--")}
    assert named and named <= flags, (named - flags, run.err)


def test_preview_refuses_a_malformed_existing_file(tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    (repo / ".eval_results").mkdir(parents=True)
    (repo / "README.md").write_text("# m\n")
    (repo / ".eval_results" / "hle.yaml").write_text("- dataset: [unclosed\n")
    args = ("add-eval", "--repo-dir", str(repo), "--repo-id", "o/m", "--benchmark", "HLE", "--value", "4.1")
    preview, write = run_cli(*args, "--format", "json"), run_cli(*args, "--apply")
    assert (preview.code, write.code) == (1, 1)
    assert [r["kind"] for r in preview.json()["publish"]["refusals"]] == ["malformed_file"]
    assert "malformed" in write.err
    assert (repo / ".eval_results" / "hle.yaml").read_text() == "- dataset: [unclosed\n"


def test_preview_refuses_a_conflict_with_an_open_pr(hub: HubEmulator, hf_env: dict[str, str]) -> None:
    hub.add_model("o/m", {"README.md": "# m\n"})
    hub.add_pull_request("o/m", "Add HLE", "someone", {".eval_results/hle.yaml": (
        "- dataset:\n    id: cais/hle\n    task_id: hle\n  value: 9.9\n")})
    run = run_cli("add-eval", "--repo-id", "o/m", "--benchmark", "HLE", "--value", "4.1", "--format", "json", env=hf_env)
    assert run.code == 1
    assert [r["kind"] for r in run.json()["publish"]["refusals"]] == ["pr_conflict"]
    same = run_cli("add-eval", "--repo-id", "o/m", "--benchmark", "HLE", "--value", "9.9", env=hf_env)
    assert same.code == 0 and "open pull request #1 already adds these results" in same.err


def test_the_add_eval_command_suggested_for_an_unregistered_label_parses(hf_env: dict[str, str]) -> None:
    """extract-readme has no --task-id: its hint is a whole add-eval command whose flags add-eval has."""
    import shlex

    from evalmgr.cli import build_parser

    run = run_cli("extract-readme", "--readme", "examples/model_card.md", "--repo-id", "example-org/Lumen-8B-Instruct",
                  env={k: v for k, v in hf_env.items() if k != "UV"}, script=Path("scripts/evaluation_manager.py"))
    (warning,) = [x for x in run.err.splitlines() if "MT-Bench" in x]
    assert "give --task-id" not in warning
    command = warning.split("`")[1]
    argv = shlex.split(command)
    assert argv[:2] == ["python", "scripts/evaluation_manager.py"]
    args = build_parser().parse_args(argv[2:])  # placeholders are values the user supplies; the flags all exist
    assert (args.command, args.benchmark, args.value, args.repo_id) == ("add-eval", "MT-Bench", 8.1,
                                                                        "example-org/Lumen-8B-Instruct")


def test_every_publish_status_is_documented_in_skill_md() -> None:
    import re

    code = "".join((ROOT / "scripts" / "evalmgr" / name).read_text() for name in ("publish.py", "commands.py"))
    statuses = set(re.findall(r'Outcome\(\s*"(\w+)"', code)) | set(re.findall(r'status, message = "(\w+)"', code))
    assert {"preview", "refused", "pr_created", "pushed", "written"} <= statuses
    skill = (ROOT / "SKILL.md").read_text()
    assert {s for s in statuses if f"| `{s}` |" not in skill} == set()


@pytest.mark.parametrize("case, existing, args, code", [
    ("new result", None, ("--benchmark", "HLE", "--value", "4.1"), 0),
    ("same value on main", "4.1", ("--benchmark", "HLE", "--value", "4.1"), 0),
    ("conflicting value", "9.9", ("--benchmark", "HLE", "--value", "4.1"), 1),
    ("conflict, forced", "9.9", ("--benchmark", "HLE", "--value", "4.1", "--force"), 0),
    ("a fraction among percentages", "41.0", ("--benchmark", "HLE", "--value", "0.41", "--notes", "with tools"), 1),
    ("source rule", None, ("--benchmark", "SWE-bench Verified", "--value", "70", "--task-id", "swe_bench_verified"), 1),
    ("no Hub leaderboard", None, ("--benchmark", "MMLU", "--value", "70", "--task-id", "mmlu"), 1),
])
def test_the_preview_exits_like_the_write(tmp_path: Path, case: str, existing: str | None, args: tuple, code: int) -> None:
    repo = tmp_path / "clone"
    (repo / ".eval_results").mkdir(parents=True)
    (repo / "README.md").write_text("# m\n")
    if existing:
        (repo / ".eval_results" / "hle.yaml").write_text(
            f"- dataset:\n    id: cais/hle\n    task_id: hle\n  value: {existing}\n")
    base = ("add-eval", "--repo-dir", str(repo), "--repo-id", "o/m", *args)
    preview, write = run_cli(*base), run_cli(*base, "--apply")
    assert (preview.code, write.code) == (code, code), (case, preview.err, write.err)
    assert ("refused:" in preview.err) == bool(code), (case, preview.err)


def test_requests_outside_the_hub_wrapper_are_one_line_too(hf_env: dict[str, str]) -> None:
    offline = dict(hf_env, HF_ENDPOINT="http://127.0.0.1:9", ARXIV_BASE="http://127.0.0.1:9")
    line = one_error(run_cli("extract-paper", "--paper", "2407.21783", env=offline))
    assert "could not connect to http://127.0.0.1:9" in line


@pytest.mark.parametrize(("uv", "launcher"), [(None, "python "), ("/usr/bin/uv", "uv run ")])
def test_help_examples_name_the_launcher_in_use(uv: str | None, launcher: str) -> None:
    """`run_eval_job.py --help` shows examples that run as printed, with the launcher used (uv sets UV)."""
    env = {k: v for k, v in os.environ.items() if k != "UV"} | ({"UV": uv} if uv else {})
    run = run_cli("--help", script=ROOT / "scripts" / "run_eval_job.py", env=env)
    assert run.code == 0
    examples = [line.strip() for line in run.out.splitlines() if "--model Qwen/Qwen3-8B" in line]
    assert examples and all(line.startswith(launcher) and "scripts/run_eval_job.py --model" in line
                            for line in examples), run.out
