"""evalmgr: correct, sourced benchmark results for Hugging Face model repositories.

The pipeline, one module per job:

- ``sources``  (card tables, Artificial Analysis, papers, evaluation logs) each return a ``SourceReport`` of
  immutable ``observation.Observation`` objects (what the source printed, where), refusals and warnings;
- ``registry`` resolves an observation to a ``result.Result`` (Hub benchmark dataset id, task id, variant)
  or a typed ``Unmatched``;
- ``results``  builds, merges and validates entries in the ``.eval_results/`` and ``model-index`` formats;
- ``hub``      reads repositories and publishes one change (push or pull request) with guards.

Imports here stay light: ``--help`` must not pull in huggingface_hub.
"""

__version__ = "0.1.0"


def load_dotenv_file() -> None:
    """Read `.env` from the working directory (tokens, AA_API_KEY), never overriding the real environment."""
    import os

    if os.path.exists(".env"):
        from dotenv import load_dotenv

        load_dotenv(".env", override=False)
