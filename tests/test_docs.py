"""The documentation tells the truth: README's example commands print what README shows, and every
subcommand and flag of evaluation_manager.py is documented (as sqlite-utils checks its docs)."""

from __future__ import annotations

import argparse
import difflib
import re
import shlex
import subprocess
import sys

import pytest
from cli_support import ROOT
from evalmgr.cli import build_parser

README = (ROOT / "README.md").read_text()
DOCS = "\n".join(p.read_text() for p in [ROOT / "README.md", ROOT / "SKILL.md", *sorted((ROOT / "references").glob("*.md"))])
PREFIX = "uv run scripts/evaluation_manager.py "


def readme_examples() -> list[tuple[str, str]]:
    """(command, shown output) for each offline command of a ```bash block followed by a plain ``` block.

    Offline: reads a local card (``--readme``) and names no shell variable. The shown output is the next
    fenced block when it is a plain one (no language) that comes before any other ```bash block.
    """
    blocks = re.findall(r"^```(\w*)\n(.*?)^```$", README, re.M | re.S)
    examples = []
    for i, (lang, body) in enumerate(blocks):
        if lang != "bash":
            continue
        commands = [line.split("  #")[0].strip() for line in body.splitlines() if line.startswith(PREFIX)]
        offline = [c for c in commands if "--readme" in c and "$" not in c]
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if offline and following is not None and following[0] == "":
            assert len(offline) == 1, f"one output block shown for several commands: {offline}"
            examples.append((offline[0], following[1].rstrip("\n")))
    return examples


def matches(shown: str, real: str) -> bool:
    """Line for line; a line that is only ``...`` stands for any lines left out of the excerpt."""
    parts = [r"(?:.*)" if line.strip() == "..." else re.escape(line) for line in shown.split("\n")]
    return re.fullmatch("\n".join(parts), real, re.S) is not None


EXAMPLES = readme_examples()


def test_readme_examples_are_found() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c.removeprefix(PREFIX)[:90] for c, _ in EXAMPLES])
def test_readme_example_prints_what_readme_shows(command: str, shown: str, hf_env: dict[str, str]) -> None:
    # As the user runs it: `uv run` (which sets UV) on the relative script path, from the project root, with
    # no Hub reachable (an offline example that contacted the Hub would fail here).
    env = dict(hf_env, UV="uv", HF_ENDPOINT="http://127.0.0.1:9")
    proc = subprocess.run([sys.executable, *shlex.split(command.removeprefix("uv run "))], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)
    real = (proc.stdout + proc.stderr).rstrip("\n")
    assert proc.returncode == (1 if shown.startswith("error:") else 0), proc.stderr
    assert matches(shown, real), "README shows other output than the command prints:\n" + "\n".join(
        difflib.unified_diff(shown.split("\n"), real.split("\n"), "README.md", "real output", lineterm=""))


def test_the_excerpt_matcher_is_strict() -> None:
    assert matches("a\n...\nd", "a\nb\nc\nd")
    assert not matches("a\n...\nd", "a\nb\nc\ne")
    assert not matches("a\nb", "a\nb\nc")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {"": parser, **sub.choices}


def _mentioned(word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", DOCS) is not None


def test_every_subcommand_and_long_flag_is_documented() -> None:
    missing = []
    for name, parser in _subcommands().items():
        if name and not _mentioned(name):
            missing.append(name)
        missing += [f"{name or '(top level)'} {flag}" for action in parser._actions for flag in action.option_strings
                    if flag.startswith("--") and flag != "--help" and not _mentioned(flag)]
    assert not missing, "not in README.md, SKILL.md or references/*.md: " + ", ".join(missing)
