#!/usr/bin/env python3
# /// script
# requires-python = ">=3.10"
# dependencies = [
#     "huggingface_hub>=2.4,<3",
#     "python-dotenv>=1.0",
#     "pyyaml>=6.0",
#     "requests>=2.31",
#     "pypdf>=4.0",
#     "zstandard>=0.22",
# ]
# ///
"""Entry point: `uv run scripts/run_eval_job.py --help` (or the `run-eval-job` console command)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evalmgr.jobs_cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
