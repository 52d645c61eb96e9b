"""mypy, configured in pyproject.toml ([tool.mypy]), is clean: CI runs the suite, so a type error fails CI.

The check covers the package and the ``scripts/*.py`` entry points that import it; the PEP 723 runner scripts
(``scripts/*_uv.py``, ``evalmgr/data/runners/``) have environments of their own and are left out.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from cli_support import ROOT


def _expected_sources() -> int:
    """Package modules plus the entry points that import the package: what the configuration must cover."""
    package = [p for p in (ROOT / "scripts" / "evalmgr").rglob("*.py") if "data" not in p.relative_to(ROOT).parts]
    entry_points = [p for p in (ROOT / "scripts").glob("*.py") if not p.name.endswith("_uv.py")
                    and re.search(r"^\s*(from|import) evalmgr\b", p.read_text(encoding="utf-8"), re.MULTILINE)]
    return len(package) + len(entry_points)


def test_mypy_is_clean_on_the_package_and_its_entry_points(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache"), "--no-color-output"],
        cwd=ROOT, capture_output=True, text=True, timeout=280,
    )
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"mypy found errors (fix them, see [tool.mypy] in pyproject.toml):\n{report}"
    checked = re.search(r"no issues found in (\d+) source files", report)
    assert checked, report
    assert int(checked.group(1)) == _expected_sources(), (
        f"mypy checked {checked.group(1)} files, the package and its entry points are {_expected_sources()}: "
        f"update `files` in [tool.mypy]\n{report}"
    )
