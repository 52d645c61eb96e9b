"""Extraction of the card's own scores: layouts, model location, table choice, refusals, summaries."""

from __future__ import annotations

from pathlib import Path

import pytest
from evalmgr.errors import ModelNotFoundError, UsageError
from evalmgr.extract import ExtractionReport, describe_tables, extract
from evalmgr.identity import model_key
from evalmgr.render import render_table
from evalmgr.sources.card import observations_from_card

CARDS = Path(__file__).parent / "fixtures" / "cards"


def card(name: str) -> str:
    return (CARDS / name).read_text(encoding="utf-8")


def got(report: ExtractionReport) -> dict[tuple[str, str | None], float]:
    out: dict[tuple[str, str | None], float] = {}
    for s in report.observations:
        assert (s.label, s.setting) not in out, f"duplicate {s.label} [{s.setting}]"
        out[(s.label, s.setting)] = s.value
    return out


# --------------------------------------------------------------------------- model names
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("FalconMamba-7B", "falcon-mamba-7b"),
        ("**OLMo 7B** (ours)", "OLMo-7B"),
        ("Zephyr-7b-β 🪁", "zephyr-7b-beta"),
        ("`Qwen3-32B`<sup>*</sup>", "qwen3_32b"),
        ("[**GPT-J 6B&ddagger;**](x)", "gpt-j-6b"),
    ],
)
def test_model_key_equal(a: str, b: str) -> None:
    assert model_key(a) == model_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zephyr-7b-α", "zephyr-7b-beta"),
        ("Cerebras-GPT 1.3B", "Cerebras-GPT-13B"),
        ("Qwen3-8B", "Qwen3-32B"),
        ("DeepSeek-V2", "DeepSeek-V3"),
        ("Step-Audio 2", "Step-Audio-2-mini"),
        ("TinyBird_v1.1_chinese", "TinyBird_v1.1"),
        ("Qwen3-32B", "Qwen33-2B"),
    ],
)
def test_model_key_different(a: str, b: str) -> None:
    assert model_key(a) != model_key(b)


@pytest.mark.parametrize(
    ("repo", "mmlu"),
    [
        ("a/Step-Audio-2-mini", 60.1),
        ("a/Step-Audio-2", 70.2),
        ("a/Qwen3-8B", 76.9),
        ("a/DeepSeek-V3", 88.5),
        ("a/Cerebras-like-1.3B", 26.0),
    ],
)
def test_prefix_traps_pick_the_exact_row(repo: str, mmlu: float) -> None:
    assert got(extract(card("prefix_traps.md"), repo))[("MMLU", None)] == mmlu


@pytest.mark.parametrize(
    "repo", ["a/TinyBird_v1.1", "a/Qwen3-32B", "a/DeepSeek-V2", "a/Cerebras-like-13B", "a/Step-Audio"]
)
def test_prefix_traps_never_take_a_sibling(repo: str) -> None:
    with pytest.raises(ModelNotFoundError) as exc:
        extract(card("prefix_traps.md"), repo)
    assert {c.label for c in exc.value.candidates} >= {"Step-Audio 2 mini", "Qwen3-8B"}
    assert all(c.flags.startswith("--table 1 --model-name-override") for c in exc.value.candidates)


# --------------------------------------------------------------------------- layouts
def test_models_as_columns_with_ours_marker_and_qualified_cells() -> None:
    report = extract(card("columns_markdown.md"), "acme/Kestrel-7B")
    assert got(report) == {
        ("arc_challenge", None): 48.5,
        ("hellaswag", None): 76.4,
        ("MMLU (5 shot MC)", None): 28.3,
        ("GSM8k (mixed eval.)", "8shot CoT"): 8.5,
        ("copa", None): 90.0,
        ("truthfulQA (MC2)", None): 36.0,
        ("Full average", None): 59.8,
    }  # the architecture table (same header 'Kestrel 7B') gives nothing; '—' is missing
    assert report.tables_used == [2]
    assert report.observations[0].location == "table 2, row 'arc_challenge', column 'Kestrel 7B (ours)'"
    assert report.observations[0].table == 2 and report.observations[0].provenance is None


def test_models_as_rows_with_sibling_prefixes_and_org_prefixed_labels() -> None:
    report = extract(card("rows_transposed.md"), "acme/osprey-3.5-0106")
    scores = got(report)
    assert scores[("MT-Bench", None)] == 7.8 and scores[("GSM8K", None)] == 77.4
    assert scores[("ARC (25-s) ⬆️", None)] == 66.21 and scores[("MMLU (5-s) ⬆️", None)] == 62.37
    assert 11.11 not in scores.values()  # other/osprey-3.5-0106 is another org's repo
    assert ("# Params", None) not in scores
    assert ("Average", None) not in scores  # 64.5 in table 2, 59.06 in table 3
    assert len(report.refusals) == 1 and "64.5" in str(report.refusals[0]) and "59.06" in str(report.refusals[0])


def test_guided_table_resolves_the_conflict() -> None:
    scores = got(extract(card("rows_transposed.md"), "acme/osprey-3.5-0106", table=2))
    assert scores[("Average", None)] == 64.5


def test_html_spans_qualifiers_and_commented_rows() -> None:
    report = extract(card("html_spans.md"), "acme/Gannet-VL-Chat")
    assert got(report) == {
        ("NoCaps", None): 120.2,
        ("Flickr30K", None): 81.0,
        ("VQAv2", "dev"): 78.2,
        ("GQA", None): 57.5,
        ("SciQA-Img", "0-shot"): 68.2,
        ("Average Score", None): 72.23,
        ("cmbclin", None): 77.4,
        ("rarebench", None): 59.6,
        ("USMLE", None): 78.0,
        ("MMLU-anatomy", None): 80.0,
    }


def test_category_column_and_separate_metric_column() -> None:
    text = (
        "| Category | Benchmark | Metric | Other-7B | Grebe-7B |\n|---|---|---|---|---|\n"
        "| Math | GSM8K | 8-shot | 70.0 | 81.4 |\n| Math | MATH | 4-shot | 20.0 | 29.4 |\n"
        "| Code | HumanEval | pass@1 | 30.0 | 40.2 |\n"
    )
    assert got(extract(text, "acme/Grebe-7B")) == {
        ("GSM8K", "8-shot"): 81.4,
        ("MATH", "4-shot"): 29.4,
        ("HumanEval", "pass@1"): 40.2,
    }


def test_thinking_and_non_thinking_columns_become_settings() -> None:
    scores = got(extract(card("thinking.md"), "acme/Plover-32B"))
    assert scores == {
        ("AIME 2024", "Thinking"): 81.4,
        ("GPQA-Diamond", "Thinking"): 68.4,
        ("AIME 2024", "Non-thinking"): 31.0,
        ("GPQA-Diamond", "Non-thinking"): 54.6,
        ("LiveCodeBench v5", "Thinking"): 65.7,
        ("LiveCodeBench v5", "Non-thinking"): 31.3,
    }


def test_sibling_tables_that_differ_by_heading_shot_count() -> None:
    scores = got(extract(card("shot_tables.md"), "acme/Skua-GPT-13B"))
    assert scores == {
        ("PILE test xent", "0-shot"): 1.575,
        ("Hella-Swag", "0-shot"): 0.513,
        ("PIQA", "0-shot"): 0.766,
        ("Hella-Swag", "5-shot"): 0.514,
        ("PIQA", "5-shot"): 0.768,
    }  # the row is found by its Params cell; 1.3B is not 13B


def test_single_model_tables() -> None:
    report = extract(card("single_model.md"), "acme/petrel-base-NER")
    scores = got(report)
    assert scores[("f1", "dev")] == 95.1 and scores[("recall", "test")] == 91.9
    assert scores[("Tatoeba-test.zho.eng", "BLEU")] == 36.1 and scores[("Tatoeba-test.zho.eng", "chr-F")] == 0.548
    assert scores[("Val", "Test 3")] == 0.577 and scores[("Aro", "Development")] == 0.579
    assert scores[("Avg.", None)] == 52.15
    assert 7140 not in scores.values()  # dataset statistics are not scores
    assert report.tables_used == [2, 3, 4, 5]


def test_single_model_refuses_a_table_whose_columns_are_models() -> None:
    text = "| Task | Baseline | Ours |\n|---|---|---|\n| MMLU | 50.0 | 60.0 |\n"
    with pytest.raises(ModelNotFoundError) as exc:
        extract(text, "acme/Petrel-7B")
    assert [c.flags for c in exc.value.candidates] == [
        "--table 1 --model-column-index 1",
        "--table 1 --model-column-index 2",
    ]


def test_packed_cells_split_by_header() -> None:
    report = extract(card("packed.md"), "acme/Sandpiper-v3-base")
    assert got(report) == {
        ("SQuAD 2.0", "F1"): 88.4,
        ("SQuAD 2.0", "EM"): 85.4,
        ("MNLI-m", "ACC"): 90.6,
        ("RACE(acc)", None): 75.5,
    }
    assert any("82.6" in w and "packed header" in w for w in report.warnings)


def test_release_table_takes_the_latest_row_and_splits_packed_cells() -> None:
    report = extract(card("packed.md"), "acme/sandpiper2")
    assert got(report) == {
        ("VQAv2", None): 80.3,
        ("TallyQA", "simple"): 82.6,
        ("TallyQA", "full"): 77.6,
        ("POPE", "rand"): 89.6,
        ("POPE", "pop"): 88.8,
        ("POPE", "adv"): 87.2,
        ("DocVQA", None): 70.5,
    }
    assert any("latest-release" in w and "not an exact name match" in w for w in report.warnings)


# --------------------------------------------------------------------------- table choice
def test_instruct_repo_takes_the_instruct_table() -> None:
    report = extract(card("base_instruct.md"), "acme/Dunlin-7B-Instruct")
    assert got(report) == {("MMLU", None): 70.2, ("GSM8K", None): 83.5, ("IFEval", None): 80.0}
    assert any("table 3 skipped" in w and "base" in w for w in report.warnings)


def test_base_repo_takes_the_base_tables() -> None:
    assert got(extract(card("base_instruct.md"), "acme/Dunlin-7B")) == {
        ("MMLU", None): 68.0,
        ("GSM8K", None): 60.1,
        ("Probe-A", None): 40.0,
    }


def test_explicit_table_overrides_the_variant_rule() -> None:
    assert got(extract(card("base_instruct.md"), "acme/Dunlin-7B-Instruct", table=3)) == {("Probe-A", None): 41.0}


def test_conflicting_tables_refuse_the_benchmark_and_keep_agreeing_ones() -> None:
    report = extract(card("conflict.md"), "acme/Shearwater-7B-Instruct")
    assert got(report) == {("MMLU-PRO (5-shot)", None): 34.3, ("GSM8K (5-shot)", None): 81.4}
    assert len(report.refusals) == 1
    assert str(report.refusals[0]).startswith("IFEval: different values") and "76.12" in str(report.refusals[0])
    assert "--table" in str(report.refusals[0])


def test_normalized_tables_are_skipped_automatically_and_refused_when_chosen() -> None:
    report = extract(card("normalized.md"), "acme/Shearwater-7B-Instruct")
    assert got(report) == {("IFEval", None): 76.5, ("MMLU-PRO (5-shot)", None): 34.3, ("GSM8K (5-shot)", None): 81.4}
    assert report.refusals == []
    assert any("table 1 skipped" in w and "normalized" in w for w in report.warnings)
    chosen = extract(card("normalized.md"), "acme/Shearwater-7B-Instruct", table=1)
    assert got(chosen) == {}  # shown as refusals, never published as the benchmark's score
    assert [r.label for r in chosen.refusals] == ["IFEval", "MMLU-PRO (5-shot)"]
    assert "76.12" in str(chosen.refusals[0]) and "never published" in str(chosen.refusals[0])


def test_negative_card_yields_nothing() -> None:
    with pytest.raises(ModelNotFoundError, match="0 of 5 tables look like evaluations"):
        extract(card("negatives.md"), "acme/Albatross-40B")
    summaries = describe_tables(card("negatives.md"), "acme/Albatross-40B")
    assert [s.is_evaluation for s in summaries] == [False] * 5
    assert all(s.not_evaluation_reason for s in summaries)


# --------------------------------------------------------------------------- relaxed matching
def test_family_prefix_rule() -> None:
    text = (
        "| | Llama3-instruct-70b | ChatQA-1.5-8B | ChatQA-1.5-70B |\n| -- |:--:|:--:|:--:|\n"
        "| CoQA | 76.98 | 76.46 | 78.44 |\n"
    )
    report = extract(text, "nvidia/Llama3-ChatQA-1.5-8B")
    assert got(report) == {("CoQA", None): 76.46}
    assert any("'family-prefix'" in w for w in report.warnings)


def test_size_rule_and_its_uniqueness() -> None:
    text = (
        "| Model | Tokens | HellaSwag |\n|---|---|---|\n"
        "| TinyBird-1.1B-v1.1 | 2T | 61.47 |\n| TinyBird-1.1B-v1.1_chinese | 2T | 58.23 |\n"
    )
    assert got(extract(text, "acme/TinyBird_v1.1")) == {("HellaSwag", None): 61.47}
    twice = text + "| TinyBird-7B-v1.1 | 2T | 70.00 |\n"
    with pytest.raises(ModelNotFoundError):
        extract(twice, "acme/TinyBird_v1.1")


def test_variant_suffix_rule_needs_an_instruct_comparison() -> None:
    header = "| | Petrel-pro | Gemma-2-27B-IT | Llama-3.1-8B-instruct |\n|---|---|---|---|\n"
    instruct = header + "| MMLU | 79.14 | 76.13 | 68.25 |\n"
    report = extract(instruct, "acme/petrel-pro-instruct")
    assert got(report) == {("MMLU", None): 79.14}
    base = "| | Petrel-pro | Gemma-2-27B | Llama-3.1-8B |\n|---|---|---|---|\n| MMLU | 70.00 | 75.00 | 66.00 |\n"
    with pytest.raises(ModelNotFoundError):
        extract(base, "acme/petrel-pro-instruct")


def test_a_base_model_column_does_not_name_the_row() -> None:
    text = "| Model | Base model | MMLU |\n|---|---|---|\n| Fin-7B | Mistral-7B-v0.1 | 60.0 |\n"
    with pytest.raises(ModelNotFoundError):
        extract(text, "mistralai/Mistral-7B-v0.1")
    assert got(extract(text, "acme/Fin-7B")) == {("MMLU", None): 60.0}


def test_each_table_names_the_model_in_its_own_notation() -> None:
    text = (
        "| Model | MMLU |\n|---|---|\n| TinyBird_v1.1 | 50.0 |\n\n"
        "| Model | GSM8K |\n|---|---|\n| TinyBird-1.1B-v1.1 | 9.0 |\n| TinyBird-1.1B-v1.0 | 7.0 |\n"
    )
    report = extract(text, "acme/TinyBird_v1.1")
    assert got(report) == {("MMLU", None): 50.0, ("GSM8K", None): 9.0}
    assert any("table 2" in w and "'size' rule" in w for w in report.warnings)


# --------------------------------------------------------------------------- guided mode and errors
def test_guided_by_model_name_and_by_column_index() -> None:
    text = card("columns_markdown.md")
    by_name = got(extract(text, None, table=2, model_name="Finch 8B"))
    assert by_name[("arc_challenge", None)] == 47.5 and by_name[("GSM8k (mixed eval.)", "5 shot")] == 4.0
    by_index = got(extract(text, "acme/whatever", table=2, model_column_index=3))
    assert by_index == by_name


def test_guided_model_not_in_table_lists_every_candidate() -> None:
    with pytest.raises(ModelNotFoundError) as exc:
        extract(card("columns_markdown.md"), "acme/Kestrel-13B", table=2)
    flags = [c.flags for c in exc.value.candidates]
    assert flags == [f"--table 2 --model-column-index {k}" for k in (1, 2, 3, 4)]
    assert "--model-column-index 4" in str(exc.value)


def test_model_name_override_that_matches_nothing_is_not_found() -> None:
    with pytest.raises(ModelNotFoundError):
        extract(card("single_model.md"), None, table=2, model_name="Kestrel 7B")


def test_usage_errors() -> None:
    with pytest.raises(UsageError, match="out of range"):
        extract(card("prefix_traps.md"), "a/b", table=4)
    with pytest.raises(UsageError, match="needs --table"):
        extract(card("prefix_traps.md"), "a/b", model_column_index=1)
    with pytest.raises(UsageError, match="not a score column"):
        extract(card("columns_markdown.md"), "a/b", table=2, model_column_index=0)


def test_malformed_row_is_skipped_not_shifted() -> None:
    text = "| Version | AMI | SPGI |\n|---|---|---|\n| 1.22.0 | 15.90 | 2.62 | 3.42 |\n"
    report = extract(text, "acme/parakeet")
    assert report.observations == [] and "more cells than the header" in report.warnings[0]


def test_ten_thousand_rows_extract_quickly() -> None:
    rows = "".join(f"| m{i}-7B | {i % 100}.5 | {i % 90}.1 |\n" for i in range(10_000))
    text = "| Model | MMLU | GSM8K |\n|---|---|---|\n" + rows + "| Foo-7B | 70.1 | 80.2 |\n"
    assert got(extract(text, "acme/Foo-7B")) == {("MMLU", None): 70.1, ("GSM8K", None): 80.2}


def test_five_megabyte_readme_extracts_quickly() -> None:
    filler = "Text with 7B and 2024-01-01 and | pipes |.\n\n" * 120_000
    text = filler + card("columns_markdown.md") + filler
    assert got(extract(text, "acme/Kestrel-7B"))[("copa", None)] == 90.0


# --------------------------------------------------------------------------- summaries and the card source
def test_describe_tables() -> None:
    summaries = describe_tables(card("columns_markdown.md"), "acme/Kestrel-7B")
    assert [s.number for s in summaries] == [1, 2, 3]
    arch, evaluation, hyper = summaries
    assert not arch.is_evaluation and "architecture" in (arch.not_evaluation_reason or "").lower()
    assert evaluation.is_evaluation and evaluation.layout == "models-as-columns"
    assert evaluation.model_columns == [4] and evaluation.columns[4] == "Kestrel 7B (ours)*"
    assert evaluation.sample_rows[0] == ["arc_challenge", "44.5", "47.0", "47.5", "48.5"]
    assert [(x.label, x.args) for x in evaluation.next_steps] == [(None, ["--repo-id", "acme/Kestrel-7B", "--table", "2"])]
    assert evaluation.headings == ["Kestrel 7B", "Evaluation"]
    evaluation.next_steps[0].command = "X"
    assert "next: X" in render_table(evaluation)
    assert not hyper.is_evaluation


def test_describe_tables_suggests_flags_for_a_relaxed_match() -> None:
    text = "| | Llama3-instruct-70b | ChatQA-1.5-8B |\n|---|---|---|\n| CoQA | 76.98 | 76.46 |\n"
    (summary,) = describe_tables(text, "nvidia/Llama3-ChatQA-1.5-8B")
    assert [x.args for x in summary.next_steps] == [
        ["--repo-id", "nvidia/Llama3-ChatQA-1.5-8B", "--table", "1", "--model-column-index", "2"]]
    # not located: one runnable command per candidate, never a placeholder
    (rows,) = describe_tables("| Model | MMLU |\n|---|---|\n| A 7B | 1.0 |\n| B-7B | 2.0 |\n", "acme/C-7B")
    assert rows.layout == "models-as-rows"
    assert [(x.label, x.args[-2:]) for x in rows.next_steps] == [
        ("A 7B", ["--model-name-override", "A 7B"]), ("B-7B", ["--model-name-override", "B-7B"])]


def test_card_source_sets_provenance() -> None:
    report = observations_from_card(card("thinking.md"), "acme/Plover-32B", table=2)
    assert {s.provenance.url for s in report.observations} == {"https://huggingface.co/acme/Plover-32B"}
    assert {(s.provenance.kind, s.provenance.name) for s in report.observations} == {("model_card", "Model card")}
    anonymous = observations_from_card(card("thinking.md"), None, table=2, model_name="Plover-8B (Thinking)")
    assert [(s.value, s.provenance.url) for s in anonymous.observations] == [(57.5, None)]
