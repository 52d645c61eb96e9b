# /// script
# requires-python = ">=3.10"
# dependencies = [
#     "lm-eval[hf]==0.4.13",
#     "torch>=2.4",
# ]
# ///
"""lm-evaluation-harness's own command line (``lm_eval ...``) in an environment of its own.

Why: the runner tests check ``import-logs`` against results files the real harness writes on the tiny
local model; the harness has no runner script here, so this is its command line as users run it.
"""

from lm_eval.__main__ import cli_evaluate

if __name__ == "__main__":
    cli_evaluate()
