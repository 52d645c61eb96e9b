"""The table model: what each column and row of a card's table is, found from the table's own evidence.

Computed once per table (:func:`analyse`) and used by extraction, ``inspect-tables`` and the paper
source. Roles: the benchmark label column, category columns (context, never the label), setting
columns (shots, metric, filter) and setting rows under the header (``Shot | 25``, ``0 shot``),
category and section rows, value columns, columns that are no score (sizes, dates, hardware). It
also says where a table comes from (an Open LLM Leaderboard v1 / v2 table or section: v2 holds
leaderboard-normalized values, never a benchmark's own metric) and its scale (0-1 fractions by
table, row or column). Everything here looks at the first :data:`STATS_ROWS` body rows at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .tables import Table
from .values import clean_label, is_missing, parse_value, split_cell, split_packed

STATS_ROWS = 400  # column statistics look at this many body rows (a 10,000-row table stays fast)
MODEL_HEADER = re.compile(r"^(?:models?|model names?|names?|methods?|systems?|checkpoints?|base models?|llms?)$", re.I)
BENCH_HEADER = re.compile(r"^(?:tasks?|benchmarks?|datasets?|metrics?|evals?|evaluations?|test ?sets?)$", re.I)
RELEASE_HEADER = re.compile(r"^(?:release|releases|version|versions|revision|revisions|date)$", re.I)
_CATEGORY_HEADER = re.compile(
    r"^(?:category|categories|type|domain|capability|capabilities|group|area|ability|abilities|task type|skill|"
    r"model type|dimension)$",
    re.I,
)
_SETTING_HEADER = re.compile(
    r"^(?:metric|metrics|shots?|#? ?shots|n[- ]shots?|setting|settings|mode|split|eval(?:uation)? setting|prompt|"
    r"filter)$",
    re.I,
)
GENERIC_VALUE_HEADER = re.compile(r"^(?:value|values|score|scores|result|results|performance|)$", re.I)
_NON_SCORE_TOKEN = re.compile(
    r"^(?:param\w*|size|sizes|dimension|dimensions|dim|vocab|vocabulary|tokens?|flops|latency|time|speed|"
    r"throughput|memory|vram|gpu|gpus|length|layers?|heads?|hidden|date|release|version|license|batch|"
    r"steps?|epochs?|lr|warmup|decay|beta1|beta2|betas|epsilon|seq|price|pricing|cost|downloads?|carbon|emissions?|"
    r"power|energy|utterances|count|articles|sentences|examples|samples|bit|bits|dtype|intermediate|"
    r"embedding|tokenizer|optimizer|schedule|clipping|ratio|activation|co2|co₂e|kwh|stderr|seqlen|gflops|fps|"
    r"backbone|resolution|res)$",
    re.I,
)
_HYPER_NAME = re.compile(r"^\s*\\?\(?[dn]_\{?\w+")  # d_model, n_layers, \(n_{heads}\)
_NON_EVAL_CONTEXT = re.compile(
    r"hyper-?parameter|architecture|environmental|carbon|emission|data ?mix|dataset statistics|statistics|"
    r"training (?:procedure|details|hyper|results|logs?|metrics|loss|data|setup|config)|inference speed|"
    r"\bspeed\b|throughput|latency|memory|hardware|requirements|pricing|\bprice|\bcost\b|download|quantiz|"
    r"\bspecs?\b|specification|model details|intended use|\bfactors\b|ethical|caveats|\busage\b|how to use|"
    r"model introduction|serving|deployment|fairness|\bbias\b|contamination",
    re.I,
)
# Leaderboard-normalized scores (random baseline subtracted, rescaled) are another quantity than the benchmark's metric.
_NORMALIZED_CONTEXT = re.compile(r"\bnormali[sz]ed\b", re.I)
_DATA_HEADING = re.compile(r"^(?:training )?data(?:sets?)?$|^data (?:sources?|mixture)$", re.I)
_EVAL_CONTEXT = re.compile(r"evaluat|\beval\b|benchmark|result|performance|leaderboard|score|accuracy|comparison", re.I)
METRIC = re.compile(
    r"^(?:acc|accuracy|f1|f1 score|macro f1|micro f1|weighted f1|em|exact match|precision|recall|bleu|chr f|chrf|"
    r"ter|rouge(?: \w+)?|meteor|wer|cer|auc|roc auc|map|ndcg(?: \d+)?|mrr(?: \d+)?|pass \d+|spearman|pearson|ccc|"
    r"mae|mse|rmse|psnr|ssim|fid|cider|spice|perplexity|ppl|top \d+(?: acc(?:uracy)?)?|score|win rate)$"
)
SPLIT_WORD = re.compile(r"^(?:test|dev|development|val|valid|validation|eval|train|held[- ]?out)\b", re.I)
_SPLIT_LABEL = re.compile(
    r"^(?:(?:test|dev|val|valid|validation)(?:[- _]?(?:clean|other|std|hard|easy|seen|unseen|[a-z]?\d+))?|"
    r"(?:clean|other)|(?:test|dev)[- ]?(?:set)?)$",
    re.I,
)


# --------------------------------------------------------------------------- table analysis
@dataclass
class TableModel:
    table: Table
    labels: list[str]  # per column: bottom header label (cleaned)
    raw_labels: list[str]  # per column: bottom header cell as printed
    groups: list[str | None]  # per column: the header text above the label, when it is a real group
    body: list[int]  # indices into table.rows of data rows
    label_cols: list[int]
    value_cols: list[int]
    skipped_cols: list[int]
    bench_col: int | None  # in label_cols: the column with benchmark names (for column/single layouts)
    setting_cols: list[int]
    evaluation: bool
    why_not: str | None
    col_settings: list[str | None] = field(default_factory=list)  # per column: from setting rows under the header
    setting_rows: list[int] = field(default_factory=list)  # rows under the header that name shots / metrics
    group_rows: list[int] = field(default_factory=list)  # rows under the header that name categories (context only)
    keyed_settings: bool = False  # settings written ``Header=value`` (harness output tables)
    sections: dict[int, str] = field(default_factory=dict)  # body row -> the section row above it
    normalized_rows: set[int] = field(default_factory=set)  # rows holding leaderboard-normalized values
    normalized_cols: set[int] = field(default_factory=set)
    leaderboard: str | None = None  # "open-llm-v2" | "open-llm-v1" | "normalized" when the table says what it is
    fraction_rows: set[int] = field(default_factory=set)  # rows / columns / the whole table printed on a 0-1 scale
    fraction_cols: set[int] = field(default_factory=set)
    fraction_table: bool = False

    def cell(self, r: int, c: int) -> str:
        row = self.table.rows[r]
        return row[c] if c < len(row) else ""


def _cell_kind(raw: str) -> str:
    text, _ = split_cell(raw)
    if is_missing(text):
        return "missing"
    if parse_value(raw) is not None:
        return "value"
    parts = packed_count(text)
    if parts and split_packed(raw, parts) is not None:
        return "value"
    return "text"


def packed_count(text: str) -> int:
    if "|" in text:
        return text.count("|") + 1
    if "/" in text:
        return text.count("/") + 1
    return 0


def label_tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def is_non_score_label(text: str) -> bool:
    """Sizes, dates, hardware, hyperparameters (``Params``, ``Release Date``, ``d_model``): never a benchmark.

    ``bigbench_date_understanding`` is one identifier, not the word "date": underscores do not split.
    """
    words = re.findall(r"\w+", text.lower())
    return (
        bool(_HYPER_NAME.match(text) or _CONTEXT_SIZE.search(text))
        or any(_NON_SCORE_TOKEN.match(t) or _NON_SCORE_TOKEN.match(t.split("_")[0]) for t in words)
    )


_CONTEXT_SIZE = re.compile(
    r"^(?:max(?:imum)? )?(?:context|ctx)$|\b(?:context|ctx)[ _-]?(?:length|len|window|size)\b", re.I
)


def analyse(table: Table) -> TableModel:
    n_cols, hr = table.n_cols, table.header_rows
    header = table.rows[:hr]
    labels, raw_labels, groups = [], [], []
    for c in range(n_cols):
        texts = [clean_label(row[c]) if c < len(row) else "" for row in header]
        raw_labels.append(header[-1][c] if header and c < len(header[-1]) else "")
        labels.append(texts[-1] if texts else "")
        above = [t for t in texts[:-1] if t and t != labels[-1]]
        groups.append(above[-1] if above else None)
    body, sections, section = [], {}, ""
    for r in range(hr, len(table.rows)):
        if _is_filler_row(table.rows[r]):
            section = next((clean_label(c) for c in table.rows[r] if clean_label(c)), section)
            continue
        body.append(r)
        if section:
            sections[r] = section
    if body and not any(labels) and _is_header_like(table.rows[body[0]]):  # header line empty, labels in row 1
        labels = [clean_label(x) for x in table.rows[body[0]]]
        raw_labels = list(table.rows[body[0]])
        body = body[1:]
    setting_rows, group_rows = _header_setting_rows(table, body)
    body = [r for r in body if r not in setting_rows and r not in group_rows]
    kinds = [[_cell_kind(table.rows[r][c]) for c in range(n_cols)] for r in body[:STATS_ROWS]]
    n_val = [sum(1 for k in kinds if k[c] == "value") for c in range(n_cols)]
    n_txt = [sum(1 for k in kinds if k[c] == "text") for c in range(n_cols)]
    label_cols: list[int] = []
    for c in range(n_cols):
        if (n_txt[c] > 0 and n_txt[c] >= n_val[c]) or (label_cols and _SETTING_HEADER.match(labels[c])):
            label_cols.append(c)
        else:
            break
    named_settings = [c for c in range(n_cols) if c not in label_cols and _SETTING_HEADER.match(labels[c])]
    skipped = [
        c for c in range(n_cols) if c not in label_cols and (is_non_score_label(labels[c]) or c in named_settings)
    ]
    value_cols = [c for c in range(n_cols) if c not in label_cols and c not in skipped and n_val[c] > 0]
    _full_width_groups(groups, value_cols)
    bench_col, setting_cols = _bench_and_setting_cols(table, label_cols, labels, body)
    setting_cols += [c for c in named_settings if c not in setting_cols]
    an = TableModel(
        table, labels, raw_labels, groups, body, label_cols, value_cols, skipped, bench_col, setting_cols, True, None
    )
    an.setting_rows, an.group_rows = setting_rows, group_rows
    an.col_settings = [_column_setting(table, setting_rows, c) for c in range(n_cols)]
    an.keyed_settings = _is_harness_table(labels)
    an.sections = sections
    _mark_leaderboard(an)
    _mark_scale(an)
    an.evaluation, an.why_not = _evaluation_verdict(an)
    return an


_V2_NAME = re.compile(
    r"^(?:ifeval|bbh|big ?bench ?hard|math ?(?:lvl|level) ?5|math[- ]?hard|math-\|v\|-5|gpqa|musr|mmlu[- ]?pro)\b", re.I
)
_V2_SIGNATURE = re.compile(r"^(?:musr|math ?(?:lvl|level) ?5|math[- ]?hard|math-\|v\|-5)\b", re.I)
_V1_NAME = re.compile(r"^(?:arc|ai2 reasoning|hellaswag|mmlu|truthful ?qa|winogrande|gsm ?8k|drop)\b", re.I)
AGGREGATE = re.compile(r"^(?:avg|average|mean|overall|total)\b", re.I)
_V2_SECTION = re.compile(r"(?:open ?llm|leaderboard).*\bv2\b|\bv2\b.*leaderboard", re.I)
_V1_SECTION = re.compile(r"(?:open ?llm|leaderboard).*\bv1\b|open llm leaderboard", re.I)


def _leaderboard_of(labels: list[str], title: str) -> str | None:
    """Which Open LLM Leaderboard a set of benchmark labels is, from the labels themselves.

    v2 (IFEval, BBH, MATH Lvl 5, GPQA, MuSR, MMLU-PRO) holds leaderboard-*normalized* scores; v1
    (ARC, HellaSwag, MMLU, TruthfulQA, Winogrande, GSM8k) holds raw accuracies.
    """
    names = [x for x in labels if x and not AGGREGATE.match(x)]
    if _V2_SECTION.search(title):
        return "open-llm-v2"
    v2 = [x for x in names if _V2_NAME.match(x)]
    if len(v2) >= 3 and any(_V2_SIGNATURE.match(x) for x in v2) and len(v2) * 2 >= len(names):
        return "open-llm-v2"
    v1 = [x for x in names if _V1_NAME.match(x)]
    if _V1_SECTION.search(title) or (len(v1) >= 5 and len(v1) == len(names)):
        return "open-llm-v1"
    return None


def _mark_scale(an: TableModel) -> None:
    """Which scores are printed as 0-1 fractions: a row, a column or the whole table of values all within [0, 1].

    Two values at least, one of them not a whole number (0 and 1 alone may be counts or flags).
    """
    by_row: dict[int, list[float]] = {}  # every row: each is one benchmark's (or one model's) scale
    by_col: dict[int, list[float]] = {}  # columns and the table: from the rows the statistics look at
    for k, r in enumerate(an.body):
        for c in an.value_cols:
            v = parse_value(an.cell(r, c))
            if v is not None and not v.is_percent:
                by_row.setdefault(r, []).append(v.value)
                if k < STATS_ROWS:
                    by_col.setdefault(c, []).append(v.value)

    def fraction(values: list[float]) -> bool:
        return len(values) >= 2 and all(0 <= x <= 1 for x in values) and any(x != int(x) for x in values)

    an.fraction_table = fraction([v for values in by_col.values() for v in values])
    an.fraction_rows = {r for r, values in by_row.items() if fraction(values)}
    an.fraction_cols = {c for c, values in by_col.items() if fraction(values)}


def _mark_leaderboard(an: TableModel) -> None:
    """Find leaderboard-normalized parts: the whole table, a section of rows, or the columns of a transposed one."""
    t = an.table
    title = " ".join([*t.headings[-1:], t.caption or ""])
    if _NORMALIZED_CONTEXT.search(title):
        an.leaderboard = "normalized"
        an.normalized_rows = set(an.body)
        return
    if an.bench_col is not None:
        by_section: dict[str, list[int]] = {}
        for r in an.body:
            by_section.setdefault(an.sections.get(r, ""), []).append(r)
        for name, rows in by_section.items():
            kind = _leaderboard_of([clean_label(an.cell(r, an.bench_col)) for r in rows], f"{title} {name}")
            if kind == "open-llm-v2":
                an.normalized_rows.update(rows)
            an.leaderboard = an.leaderboard or kind
    kind = _leaderboard_of([an.labels[c] for c in an.value_cols], title)
    if kind == "open-llm-v2":
        an.normalized_cols.update(an.value_cols)
    an.leaderboard = an.leaderboard or kind
    if an.normalized_rows and set(an.body) <= an.normalized_rows or an.normalized_cols:
        an.leaderboard = "open-llm-v2"


def _is_filler_row(row: list[str]) -> bool:
    """Empty separator rows and category rows (one distinct text, no number) carry no scores."""
    texts = {clean_label(c) for c in row} - {""}
    return len(texts) <= 1 and not any(parse_value(c) for c in row)


SETTING_VALUE = re.compile(
    r"^(?:\d+[- ]?shots?|(?:zero|one|few)[- ]?shots?|\d+[- ]?shots?[ ,;]+cot|cot|maj@\d+|pass@\d+|\w+@\d+|"
    r"acc(?:[ _]norm)?|accuracy|f1|em|mcc|mc[12]|exact(?:[ _]match)?|bleu|chr-?f|rouge[\w-]*|wer|cer|ppl|perplexity|"
    r"auc|map|ndcg(?:@\d+)?|mrr(?:@\d+)?|spearman|pearson|score|win ?rate|lc|[a-z]{1,3}(?:/[a-z0-9]{1,6})+|"
    r"(?:acc|f1|em|p|s|r|mcc|bleu)(?:\s*/\s*(?:acc|f1|em|p|s|r|mcc|bleu))+|dev|test|val(?:id(?:ation)?)?)$",
    re.IGNORECASE,
)


def _is_header_like(row: list[str]) -> bool:
    """Every cell is short text without a number: a header written as the first data row."""
    texts = [clean_label(c) for c in row]
    return all(t and not parse_value(c) and len(t) <= 40 for t, c in zip(texts, row, strict=True))


def _header_setting_rows(table: Table, body: list[int]) -> tuple[list[int], list[int]]:
    """Rows right under the header that qualify columns instead of holding scores.

    ``Shot | | 25 | 10`` and ``Metric | | acc_norm | mc2`` (named by their first cell) or an
    unnamed row of ``5-shot`` / ``F1/EM`` cells are *setting rows*; an unnamed row of other text
    (``TC, Chat | TC, Knowledge``) names categories and is context only.
    """
    settings: list[int] = []
    groups: list[int] = []
    for r in body[:4]:
        row = table.rows[r]
        first = clean_label(row[0]) if row else ""
        rest = [clean_label(c) for c in row[1:]]
        filled = [t for t in rest if t and not is_missing(t)]
        if not filled:
            break
        if first and _SETTING_HEADER.match(first):
            settings.append(r)
        elif first:
            break
        elif all(SETTING_VALUE.match(t) for t in filled):
            settings.append(r)
        elif not any(parse_value(c) for c in row) and len(set(filled)) > 1:
            groups.append(r)
        else:
            break
    return settings, groups


def _column_setting(table: Table, setting_rows: list[int], c: int) -> str | None:
    parts = []
    for r in setting_rows:
        row = table.rows[r]
        text = clean_label(row[c]) if c < len(row) else ""
        if not text or is_missing(text):
            continue
        first = clean_label(row[0])
        parts.append(f"{first}={text}" if first else text)
    return "; ".join(parts) or None


def _is_harness_table(labels: list[str]) -> bool:
    """lm-evaluation-harness output (``Tasks | Version | Filter | n-shot | Metric | Value | ± | Stderr``)."""
    low = {x.lower() for x in labels}
    return "version" in low and ("stderr" in low or "±" in low) and "metric" in low


def _full_width_groups(groups: list[str | None], value_cols: list[int]) -> None:
    """A group header spanning every score column (``Multi-Task Setup``) is a title, not a group."""
    if len(value_cols) > 1 and len({groups[c] for c in value_cols}) == 1:
        for c in value_cols:
            groups[c] = None


def _bench_and_setting_cols(
    table: Table, label_cols: list[int], labels: list[str], body: list[int]
) -> tuple[int | None, list[int]]:
    """Which label column names the benchmarks (after any category column) and which hold a setting (shots, metric)."""
    rest = [c for c in label_cols if c == label_cols[-1] or not _CATEGORY_HEADER.match(labels[c])]
    while len(rest) > 1 and _is_category_col(table, rest[0], rest[1], body):
        rest = rest[1:]
    bench = rest[0] if rest else None
    settings = [c for c in rest[1:] if _SETTING_HEADER.match(labels[c]) or _unnamed_setting_col(table, c, labels, body)]
    return bench, settings


def _unnamed_setting_col(table: Table, c: int, labels: list[str], body: list[int]) -> bool:
    """A label column without a header whose cells are all shots or metrics (``0-shot``, ``maj@64``)."""
    if labels[c]:
        return False
    cells = [clean_label(table.rows[r][c]) for r in body[:STATS_ROWS] if c < len(table.rows[r])]
    filled = [x for x in cells if x and not is_missing(x)]
    return bool(filled) and all(SETTING_VALUE.match(x) for x in filled)


_CATEGORY_WORD = re.compile(
    r"^(?:english|chinese|multilingual|code|coding|math|mathematics|general|reasoning|knowledge|commonsense|"
    r"language|understanding|science|stem|safety|agents?|agentic|chat|instruction following|long context|exams?|"
    r"comprehension|reading comprehension|world knowledge|others?|tool use|alignment|creative writing|nlu|"
    r"general knowledge|language understanding|math(?:ematics)? (?:&|and) (?:science|reasoning)|"
    r"code (?:&|and) math|factual knowledge|code generation|multimodal|vision|video|audio|speech|text|image)"
    r"(?: \(.*\))?$",
    re.I,
)


def _is_category_col(table: Table, c: int, nxt: int, body: list[int]) -> bool:
    """A label column that groups the rows of the label column after it.

    Written once per group with blank cells below (markdown), repeated in runs (an expanded rowspan),
    or made of category words (``English`` / ``Code`` / ``Math``) while the next column names each row.
    """
    rows = body[:STATS_ROWS]
    if len(rows) < 2:
        return False
    mine = [clean_label(table.rows[r][c]) for r in rows]
    theirs = [clean_label(table.rows[r][nxt]) for r in rows]
    if sum(1 for x in theirs if not x) * 5 > len(rows):
        return False
    blanks = sum(1 for x in mine if not x)
    filled = [x for x in mine if x]
    if blanks * 3 >= len(rows) and filled:
        return True
    if filled and all(_CATEGORY_WORD.match(x) for x in filled) and len(set(theirs)) > len(set(filled)):
        return True
    return _repeats_in_runs(table, c, body)


def _repeats_in_runs(table: Table, c: int, body: list[int]) -> bool:
    """True when a label column repeats values in consecutive runs (a rowspan category column)."""
    vals = [clean_label(table.rows[r][c]) for r in body[:STATS_ROWS]]
    return (
        len(vals) > 2
        and len(set(vals)) < len(vals) / 2
        and all(vals[i] == vals[i - 1] or vals[i] not in vals[:i] for i in range(1, len(vals)))
    )


def _evaluation_verdict(an: TableModel) -> tuple[bool, str | None]:
    """Is this an evaluation table? Context (caption, headings from nearest up) decides, then content."""
    t = an.table
    if not an.value_cols:
        return False, "no numeric score cells"
    if t.commented:
        return False, "inside an HTML comment"
    for text in ([t.caption] if t.caption and len(t.caption) <= 100 else []) + [an.labels[0]]:
        m = _NON_EVAL_CONTEXT.search(text or "")
        if m:
            return False, f"{m.group(0).strip()!r} in {'caption' if text == t.caption else 'header'}"
    for heading in reversed(t.headings):
        m = _NON_EVAL_CONTEXT.search(heading)
        if m or _DATA_HEADING.match(heading):
            return False, f"section {heading!r}"
        if _EVAL_CONTEXT.search(heading):
            break
    return True, None


_CAPTION_METRIC = re.compile(
    r"^\W*(?:results?|scores?|performance|evaluation)?\W*\(\s*(WER|CER|BLEU|chrF|F1|EM|accuracy|acc|exact match|"
    r"ROUGE-?L?|pass@1|mAP|AP|PER)\s*\)\W*$",
    re.I,
)


def caption_metric(an: TableModel) -> str | None:
    """The metric named only in a short caption right above a single-model table (``*Result (WER)*:``)."""
    m = _CAPTION_METRIC.match(an.table.caption or "")
    return m.group(1) if m else None


def reads_as_metric(label: str) -> bool:
    return bool(METRIC.match(" ".join(label_tokens(label))))


_SUBROW_MARK = re.compile(r"^\s*(?:[-–•]\s+|&nbsp;)+")


def row_benchmarks(an: TableModel) -> dict[int, str]:
    """Benchmark cell per body row. A row with an empty label but a setting of its own continues the row above
    (a harness table prints a task's second metric so); a leading ``- `` marks a sub-task, not part of its name."""
    out: dict[int, str] = {}
    previous = ""
    before = [c for c in an.label_cols if an.bench_col is not None and c < an.bench_col]
    for r in an.body:
        raw = an.cell(r, an.bench_col) if an.bench_col is not None else ""
        if not clean_label(raw):
            if previous and any(clean_label(an.cell(r, s)) for s in an.setting_cols):
                out[r] = previous
            elif before and AGGREGATE.match(clean_label(an.cell(r, before[-1]))):
                out[r] = an.cell(r, before[-1])  # ``**Average** | | 66.4``: the total written in the category column
            continue
        raw = _SUBROW_MARK.sub("", raw)
        out[r] = previous = raw
    return out


def row_setting_values(an: TableModel, r: int) -> list[str]:
    """Settings a row names in its setting columns (shots, metric); ``n-shot=5`` in harness tables."""
    out = []
    for c in an.setting_cols:
        text = clean_label(an.cell(r, c))
        if text and not is_missing(text):
            out.append(f"{an.labels[c]}={text}" if an.keyed_settings else text)
    return out


def column_title(an: TableModel, c: int) -> str:
    """``Plover-32B / Thinking`` for a column under a group header, else the label."""
    label = an.labels[c] or f"#{c}"
    return f"{an.groups[c]} / {label}" if an.groups[c] else label


def column_benchmark(an: TableModel, c: int) -> tuple[str, str | None]:
    """(benchmark header cell, setting) for a score column, resolving repeated labels under group headers.

    Unique labels stand alone (groups like ``General VQA`` are categories). Repeated labels need
    their group: a split-like group (``Test 3``) is the setting, otherwise the group is the
    benchmark and the label the setting (``RefCOCO`` / ``val``).
    """
    label, group = an.labels[c], an.groups[c]
    repeated = sum(1 for o in an.value_cols if an.labels[o] == label) > 1
    if group and _SPLIT_LABEL.match(label) and not SPLIT_WORD.match(group):
        return group, label  # ``LibriSpeech`` over ``test-clean | test-other``: the dataset, split as setting
    if not repeated or not group:
        return an.raw_labels[c], None
    if SPLIT_WORD.match(group) or not SPLIT_WORD.match(label):
        return an.raw_labels[c], group
    return group, label


def all_normalized(an: TableModel) -> bool:
    """Every value of the table is leaderboard-normalized (a v2 leaderboard table, or one that says so)."""
    return bool(an.body) and (set(an.body) <= an.normalized_rows or bool(an.normalized_cols))


def has_aggregate(an: TableModel) -> bool:
    labels = [an.labels[c] for c in an.value_cols]
    if an.bench_col is not None:
        labels += [clean_label(an.cell(r, an.bench_col)) for r in an.body[:STATS_ROWS]]
    return any(AGGREGATE.match(x) for x in labels if x)


def join_settings(*parts: str | None) -> str | None:
    seen: list[str] = []
    for p in parts:
        if p and p.strip() and p.strip() not in seen:
            seen.append(p.strip())
    return "; ".join(seen) if seen else None


def roles(an: TableModel) -> dict[str, Any]:
    """The table model as data: which columns and rows play which role, where the table comes from, its scale."""
    t = an.table
    categories = [c for c in an.label_cols if an.bench_col is not None and c < an.bench_col]
    if an.fraction_table:
        scale = "0-1 fractions"
    elif an.fraction_cols or an.fraction_rows:
        scale = "mixed: 0-1 fractions in " + ", ".join(
            [f"column {c}" for c in sorted(an.fraction_cols)] + [f"row {r}" for r in sorted(an.fraction_rows)][:8]
        )
    else:
        scale = "as printed (percent or points)"
    leaderboard = an.leaderboard
    if an.normalized_rows and not all_normalized(an):
        leaderboard = "open-llm-v2 section" if leaderboard != "normalized" else leaderboard
    return {
        "header_rows": t.header_rows,
        "label_column": an.bench_col,
        "category_columns": categories,
        "setting_columns": list(an.setting_cols),
        "value_columns": list(an.value_cols),
        "skipped_columns": [c for c in an.skipped_cols if c not in an.setting_cols],
        "setting_rows": [clean_label(t.rows[r][0]) or "(unnamed)" for r in an.setting_rows],
        "category_rows": len(an.group_rows),
        "section_rows": list(dict.fromkeys(an.sections.values())),
        "harness": an.keyed_settings,
        "leaderboard": leaderboard,
        "normalized_rows": len(an.normalized_rows),
        "scale": scale,
        "commented": t.commented,
    }
