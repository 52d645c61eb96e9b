"""Drive the real command line as a user does: a subprocess, its exit code, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

ROOT = Path(__file__).resolve().parents[1]
MANAGER = ROOT / "scripts" / "evaluation_manager.py"
BATCH = ROOT / "scripts" / "batch_eval_prs.py"
SCHEMAS = ROOT / "scripts" / "evalmgr" / "data" / "schemas"


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    """A validator for one of the package's published JSON Schemas (checked to be a valid schema first)."""
    schema = json.loads((SCHEMAS / name).read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@dataclass
class Run:
    code: int
    out: str
    err: str
    script: Path = MANAGER

    def json(self) -> Any:
        """stdout as JSON; evaluation_manager.py's output is validated against its published schema."""
        data = json.loads(self.out)
        if self.script == MANAGER:
            validator("output.v1.schema.json").validate(data)
        return data


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None, script: Path = MANAGER,
            timeout: float = 120) -> Run:
    proc = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, env=env,
                          cwd=cwd or ROOT, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr, script)
