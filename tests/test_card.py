"""README front matter and model-index: exact body preservation, merges, conflicts, bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from evalmgr.errors import InputError
from evalmgr.formats.base import Plan, merge
from evalmgr.formats.model_index import ModelIndex, read_model_index, read_model_index_scores, validate_model_index
from evalmgr.frontmatter import set_front_matter_key, split_front_matter, with_front_matter
from evalmgr.hub import RepoState
from evalmgr.registry import Registry
from evalmgr.result import Result

CARD_TEXT = (Path(__file__).parent / "fixtures" / "results" / "card_model_index.md").read_text(encoding="utf-8")

pytest_plugins = ("results_support",)  # fixtures: reg, scored, no_env_mapping


def body(text: str) -> str:
    return text.split("\n---\n", 1)[1]


def plan_model_index(readme: str, model_name: str, items: list[Result], reg: Registry, *, force: bool = False) -> Plan:
    """The merge loop in the model-index format against a repo whose README is ``readme``."""
    return merge(RepoState(None, "local", None, readme), items, ModelIndex(reg, model_name), force=force)


def new_text(p: Plan) -> str | None:
    return p.files.get("README.md")


def test_split_front_matter() -> None:
    fm = split_front_matter(CARD_TEXT)
    assert list(fm.meta) == ["license", "language", "tags", "model-index", "pipeline_tag"]
    assert fm.body == body(CARD_TEXT)
    assert split_front_matter("# Title\n\ntext").meta == {}
    assert split_front_matter("---\n---\nbody").meta == {}
    assert split_front_matter("\ufeff\n\n---\nlicense: mit\n---\nbody").meta == {"license": "mit"}
    assert set_front_matter_key("\n---\na: 1\n---\nbody", "b", 2) == "\n---\na: 1\nb: 2\n---\nbody"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("---\nlicense: mit\n# never closed\n", "never closes"),
        ("---\nlicense: mit\ntags: [a, b\n---\nbody\n", "line 3"),
        ("---\n- a\n- b\n---\nbody\n", "must be a mapping"),
        ("---\n\x00\x01\xfe binary\n---\n", "not valid YAML"),
    ],
)
def test_bad_front_matter_is_a_clear_error(text: str, needle: str, reg: Registry) -> None:
    with pytest.raises(InputError) as err:
        split_front_matter(text)
    assert needle in str(err.value)
    assert validate_model_index(text, "README.md", reg)[0].location == "README.md"


def test_with_front_matter_keeps_body_bytes_and_newlines() -> None:
    crlf = CARD_TEXT.replace("\n", "\r\n").rstrip("\r\n")  # CRLF, no final newline
    meta = split_front_matter(crlf).meta
    out = with_front_matter(crlf, {**meta, "license": "mit"})
    assert out.split("\r\n---\r\n", 1)[1] == crlf.split("\r\n---\r\n", 1)[1]
    assert split_front_matter(out).meta == {**meta, "license": "mit"}
    assert list(split_front_matter(out).meta) == list(meta)
    assert with_front_matter("# Plain\n", {}) == "# Plain\n"
    assert with_front_matter("# Plain\n", {"license": "mit"}) == "---\nlicense: mit\n---\n# Plain\n"


def test_set_key_touches_only_that_key() -> None:
    out = set_front_matter_key(CARD_TEXT, "model-index", [{"name": "x", "results": []}])
    assert "# Card metadata (hand-written comment that must survive)" in out
    assert "tags: [text-generation, demo]\n" in out and "pipeline_tag: text-generation\n---\n" in out
    assert body(out) == body(CARD_TEXT)
    added = set_front_matter_key("---\nlicense: mit\n---\nbody", "model-index", [])
    assert added == "---\nlicense: mit\nmodel-index: []\n---\nbody"


def test_read_model_index() -> None:
    results = read_model_index(split_front_matter(CARD_TEXT).meta)
    assert [(r.dataset_type, r.metric_value) for r in results] == [("Rowan/hellaswag", 81.2), ("cais/mmlu", 60.1)]
    scores = read_model_index_scores(CARD_TEXT)
    assert scores[0].provenance.url == "https://example.org/leaderboard" and scores[1].provenance is None


def test_plan_adds_keeps_everything_else_and_is_idempotent(reg: Registry, scored: Callable[..., Result]) -> None:
    scores = [scored(reg, "GPQA Diamond", 41.2), scored(reg, "HLE (w/ tools)", 20.9), scored(reg, "Made-up Bench", 7.0)]
    plan = plan_model_index(CARD_TEXT, "demo-7b", scores, reg)
    assert plan.added == scores and not plan.conflicts
    new = split_front_matter(new_text(plan))
    old = split_front_matter(CARD_TEXT)
    assert {k: v for k, v in new.meta.items() if k != "model-index"} == {
        k: v for k, v in old.meta.items() if k != "model-index"}
    assert body(new_text(plan)) == body(CARD_TEXT)
    assert new.meta["model-index"][1] == old.meta["model-index"][1]  # the other model's entry untouched
    added = read_model_index_scores(new_text(plan))[1:-1]
    assert [(s.dataset_id, s.task_id, s.value, s.notes) for s in added] == [
        ("Idavidrein/gpqa", "diamond", 41.2, None), ("cais/hle", None, 20.9, "with tools"),
        ("made_up_bench", None, 7.0, None)]
    assert added[2].label == "Made-up Bench"
    again = plan_model_index(new_text(plan), "demo-7b", scores, reg)
    assert new_text(again) is None and again.added == [] and again.already_present == scores


def test_plan_conflict_with_existing_value(reg: Registry, scored: Callable[..., Result]) -> None:
    score = scored(reg, "HellaSwag", 79.0)
    plan = plan_model_index(CARD_TEXT, "demo-7b", [score], reg)
    assert new_text(plan) is None
    (c,) = plan.conflicts
    assert (c.existing_value, c.new_value, c.existing_source) == (81.2, 79.0, "https://example.org/leaderboard")
    forced = plan_model_index(CARD_TEXT, "demo-7b", [score], reg, force=True)
    assert [s.value for s in read_model_index_scores(new_text(forced))][0] == 79.0
    same = plan_model_index(CARD_TEXT, "demo-7b", [scored(reg, "HellaSwag", 81.20)], reg)
    assert new_text(same) is None and len(same.already_present) == 1


def test_plan_on_card_without_front_matter(reg: Registry, scored: Callable[..., Result]) -> None:
    text = "# A card\n\n| a | b |\n|---|---|\n"
    plan = plan_model_index(text, "m", [scored(reg, "GSM8K", 80.0)], reg)
    assert new_text(plan).endswith("---\n" + text)
    (entry,) = split_front_matter(new_text(plan)).meta["model-index"]
    assert entry["name"] == "m" and entry["results"][0]["dataset"]["type"] == "openai/gsm8k"


def test_plan_refuses_unreadable_card(reg: Registry, scored: Callable[..., Result]) -> None:
    with pytest.raises(InputError):
        plan_model_index("---\nmodel-index: [\n---\n", "m", [scored(reg, "GSM8K", 1.0)], reg)
    with pytest.raises(InputError, match="not a list"):
        plan_model_index("---\nmodel-index: {a: 1}\n---\n", "m", [scored(reg, "GSM8K", 1.0)], reg)


def test_validate_model_index(reg: Registry) -> None:
    assert validate_model_index(CARD_TEXT, "README.md", reg) == []
    meta = {"model-index": [
        {"name": "m", "results": [
            {"task": {"type": "text-generation"}, "dataset": {"type": "openai/gsm8k", "name": "GSM8K"},
             "metrics": [{"type": "accuracy", "value": 80.0}]},
            {"task": {"type": "text-generation"}, "dataset": {"type": "openai/gsm8k", "name": "GSM8K"},
             "metrics": [{"type": "accuracy", "value": 81.0}]},
            {"task": {}, "dataset": {"type": "x"}, "metrics": []},
            {"task": {"type": "t"}, "dataset": {"type": "x", "name": "X"}, "metrics": [{"type": "a", "value": 1}],
             "source": {"name": "no url"}},
        ]},
        "not a model",
    ]}
    text = "---\n" + yaml.safe_dump(meta) + "---\nbody\n"
    problems = [str(p) for p in validate_model_index(text, "README.md", reg)]
    dup = "README.md: model-index[0].results[1].metrics[0]: error: duplicate result for openai/gsm8k (accuracy)"
    assert dup in problems
    assert "README.md: model-index[0].results[2]: error: 'task.type' is required" in problems
    assert "README.md: model-index[0].results[3]: error: 'source.url' is required when 'source' is present" in problems
    assert "README.md: model-index[1]: error: each model needs a string 'name' and a 'results' list" in problems


def test_five_megabyte_card_keeps_its_body_exact(reg: Registry, scored: Callable[..., Result]) -> None:
    big = CARD_TEXT + ("| row | 1.0 |\n" * 400_000)
    plan = plan_model_index(big, "demo-7b", [scored(reg, "GSM8K", 80.0)], reg)
    assert body(new_text(plan)) == body(big)
