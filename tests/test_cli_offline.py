"""End-to-end CLI tests without the Hub: a local card and a local clone (--readme / --repo-dir)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_support import MANAGER, ROOT, run_cli

CARD = ROOT / "tests" / "fixtures" / "cli" / "gpqa_card.md"


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(CARD, repo / "README.md")
    return repo


def eval_files(repo: Path) -> dict[str, list]:
    folder = repo / ".eval_results"
    return {p.name: yaml.safe_load(p.read_text()) for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def test_help_is_fast_and_does_not_import_the_hub_client() -> None:
    code = ("import sys, runpy; sys.argv=['evaluation_manager.py','add-eval','--help'];"
            f"sys.path.insert(0, {str(MANAGER.parent)!r});"
            "from evalmgr.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', [m for m in ('huggingface_hub','yaml','markdown_it','pypdf','requests') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "safe workflow" in proc.stdout
    assert "HEAVY []" in proc.stdout  # what makes --help instant: no heavy import (time it with a benchmark)


def test_version() -> None:
    run = run_cli("--version")
    assert run.code == 0 and "0.1.0" in run.out


def test_no_input_is_a_usage_error() -> None:
    run = run_cli("extract-readme")
    assert run.code == 2
    assert "--readme" in run.err


def test_unknown_option_is_a_usage_error() -> None:
    assert run_cli("extract-readme", "--no-such-flag").code == 2


def test_add_eval_value_preview_prints_yaml_and_writes_nothing(clone: Path) -> None:
    run = run_cli("add-eval", "--repo-dir", str(clone), "--repo-id", "orbit/Orbit-7B-Instruct",
                  "--benchmark", "GPQA Diamond", "--value", "41.2")
    assert run.code == 0, run.err
    assert "# .eval_results/gpqa.yaml" in run.out
    data = yaml.safe_load(run.out.split("\n", 1)[1])
    assert data == [{"dataset": {"id": "Idavidrein/gpqa", "task_id": "diamond"}, "value": 41.2,
                     "source": {"url": "https://huggingface.co/orbit/Orbit-7B-Instruct", "name": "Model card"}}]
    assert "preview only" in run.err
    assert not (clone / ".eval_results").exists()


def test_add_eval_apply_writes_then_is_idempotent(clone: Path) -> None:
    args = ("add-eval", "--repo-dir", str(clone), "--repo-id", "orbit/Orbit-7B-Instruct",
            "--benchmark", "GPQA Diamond", "--value", "41.2", "--date", "2026-01-15", "--apply")
    first = run_cli(*args)
    assert first.code == 0, first.err
    files = eval_files(clone)
    assert files == {"gpqa.yaml": [{"dataset": {"id": "Idavidrein/gpqa", "task_id": "diamond"}, "value": 41.2,
                                    "date": "2026-01-15",
                                    "source": {"url": "https://huggingface.co/orbit/Orbit-7B-Instruct",
                                               "name": "Model card"}}]}
    assert "date: \"2026-01-15\"" in (clone / ".eval_results" / "gpqa.yaml").read_text() or \
        "date: '2026-01-15'" in (clone / ".eval_results" / "gpqa.yaml").read_text()
    before = (clone / ".eval_results" / "gpqa.yaml").read_bytes()
    second = run_cli(*args)
    assert second.code == 0
    assert "already present" in second.err
    assert (clone / ".eval_results" / "gpqa.yaml").read_bytes() == before


def test_conflicting_value_is_refused_then_forced(clone: Path) -> None:
    base = ("add-eval", "--repo-dir", str(clone), "--repo-id", "orbit/Orbit-7B-Instruct", "--benchmark", "GPQA Diamond")
    assert run_cli(*base, "--value", "41.2", "--apply").code == 0
    conflict = run_cli(*base, "--value", "43.0", "--apply")
    assert conflict.code == 1
    assert "41.2" in conflict.err and "43" in conflict.err and "--force" in conflict.err
    assert eval_files(clone)["gpqa.yaml"][0]["value"] == 41.2
    forced = run_cli(*base, "--value", "43.0", "--apply", "--force")
    assert forced.code == 0, forced.err
    assert [e["value"] for e in eval_files(clone)["gpqa.yaml"]] == [43.0]


def test_notes_make_a_separate_result_and_file(clone: Path) -> None:
    base = ("add-eval", "--repo-dir", str(clone), "--repo-id", "o/m", "--benchmark", "HLE", "--apply")
    assert run_cli(*base, "--value", "4.1").code == 0
    assert run_cli(*base, "--value", "9.5", "--notes", "with tools").code == 0
    files = eval_files(clone)
    assert files["hle.yaml"][0]["value"] == 4.1
    assert files["hle_with_tools.yaml"][0] == {"dataset": {"id": "cais/hle", "task_id": "hle"}, "value": 9.5,
                                               "source": {"url": "https://huggingface.co/o/m", "name": "Model card"},
                                               "notes": "with tools"}


def test_unregistered_benchmark_needs_dataset_and_task(clone: Path) -> None:
    run = run_cli("add-eval", "--repo-dir", str(clone), "--repo-id", "o/m", "--benchmark", "Zorp-Bench", "--value", "12")
    assert run.code == 2
    assert "--dataset-id" in run.err
    args = ("add-eval", "--repo-dir", str(clone), "--repo-id", "o/m", "--benchmark", "Zorp-Bench", "--value", "12",
            "--dataset-id", "zorp/zorp-bench", "--task-id", "main")
    preview, write = run_cli(*args), run_cli(*args, "--apply")
    assert (preview.code, write.code) == (1, 1)  # not an official Hub benchmark: no leaderboard, never written
    assert "zorp/zorp-bench" in write.err and "not an official Hub benchmark" in write.err
    assert "not an official Hub benchmark" in preview.err and "refused: nothing to publish" in preview.err
    assert not (clone / ".eval_results").exists()
    ok = run_cli(*args, "--format", "model-index", "--apply")
    assert ok.code == 0, ok.err
    assert "zorp/zorp-bench" in (clone / "README.md").read_text()


def test_model_index_format_keeps_body_and_metadata(clone: Path) -> None:
    body_before = (clone / "README.md").read_text().split("---", 2)[2]
    run = run_cli("add-eval", "--repo-dir", str(clone), "--repo-id", "orbit/Orbit-7B-Instruct",
                  "--benchmark", "GSM8K", "--value", "81.0", "--format", "model-index", "--apply")
    assert run.code == 0, run.err
    text = (clone / "README.md").read_text()
    meta = yaml.safe_load(text.split("---", 2)[1])
    assert meta["license"] == "apache-2.0" and meta["tags"] == ["text-generation"]
    results = meta["model-index"][0]["results"]
    assert results[0]["dataset"]["type"] == "openai/gsm8k"
    assert results[0]["metrics"][0]["value"] == 81.0
    assert text.split("---", 2)[2] == body_before
    again = run_cli("add-eval", "--repo-dir", str(clone), "--repo-id", "orbit/Orbit-7B-Instruct",
                    "--benchmark", "GSM8K", "--value", "81.0", "--format", "model-index", "--apply")
    assert again.code == 0 and (clone / "README.md").read_text() == text


def test_validate_reports_every_problem_with_location(tmp_path: Path) -> None:
    good = tmp_path / "gpqa.yaml"
    good.write_text("- dataset:\n    id: Idavidrein/gpqa\n    task_id: diamond\n  value: 41.2\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- dataset:\n    id: cais/hle\n  value: high\n  date: yesterday\n")
    ok = run_cli("validate", str(good))
    assert ok.code == 0 and "valid" in ok.out
    run = run_cli("validate", str(good), str(bad), "--format", "json")
    assert run.code == 1
    problems = run.json()["problems"]
    assert run.json()["valid"] is False
    assert all(str(bad) in p["location"] for p in problems if p["severity"] == "error")
    messages = " ".join(p["message"] for p in problems)
    assert "task_id" in messages and "value" in messages


def test_validate_malformed_yaml_and_front_matter(tmp_path: Path) -> None:
    broken = tmp_path / "x.yaml"
    broken.write_text("- dataset: [unclosed\n")
    readme = tmp_path / "README.md"
    readme.write_text("---\nlicense: mit\nmodel-index: [\n# never closes\n")
    run = run_cli("validate", str(broken), str(readme))
    assert run.code == 1
    assert str(broken) in run.out and str(readme) in run.out


def test_validate_reads_the_model_index_with_the_mapping_given(tmp_path: Path) -> None:
    """--mapping reaches the model-index checks: a benchmark it puts on a points scale may be negative."""
    readme = tmp_path / "README.md"
    readme.write_text("---\n" + yaml.safe_dump({"model-index": [{"name": "m", "results": [
        {"task": {"type": "text-generation"}, "dataset": {"type": "cais/hle", "name": "HLE"},
         "metrics": [{"type": "accuracy", "value": -2.5}]}]}]}) + "---\n# m\n")
    mapping = tmp_path / "points.json"
    mapping.write_text('{"version": 1, "benchmarks": {"hle": {"scale": "points"}}}')
    bundled = run_cli("validate", str(readme))
    assert bundled.code == 1 and "value -2.5 is negative on a percentage scale" in bundled.out
    mapped = run_cli("validate", str(readme), "--mapping", str(mapping))
    assert mapped.code == 0, mapped.out + mapped.err


def test_show_lists_local_results_in_json(clone: Path) -> None:
    assert run_cli("add-eval", "--repo-dir", str(clone), "--repo-id", "o/m", "--benchmark", "GPQA Diamond",
                   "--value", "41.2", "--apply").code == 0
    run = run_cli("show", "--repo-dir", str(clone), "--repo-id", "o/m", "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    assert data["repo_id"] == "o/m"
    assert data["results"] == [{"dataset_id": "Idavidrein/gpqa", "task_id": "diamond", "value": 41.2, "notes": None,
                                "source": {"url": "https://huggingface.co/o/m", "name": "Model card"},
                                "file": ".eval_results/gpqa.yaml", "format": "eval-results", "pr": None}]


def test_apply_without_a_target_is_a_usage_error() -> None:
    run = run_cli("add-eval", "--readme", str(CARD), "--benchmark", "GPQA Diamond", "--value", "41.2", "--apply")
    assert run.code == 2
    assert "--repo-id" in run.err


def test_binary_readme_is_a_clear_input_error(tmp_path: Path) -> None:
    junk = tmp_path / "README.md"
    junk.write_bytes(bytes(range(256)) * 50)
    run = run_cli("extract-readme", "--readme", str(junk), "--repo-id", "o/m")
    assert run.code == 1
    assert "not a text file" in run.err


def test_huge_card_and_huge_table_are_fast(tmp_path: Path) -> None:
    rows = "\n".join(f"| Task {i} | {i % 100}.5 | 1.0 |" for i in range(10_000))
    table = f"| Benchmark | Orbit-7B-Instruct | Other |\n|---|---|---|\n{rows}\n"
    big = tmp_path / "big.md"
    big.write_text(CARD.read_text() + "\n" + ("Lorem ipsum dolor sit amet. " * 40 + "\n") * 4500 + table)
    assert big.stat().st_size > 5_000_000
    run = run_cli("extract-readme", "--readme", str(big), "--repo-id", "orbit/Orbit-7B-Instruct", "--table", "2",
                  "--format", "json")
    assert run.code == 1, run.err  # every row is shown; none is a Hub benchmark, so nothing could be written
    assert run.json()["publish"]["refusals"][0]["kind"] == "nothing_to_publish"
    values = {r["benchmark"]: r["value"] for r in run.json()["results"]}
    assert len(values) == 10_000 and values["Task 9999"] == 99.5


def test_front_matter_that_never_closes_writes_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("---\nlicense: mit\nmodel-index:\n  - name: x\n" + CARD.read_text().split("---", 2)[2])
    before = (repo / "README.md").read_bytes()
    run = run_cli("add-eval", "--repo-dir", str(repo), "--repo-id", "o/m", "--benchmark", "GSM8K", "--value", "81",
                  "--format", "model-index", "--apply")
    assert run.code == 1
    assert "front matter" in run.err
    assert (repo / "README.md").read_bytes() == before


def test_filename_puts_everything_in_one_safe_file(clone: Path) -> None:
    run = run_cli("extract-readme", "--repo-dir", str(clone), "--repo-id", "orbit/Orbit-7B-Instruct",
                  "--filename", "orbit_card.yaml", "--apply")
    assert run.code == 0, run.err
    assert list(eval_files(clone)) == ["orbit_card.yaml"]
    assert len(eval_files(clone)["orbit_card.yaml"]) == 4
    bad = run_cli("extract-readme", "--repo-dir", str(clone), "--repo-id", "orbit/Orbit-7B-Instruct",
                  "--filename", "../../escape.yaml", "--apply")
    assert bad.code == 2
    assert not (clone.parent / "escape.yaml").exists()


def test_a_fraction_next_to_percentages_is_flagged_and_not_published(tmp_path: Path) -> None:
    repo = tmp_path / "kite"
    repo.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "cli" / "fraction_card.md", repo / "README.md")
    preview = run_cli("extract-readme", "--repo-dir", str(repo), "--repo-id", "kite/Kite-7B", "--format", "json")
    assert preview.code == 1  # the preview refuses what the write refuses
    assert [r["kind"] for r in preview.json()["publish"]["refusals"]] == ["scale"]
    assert any("0.412" in r for r in preview.json()["refused"])
    flagged = [p for p in preview.json()["publish"]["problems"] if "0.412" in p["message"]]
    assert flagged and "41.2" in flagged[0]["message"]
    refused = run_cli("extract-readme", "--repo-dir", str(repo), "--repo-id", "kite/Kite-7B", "--apply")
    assert refused.code == 1 and "0.412" in refused.err
    assert not (repo / ".eval_results").exists()
    forced = run_cli("extract-readme", "--repo-dir", str(repo), "--repo-id", "kite/Kite-7B", "--apply", "--force")
    assert forced.code == 0
    assert eval_files(repo)["gpqa.yaml"][0]["value"] == 0.412


def test_validate_a_local_clone(clone: Path) -> None:
    assert run_cli("add-eval", "--repo-dir", str(clone), "--repo-id", "o/m", "--benchmark", "GSM8K", "--value", "81",
                   "--apply").code == 0
    assert run_cli("validate", "--repo-dir", str(clone)).code == 0
    (clone / ".eval_results" / "gsm8k.yaml").write_text("- dataset:\n    id: openai/gsm8k\n  value: 81\n")
    run = run_cli("validate", "--repo-dir", str(clone))
    assert run.code == 1 and ".eval_results/gsm8k.yaml" in run.out
