"""Drive the real command line as a user does: a subprocess, its exit code, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MANAGER = ROOT / "scripts" / "evaluation_manager.py"
BATCH = ROOT / "scripts" / "batch_eval_prs.py"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None, script: Path = MANAGER,
            timeout: float = 120) -> Run:
    proc = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, env=env,
                          cwd=cwd or ROOT, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)
