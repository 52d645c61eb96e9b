"""Run a PEP 723 script with ``uv run`` the way the runner tests need: pip's indexes, offline Hub, CPU torch.

The scripts' headers hold no vLLM (it comes only with ``uv run --with`` for ``--backend vllm``). For a CPU
test machine, a copy of the script gets a ``[tool.uv]`` table in its header that pins the local CPU-only
torch wheel, when pip's find-links hold one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from uv_env import local_torch_cpu_pin, uv_env  # importable as a script and from the tests

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [ROOT / "scripts" / "inspect_vllm_uv.py", ROOT / "scripts" / "inspect_eval_uv.py",
           ROOT / "scripts" / "lighteval_vllm_uv.py", ROOT / "tests" / "runners" / "build_tiny_model.py",
           ROOT / "tests" / "runners" / "lm_eval_cli.py"]

HEADER_END = "# ///\n"


def cpu_copy(script: Path, folder: Path) -> Path:
    """``script`` copied into ``folder`` with a header that installs CPU torch."""
    env = uv_env()
    pin = local_torch_cpu_pin(env.get("UV_FIND_LINKS"))
    lines = ["# [tool.uv]\n", f'# override-dependencies = ["{pin}"]\n'] if pin else []
    text = script.read_text()
    head, sep, body = text.partition(HEADER_END)
    if not sep or "# /// script" not in head:
        raise ValueError(f"{script} has no PEP 723 header")
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / script.name
    copy.write_text(head + "".join(lines) + sep + body)
    return copy


def run_script(script: Path, args: list[str], cwd: Path, timeout: int = 900,
               extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``uv run --script`` offline (``HF_HUB_OFFLINE=1``), output captured as text."""
    env = {k: v for k, v in os.environ.items() if k != "HF_TOKEN"}
    env = {**env, **uv_env(), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "UV_PYTHON_DOWNLOADS": "never", "INSPECT_DISPLAY": "plain",
           "TOKENIZERS_PARALLELISM": "false", "HF_HOME": str(cwd / "hf_home"), **(extra_env or {})}
    return subprocess.run(["uv", "run", "--quiet", "--script", str(script), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def warm() -> int:
    """Fill uv's cache with every runner environment (run by CI before the tests: ``python3 THIS_FILE``)."""
    with tempfile.TemporaryDirectory() as scratch:
        for script in SCRIPTS:
            result = run_script(cpu_copy(script, Path(scratch)), ["--help"], cwd=Path(scratch))
            print(f"{script.name}: {'ready' if result.returncode == 0 else 'FAILED'}")
            if result.returncode:
                print(result.stdout[-2000:], result.stderr[-4000:], file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(warm())
