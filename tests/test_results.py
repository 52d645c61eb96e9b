"""The .eval_results format: entries, file names, strict reading, merge plans, scale, validation."""

from __future__ import annotations

from dataclasses import replace

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from evalmgr.errors import EvalManagerError, UsageError, ValidationError
from evalmgr.formats.base import Plan, check_scale, measured, merge
from evalmgr.formats.eval_results import (
    EvalResults,
    dump_eval_results,
    entry_for,
    eval_results_path,
    filename_path,
    load_eval_results,
    validate_eval_results,
)
from evalmgr.hub import RepoState
from evalmgr.registry import Registry
from evalmgr.observation import Provenance
from evalmgr.result import Result

FIXTURES = Path(__file__).parent / "fixtures" / "results"

pytest_plugins = ("results_support",)  # fixtures: reg, scored, no_env_mapping


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def plan_eval_results(existing: dict[str, str], items: list[Result], reg: Registry, *, filename: str | None = None,
                      force: bool = False) -> Plan:
    """The merge loop in the .eval_results format against a repo holding ``existing`` files."""
    return merge(RepoState(None, "local", None, None, dict(existing)), items, EvalResults(reg, filename), force=force)


def test_entry_round_trip_with_quoted_date(reg: Registry, scored: Callable[..., Result]) -> None:
    score = scored(reg, "GPQA Diamond", 41.2, date="2025-01-15")
    entry = entry_for(score)
    text = dump_eval_results([entry])
    assert 'date: "2025-01-15"' in text
    assert "verifyToken" not in text
    assert load_eval_results(text, "x.yaml") == [entry]
    assert text == fixture("existing_gpqa.yaml").split("\n", 1)[1]  # layout of a hand-written file


def test_entry_refuses_unregistered_and_taskless(reg: Registry, scored: Callable[..., Result]) -> None:
    with pytest.raises(EvalManagerError, match="no registered Hub benchmark"):
        entry_for(scored(reg, "Made-up Bench", 1.0))
    with pytest.raises(EvalManagerError, match="no known task id"):
        entry_for(scored(reg, "SWE-bench Verified", 60.0))
    with pytest.raises(EvalManagerError, match="ISO-8601"):
        entry_for(scored(reg, "HLE", 20.0, date="15/01/2025"))
    with pytest.raises(EvalManagerError, match="finite"):
        entry_for(scored(reg, "HLE", float("nan")))


def test_source_without_url_is_left_out(reg: Registry, scored: Callable[..., Result]) -> None:
    score = replace(scored(reg, "HLE", 20.0), provenance=Provenance("model_card", None, "Model card"))
    assert entry_for(score).source_name is None


@pytest.mark.parametrize(
    "notes",
    ["../../etc/passwd", "a/b\\c", "x\x00y", ".hidden", "ｗｉｔｈ ｔｏｏｌｓ", "tools\u202egnp.exe", "思考モード",
     "n" * 500, "with tools"],
)
def test_file_names_are_safe(reg: Registry, notes: str, scored: Callable[..., Result]) -> None:
    score = replace(scored(reg, "HLE", 20.0), variant=notes)  # the variant names the file
    path = eval_results_path(score, reg)
    assert re.fullmatch(r"\.eval_results/hle(_[a-z0-9_]+)?\.yaml", path), path
    assert len(path) < 90


def test_file_names_per_benchmark_and_variant(reg: Registry, scored: Callable[..., Result]) -> None:
    assert eval_results_path(scored(reg, "GPQA Diamond", 1.0), reg) == ".eval_results/gpqa.yaml"
    assert eval_results_path(scored(reg, "HLE (w/ tools)", 1.0), reg) == ".eval_results/hle_with_tools.yaml"
    other = Result("Cool Bench", 1.0, dataset_id="someone/Cool-Bench_v2", task_id="t")
    assert eval_results_path(other, reg) == ".eval_results/cool_bench_v2.yaml"
    a, b = (eval_results_path(Result("HLE", 1.0, variant=n, dataset_id="cais/hle", task_id="hle"), reg)
            for n in ("思考", "模式"))
    assert a != b


@pytest.mark.parametrize("bad", ["../x.yaml", "a/b.yaml", ".hidden.yaml", "", "x\x00.yaml", "..yaml"])
def test_filename_option_refuses_path_tricks(bad: str) -> None:
    with pytest.raises(UsageError):
        filename_path(bad)


def test_filename_option_accepts_plain_names() -> None:
    assert filename_path("results.yaml") == ".eval_results/results.yaml"
    assert filename_path(".eval_results/model-card") == ".eval_results/model-card.yaml"


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (fixture("malformed.yaml"), ["malformed.yaml:4", "not valid YAML", "flow sequence"]),
        ("dataset: {id: cais/hle}\n", ["expected a list"]),
        ("", ["empty file"]),
        ("\x00\x01garbage\xff", ["binary"]),
        (fixture("wrong_shapes.yaml"),
         ["wrong_shapes.yaml:1: error: entry 1: 'dataset.task_id' is required",
          "'value' must be a finite number", "'date' must be an ISO-8601", "'source.url' is required",
          "wrong_shapes.yaml:7: error: entry 2: expected a mapping"]),
        ("- dataset: {id: hle, task_id: hle}\n  value: true\n", ["owner/name", "'value' must be a finite number"]),
    ],
)
def test_malformed_files_list_every_problem(text: str, needles: list[str]) -> None:
    name = "malformed.yaml" if "unclosed" in text else "wrong_shapes.yaml"
    with pytest.raises(ValidationError) as err:
        load_eval_results(text, name)
    report = str(err.value) + "\n" + "\n".join(str(p) for p in err.value.problems)
    for needle in needles:
        assert needle in report, report


def test_unquoted_date_is_read_with_a_warning(reg: Registry) -> None:
    text = "- dataset: {id: cais/hle, task_id: hle}\n  value: 20.9\n  date: 2025-01-15\n"
    assert load_eval_results(text, "a.yaml")[0].date == "2025-01-15"
    problems = validate_eval_results({".eval_results/a.yaml": text}, reg)
    assert [p.severity for p in problems] == ["warning"] and "not quoted" in problems[0].message


def test_plan_adds_then_is_idempotent(reg: Registry, scored: Callable[..., Result]) -> None:
    scores = [scored(reg, "GPQA Diamond", 41.2), scored(reg, "HLE (w/ tools)", 20.9), scored(reg, "MMLU-Pro", 55.0)]
    plan = plan_eval_results({}, scores, reg)
    assert sorted(plan.files) == [".eval_results/gpqa.yaml", ".eval_results/hle_with_tools.yaml",
                                  ".eval_results/mmlu_pro.yaml"]
    assert plan.added == scores and not plan.conflicts and not plan.problems
    again = plan_eval_results(plan.files, scores, reg)
    assert again.files == {} and again.added == [] and again.already_present == scores


def test_plan_appends_keeping_existing_text(reg: Registry, scored: Callable[..., Result]) -> None:
    existing = {".eval_results/gpqa.yaml": fixture("existing_gpqa.yaml")}
    new = scored(reg, "GPQA", 30.5, setting="main")
    plan = plan_eval_results(existing, [scored(reg, "GPQA Diamond", 41.20), new], reg)
    text = plan.files[".eval_results/gpqa.yaml"]
    assert text.startswith(fixture("existing_gpqa.yaml"))  # comment and layout kept byte for byte
    assert [e.task_id for e in load_eval_results(text, "gpqa.yaml")] == ["diamond", "main"]
    assert plan.added == [new] and len(plan.already_present) == 1


def test_plan_reports_conflicts_without_writing(reg: Registry, scored: Callable[..., Result]) -> None:
    existing = {".eval_results/gpqa.yaml": fixture("existing_gpqa.yaml")}
    new = replace(scored(reg, "GPQA Diamond", 45.0), provenance=Provenance("paper", "https://arxiv.org/abs/1234.5678"))
    plan = plan_eval_results(existing, [new], reg)
    assert plan.files == {} and plan.added == []
    (c,) = plan.conflicts
    assert (c.existing_value, c.new_value, c.where) == (41.2, 45.0, ".eval_results/gpqa.yaml")
    assert c.existing_source == "https://huggingface.co/demo/demo-7b"
    assert c.new_source == "https://arxiv.org/abs/1234.5678"
    forced = plan_eval_results(existing, [new], reg, force=True)
    (entry,) = load_eval_results(forced.files[".eval_results/gpqa.yaml"], "gpqa.yaml")
    assert entry.value == 45.0


def test_same_identity_twice_in_one_change(reg: Registry, scored: Callable[..., Result]) -> None:
    plan = plan_eval_results({}, [scored(reg, "HLE", 20.0), scored(reg, "Humanity's Last Exam", 20.0),
                                  scored(reg, "HLE", 21.0)], reg)
    assert len(plan.added) == 1 and len(plan.already_present) == 1
    assert plan.conflicts[0].where == "this change"


def test_malformed_existing_files_are_reported_never_rewritten(reg: Registry, scored: Callable[..., Result]) -> None:
    existing = {".eval_results/hle.yaml": fixture("malformed.yaml"),
                ".eval_results/other.yaml": fixture("wrong_shapes.yaml")}
    plan = plan_eval_results(existing, [scored(reg, "HLE", 20.0), scored(reg, "GSM8K", 80.0)], reg)
    assert ".eval_results/hle.yaml" not in plan.files
    assert [s.label for s in plan.blocked] == ["HLE"]
    assert list(plan.files) == [".eval_results/gsm8k.yaml"]
    located = {p.location.split(":")[0] for p in plan.problems if p.severity == "error"}
    assert located == {".eval_results/hle.yaml", ".eval_results/other.yaml"}


def test_one_file_for_everything(reg: Registry, scored: Callable[..., Result]) -> None:
    plan = plan_eval_results({}, [scored(reg, "HLE", 20.0), scored(reg, "GSM8K", 80.0)], reg, filename="card.yaml")
    assert list(plan.files) == [".eval_results/card.yaml"]
    assert len(load_eval_results(plan.files[".eval_results/card.yaml"], "card.yaml")) == 2


def test_check_scale(reg: Registry, scored: Callable[..., Result]) -> None:
    def flags_of(*scores: Result) -> list[str]:
        return [message for _, message in check_scale([measured(s) for s in scores], reg)]

    flags = flags_of(scored(reg, "MMLU-Pro", 72.3), scored(reg, "GPQA Diamond", 0.412),
                     scored(reg, "MT-Bench", 8.1), scored(reg, "HLE", 130.0))
    assert any("GPQA Diamond = 0.412 looks like a 0-1 fraction" in f and "41.2" in f for f in flags)
    assert any("HLE = 130 is above 100" in f for f in flags)
    assert not any("MT-Bench" in f for f in flags)
    assert flags_of(scored(reg, "GPQA Diamond", 0.412), scored(reg, "HLE", 0.2)) == []
    assert flags_of(scored(reg, "Unknown", 0.5), scored(reg, "HLE", 20.0)) == []


def test_validate(reg: Registry) -> None:
    files = {
        ".eval_results/gpqa.yaml": fixture("existing_gpqa.yaml"),
        ".eval_results/dup.yaml": fixture("existing_gpqa.yaml"),
        ".eval_results/bad_task.yaml": "- dataset: {id: Idavidrein/gpqa, task_id: gpqa_diamond}\n  value: 40\n",
        ".eval_results/unknown.yaml": "- dataset: {id: me/bench, task_id: t}\n  value: 1\n",
        ".eval_results/frac.yaml": '- dataset: {id: cais/hle, task_id: hle}\n  value: 0.2\n',
        ".eval_results/date.yaml": '- dataset: {id: cais/hle, task_id: hle}\n  value: 2\n  date: "2025-02-30"\n',
        "notes.txt": "- dataset: {id: cais/hle, task_id: hle}\n  value: 20\n  notes: x\n",
    }
    problems = {(p.location, p.severity, p.message) for p in validate_eval_results(files, reg)}
    text = "\n".join(f"{loc}: {sev}: {msg}" for loc, sev, msg in sorted(problems))
    assert ".eval_results/bad_task.yaml:1: error: Idavidrein/gpqa [gpqa_diamond]: task id 'gpqa_diamond'" in text
    assert ".eval_results/unknown.yaml:1: warning: me/bench [t]: dataset is not in the benchmark registry" in text
    assert "duplicate result" in text
    assert "looks like a 0-1 fraction" in text
    assert "date.yaml:1: error: entry 1: 'date' must be an ISO-8601 date string, got '2025-02-30'" in text
    assert "notes.txt: warning: not a .yaml file" in text
    reg2 = Registry.load()
    reg2.add_task_ids("Idavidrein/gpqa", {"gpqa_diamond"})
    assert not any("task id" in p.message for p in validate_eval_results(
        {".eval_results/bad_task.yaml": files[".eval_results/bad_task.yaml"]}, reg2))
