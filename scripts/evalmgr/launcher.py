"""How the user started this program, so that every command we print runs as printed.

``uv run scripts/evaluation_manager.py`` (uv sets ``UV`` for what it runs), ``python scripts/...py`` or an
installed console command (``evaluation-manager``): a hint naming the other launcher would fail to paste.
"""

from __future__ import annotations

import os
import shlex
import sys

# Each program of the project: its script under scripts/ and its installed console command.
PROGRAMS = {
    "evaluation_manager": "evaluation-manager",
    "batch_eval_prs": "batch-eval-prs",
    "run_eval_job": "run-eval-job",
}


def launcher(program: str = "evaluation_manager") -> str:
    """The command line prefix that starts ``program`` the way the user started this process."""
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else ""
    name = os.path.basename(argv0)
    if name in PROGRAMS.values():
        return PROGRAMS[program]
    stem = name[:-3] if name.endswith(".py") else None
    if stem in PROGRAMS:
        script = os.path.join(os.path.dirname(argv0), f"{program}.py")
    else:  # imported (tests, another tool): the documented way
        script = f"scripts/{program}.py"
    runner = "uv run" if os.environ.get("UV") else "python"
    return f"{runner} {shlex.quote(script)}"


def prog_name(program: str) -> str:
    """The name argparse shows in usage and ``--version``: the console command or the script as typed."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name if name in PROGRAMS.values() or name == f"{program}.py" else f"{program}.py"
