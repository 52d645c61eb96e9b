"""Run one hostile case in this process, through the CLI's own ``main()``, and report what happened."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aa_emulator import serving
from hostile.generate import Case, materialise, snapshot


@dataclass
class Outcome:
    code: int | None
    out: str
    err: str
    crash: BaseException | None  # an exception that escaped main(): a traceback for the user
    before: dict  # the case's files as created (generate.snapshot)


@contextlib.contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _offline() -> Iterator[None]:
    """The Hub client in offline mode for one case. huggingface_hub reads HF_HUB_OFFLINE once, at import: it is
    imported here first (with the session's setting) and its constant switched for the case only."""
    from huggingface_hub import constants

    saved = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = saved


def run_case(case: Case, root: Path, cache: Path) -> Outcome:
    """Materialise the case under ``root`` and run it, offline; ``cache`` is the command's cache folder."""
    from evalmgr.cli import main

    root.mkdir(parents=True, exist_ok=True)
    materialise(case, root)
    before = snapshot(root)
    argv = [a.replace("{d}", str(root)) for a in case.argv]
    env = {"HF_HUB_OFFLINE": "1", "EVALMGR_CACHE_DIR": str(cache), "EVALMGR_RETRY_BUDGET": "2",
           **{k: v.replace("{d}", str(root)) for k, v in case.env.items()}}
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        if case.kind == "AA server":
            env["AA_API_BASE"] = stack.enter_context(serving(case.server)) if case.server else "http://127.0.0.1:9"
        stack.enter_context(_offline())
        stack.enter_context(_environ(env))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        try:
            code: int | None = main(argv)
            crash = None
        except SystemExit as exc:  # argparse's usage errors
            code, crash = (exc.code if isinstance(exc.code, int) else 2), None
        except BaseException as exc:  # noqa: BLE001 - the point of the corpus: nothing may escape
            code, crash = None, exc
    return Outcome(code, out.getvalue(), err.getvalue(), crash, before)
