"""The one merge loop: the same change classified the same way in .eval_results files and in model-index."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from evalmgr.formats.base import Format, NewScaleProblem, Plan, ScaleProblem, merge
from evalmgr.formats.eval_results import EvalResults
from evalmgr.formats.model_index import ModelIndex
from evalmgr.hub import RepoState
from evalmgr.publish import Change, refusals
from evalmgr.registry import Registry
from evalmgr.result import Result

pytest_plugins = ("results_support",)  # fixtures: reg, scored, no_env_mapping

FORMATS: dict[str, Callable[[Registry], Format]] = {
    "eval-results": lambda reg: EvalResults(reg),
    "model-index": lambda reg: ModelIndex(reg, "demo-7b"),
}


def state_with(files: dict[str, str]) -> RepoState:
    """A repo holding ``files`` (what an earlier plan wrote)."""
    return RepoState(None, "local", None, files.get("README.md", "# demo-7b\n"),
                     {p: t for p, t in files.items() if p != "README.md"})


def classes(p: Plan, items: list[Result]) -> dict[str, list[int]]:
    """Which of ``items`` (by position) the plan put in each class, and where each conflict was found."""
    def where(group: list[Result]) -> list[int]:
        return [n for n, item in enumerate(items) if any(item is g for g in group)]

    return {"added": where(p.added), "already_present": where(p.already_present), "blocked": where(p.blocked),
            "conflicts": [c.where == "this change" for c in p.conflicts]}


@pytest.mark.parametrize("force", [False, True])
def test_the_same_change_is_classified_the_same_in_both_formats(reg: Registry, scored: Callable[..., Result],
                                                                 force: bool) -> None:
    first = [scored(reg, "GPQA Diamond", 41.2), scored(reg, "HLE", 20.0)]
    change = [
        scored(reg, "GPQA Diamond", 41.20),  # already there, same value
        scored(reg, "HLE", 25.0),  # already there, another value: a conflict (replaced with force)
        scored(reg, "GSM8K", 80.0),  # new
        scored(reg, "GSM8K", 80.0),  # repeated within the change, same value
        scored(reg, "MMLU-Pro", 55.0),  # new
        scored(reg, "MMLU-Pro", 56.0),  # repeated within the change, another value: a conflict, never replaced
    ]
    seen = {}
    for name, make in FORMATS.items():
        fmt = make(reg)
        published = merge(state_with({}), first, fmt)
        assert classes(published, first)["added"] == [0, 1], name
        seen[name] = classes(merge(state_with(published.files), change, fmt, force=force), change)
    assert seen["eval-results"] == seen["model-index"] == {
        "added": [1, 2, 4] if force else [2, 4], "already_present": [0, 3], "blocked": [],
        "conflicts": [False, True]}


def test_a_forced_replacement_and_a_rerun_agree_in_both_formats(reg: Registry, scored: Callable[..., Result]) -> None:
    for name, make in FORMATS.items():
        fmt = make(reg)
        old = merge(state_with({}), [scored(reg, "HLE", 20.0)], fmt)
        new = [scored(reg, "HLE", 25.0)]
        forced = merge(state_with(old.files), new, fmt, force=True)
        again = merge(state_with({**old.files, **forced.files}), new, fmt)
        assert (again.files, again.added, again.conflicts) == ({}, [], []), name
        assert again.already_present == new, name


def test_a_malformed_target_blocks_the_item_in_both_formats(reg: Registry, scored: Callable[..., Result]) -> None:
    malformed = {"eval-results": {".eval_results/gsm8k.yaml": "- dataset: [unclosed\n"},
                 "model-index": {"README.md": "---\nmodel-index:\n- name: demo-7b\n  results: [{task: {}}]\n---\n"}}
    for name, make in FORMATS.items():
        item = scored(reg, "GSM8K", 80.0)
        p = merge(state_with(malformed[name]), [item], make(reg))
        assert (p.files, p.added, p.blocked) == ({}, [], [item]), name
        assert any(x.severity == "error" for x in p.problems), name
        assert any(x.message == "malformed: not updated, so GSM8K was not added" for x in p.problems), name


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_fraction_this_change_adds_is_a_typed_scale_problem_the_write_refuses(
        reg: Registry, scored: Callable[..., Result], fmt: str) -> None:
    old = merge(state_with({}), [scored(reg, "MMLU-Pro", 72.3)], FORMATS[fmt](reg))
    fraction = [scored(reg, "GPQA Diamond", 0.412)]
    p = merge(state_with(old.files), fraction, FORMATS[fmt](reg))
    (problem,) = [x for x in p.problems if isinstance(x, NewScaleProblem)]
    assert "0.412 looks like a 0-1 fraction" in problem.message and "write it as 41.2" in problem.message
    change = Change(results=fraction, registry=reg, fmt=fmt)
    assert [r.kind for r in refusals(p, change, "main")] == ["scale"]
    assert refusals(p, Change(results=fraction, registry=reg, fmt=fmt, force=True), "main") == []
    # The same values already published: a scale warning, not about this change, refuses nothing.
    rerun = merge(state_with({**old.files, **p.files}), fraction, FORMATS[fmt](reg))
    assert rerun.problems and all(type(x) is ScaleProblem for x in rerun.problems)
    assert refusals(rerun, change, "main") == []
