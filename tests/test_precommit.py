"""The pre-commit hook (``.pre-commit-hooks.yaml``) run the way pre-commit runs it: its entry, then the staged
file names that match its ``files`` pattern."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_support import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "results"
tomllib = pytest.importorskip("tomllib")  # Python 3.11+


@pytest.fixture(scope="module")
def hook() -> dict:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return hook


def run_hook(hook: dict, repo: Path, staged: list[str]) -> subprocess.CompletedProcess[str]:
    command, *args = shlex.split(hook["entry"])
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert command in scripts  # pre-commit installs the project: its console script is the entry
    executable = shutil.which(command, path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.skip(f"{command} is not installed in this environment (uv sync installs it)")
    files = [f for f in staged if re.search(hook["files"], f)]
    return subprocess.run([executable, *args, *files], cwd=repo, capture_output=True, text=True, timeout=120)


def test_the_hook_checks_only_results_files_and_the_card(hook: dict) -> None:
    matches = [f for f in (".eval_results/gpqa.yaml", ".eval_results/x.yml", "README.md", "config.json",
                           "docs/README.md", "eval_results/gpqa.yaml") if re.search(hook["files"], f)]
    assert matches == [".eval_results/gpqa.yaml", ".eval_results/x.yml", "README.md"]
    assert hook["language"] == "python" and hook["pass_filenames"] is True


def test_the_hook_passes_valid_files_and_fails_invalid_ones(hook: dict, tmp_path: Path) -> None:
    (tmp_path / ".eval_results").mkdir()
    shutil.copy(FIXTURES / "existing_gpqa.yaml", tmp_path / ".eval_results" / "gpqa.yaml")
    (tmp_path / "README.md").write_text("# Demo\n")
    (tmp_path / "config.json").write_text("{}")
    ok = run_hook(hook, tmp_path, [".eval_results/gpqa.yaml", "README.md", "config.json"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    shutil.copy(FIXTURES / "wrong_shapes.yaml", tmp_path / ".eval_results" / "hle.yaml")
    bad = run_hook(hook, tmp_path, [".eval_results/gpqa.yaml", ".eval_results/hle.yaml"])
    assert bad.returncode == 1 and "'dataset.task_id' is required" in bad.stdout
