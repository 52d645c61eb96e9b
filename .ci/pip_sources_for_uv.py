"""Print `export` lines that give uv the package sources pip is configured with on this machine.

uv does not read pip's configuration. CI machines here point pip at local wheel folders and extra
indexes; reading them at run time (instead of writing paths into the project) keeps the project
portable: on a machine with plain pip this prints nothing and uv uses PyPI as usual.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys


def pip_config() -> dict[str, str]:
    """pip's effective settings (`pip config list`), with PIP_* environment variables on top."""
    values: dict[str, str] = {}
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    for line in out.splitlines():
        key, sep, raw = line.partition("=")
        if not sep:
            continue
        name = key.split(".", 1)[-1]
        values[name] = raw.strip().strip("'\"")
    for name in ("index-url", "extra-index-url", "find-links"):
        env = os.environ.get("PIP_" + name.upper().replace("-", "_"))
        if env:
            values[name] = env
    return values


def uv_exports(config: dict[str, str]) -> dict[str, str]:
    """Translate pip settings into uv environment variables."""
    env: dict[str, str] = {}
    if config.get("index-url"):
        env["UV_DEFAULT_INDEX"] = config["index-url"]
    extra = config.get("extra-index-url", "").split()
    if extra:
        env["UV_INDEX"] = " ".join(extra)
        # pip merges all indexes; uv stops at the first index that has a package unless told otherwise.
        env["UV_INDEX_STRATEGY"] = "unsafe-best-match"
    links = config.get("find-links", "").split()
    if links:
        env["UV_FIND_LINKS"] = ",".join(links)
        env["UV_INDEX_STRATEGY"] = "unsafe-best-match"
    return env


if __name__ == "__main__":
    for name, value in uv_exports(pip_config()).items():
        print(f"export {name}={shlex.quote(value)}")
