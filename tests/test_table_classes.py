"""The classes of tables publishers write, end to end through ``extract-readme`` / ``inspect-tables``.

One fixture per class (written for these tests, modelled on shapes seen in real cards): what the CLI
publishes, under which label and setting, and what it refuses and says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_support import ROOT, run_cli

CLASSES = ROOT / "tests" / "fixtures" / "cards" / "classes"


def extract(card: str, repo: str, *flags: str) -> dict[str, Any]:
    """The JSON of an extract-readme preview. It exits 1 when nothing it found can be written (no official
    Hub benchmark among the labels): what was read is still reported."""
    run = run_cli("extract-readme", "--readme", str(CLASSES / card), "--repo-id", repo, *flags, "--format", "json")
    data = run.json()
    assert run.code == (0 if data["publish"]["files"] else 1), run.err
    assert "Traceback" not in run.err
    return data


def got(data: dict[str, Any]) -> dict[tuple[str, str | None], float]:
    return {(r["benchmark"], r["setting"]): r["value"] for r in data["results"]}


def test_category_column_is_context_never_the_label() -> None:
    data = extract("category_column.md", "acme/Heron-9B-Instruct")
    assert got(data) == {
        ("MMLU-Pro", None): 52.4, ("IFEval", None): 80.1, ("GSM8K", None): 88.6, ("AIME 2024", None): 13.3,
        ("HumanEval", None): 71.3, ("Average", None): 61.1,  # the total written in the category column
        ("GPQA Diamond", None): 35.9, ("BBH", None): 70.2, ("MATH-500", None): 74.0,  # rowspan categories (HTML)
    }
    assert not {"General", "Math", "Code", "Reasoning"} & {r["benchmark"] for r in data["results"]}


def test_br_packed_cells_split_only_when_both_sides_agree() -> None:
    data = extract("br_cells.md", "acme/Wren-Small-8K-Instruct")
    assert got(data) == {
        ("GSM8K", "8-shot, CoT"): 84.1,
        ("AIME 2024", None): 20.0, ("AIME 2025", None): 13.3, ("MATH-500", None): 71.8,
        ("AlpacaEval 2.0 LC", None): 30.5,  # a second line that is not a setting continues the name
    }
    assert any("3 labels in one cell but not as many values" in w for w in data["warnings"])
    # the model header's second line ("7b") is not a setting, so it names no file
    assert not any("7b" in f for f in data["publish"]["files"])


def test_footnote_marks_and_packed_values_named_by_the_header() -> None:
    assert got(extract("footnotes.md", "acme/Kite-12B")) == {
        ("MMMU Pro", None): 41.5, ("KoMT-Bench", None): 7.9, ("ChartQA", None): 83.2,
        ("Translation (BLEU)", "eng->kor"): 42.2, ("Translation (BLEU)", "kor->eng"): 36.6,
    }


def test_dataset_over_split_columns_is_dataset_plus_split() -> None:
    assert got(extract("dataset_splits.md", "acme/Lark-ASR-600M")) == {
        ("LibriSpeech", "test-clean"): 1.9, ("LibriSpeech", "test-other"): 3.8, ("TED-LIUM", None): 4.1,
    }


def test_setting_rows_under_the_header_and_harness_tables() -> None:
    base = got(extract("setting_rows.md", "acme/Bittern-8B"))
    assert base[("ARC", "Shot=25; Metric=acc_norm")] == 49.9
    assert base[("MBPP", "Shot=3; Metric=Pass@1")] == 33.0
    assert ("Active Params", None) not in base and 2.2 not in base.values()
    # lm-evaluation-harness output: n-shot / Metric / Filter are settings, a sub-task's "- " is no part of its name,
    # and a row with an empty task continues the task above
    assert base[("humanities", "n-shot=5; Metric=acc")] == 0.5931
    # a 0-1 table: GSM8K is a registered percent benchmark, so its fraction is published as a percentage
    assert base[("gsm8k", "Filter=flexible-extract; n-shot=5; Metric=exact_match")] == 56.02
    chat = got(extract("setting_rows.md", "acme/Bittern-8B-Chat", "--table", "2"))
    assert chat == {
        ("MT-Bench (Score)", "0 shot"): 7.2, ("MMLU (ACC)", "0 shot"): 61.0, ("MMLU (ACC)", "5 shot"): 63.4,
        ("GLUE", "Acc"): 88.1, ("GLUE", "F1"): 90.2,  # the category row ("EN, NLU") is context only
    }


def test_header_written_as_the_first_row() -> None:
    data = extract("first_row_header.md", "acme/Plover-7B")
    # ARC and HellaSwag are registered percent benchmarks: the 0-1 values are published as percentages
    assert got(data) == {
        ("arc_challenge", "acc_norm"): 61.2, ("hellaswag", "acc_norm"): 83.11, ("Total Average", None): 0.7215,
    }


@pytest.mark.parametrize(
    ("card", "repo", "expected"),
    [
        # version notation: internlm2_5 is internlm2.5, 1_8b is 1.8b
        ("identity.md", "acme/InkCap2_5-1_8B-Chat", {("MMLU", None): 53.2, ("GSM8K", None): 50.1}),
        # a label linking to the repo names it, whatever its text says
        ("identity.md", "acme/Puffin-3-Instruct-8B-Iter3", {("ARC", None): 65.2, ("TruthfulQA", None): 58.0}),
        # a one-character typo in the card's own row
        ("typo_identity.md", "acme/GannetLM-7B", {("Average", None): 61.6, ("ARC", None): 59.4, ("GSM8K", None): 47.4}),
        # a date suffix the card's own header leaves out (the older dated release is another checkpoint)
        ("date_suffix.md", "acme/Tern-2B-Chat-0924", {("MMLU", None): 58.1, ("MT-Bench", None): 7.4}),
        # sections decide base / instruct in both directions
        ("base_instruct_sections.md", "acme/Skua-4B-Base", {("MMLU", None): 61.0}),
    ],
)
def test_model_identity_in_other_notation(card: str, repo: str, expected: dict[tuple[str, str | None], float]) -> None:
    assert got(extract(card, repo)) == expected


def test_a_table_skipped_for_its_section_is_named_when_nothing_else_is_left() -> None:
    # the repo is an instruct model, its only table sits under a base-model heading: nothing is read, and the
    # error says which table was skipped and why (not just "not found")
    run = run_cli("extract-readme", "--readme", str(CLASSES / "base_section_only.md"), "--repo-id",
                  "acme/Wren-7B-Instruct")
    assert run.code == 1 and "Traceback" not in run.err
    assert "table 1 skipped: its section is about base/pretrained models" in run.err
    assert "--table 1 --model-name-override Wren-7B-Instruct" in run.err


def test_close_names_of_siblings_are_refused_with_candidates() -> None:
    # two rows are equally close to the repo name: nothing is chosen, both are offered
    run = run_cli("extract-readme", "--readme", str(CLASSES / "identity.md"), "--repo-id", "acme/InkCap2_5-Chat")
    assert run.code == 1 and "Traceback" not in run.err
    assert "InkCap2.5-1.8B-Chat" in run.err and "InkCap2.5-7B-Chat" in run.err and "--table 1" in run.err


def test_leaderboard_v2_values_are_shown_and_never_published() -> None:
    # automatically: the auto-generated v2 table and the table with a v2 section are both left alone
    run = run_cli("extract-readme", "--readme", str(CLASSES / "leaderboard.md"), "--repo-id", "acme/Petrel-7B-Instruct")
    assert run.code == 1 and "Traceback" not in run.err
    assert "table 1 skipped: it mixes raw scores with an Open LLM Leaderboard v2 section" in run.err
    assert "table 2 skipped: its scores are leaderboard-normalized (open-llm-v2)" in run.err
    # chosen: the raw rows are read, the v2 section is shown as refusals, never published
    data = extract("leaderboard.md", "acme/Petrel-7B-Instruct", "--table", "1")
    assert got(data) == {("MMLU (5-shot)", None): 66.9, ("GSM-8K (5-shot)", None): 81.2, ("Average", None): 73.5}
    refused = " ".join(data["refused"])
    for v2_value in ("28.8", "76.3", "14.8", "26.5"):
        assert v2_value in refused
    chosen = run_cli("extract-readme", "--readme", str(CLASSES / "leaderboard.md"), "--repo-id",
                     "acme/Petrel-7B-Instruct", "--table", "2")
    assert chosen.code == 1 and chosen.err.count("never published") == 7 and "MMLU-PRO (5-shot): 29.38" in chosen.err


def test_zero_one_fractions_are_converted_for_percent_benchmarks() -> None:
    data = extract("fractions.md", "acme/Dove-7B")
    by_label = {r["benchmark"]: r for r in data["results"]}
    assert by_label["MMLU-Pro"]["value"] == 50.2 and by_label["MMLU-Pro"]["dataset_id"] == "TIGER-Lab/MMLU-Pro"
    assert by_label["GPQA Diamond zero-shot"]["value"] == 31.2  # "zero-shot" in a label once crashed the registry
    assert any("0-1 fractions" in w for r in data["results"] for w in r["warnings"])


def test_quantized_repo_does_not_take_the_original_models_table() -> None:
    # neither the single-model table copied from the original's card nor the original's row in a comparison
    run = run_cli("extract-readme", "--readme", str(CLASSES / "quantized.md"), "--repo-id", "acme/Heron-9B-Instruct-GGUF")
    assert run.code == 1 and "quantized/converted checkpoint" in run.err and "--table" in run.err
    assert "80.2" not in run.out
    assert got(extract("quantized.md", "acme/Heron-9B-Instruct-GGUF", "--table", "1"))[("MMLU (5-shot)", None)] == 61.7


def test_a_commented_out_table_keeps_its_number_and_is_not_read() -> None:
    data = extract("commented.md", "acme/Curlew-3B")
    assert got(data) == {("MMLU", None): 55.0} and data["results"][0]["table"] == 2
    tables = run_cli("inspect-tables", "--readme", str(CLASSES / "commented.md"), "--format", "json").json()["tables"]
    assert [t["number"] for t in tables] == [1, 2] and tables[0]["is_evaluation"] is False


def test_inspect_tables_shows_the_roles_it_found() -> None:
    run = run_cli("inspect-tables", "--readme", str(CLASSES / "setting_rows.md"), "--repo-id", "acme/Bittern-8B")
    assert run.code == 0, run.err
    assert "setting rows: Shot, Metric" in run.out
    assert "category rows: 1" in run.out
    assert "harness output" in run.out
    lb = run_cli("inspect-tables", "--readme", str(CLASSES / "leaderboard.md")).out
    assert "leaderboard: open-llm-v2" in lb and "section rows: OpenLLM v1, OpenLLM v2" in lb
    cat = run_cli("inspect-tables", "--readme", str(CLASSES / "category_column.md"), "--format", "json").json()
    roles = cat["tables"][0]["roles"]
    assert roles["category_columns"] == [0] and roles["label_column"] == 1 and roles["value_columns"] == [2, 3]
    frac = run_cli("inspect-tables", "--readme", str(CLASSES / "fractions.md"), "--format", "json").json()
    assert frac["tables"][0]["roles"]["scale"] == "0-1 fractions"


def test_a_release_letter_is_part_of_the_name(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("| Model | MMLU |\n|---|---|\n| Starling-7B | 63.9 |\n| Rail-7B | 60.0 |\n")
    run = run_cli("extract-readme", "--readme", str(card), "--repo-id", "acme/Starling-LM-7B-alpha")
    assert run.code == 1 and "Starling-7B" in run.err  # offered as a candidate, never taken
