"""Shared test fixtures.

One Hub emulator (``tests/hub_emulator``) serves the whole test session (one per xdist worker). It is started
when this file is imported, before any test module imports huggingface_hub, because the client reads
``HF_ENDPOINT`` once at import time.

``scripts/`` is put on ``sys.path`` so that ``import evalmgr`` works without installing the project.

Fixtures:
- ``hub``: the session's ``HubEmulator``, reset for this test to the Hub's official benchmark datasets only
  (``official_support``; seed the rest, then assert on
  ``hub.files(...)``, ``hub.pull_requests(...)``, ``hub.requests``, ``hub.jobs``). The test fails at teardown
  if the emulator itself crashed (``hub.server_errors``).
- the whole session runs with its own ``HOME`` and ``XDG_CACHE_HOME`` (``SANDBOX``), set before any test.
- ``hf_home`` (autouse): a fresh, empty ``HF_HOME`` and cache folder for every test, with ``HF_TOKEN`` unset; the client's
  already-imported path constants (cache, token file) are pointed at it. Write ``hf_home / "token"`` to
  simulate a cached ``hf auth login``.
- ``hf_env``: an environment dict for CLI subprocesses: HF_ENDPOINT (the emulator), this test's HF_HOME,
  telemetry and progress bars off, ``scripts/`` on PYTHONPATH, and no token (add ``HF_TOKEN`` when a test
  needs one).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_emulator import HubEmulator
from official_support import seed_official_benchmarks

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "scripts") not in sys.path:  # the package under test (evalmgr) without an install
    sys.path.insert(0, str(ROOT / "scripts"))
_TOKEN_ENV = (
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "HF_TOKEN_PATH",
    "HF_OIDC_RESOURCE",
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "HF_ASSETS_CACHE",
    "HF_XET_CACHE",
    "HF_HUB_OFFLINE",
)

if "huggingface_hub" in sys.modules:
    raise RuntimeError("huggingface_hub was imported before tests/conftest.py set HF_ENDPOINT: import it lazily")

# Hermetic: the suite gets a HOME and a cache folder of its own, so it never reads or fills the user's
# caches (evalmgr's AA and eval.yaml caches, tool caches under ~). Only uv's package cache and the Python
# installations stay shared (read-mostly, and rebuilding the runner environments would take minutes).
REAL_HOME = Path.home()
SANDBOX = Path(tempfile.mkdtemp(prefix="evalmgr-tests-"))
_KEEP = {
    "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR")
    or os.path.join(os.environ.get("XDG_CACHE_HOME") or REAL_HOME / ".cache", "uv"),
    "UV_PYTHON_INSTALL_DIR": os.environ.get("UV_PYTHON_INSTALL_DIR")
    or os.path.join(os.environ.get("XDG_DATA_HOME") or REAL_HOME / ".local" / "share", "uv", "python"),
    "PYENV_ROOT": os.environ.get("PYENV_ROOT") or str(REAL_HOME / ".pyenv"),
}
os.environ.update({k: str(v) for k, v in _KEEP.items() if os.path.isdir(v)})
os.environ["HOME"] = str(SANDBOX / "home")
os.environ["XDG_CACHE_HOME"] = str(SANDBOX / "cache")
os.environ.pop("EVALMGR_CACHE_DIR", None)
(SANDBOX / "home").mkdir()
_HUB = HubEmulator().start()
os.environ["HF_ENDPOINT"] = _HUB.endpoint
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
os.environ["HF_HUB_DISABLE_UPDATE_CHECK"] = "1"


def pytest_unconfigure(config: pytest.Config) -> None:
    _HUB.stop()
    shutil.rmtree(SANDBOX, ignore_errors=True)


@pytest.fixture
def hub() -> Iterator[HubEmulator]:
    """The emulator as the real Hub is: empty but for its official benchmark datasets (seed the rest)."""
    _HUB.reset()
    seed_official_benchmarks(_HUB)
    yield _HUB
    assert not _HUB.server_errors, "the Hub emulator crashed:\n" + "\n".join(_HUB.server_errors)


@pytest.fixture(autouse=True)
def hf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "hf_home"
    home.mkdir()
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # each test its own evalmgr cache
    for name in _TOKEN_ENV:
        monkeypatch.delenv(name, raising=False)
    constants = getattr(sys.modules.get("huggingface_hub"), "constants", None)
    if constants is not None:  # already imported by an earlier test: its paths were frozen at import
        for name, value in {
            "HF_HOME": home,
            "HF_HUB_CACHE": home / "hub",
            "HUGGINGFACE_HUB_CACHE": home / "hub",
            "HF_ASSETS_CACHE": home / "assets",
            "HF_XET_CACHE": home / "xet",
            "HF_TOKEN_PATH": home / "token",
            "HF_STORED_TOKENS_PATH": home / "stored_tokens",
        }.items():
            monkeypatch.setattr(constants, name, str(value))
    yield home


@pytest.fixture
def hf_env(hf_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _TOKEN_ENV}
    env.update(
        HF_ENDPOINT=_HUB.endpoint,
        HF_HOME=str(hf_home),
        XDG_CACHE_HOME=os.environ["XDG_CACHE_HOME"],
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_HUB_DISABLE_UPDATE_CHECK="1",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "scripts"), env.get("PYTHONPATH")])),
    )
    return env
