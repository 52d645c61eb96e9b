"""Cell cleaning and score parsing: every printed form of a score, and everything that is not one."""

from __future__ import annotations

import pytest
from evalmgr.values import Value, clean_label, is_missing, packed_header, parse_value, split_cell, split_packed


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("88.5", Value(88.5)),
        ("**88.5**", Value(88.5)),
        ("<u>62.5</u>", Value(62.5)),
        ("<b>57.5</b>", Value(57.5)),
        ("88.5%", Value(88.5, None, True)),
        ("101.4% ", Value(101.4, None, True)),
        ("85.2 ± 0.3", Value(85.2)),
        ("0.705 ± 0.003", Value(0.705)),
        ("58.1 (avg@4)", Value(58.1, "avg@4")),
        ("36.6  pass@1", Value(36.6, "pass@1")),
        ("<sup>36.6  pass@1</sup>", Value(36.6, "pass@1")),
        ("8.5 (8shot CoT)", Value(8.5, "8shot CoT")),
        ("10.82 (-13.2%)", Value(10.82)),
        ("1,234", Value(1234.0)),
        ("-3.5", Value(-3.5)),
        ("−2.25", Value(-2.25)),
        ("90", Value(90.0)),
        ("77.40", Value(77.4)),
        ("127.0<br>(PALI-17B)", Value(127.0, "PALI-17B")),
        ("90.56&nbsp;&nbsp;", Value(90.56)),
        ("`33.36`", Value(33.36)),
        ("[71.3](https://example.org/run)", Value(71.3)),
        ("65.3<sup>*</sup>", Value(65.3)),
        ("48.1†", Value(48.1)),
    ],
)
def test_parses_score_cells(cell: str, expected: Value) -> None:
    assert parse_value(cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["-", "--", "-----", "—", "–", "N/A", "n/a", "/", "", "   ", "N/A (\\*)", "?"],
)
def test_missing_markers_give_no_value(cell: str) -> None:
    assert parse_value(cell) is None
    assert is_missing(split_cell(cell)[0])


@pytest.mark.parametrize(
    "cell",
    [
        "2024-08-26",
        "2024.09.08",
        "7B",
        "41.9B (6.6B)",
        "1.5e22",
        "3.0E-04",
        "~800",
        "x1.41",
        "26GB",
        "63 GB (bs=1, LORA)",
        "226 Tokens",
        "6 Seconds",
        "720 x 480",
        "1.22.0",
        "v1.1",
        "12 (6.6B)",
        "82.6 / 77.6",
        "SAT BF16: 26GB",
        "~0%",
        "3 Trillion",
        "135 MWh",
    ],
)
def test_text_that_is_not_a_score_gives_no_value(cell: str) -> None:
    assert parse_value(cell) is None


@pytest.mark.parametrize(
    ("raw", "text", "qualifier"),
    [
        ("VQAv2<sup>dev</sup>", "VQAv2", "dev"),
        ("SciQA-Img<br>(0-shot)", "SciQA-Img", "0-shot"),
        ("TallyQA<br>(simple/full)", "TallyQA", "simple/full"),
        ("MMLU<sub>5-shot</sub>", "MMLU", "5-shot"),
        ("<sup>WizardLM-13B-V1.2</sup>", "WizardLM-13B-V1.2", None),
        ("**GPT-J 6B&ddagger;**", "GPT-J 6B", None),
        ("HybriDial*", "HybriDial", None),
        ("**GPT-3.5 Turbo 1106***", "GPT-3.5 Turbo 1106", None),
        ("`FalconMamba-7B`<sup>*</sup>", "FalconMamba-7B", None),
        ("[**acme/m-7b**](https://hf.co/acme/m-7b) [📄](https://gist.github.com/x)", "acme/m-7b 📄", None),
        ("***Pure SSM models***", "Pure SSM models", None),
        ("clinicalbench_diag", "clinicalbench_diag", None),
        ("_italic label_", "italic label", None),
        ("MMLU (5-shot)", "MMLU (5-shot)", None),
        ("Zephyr-β^", "Zephyr-β", None),
        ("LAMBADA PPL ↓", "LAMBADA PPL ↓", None),
        ("Tatoeba-test.zho.eng \t", "Tatoeba-test.zho.eng", None),
    ],
)
def test_split_cell_strips_markup_and_keeps_qualifiers(raw: str, text: str, qualifier: str | None) -> None:
    assert split_cell(raw) == (text, qualifier)


def test_clean_label_resolves_escapes() -> None:
    assert clean_label("GSM8K\\_test") == "GSM8K_test"
    assert clean_label("OLMo 1B\\*") == "OLMo 1B"


@pytest.mark.parametrize(
    ("cell", "n", "expected"),
    [
        ("88.4/85.4", 2, [Value(88.4), Value(85.4)]),
        ("**88.4/85.4**", 2, [Value(88.4), Value(85.4)]),
        ("89.6 / 88.8 / 87.2", 3, [Value(89.6), Value(88.8), Value(87.2)]),
        ("1.28 \\| 2.42", 2, [Value(1.28), Value(2.42)]),
        ("-/80.2", 2, [None, Value(80.2)]),
        ("88.8/", 2, [Value(88.8), None]),
        ("-/-", 2, [None, None]),
    ],
)
def test_split_packed(cell: str, n: int, expected: list[Value | None]) -> None:
    assert split_packed(cell, n) == expected


def test_split_packed_refuses_the_wrong_count_or_text() -> None:
    assert split_packed("88.4/85.4", 3) is None
    assert split_packed("88.4/abc", 2) is None
    assert split_packed("82.6", 2) is None


@pytest.mark.parametrize(
    ("header", "n", "expected"),
    [
        ("TallyQA<br>(simple/full)", 2, [("TallyQA", "simple"), ("TallyQA", "full")]),
        ("POPE<br>(rand/pop/adv)", 3, [("POPE", "rand"), ("POPE", "pop"), ("POPE", "adv")]),
        ("SQuAD 2.0(F1/EM)", 2, [("SQuAD 2.0", "F1"), ("SQuAD 2.0", "EM")]),
        ("MNLI-m/mm(ACC)", 2, [("MNLI-m", "ACC"), ("MNLI-mm", "ACC")]),
    ],
)
def test_packed_header(header: str, n: int, expected: list[tuple[str, str | None]]) -> None:
    assert packed_header(header, n) == expected


def test_plain_header_is_not_packed() -> None:
    assert packed_header("MMLU (5-shot)", 2) is None
    assert packed_header("SQuAD 2.0(F1/EM)", 3) is None
