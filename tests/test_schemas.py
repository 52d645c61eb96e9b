"""The JSON Schemas the package publishes (``evalmgr/data/schemas``): valid schemas, in step with ``validate``,
and the shape of what the CLI writes. Every ``--format json`` output in the CLI tests is validated against
``output.v1.schema.json`` by ``cli_support.Run.json``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml
from cli_support import ROOT, run_cli, validator
from hub_emulator import HubEmulator
from test_eval_logs import inspect_header

FIXTURES = ROOT / "tests" / "fixtures" / "results"
REPO = "alice/Tiny-7B"


def test_the_schemas_ship_in_the_package() -> None:
    shipped = resources.files("evalmgr") / "data" / "schemas"
    assert {p.name for p in shipped.iterdir()} == {"eval_results.v1.schema.json", "output.v1.schema.json"}
    assert '"data/schemas/*.json"' in (ROOT / "pyproject.toml").read_text()  # package-data: wheels carry them


@pytest.mark.parametrize(("name", "valid"), [("existing_gpqa.yaml", True), ("wrong_shapes.yaml", False)])
def test_the_results_schema_agrees_with_validate(name: str, valid: bool) -> None:
    path = FIXTURES / name
    assert validator("eval_results.v1.schema.json").is_valid(yaml.safe_load(path.read_text())) is valid
    run = run_cli("validate", str(path), "--json")
    assert run.code == (0 if valid else 1) and run.json()["valid"] is valid


def test_written_entries_match_the_results_schema(tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    repo.mkdir()
    (repo / "README.md").write_text("# Tiny-7B\n")
    (tmp_path / "log.json").write_text(__import__("json").dumps(inspect_header(model=f"hf/{REPO}")))
    run = run_cli("import-logs", str(tmp_path / "log.json"), "--repo-id", REPO, "--repo-dir", str(repo), "--apply",
                  "--logs-url", "https://huggingface.co/datasets/alice/logs", "-q")
    assert run.code == 0, run.err
    assert run.err == "" and run.out.startswith("# .eval_results/gpqa.yaml")  # -q: the files, no status line
    (written,) = (repo / ".eval_results").iterdir()
    validator("eval_results.v1.schema.json").validate(yaml.safe_load(written.read_text()))


def test_json_flag_is_format_json_and_quiet_drops_warnings(tmp_path: Path, hub: HubEmulator) -> None:
    hub.add_model(REPO, {"README.md": "# Tiny-7B\n"})  # a preview compares with the repo's main branch
    (tmp_path / "log.json").write_text(__import__("json").dumps(inspect_header(model="hf/bob/Other")))
    args = ("import-logs", str(tmp_path / "log.json"), "--repo-id", REPO)
    as_json, as_format = run_cli(*args, "--json"), run_cli(*args, "--format", "json")
    assert as_json.json() == as_format.json()
    loud, quiet = run_cli(*args), run_cli(*args, "-q")
    assert "warning: the log's model is bob/Other" in loud.err and "preview only" in loud.err
    assert quiet.code == 0 and quiet.err == "" and quiet.out == loud.out  # the files are still shown
    error = run_cli("import-logs", str(tmp_path / "missing.json"), "--repo-id", REPO, "-q")
    assert error.code == 1 and "error:" in error.err  # errors are never quiet
