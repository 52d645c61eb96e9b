"""The runner scripts' PEP 723 headers: what ``uv run`` installs and what ``hf jobs uv run`` reads from them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from evalmgr import jobs
from huggingface_hub.cli._uv_script_header import _extract_pep_723_block, _load_toml, parse_uv_script_header

ROOT = Path(__file__).resolve().parents[1]
RUNNERS = sorted((ROOT / "scripts").glob("*_uv.py"))


def header(path: Path) -> dict:
    return _load_toml(_extract_pep_723_block(path.read_text()))


def test_every_runner_is_shipped_in_the_package_unchanged() -> None:
    shipped = {p.name: p.read_bytes() for p in jobs.SCRIPTS.glob("*_uv.py")}
    assert shipped == {p.name: p.read_bytes() for p in RUNNERS}
    assert set(jobs.RUNNERS.values()) <= set(shipped)


@pytest.mark.parametrize("runner", RUNNERS, ids=lambda p: p.name)
def test_no_cuda_stack_unless_asked_for(runner: Path) -> None:
    """vLLM (and the CUDA packages it pulls) is never a dependency: it comes only with --backend vllm."""
    meta = header(runner)
    names = [re.split(r"[\s=<>!~;\[]", d, maxsplit=1)[0].lower() for d in meta["dependencies"]]
    assert not any(n == "vllm" or n.startswith("nvidia") for n in names), names
    if '"vllm"' in runner.read_text():  # a --backend vllm choice: its pin is in the header, for `uv run --with`
        assert re.fullmatch(r"vllm==[\d.]+", meta["tool"]["evalmgr"]["vllm"])


@pytest.mark.parametrize("runner", RUNNERS, ids=lambda p: p.name)
def test_python_floor_matches_the_pins(runner: Path) -> None:
    meta = header(runner)
    pins = " ".join(meta["dependencies"])
    if "inspect-ai==" in pins:  # inspect-ai 0.3.285 and inspect-evals 0.26 declare Requires-Python >=3.11
        assert meta["requires-python"] == ">=3.11"


@pytest.mark.parametrize("runner", RUNNERS, ids=lambda p: p.name)
def test_hf_jobs_reads_the_launch_defaults(runner: Path) -> None:
    launch = parse_uv_script_header(runner.read_text())  # huggingface_hub's own reader, as `hf jobs uv run`
    assert launch is not None and launch.secrets == ["HF_TOKEN"]
    assert launch.flavor and launch.timeout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed")
@pytest.mark.parametrize("runner", RUNNERS, ids=lambda p: p.name)
def test_pins_resolve_at_the_python_floor_and_vllm_only_when_asked(runner: Path, tmp_path: Path) -> None:
    """``uv pip compile`` of the header for Linux x86-64 at its lowest Python, against the configured indexes:
    it resolves, without vLLM; with the header's vLLM pin added (what --backend vllm installs) it resolves too."""
    from runners.uv_env import uv_env

    meta = header(runner)
    floor = re.fullmatch(r">=\s*(\d+\.\d+)", meta["requires-python"]).group(1)

    def compile_(requirements: list[str]) -> subprocess.CompletedProcess[str]:
        (tmp_path / "requirements.in").write_text("\n".join(requirements) + "\n")
        return subprocess.run(["uv", "pip", "compile", str(tmp_path / "requirements.in"), "--quiet", "--python-version",
                               floor, "--python-platform", "x86_64-manylinux_2_28"], capture_output=True, text=True,
                              env={**os.environ, **uv_env()}, timeout=600, check=False)

    cpu = compile_(meta["dependencies"])
    assert cpu.returncode == 0, cpu.stderr[-2000:]
    assert not re.search(r"^(vllm|flashinfer-python|xformers)==", cpu.stdout, re.MULTILINE)
    vllm = meta.get("tool", {}).get("evalmgr", {}).get("vllm")
    if vllm:
        gpu = compile_([*meta["dependencies"], vllm])
        assert gpu.returncode == 0, gpu.stderr[-2000:]
        assert re.search(rf"^{re.escape(vllm)}$", gpu.stdout, re.MULTILINE)
