"""Read the card's own scores out of its tables.

Per table: the :mod:`table model <evalmgr.tablemodel>` (roles of columns and rows), *locate* the own
model (:mod:`evalmgr.identity`: a column, one or more rows, or none for a single-model table), *read*
the cells. Without ``--table`` every evaluation table is read and the results merged; a benchmark
that two tables report with different values is refused, never guessed.

Model matching is exact on normalised tokens (:func:`evalmgr.identity.model_key`). Relaxed rules,
used for a table that does not name the repo exactly, each unique within its table and reported as a
warning:

* ``family-prefix``: the header omits a leading base-family token of the repo name
  (``ChatQA-1.5-8B`` for ``Llama3-ChatQA-1.5-8B``);
* ``size``: the header adds one size token the repo name lacks (``TinyLlama-1.1B-v1.1`` for
  ``TinyLlama_v1.1``);
* ``variant-suffix``: the header omits a trailing ``instruct``/``chat``/``it`` while the other
  models of the table carry such a suffix (an instruct comparison table);
* ``latest-release``: a table of releases (first column ``Release``/``Version``/``Revision``)
  whose row marked ``(latest)`` is the repo's current revision (only when no table names the repo);
* ``close-name``: the one label that names the repo in other notation, with a clear margin over
  the next (:func:`evalmgr.identity.closest`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from . import identity
from .errors import Candidate, ModelNotFoundError, UsageError
from .observation import Observation, Refusal, SourceReport
from .tables import Table, find_tables
from .identity import SIZE_TOKEN, VARIANT_SUFFIX, Target, exact_match, model_tokens, relaxed_rule, target_for
from .tablemodel import (
    AGGREGATE,
    BENCH_HEADER,
    GENERIC_VALUE_HEADER,
    METRIC,
    MODEL_HEADER,
    RELEASE_HEADER,
    SETTING_VALUE,
    SPLIT_WORD,
    TableModel,
    all_normalized,
    analyse,
    caption_metric,
    column_benchmark,
    column_title,
    has_aggregate,
    is_non_score_label,
    join_settings,
    label_tokens,
    packed_count,
    reads_as_metric,
    roles,
    row_benchmarks,
    row_setting_values,
)
from .values import clean_label, is_missing, packed_header, parse_value, split_cell, split_packed

_MODEL_WORDS = re.compile(
    r"^(?:gpt|llama|mistral|mixtral|qwen|gemma|phi|falcon|bert|roberta|deberta|t5|claude|gemini|palm|deepseek|yi|"
    r"baichuan|chatglm|glm|internlm|vicuna|zephyr|olmo|pythia|opt|bloom|mpt|starcoder|codellama|wizardlm|"
    r"wizardcoder|openchat|solar|command|grok|whisper|wav2vec|clip|vit|blip|flamingo|kosmos|llava|midas|dpt|"
    r"electra|xlnet|tinyllama|stablelm|granite|cerebras|chatgpt|gpt4|alpaca|guanaco|mamba|rwkv)\d*(?:\.\d+)?$"
)
_SHOT_HEADING = re.compile(r"\b(\d+|zero|one|few)[- ]shots?\b", re.I)
_THINKING_HEADING = re.compile(r"\b(?:non[- ]?thinking|thinking)\b", re.I)


# --------------------------------------------------------------------------- public types
@dataclass
class ExtractionReport(SourceReport):
    """A source report with the tables it read and how the model was found in each."""

    tables_used: list[int] = field(default_factory=list)
    relaxed: dict[int, str] = field(default_factory=dict)  # table -> the relaxed rule that found the model there
    skipped: dict[int, str] = field(default_factory=dict)  # table -> why an evaluation table was not read

    def skip(self, table: int, why: str) -> None:
        """A table not read, and why: said as a warning, and kept for the error when no table is left."""
        self.skipped[table] = why
        self.warnings.append(f"table {table} skipped: {why}")


@dataclass
class TableSummary:
    """One table as ``inspect-tables`` shows it."""

    number: int
    kind: str
    line: int
    headings: list[str]
    caption: str | None
    layout: str  # "models-as-columns" | "models-as-rows" | "single-model" | "unknown"
    columns: list[str]  # cleaned header labels, own-model columns marked with "*"
    model_columns: list[int]
    model_rows: list[str]
    sample_rows: list[list[str]]
    is_evaluation: bool
    not_evaluation_reason: str | None
    next_steps: list[NextStep]  # how to read this table: one step, or one per candidate model when none is located
    roles: dict[str, Any] = field(default_factory=dict)  # what each column and row was found to be (see roles)
    command: str = ""  # the first step's full command, as the command layer prints it


@dataclass
class NextStep:
    """extract-readme arguments that read a table, for the candidate model ``label`` (None: the located one)."""

    label: str | None
    args: list[str]
    command: str = ""  # with the launcher and the input, filled by the command layer


# --------------------------------------------------------------------------- locating the model
@dataclass
class _Located:
    layout: str  # "models-as-columns" | "models-as-rows" | "single-model"
    cols: list[tuple[int, str | None]] = field(default_factory=list)
    rows: list[tuple[int, str | None]] = field(default_factory=list)
    rule: str | None = None  # relaxed rule used, if any
    label: str | None = None
    row_names: dict[int, str] = field(default_factory=dict)  # own row -> the label text that matched


def _row_label_cells(an: TableModel, r: int, explicit: bool) -> list[str]:
    """Row labels that may name the model.

    The name column, and the first label cell joined with each later one (``Cerebras-GPT`` +
    ``13B``). Other label cells alone (``Base model``, ``HF Repo``) name some other model and
    count only for an explicit ``--model-name-override``.
    """
    cells = [an.cell(r, c) for c in an.label_cols]
    out = [an.cell(r, an.bench_col)] if an.bench_col is not None else []
    if explicit:
        out += cells
    if len(cells) > 1 and clean_label(cells[0]):
        out += [f"{cells[0]} {c}" for c in cells[1:] if clean_label(c)]
    return [c for c in out if clean_label(c)]


def _header_cells(an: TableModel, c: int) -> list[tuple[int, str]]:
    return [
        (h, row[c])
        for h, row in enumerate(an.table.rows[: an.table.header_rows])
        if c < len(row) and clean_label(row[c])
    ]


def _model_cols_candidates(an: TableModel) -> list[int]:
    return [c for c in range(an.table.n_cols) if c not in an.label_cols and c not in an.skipped_cols]


def _locate_exact(an: TableModel, target: Target) -> _Located | None:
    hr = an.table.header_rows
    cols: list[tuple[int, str | None]] = []
    for c in _model_cols_candidates(an):
        for h, raw in _header_cells(an, c):
            ok, setting = exact_match(raw, target)
            if ok:
                below = an.labels[c] if h < hr - 1 and an.labels[c] != clean_label(raw) else None
                cols.append((c, join_settings(setting, below)))
                break
    rows: list[tuple[int, str | None]] = []
    names: dict[int, str] = {}
    for r in an.body:
        for raw in _row_label_cells(an, r, target.name_tokens is None):
            ok, setting = exact_match(raw, target)
            if ok:
                rows.append((r, setting))
                names[r] = clean_label(raw)
                break
    if cols and not rows:
        return _Located("models-as-columns", cols=cols)
    if rows and not cols:
        return _Located("models-as-rows", rows=_row_settings(an, rows), row_names=names)
    return None


def _locate_relaxed(an: TableModel, target: Target) -> _Located | None:
    found: dict[str, list[tuple[str, int, str]]] = {}  # rule -> [(axis, index, label)]
    for c in _model_cols_candidates(an):
        for _h, raw in _header_cells(an, c):
            rule = relaxed_rule(raw, target)
            if rule:
                found.setdefault(rule, []).append(("col", c, clean_label(raw)))
    for r in an.body:
        for raw in _row_label_cells(an, r, False):
            rule = relaxed_rule(raw, target)
            if rule:
                found.setdefault(rule, []).append(("row", r, clean_label(raw)))
                break
    latest = _latest_release_row(an)
    if latest is not None:
        found.setdefault("latest-release", []).append(("row", latest, clean_label(an.cell(latest, an.label_cols[0]))))
    hits = [(rule, items[0]) for rule, items in found.items() if len({(a, i) for a, i, _ in items}) == 1]
    if not found:
        hits = _closest_name(an, target)
    if len(hits) != 1:
        return None
    rule, (axis, idx, label) = hits[0]
    if rule == "variant-suffix" and not _others_carry_variant(an, axis, idx):
        return None
    if axis == "col":
        return _Located("models-as-columns", cols=[(idx, None)], rule=rule, label=label)
    return _Located("models-as-rows", rows=[(idx, None)], rule=rule, label=label, row_names={idx: label})


def _closest_name(an: TableModel, target: Target) -> list[tuple[str, tuple[str, int, str]]]:
    """The ``close-name`` rule: the one header or row label that names the repo in other notation."""
    assert target.name_tokens is not None
    cands: list[tuple[int, str, list[str]]] = []
    for c in _model_cols_candidates(an):
        for _h, raw in _header_cells(an, c):
            cands.append((c, clean_label(raw), model_tokens(split_cell(raw)[0])))
    family = _family_header(an)
    for r in an.body:
        for raw in _row_label_cells(an, r, False):
            tokens = model_tokens(split_cell(raw)[0])
            if family and len(tokens) == 1 and SIZE_TOKEN.match(tokens[0]):
                tokens = family + tokens  # ``LLaMA`` over rows ``7B`` / ``13B``: the rows are sizes of the family
            cands.append((-1 - r, clean_label(raw), tokens))
    best = identity.closest(cands, target.name_tokens)
    if best is None:
        return []
    axis, idx = ("col", best.index) if best.index >= 0 else ("row", -1 - best.index)
    return [("close-name", (axis, idx, best.label))]


def _family_header(an: TableModel) -> list[str]:
    """The model family named over the label column (``LLaMA`` above ``Number of parameters``), if any."""
    if not an.label_cols:
        return []
    c = an.label_cols[0]
    for row in an.table.rows[: an.table.header_rows]:
        text = clean_label(row[c]) if c < len(row) else ""
        if text and not MODEL_HEADER.match(text) and not is_non_score_label(text) and _looks_like_model(text):
            return model_tokens(text)
    return []


def _latest_release_row(an: TableModel) -> int | None:
    if not an.label_cols or not RELEASE_HEADER.match(an.labels[an.label_cols[0]]):
        return None
    rows = [r for r in an.body if re.search(r"\((?:latest|current)\)", clean_label(an.cell(r, an.label_cols[0])), re.I)]
    return rows[0] if len(rows) == 1 else None


def _others_carry_variant(an: TableModel, axis: str, idx: int) -> bool:
    """The table compares instruct/chat models: some other model label carries such a suffix."""
    if axis == "col":
        others = [an.labels[c] for c in _model_cols_candidates(an) if c != idx]
    else:
        others = [clean_label(an.cell(r, an.label_cols[0])) for r in an.body if r != idx]
    return any(set(model_tokens(o)) & VARIANT_SUFFIX for o in others)


def _row_settings(an: TableModel, rows: list[tuple[int, str | None]]) -> list[tuple[int, str | None]]:
    """Several own rows: label cells that differ between them (``thinking``/``non-thinking``) become the setting."""
    if len(rows) < 2:
        return rows
    out = []
    for r, setting in rows:
        differing = [
            clean_label(an.cell(r, c))
            for c in an.label_cols[1:]
            if len({clean_label(an.cell(o, c)) for o, _ in rows}) > 1
        ]
        out.append((r, join_settings(setting, *differing)))
    return out


def _looks_like_model(text: str) -> bool:
    if re.search(r"(?<![\w.])\d+(?:\.\d+)?\s?[BMK]\b", text):
        return True
    if re.match(r"^[A-Za-z0-9][\w.-]{2,}/[\w.-]*[A-Za-z][\w.-]{1,}$", text.strip()):
        return True
    return any(_MODEL_WORDS.match(t) for t in model_tokens(text))


def _single_model(an: TableModel) -> _Located | None:
    """A table with no model axis at all: benchmark | score, metric x split, or one row under a version column.

    When benchmarks run down the rows, every score column must read as a setting (a split such as
    ``dev``/``test``, a metric such as ``BLEU``, or one generic ``Value`` column): a column named
    ``Baseline`` or ``Ours`` is a model, and the table is not single-model.
    """
    if not an.evaluation or any(_looks_like_model(an.labels[c]) for c in an.value_cols):
        return None
    if not an.label_cols or (RELEASE_HEADER.match(an.labels[an.label_cols[0]]) and len(an.body) == 1):
        return _Located("single-model", rows=[(an.body[0], None)]) if len(an.body) == 1 else None
    if MODEL_HEADER.match(an.labels[an.label_cols[0]]) or an.bench_col is None:
        return None
    if any(_looks_like_model(clean_label(an.cell(r, an.bench_col))) for r in an.body):
        return None
    if not all(_reads_as_setting(an, c) for c in an.value_cols):
        return None
    return _Located("single-model", cols=[(c, None) for c in an.value_cols])


def _reads_as_setting(an: TableModel, c: int) -> bool:
    label = an.labels[c]
    if len(an.value_cols) == 1 and GENERIC_VALUE_HEADER.match(label):
        return True
    plain = " ".join(label_tokens(label))
    group = an.groups[c]
    return bool(METRIC.match(plain) or SPLIT_WORD.match(label) or (group and SPLIT_WORD.match(group)))


# --------------------------------------------------------------------------- reading cells
@dataclass
class _Reader:
    an: TableModel
    extra_setting: str | None
    observations: list[Observation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    normalized: bool = False  # the cell being read holds a leaderboard-normalized value
    fraction: bool = False  # the cell being read is printed on a 0-1 scale

    def read(
        self, r: int, c: int, bench_raw: str, settings: list[str | None], where: str, raw: str | None = None
    ) -> None:
        """Turn one own-model cell into zero or more scores (packed cells give several)."""
        t = self.an.table
        self.normalized = r in self.an.normalized_rows or c in self.an.normalized_cols
        an = self.an
        self.fraction = an.fraction_table or r in an.fraction_rows or c in an.fraction_cols
        if r - t.header_rows in t.malformed_rows:
            row = r - t.header_rows + 1
            warning = f"table {t.index}, row {row}: more cells than the header, values may be shifted; row skipped"
            if warning not in self.warnings:
                self.warnings.append(warning)
            return
        raw = self.an.cell(r, c) if raw is None else raw
        names, values_ = _BR_SPLIT.split(bench_raw), _BR_SPLIT.split(raw)
        if len(names) > 2 or (len(names) == 2 and len(values_) == 2 and _packed_lines(names, values_)):
            if len(values_) == len(names) and _packed_lines(names, values_):
                for name, value in zip(names, values_, strict=True):  # ``AIME 2024<br>MATH`` over ``87.3<br>94.3``
                    self.read(r, c, name, settings, where, raw=value)
            elif len(names) > 2:
                self.warnings.append(f"table {t.index}, {where}: {len(names)} labels in one cell but not as many "
                                     "values; skipped")
            return
        bench_text, bench_qual = _bench_label(bench_raw)
        cell_text, _ = split_cell(raw)
        declared = _declared_parts(bench_raw)
        parts = packed_count(cell_text)
        if declared and parts == declared:
            named = packed_header(bench_raw, parts)
            values = split_packed(raw, parts)
            if named and values:
                rest = [x for x in settings if _packed_setting([x], parts) is None]  # ``Acc/F1`` restated below
                for (name, part_setting), v in zip(named, values, strict=True):
                    if v is not None:
                        self._add(name, v.value, [*rest, part_setting], where, t.index)
                return
        packed_setting = _packed_setting(settings, parts)
        if not declared and packed_setting is not None:  # ``MRPC`` over ``Acc/F1`` over ``92.1/94.3``
            k, names_ = packed_setting
            values = split_packed(raw, parts)
            if values:
                for name, v in zip(names_, values, strict=True):
                    if v is not None:
                        self._add(bench_text, v.value, [bench_qual, *settings[:k], name, *settings[k + 1 :]], where, t.index)
                return
        if is_missing(cell_text):
            return
        v = parse_value(raw)
        if v is None or declared:
            why = "holds one value under a packed header" if v is not None else "is not a score"
            self.warnings.append(f"table {t.index}, {where}: cell {cell_text!r} {why}; skipped")
            return
        self._add(bench_text, v.value, [bench_qual, *settings, v.setting], where, t.index)

    def _add(self, bench: str, value: float, settings: list[str | None], where: str, table: int) -> None:
        if not bench or is_non_score_label(bench):
            return
        if GENERIC_VALUE_HEADER.match(bench):
            warning = f"table {table}: {where.split(',')[-1].strip()} names no benchmark ({bench!r}); skipped"
            if warning not in self.warnings:
                self.warnings.append(warning)
            return
        if self.normalized:
            what = "a table whose caption says its scores are normalized" if self.an.leaderboard == "normalized" else (
                "an Open LLM Leaderboard v2 table or section"
            )
            self.refused.append(Refusal(
                bench,
                f"{value:g} ({where}) is from {what} (leaderboard-normalized: random baseline subtracted, "
                "rescaled), another quantity than the benchmark's own metric; shown, never published",
            ))
            return
        t = self.an.table
        self.observations.append(
            Observation(
                label=bench,
                value=value,
                setting=join_settings(*settings, self.extra_setting),
                table=table,
                location=f"table {table}, {where}",
                heading=" ".join([*t.headings, t.caption or ""]),
                scale="fraction" if self.fraction and 0 <= value <= 1 else None,
            )
        )


_BR_SPLIT = re.compile(r"<br\s*/?>", re.I)


def _bench_label(raw: str) -> tuple[str, str | None]:
    """(benchmark, qualifier) of a label cell. A second line that is not a setting continues the name:
    ``AlpacaEval<br>2.0 LC`` is one benchmark, ``DROP<br>(F1, 3-shot)`` and ``PIQA<br>5-shot`` carry settings."""
    text, qual = split_cell(raw)
    text = _LABEL_FOOTNOTE.sub("", text) or text
    parts = _BR_SPLIT.split(raw)
    if qual and len(parts) == 2 and "<su" not in parts[1].lower():
        second = clean_label(parts[1])
        if second and "(" not in second and "[" not in second and not SETTING_VALUE.match(second) and not _SETTING_WORDS.search(second):
            return f"{text} {second}", None
    return text, qual


def _packed_lines(names: list[str], values: list[str]) -> bool:
    """Every line a benchmark name and every value line a score (or missing): ``AIME 2024<br>MATH`` over
    ``87.3<br>94.3``. ``Flickr30K<br>(0-shot)`` over ``127.0<br>(PALI-17B)`` is a label with its setting."""
    for name in names:
        text = clean_label(name)
        if not text or text.startswith(("(", "[")) or SETTING_VALUE.match(text) or _SETTING_WORDS.search(text):
            return False
    return all(parse_value(v) is not None or is_missing(clean_label(v)) for v in values)


_LABEL_FOOTNOTE = re.compile(r"(?:\s*\[(?:\d{1,2}|[a-z])\]|[\u00b9\u00b2\u00b3\u2070-\u2079]+)+$")
_SETTING_WORDS = re.compile(r"\d+[- ]?shots?|\bshots?\b|@\d|\bcot\b|\bacc\b|\bf1\b|\bem\b|\bval\b|\btest\b|\bdev\b", re.I)


def _packed_setting(settings: list[str | None], parts: int) -> tuple[int, list[str]] | None:
    """(index, names) of a setting that names each part of a packed cell (``F1/EM``, ``P/S``)."""
    if parts < 2:
        return None
    for k, setting in enumerate(settings):
        names = [x.strip() for x in (setting or "").split("/")]
        if len(names) == parts and all(names) and all(len(x) <= 12 for x in names):
            return k, names
    return None


def _declared_parts(bench_raw: str) -> int:
    """How many sub-values a header announces (``SQuAD 2.0(F1/EM)`` -> 2); 0 when it is not packed."""
    text, qual = split_cell(bench_raw)
    probe = re.sub(r"\bw/o?\b", "w", f"{text} {qual or ''}", flags=re.I)
    n = probe.count("/") + 1
    return n if n > 1 and packed_header(bench_raw, n) else 0


def _read_table(an: TableModel, loc: _Located, extra_setting: str | None) -> _Reader:
    rd = _Reader(an, extra_setting)
    t = an.table
    if loc.layout == "models-as-columns":
        if an.bench_col is None:
            rd.warnings.append(f"table {t.index}: no column with benchmark names; skipped")
            return rd
        benches = row_benchmarks(an)
        for c, col_setting in loc.cols:
            col_label = column_title(an, c)
            for r in an.body:
                bench_raw = benches.get(r, "")
                if not clean_label(bench_raw) or is_non_score_label(clean_label(bench_raw)):
                    continue
                rd.read(
                    r,
                    c,
                    bench_raw,
                    [col_setting, an.col_settings[c], *row_setting_values(an, r)],
                    f"row {clean_label(bench_raw)!r}, column {col_label!r}",
                )
    elif loc.layout == "models-as-rows" or (loc.layout == "single-model" and loc.rows):
        if loc.layout == "single-model" and not any(reads_as_metric(an.labels[c]) for c in an.value_cols):
            rd.extra_setting = join_settings(rd.extra_setting, caption_metric(an))
        for r, row_setting in loc.rows:
            row_label = loc.row_names.get(r) or (
                clean_label(an.cell(r, an.bench_col)) if an.bench_col is not None else ""
            )
            where_row = f"row {row_label!r}" if row_label else f"data row {an.body.index(r) + 1}"
            dataset_col = _dataset_col(an, r, loc)
            for c in an.value_cols:
                bench_raw, group_setting = column_benchmark(an, c)
                if dataset_col is not None:  # ``Dataset | Model | Average (Acc.)``: the row names the benchmark
                    bench_raw, group_setting = an.cell(r, dataset_col), join_settings(group_setting, an.labels[c])
                rd.read(
                    r,
                    c,
                    bench_raw,
                    [group_setting, an.col_settings[c], row_setting],
                    f"{where_row}, column {column_title(an, c)!r}",
                )
    else:  # single-model, benchmarks down the rows
        generic = len(an.value_cols) == 1 and GENERIC_VALUE_HEADER.match(an.labels[an.value_cols[0]] or "")
        if generic and not an.setting_cols:
            rd.extra_setting = join_settings(rd.extra_setting, caption_metric(an))
        benches = row_benchmarks(an)
        for r in an.body:
            bench_raw = benches.get(r, "")
            for c in an.value_cols:
                col_setting = None if generic else join_settings(an.groups[c], an.labels[c])
                rd.read(
                    r,
                    c,
                    bench_raw,
                    [col_setting, an.col_settings[c], *row_setting_values(an, r)],
                    f"row {clean_label(bench_raw)!r}, column {an.labels[c]!r}",
                )
    return rd


def _dataset_col(an: TableModel, r: int, loc: _Located) -> int | None:
    """In a models-as-rows table, a label column headed ``Dataset`` / ``Task`` / ``Benchmark`` that is not the
    model's own name cell: each row then reports that benchmark, and the score columns are its metrics."""
    name = loc.row_names.get(r)
    for c in an.label_cols:
        if BENCH_HEADER.match(an.labels[c]) and clean_label(an.cell(r, c)) and clean_label(an.cell(r, c)) != name:
            return c
    return None


# --------------------------------------------------------------------------- public entry points
def extract(
    text: str,
    repo_id: str | None = None,
    *,
    table: int | None = None,
    model_name: str | None = None,
    model_column_index: int | None = None,
) -> ExtractionReport:
    """Extract the own model's scores from a README.

    ``table`` (1-based, over markdown and HTML tables) restricts extraction to one table;
    ``model_name`` matches a header/row label exactly instead of the repo name;
    ``model_column_index`` (0-based column index of the table, the first column is 0) selects the
    model column directly in a models-as-columns table and needs ``table``.
    """
    if model_column_index is not None and table is None:
        raise UsageError("--model-column-index needs --table", "run inspect-tables to find the table number")
    tables = find_tables(text)
    analyses = [analyse(t) for t in tables]
    above = _heading_settings(tables)
    target = target_for(repo_id, model_name)
    if table is not None:
        if not 1 <= table <= len(tables):
            raise UsageError(
                f"--table {table} is out of range: the README has {len(tables)} table(s)",
                "run inspect-tables to list them",
            )
        return _extract_one(analyses[table - 1], target, model_column_index, above.get(table))
    return _extract_auto(analyses, target, above, repo_id)


def _extract_one(an: TableModel, target: Target | None, column: int | None, above: str | None) -> ExtractionReport:
    t = an.table
    if column is not None:
        if not 0 <= column < t.n_cols or column in an.label_cols:
            raise UsageError(
                f"--model-column-index {column} is not a score column of table {t.index}",
                f"score columns: {', '.join(str(c) for c in _model_cols_candidates(an)) or 'none'}",
            )
        loc: _Located | None = _Located("models-as-columns", cols=[(column, None)])
    else:
        loc = (_locate_exact(an, target) if target else None) or (
            _locate_relaxed(an, target) if target and target.name_tokens else None
        )
        if loc is None and (target is None or target.name_tokens is not None):
            loc = _single_model(_as_evaluation(an))
    if loc is None:
        who = f"model {target.label!r}" if target else "the model (no --repo-id or --model-name-override given)"
        raise ModelNotFoundError(f"{who} is not in table {t.index}", _candidates(an))
    rd = _read_table(an, loc, above)
    report = ExtractionReport(warnings=_rule_warning(an, loc) + rd.warnings, refusals=list(rd.refused))
    if loc.rule:
        report.relaxed[t.index] = loc.rule
    _merge_into(report, [(an, rd.observations)])
    return report


def _as_evaluation(an: TableModel) -> TableModel:
    """With an explicit ``--table`` the user has decided it is an evaluation table."""
    if an.evaluation or not an.value_cols:
        return an
    return dataclasses.replace(an, evaluation=True, why_not=None)


def _extract_auto(
    analyses: list[TableModel], target: Target | None, above: dict[int, str], repo_id: str | None
) -> ExtractionReport:
    report = ExtractionReport()
    evaluation = []
    for an in analyses:
        if an.evaluation and all_normalized(an):
            report.skip(an.table.index, f"its scores are leaderboard-normalized ({an.leaderboard}), not the "
                                        "benchmarks' own metrics; they are never published")
        elif an.evaluation and an.normalized_rows:
            report.skip(an.table.index, "it mixes raw scores with an Open LLM Leaderboard v2 section "
                                        f"(leaderboard-normalized values); pass --table {an.table.index} to read its "
                                        "raw rows")
        elif an.evaluation:
            evaluation.append(an)
    located: list[tuple[TableModel, _Located]] = []
    if target:
        exact = [(an, loc) for an in evaluation if (loc := _locate_exact(an, target))]
        relaxed = []
        if target.name_tokens:
            exact_ids = {id(an) for an, _ in exact}
            relaxed = [(an, loc) for an in evaluation if id(an) not in exact_ids and (loc := _locate_relaxed(an, target))]
            if exact:  # a table of releases marks its latest row: that is the repo only when nothing names it
                relaxed = [(an, loc) for an, loc in relaxed if loc.rule != "latest-release"]
        located = exact + _filter_variant(relaxed, repo_id, report, also_unmarked=True)
    located = _filter_variant(located, repo_id, report)
    done = {id(an) for an, _ in located}
    derivative_note = ""
    singles = [(an, loc) for an in evaluation if id(an) not in done and (loc := _single_model(an))]
    if singles and repo_id and _is_derivative(repo_id):
        derivative_note = (
            f"{repo_id} is a quantized/converted checkpoint: tables that do not name it ("
            + ", ".join(f"table {an.table.index}" for an, _ in singles)
            + ") report the original model and are not read (pass --table to read one)"
        )
        report.warnings.append(derivative_note)
        singles = []
    located += singles
    if not located and derivative_note:
        raise ModelNotFoundError(derivative_note, [c for an in evaluation for c in _candidates(an)][:40])
    if not located:
        cands = [c for an in evaluation for c in _candidates(an)]
        who = f"model {target.label!r}" if target else "the model (no --repo-id given)"
        counts = f"{len(evaluation)} of {len(analyses)} tables look like evaluations"
        skipped = "".join(f"; table {n} skipped: {why}" for n, why in report.skipped.items())
        raise ModelNotFoundError(f"{who} was not found in any evaluation table ({counts}){skipped}", cands[:40])
    per_table = []
    aggregate_tables = {an.table.index for an in analyses if an.evaluation and has_aggregate(an)}
    aggregates: list[Observation] = []
    for an, loc in sorted(located, key=lambda x: x[0].table.index):
        rd = _read_table(an, loc, above.get(an.table.index))
        report.warnings += _rule_warning(an, loc) + rd.warnings
        report.refusals += rd.refused
        if loc.rule:
            report.relaxed[an.table.index] = loc.rule
        if len(aggregate_tables) > 1:  # an "Average" is over its own table's benchmarks: whose, with several?
            aggregates += [x for x in rd.observations if AGGREGATE.match(x.label)]
            rd.observations = [x for x in rd.observations if not AGGREGATE.match(x.label)]
        per_table.append((an, rd.observations))
    if aggregates:
        options = "; ".join(f"{x.value:g} ({x.location})" for x in aggregates)
        report.refusals.append(Refusal(
            aggregates[0].label,
            f"{options}: each averages its own table's benchmarks, and tables "
            f"{', '.join(map(str, sorted(aggregate_tables)))} each have an average; pass --table N to choose",
            tuple(aggregates),
        ))
    _merge_into(report, per_table)
    return report


def _is_derivative(repo_id: str) -> bool:
    """A quantized or converted copy: a card's single-model table then describes the original checkpoint."""
    return any(identity.is_format_marker(t) for t in model_tokens(repo_id.rsplit("/", 1)[-1]))


def _filter_variant(
    located: list[tuple[TableModel, _Located]], repo_id: str | None, report: ExtractionReport, also_unmarked: bool = False
) -> list[tuple[TableModel, _Located]]:
    """Drop tables whose section speaks of the other variant (base vs instruct, thinking vs non-thinking).

    With ``also_unmarked`` (names matched only in other notation) a repo name without any variant word
    counts as a base model: an instruct/chat section is then another checkpoint's, not a guess to take.
    """
    if not repo_id:
        return located
    tokens = set(model_tokens(repo_id.rsplit("/", 1)[-1]))
    if also_unmarked and not tokens & (identity.INSTRUCT_TOKENS | {"base"}):
        tokens.add("base")
    kept = []
    for an, loc in located:
        reason = _variant_conflict(an, tokens, headings_only=also_unmarked)
        if reason:
            report.skip(an.table.index, f"{reason} and {repo_id} is not (pass --table to use it)")
        else:
            kept.append((an, loc))
    return kept


def _variant_conflict(an: TableModel, repo_tokens: set[str], headings_only: bool = False) -> str | None:
    """Why a table's section is about another variant than the repo's, if it is."""
    context = " ".join([*an.table.headings[-1:], "" if headings_only else an.table.caption or ""])
    said = identity.context_variants(context)
    is_base, is_instruct = "base" in said, "instruct" in said
    if "thinking" in repo_tokens and re.search(r"\bnon[- ]?thinking\b", context, re.I):
        return "its section is about non-thinking mode"
    if repo_tokens & identity.INSTRUCT_TOKENS and is_base and not is_instruct:
        return "its section is about base/pretrained models"
    if "base" in repo_tokens and is_instruct and not is_base:
        return "its section is about instruct/chat models"
    return None


def _merge_into(report: ExtractionReport, per_table: list[tuple[TableModel, list[Observation]]]) -> None:
    """Keep one score per (benchmark, setting); refuse those whose values disagree."""
    groups: dict[tuple[str, str], list[Observation]] = {}
    order: list[tuple[str, str]] = []
    for _an, scores in per_table:
        for s in scores:
            key = (_label_key(s.label), _label_key(s.setting or ""))
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(s)
    used: set[int] = set()
    for key in order:
        found = groups[key]
        if len({s.value for s in found}) == 1:
            report.observations.append(found[0])
            used.add(found[0].table or 0)
            continue
        options = "; ".join(f"{s.value:g} ({s.location})" for s in found)
        label = found[0].label + (f" [{found[0].setting}]" if found[0].setting else "")
        report.refusals.append(Refusal(
            label,
            f"different values and nothing decides between them: {options}; "
            "pass --table N (and --model-name-override / --model-column-index) to choose",
            tuple(found),
        ))
    report.tables_used = sorted(used)


def _label_key(text: str) -> str:
    return "".join(re.findall(r"[^\W_]+|[+.%]", text.lower()))


def _heading_settings(tables: list[Table]) -> dict[int, str]:
    """Settings named only right above a table (``#### 0-shot Evaluation``, ``**Thinking mode**``).

    Used only when sibling tables differ in it: then it is what tells their values apart.
    """
    found = {}
    for t in tables:
        texts = t.headings[-1:] + ([t.caption] if t.caption and len(t.caption) <= 40 else [])
        for text in texts:
            m = _SHOT_HEADING.search(text) or _THINKING_HEADING.search(text)
            if m:
                found[t.index] = m.group(0)
                break
    return found if len({v.lower() for v in found.values()}) > 1 else {}


def _rule_warning(an: TableModel, loc: _Located) -> list[str]:
    if not loc.rule:
        return []
    return [
        f"table {an.table.index}: model matched to {loc.label!r} by the {loc.rule!r} rule (not an exact name match); "
        "check it, or pass --model-name-override"
    ]


# --------------------------------------------------------------------------- candidates and summaries
def _guess_layout(an: TableModel) -> str:
    if an.label_cols and MODEL_HEADER.match(an.labels[an.label_cols[0]]):
        return "models-as-rows"
    if an.bench_col is not None and BENCH_HEADER.match(an.labels[an.bench_col]) and not _single_model(an):
        return "models-as-columns"
    cols = [c for c in an.value_cols if an.labels[c]]
    if cols and sum(_looks_like_model(an.labels[c]) for c in cols) * 2 >= len(cols):
        return "models-as-columns"
    if (
        an.label_cols
        and an.body
        and sum(_looks_like_model(clean_label(an.cell(r, an.label_cols[0]))) for r in an.body) * 2 >= len(an.body)
    ):
        return "models-as-rows"
    return "single-model" if _single_model(an) else "unknown"


def _candidates(an: TableModel) -> list[Candidate]:
    """Every header or row label that could be the model, with the flags that select it."""
    n = an.table.index
    layout = _guess_layout(an)
    out: list[Candidate] = []
    if layout in ("models-as-columns", "unknown"):
        for c in _model_cols_candidates(an):
            if an.labels[c]:
                out.append(Candidate(an.labels[c], n, ("--table", str(n), "--model-column-index", str(c))))
    if layout in ("models-as-rows", "unknown") and an.label_cols:
        firsts = [clean_label(an.cell(r, an.label_cols[0])) for r in an.body]
        for r, first in zip(an.body, firsts, strict=True):
            label = first
            if firsts.count(first) > 1 and len(an.label_cols) > 1:
                label = f"{first} {clean_label(an.cell(r, an.label_cols[1]))}"
            if label:
                out.append(Candidate(label, n, ("--table", str(n), "--model-name-override", label)))
    if layout == "single-model":
        out.append(Candidate("(single-model table)", n, ("--table", str(n))))
    return out


def describe_tables(text: str, repo_id: str | None = None, model_name: str | None = None) -> list[TableSummary]:
    """Summaries of every table for ``inspect-tables``, with the command that extracts each."""
    target = target_for(repo_id, model_name)
    out = []
    for t in find_tables(text):
        an = analyse(t)
        loc = (_locate_exact(an, target) if target else None) or (
            _locate_relaxed(an, target) if target and target.name_tokens else None
        )
        layout = loc.layout if loc else _guess_layout(an)
        model_cols = [c for c, _ in loc.cols] if loc else []
        model_rows = [clean_label(an.cell(r, an.label_cols[0])) for r, _ in loc.rows] if loc and an.label_cols else []
        columns = [f"{lab}*" if c in model_cols else lab for c, lab in enumerate(an.labels)]
        sample = [[clean_label(x) for x in t.rows[r]] for r in an.body[:3]]
        table_roles = roles(an)
        out.append(
            TableSummary(
                t.index,
                t.kind,
                t.line,
                t.headings,
                t.caption,
                layout,
                columns,
                model_cols,
                model_rows,
                sample,
                an.evaluation,
                an.why_not,
                _next_steps(an, loc, repo_id, model_name),
                table_roles,
            )
        )
    return out


MAX_NEXT = 6  # next commands shown for a table whose model is not located, one per candidate


def _next_steps(an: TableModel, loc: _Located | None, repo_id: str | None, model_name: str | None) -> list[NextStep]:
    """How to read this table: one step when the model is located, else one per candidate, each of which
    runs as printed (the command layer adds the launcher and the input)."""
    base = (["--repo-id", repo_id] if repo_id else []) + ["--table", str(an.table.index)]
    if loc and loc.cols and len(loc.cols) == 1 and not model_name and loc.rule:
        return [NextStep(None, base + ["--model-column-index", str(loc.cols[0][0])])]
    if loc and loc.rows and loc.rule and an.label_cols:
        return [NextStep(None, base + ["--model-name-override", clean_label(an.cell(loc.rows[0][0], an.label_cols[0]))])]
    if model_name:
        return [NextStep(None, base + ["--model-name-override", model_name])]
    candidates = [] if loc else [c for c in _candidates(an) if c.label != "(single-model table)"]
    return [NextStep(c.label, base + list(c.args[2:])) for c in candidates[:MAX_NEXT]] or [NextStep(None, base)]
