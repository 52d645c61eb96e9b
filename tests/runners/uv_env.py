"""uv does not read pip's configuration: translate it into uv's environment variables at run time.

Shared by the runner tests and `.ci/run` (``python3 tests/runners/uv_env.py`` prints ``export`` lines), so that
``uv run`` of a runner script sees the same indexes and find-links as ``pip`` on this machine, without any
machine path written into the project.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

# pip option -> uv variable; pip merges all its indexes, so uv must pick the best match across them too.
_OPTIONS = {
    "index-url": "UV_DEFAULT_INDEX",
    "extra-index-url": "UV_INDEX",
    "find-links": "UV_FIND_LINKS",
}
_CONFIG_LINE = re.compile(r"^(?P<scope>[^.]*)\.(?P<key>[\w-]+)='(?P<value>.*)'$")


def pip_settings() -> dict[str, str]:
    """pip's effective index settings: ``PIP_*`` environment variables win over ``pip config`` files."""
    settings: dict[str, str] = {}
    listing = ""
    # a uv-made virtual environment may have no pip: then ask the machine's pip
    for pip in ([sys.executable, "-m", "pip"], [shutil.which("pip3") or "pip3"]):
        try:
            done = subprocess.run([*pip, "config", "list"], capture_output=True, text=True, timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            listing = done.stdout
            break
    for line in listing.splitlines():
        match = _CONFIG_LINE.match(line.strip())
        if match and match["key"] in _OPTIONS and match["scope"] != ":env:":
            settings[match["key"]] = match["value"]
    for key in _OPTIONS:
        value = os.environ.get("PIP_" + key.upper().replace("-", "_"))
        if value:
            settings[key] = value
    return settings


def local_torch_cpu_pin(find_links: str | None) -> str | None:
    """``torch==X+cpu`` when a CPU-only torch wheel for this Python sits in a local find-links folder, else None.

    Plain ``torch`` from PyPI pulls gigabytes of CUDA libraries; on a CPU machine the local wheel is enough.
    """
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    for folder in (find_links or "").replace(",", " ").split():
        path = Path(folder.removeprefix("file://"))
        if not path.is_dir():
            continue
        for wheel in sorted(path.glob(f"torch-*+cpu-{tag}-{tag}-*.whl")):
            return "torch==" + wheel.name.split("-")[1]
    return None


def uv_env() -> dict[str, str]:
    """Environment variables that make ``uv`` resolve like ``pip`` does here (empty when pip uses plain PyPI)."""
    settings = pip_settings()
    env = {_OPTIONS[key]: " ".join(value.split()) for key, value in settings.items()}
    env.update({name: os.environ[name] for name in _OPTIONS.values() if os.environ.get(name)})
    if "UV_FIND_LINKS" in env:
        env["UV_FIND_LINKS"] = ",".join(env["UV_FIND_LINKS"].split())
    if "UV_INDEX" in env or "UV_DEFAULT_INDEX" in env:
        env["UV_INDEX_STRATEGY"] = "unsafe-best-match"
    cert = os.environ.get("PIP_CERT")
    if cert and "SSL_CERT_FILE" not in os.environ:
        env["SSL_CERT_FILE"] = cert
    return env


if __name__ == "__main__":
    for name, value in uv_env().items():
        print(f"export {name}={shlex.quote(value)}")
