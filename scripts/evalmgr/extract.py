"""Read the card's own scores out of its tables.

Three steps per table: *analyse* (which columns hold labels, which hold scores, which rows are
data), *locate* the own model (a column, one or more rows, or none for a single-model table),
*read* the cells. Without ``--table`` every evaluation table is read and the results merged; a
benchmark that two tables report with different values is refused, never guessed.

Model matching is exact on normalised tokens (see :func:`model_key`). Three relaxed rules, used
only when no table names the repo exactly, each unique within its table and reported as a warning:

* ``family-prefix``: the header omits a leading base-family token of the repo name
  (``ChatQA-1.5-8B`` for ``Llama3-ChatQA-1.5-8B``);
* ``size``: the header adds one size token the repo name lacks (``TinyLlama-1.1B-v1.1`` for
  ``TinyLlama_v1.1``);
* ``variant-suffix``: the header omits a trailing ``instruct``/``chat``/``it`` while the other
  models of the table carry such a suffix (an instruct comparison table);
* ``latest-release``: a table of releases (first column ``Release``/``Version``/``Revision``)
  whose row marked ``(latest)`` is the repo's current revision.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from . import identity
from .errors import Candidate, ModelNotFoundError, UsageError
from .scores import Score
from .tables import Table, find_tables
from .values import clean_label, is_missing, packed_header, parse_value, split_cell, split_packed

STATS_ROWS = 400  # column statistics look at this many body rows (a 10,000-row table stays fast)

_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}
_OWN_MARKER = re.compile(
    r"[(\[]\s*(?:ours|ours?, *\w+|this (?:model|repo|repository|work)|new!?|latest|current)\s*[)\]]", re.IGNORECASE
)
_TOKEN = re.compile(r"(?:[^\W_]|(?<=\d)\.(?=\d))+")
# ``1_8b`` (a size) and ``internlm2_5`` / ``v0_3`` (versions) write a dot as ``_``; ``qwen3_32b`` does not
_SIZE_UNDERSCORE = re.compile(r"(?<![\w.])(\d+)_(\d+[bmk]?)(?![\w])")
_VERSION_UNDERSCORE = re.compile(r"([a-z]\d+)_(\d+)(?![\w])")
_MODE = re.compile(
    r"^(?:non[- ]?thinking|thinking|no[- ]thinking|reasoning|non[- ]?reasoning|w/?o? tools?|with(?:out)? tools?|"
    r"tool[- ]?use|cot|no[- ]cot|greedy|sampling|high|medium|low)$",
    re.IGNORECASE,
)
_FAMILY = re.compile(
    r"^(?:meta|llama|mistral|mixtral|qwen|gemma|phi|falcon|gpt|olmo|yi|baichuan|internlm|deepseek|"
    r"bert|roberta|t5|vicuna)\d*(?:\.\d+)?$"
)
_VARIANT_SUFFIX = {"instruct", "chat", "it"}
_INSTRUCT_TOKENS = _VARIANT_SUFFIX | {"sft", "dpo", "rlhf"}
_SIZE_TOKEN = re.compile(r"^\d+(?:\.\d+)?[bmkt]$")
_MODEL_WORDS = re.compile(
    r"^(?:gpt|llama|mistral|mixtral|qwen|gemma|phi|falcon|bert|roberta|deberta|t5|claude|gemini|palm|deepseek|yi|"
    r"baichuan|chatglm|glm|internlm|vicuna|zephyr|olmo|pythia|opt|bloom|mpt|starcoder|codellama|wizardlm|"
    r"wizardcoder|openchat|solar|command|grok|whisper|wav2vec|clip|vit|blip|flamingo|kosmos|llava|midas|dpt|"
    r"electra|xlnet|tinyllama|stablelm|granite|cerebras|chatgpt|gpt4|alpaca|guanaco|mamba|rwkv)\d*(?:\.\d+)?$"
)
_MODEL_HEADER = re.compile(r"^(?:models?|model names?|names?|methods?|systems?|checkpoints?|base models?|llms?)$", re.I)
_BENCH_HEADER = re.compile(r"^(?:tasks?|benchmarks?|datasets?|metrics?|evals?|evaluations?|test ?sets?)$", re.I)
_RELEASE_HEADER = re.compile(r"^(?:release|releases|version|versions|revision|revisions|date)$", re.I)
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
_GENERIC_VALUE_HEADER = re.compile(r"^(?:value|values|score|scores|result|results|performance|)$", re.I)
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
_BASE_CONTEXT = re.compile(r"\b(?:base|pre-?trained|pretraining|foundation)\b(?! on)", re.I)
_INSTRUCT_CONTEXT = re.compile(r"\b(?:instruct\w*|chat|aligned|post-?trained|sft|rlhf)\b", re.I)
_SHOT_HEADING = re.compile(r"\b(\d+|zero|one|few)[- ]shots?\b", re.I)
_THINKING_HEADING = re.compile(r"\b(?:non[- ]?thinking|thinking)\b", re.I)
_METRIC = re.compile(
    r"^(?:acc|accuracy|f1|f1 score|macro f1|micro f1|weighted f1|em|exact match|precision|recall|bleu|chr f|chrf|"
    r"ter|rouge(?: \w+)?|meteor|wer|cer|auc|roc auc|map|ndcg(?: \d+)?|mrr(?: \d+)?|pass \d+|spearman|pearson|ccc|"
    r"mae|mse|rmse|psnr|ssim|fid|cider|spice|perplexity|ppl|top \d+(?: acc(?:uracy)?)?|score|win rate)$"
)
_SPLIT_WORD = re.compile(r"^(?:test|dev|development|val|valid|validation|eval|train|held[- ]?out)\b", re.I)
_SPLIT_LABEL = re.compile(
    r"^(?:(?:test|dev|val|valid|validation)(?:[- _]?(?:clean|other|std|hard|easy|seen|unseen|[a-z]?\d+))?|"
    r"(?:clean|other)|(?:test|dev)[- ]?(?:set)?)$",
    re.I,
)


# --------------------------------------------------------------------------- public types
@dataclass
class ExtractionReport:
    """What extraction produced: scores, what it warned about, and what it refused (with why)."""

    scores: list[Score] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    tables_used: list[int] = field(default_factory=list)


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
    command: str
    roles: dict[str, Any] = field(default_factory=dict)  # what each column and row was found to be (see _roles)

    def render(self) -> str:
        """Human-readable block for ``inspect-tables``."""
        where = " > ".join(self.headings) or "(no heading)"
        verdict = "yes" if self.is_evaluation else f"no ({self.not_evaluation_reason})"
        lines = [f"Table {self.number} ({self.kind}, line {self.line}) - {where}"]
        if self.caption:
            lines.append(f"  caption: {self.caption}")
        lines.append(f"  layout: {self.layout}; evaluation table: {verdict}")
        lines.append("  columns: " + " | ".join(f"[{i}] {c}" for i, c in enumerate(self.columns)))
        lines += [f"  {line}" for line in _render_roles(self.roles)]
        if self.model_rows:
            lines.append("  model rows: " + ", ".join(repr(r) for r in self.model_rows))
        for row in self.sample_rows:
            lines.append("    " + " | ".join(row))
        lines.append(f"  next: {self.command}")
        return "\n".join(lines)


def _render_roles(roles: dict[str, Any]) -> list[str]:
    """The roles line(s) of a table: why a value was or was not read."""
    def cols(key: str) -> str:
        return ", ".join(str(c) for c in roles.get(key) or []) or "-"

    out = [
        f"roles: label column {roles.get('label_column') if roles.get('label_column') is not None else '-'}; "
        f"category columns {cols('category_columns')}; setting columns {cols('setting_columns')}; "
        f"value columns {cols('value_columns')}; not scores {cols('skipped_columns')}; "
        f"header rows {roles.get('header_rows')}"
    ]
    extra = []
    if roles.get("setting_rows"):
        extra.append("setting rows: " + ", ".join(roles["setting_rows"]))
    if roles.get("category_rows"):
        extra.append(f"category rows: {roles['category_rows']}")
    if roles.get("section_rows"):
        extra.append("section rows: " + ", ".join(roles["section_rows"]))
    if roles.get("harness"):
        extra.append("harness output (settings written Header=value)")
    extra.append(f"leaderboard: {roles.get('leaderboard') or 'none'}")
    extra.append(f"scale: {roles.get('scale')}")
    out.append("; ".join(extra))
    return out


# --------------------------------------------------------------------------- model names
def model_tokens(text: str) -> list[str]:
    """Lower-case word tokens of a model name: markup, emoji, ``(ours)`` and separators removed.

    Dots survive only between digits (``1.3b`` is not ``13b``); Greek letters are spelled out
    (``β`` -> ``beta``) so ``Zephyr-7b-β`` matches ``zephyr-7b-beta`` but not ``-α``.
    """
    s = _OWN_MARKER.sub(" ", clean_label(text))
    s = unicodedata.normalize("NFKC", s).lower()
    s = _VERSION_UNDERSCORE.sub(r"\1.\2", _SIZE_UNDERSCORE.sub(r"\1.\2", s))  # internlm2_5 is internlm2.5
    s = "".join(f" {_GREEK[ch]} " if ch in _GREEK else ch for ch in s)
    return _TOKEN.findall(s)


def model_key(text: str) -> str:
    """Tokens joined without separators (``FalconMamba-7B`` == ``falcon-mamba-7b``), keeping digit|digit seams."""
    out = ""
    for tok in model_tokens(text):
        if out and out[-1].isdigit() and tok[0].isdigit():
            out += "|"
        out += tok
    return out


@dataclass
class _Target:
    keys: frozenset[str]
    name_tokens: list[str] | None  # for the relaxed rules; None with an explicit model name
    label: str


def _target(repo_id: str | None, model_name: str | None) -> _Target | None:
    if model_name:
        key = model_key(model_name)
        if not key:
            raise UsageError(
                f"--model-name-override {model_name!r} has no letters or digits", "pass the header as printed"
            )
        return _Target(frozenset({key}), None, model_name)
    if not repo_id:
        return None
    name = repo_id.rsplit("/", 1)[-1]
    keys = {model_key(name)}
    if "/" in repo_id:
        keys.add(model_key(repo_id))
    return _Target(frozenset(k for k in keys if k), model_tokens(name), repo_id)


def _exact(raw: str, target: _Target) -> tuple[bool, str | None]:
    """(matched, setting) for a header/label cell; a trailing ``(Thinking)``-style mode becomes the setting."""
    text, qual = split_cell(raw)
    if qual and not (_MODE.match(qual) or _SETTING_VALUE.match(qual)):
        qual = None  # a second header line (``7b``, a date) describes the model, it is no setting of its scores
    if model_key(text) in target.keys or _links_to_repo(raw, target):
        return True, qual
    m = re.match(r"^(.*?)\s*[(\[]([^()\[\]]+)[)\]]\s*$", text)
    if m and _MODE.match(m.group(2).strip()) and model_key(m.group(1)) in target.keys:
        return True, _join(m.group(2).strip(), qual)
    return False, None


def _links_to_repo(raw: str, target: _Target) -> bool:
    """A label linking to ``huggingface.co/<repo id>`` names that repo, whatever its text says."""
    if target.name_tokens is None or "/" not in target.label or "huggingface.co/" not in raw:
        return False
    m = re.search(r"huggingface\.co/([\w.-]+/[\w.-]+)/?(?=[)\s\"'#?]|$)", raw)
    return bool(m) and m.group(1).lower() == target.label.lower()


def _relaxed_rule(raw: str, target: _Target) -> str | None:
    """Which relaxed rule (module docstring) a label satisfies, if any; uniqueness is checked by the caller."""
    r = target.name_tokens
    if not r:
        return None
    text, _ = split_cell(raw)
    h = model_tokens(text)
    if len(h) < 1 or not any(not t[0].isdigit() for t in h):
        return None
    if len(r) == len(h) + 1 and len(h) >= 2 and r[1:] == h and _FAMILY.match(r[0]):
        return "family-prefix"
    if len(r) == len(h) + 1 and r[:-1] == h and r[-1] in _VARIANT_SUFFIX:
        return "variant-suffix"
    if len(h) == len(r) + 1:
        for k, tok in enumerate(h):
            if _SIZE_TOKEN.match(tok) and h[:k] + h[k + 1 :] == r:
                return "size"
    return None


# --------------------------------------------------------------------------- table analysis
@dataclass
class _Analysis:
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
    parts = _packed_count(text)
    if parts and split_packed(raw, parts) is not None:
        return "value"
    return "text"


def _packed_count(text: str) -> int:
    if "|" in text:
        return text.count("|") + 1
    if "/" in text:
        return text.count("/") + 1
    return 0


def _label_tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def _is_non_score_label(text: str) -> bool:
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


def _analyse(table: Table) -> _Analysis:
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
        c for c in range(n_cols) if c not in label_cols and (_is_non_score_label(labels[c]) or c in named_settings)
    ]
    value_cols = [c for c in range(n_cols) if c not in label_cols and c not in skipped and n_val[c] > 0]
    _full_width_groups(groups, value_cols)
    bench_col, setting_cols = _bench_and_setting_cols(table, label_cols, labels, body)
    setting_cols += [c for c in named_settings if c not in setting_cols]
    an = _Analysis(
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
_AGGREGATE = re.compile(r"^(?:avg|average|mean|overall|total)\b", re.I)
_V2_SECTION = re.compile(r"(?:open ?llm|leaderboard).*\bv2\b|\bv2\b.*leaderboard", re.I)
_V1_SECTION = re.compile(r"(?:open ?llm|leaderboard).*\bv1\b|open llm leaderboard", re.I)


def _leaderboard_of(labels: list[str], title: str) -> str | None:
    """Which Open LLM Leaderboard a set of benchmark labels is, from the labels themselves.

    v2 (IFEval, BBH, MATH Lvl 5, GPQA, MuSR, MMLU-PRO) holds leaderboard-*normalized* scores; v1
    (ARC, HellaSwag, MMLU, TruthfulQA, Winogrande, GSM8k) holds raw accuracies.
    """
    names = [x for x in labels if x and not _AGGREGATE.match(x)]
    if _V2_SECTION.search(title):
        return "open-llm-v2"
    v2 = [x for x in names if _V2_NAME.match(x)]
    if len(v2) >= 3 and any(_V2_SIGNATURE.match(x) for x in v2) and len(v2) * 2 >= len(names):
        return "open-llm-v2"
    v1 = [x for x in names if _V1_NAME.match(x)]
    if _V1_SECTION.search(title) or (len(v1) >= 5 and len(v1) == len(names)):
        return "open-llm-v1"
    return None


def _mark_scale(an: _Analysis) -> None:
    """Which scores are printed as 0-1 fractions: a row, a column or the whole table of values all within [0, 1].

    Two values at least, one of them not a whole number (0 and 1 alone may be counts or flags).
    """
    grid: dict[tuple[int, int], float] = {}
    for r in an.body[:STATS_ROWS]:
        for c in an.value_cols:
            v = parse_value(an.cell(r, c))
            if v is not None and not v.is_percent:
                grid[(r, c)] = v.value

    def fraction(values: list[float]) -> bool:
        return len(values) >= 2 and all(0 <= x <= 1 for x in values) and any(x != int(x) for x in values)

    an.fraction_table = fraction(list(grid.values()))
    an.fraction_rows = {r for r in an.body if fraction([v for (rr, _), v in grid.items() if rr == r])}
    an.fraction_cols = {c for c in an.value_cols if fraction([v for (_, cc), v in grid.items() if cc == c])}


def _mark_leaderboard(an: _Analysis) -> None:
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


_SETTING_VALUE = re.compile(
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
        elif all(_SETTING_VALUE.match(t) for t in filled):
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
    return bool(filled) and all(_SETTING_VALUE.match(x) for x in filled)


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


def _evaluation_verdict(an: _Analysis) -> tuple[bool, str | None]:
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


# --------------------------------------------------------------------------- locating the model
@dataclass
class _Located:
    layout: str  # "models-as-columns" | "models-as-rows" | "single-model"
    cols: list[tuple[int, str | None]] = field(default_factory=list)
    rows: list[tuple[int, str | None]] = field(default_factory=list)
    rule: str | None = None  # relaxed rule used, if any
    label: str | None = None
    row_names: dict[int, str] = field(default_factory=dict)  # own row -> the label text that matched


def _row_label_cells(an: _Analysis, r: int, explicit: bool) -> list[str]:
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


def _header_cells(an: _Analysis, c: int) -> list[tuple[int, str]]:
    return [
        (h, row[c])
        for h, row in enumerate(an.table.rows[: an.table.header_rows])
        if c < len(row) and clean_label(row[c])
    ]


def _model_cols_candidates(an: _Analysis) -> list[int]:
    return [c for c in range(an.table.n_cols) if c not in an.label_cols and c not in an.skipped_cols]


def _locate_exact(an: _Analysis, target: _Target) -> _Located | None:
    hr = an.table.header_rows
    cols: list[tuple[int, str | None]] = []
    for c in _model_cols_candidates(an):
        for h, raw in _header_cells(an, c):
            ok, setting = _exact(raw, target)
            if ok:
                below = an.labels[c] if h < hr - 1 and an.labels[c] != clean_label(raw) else None
                cols.append((c, _join(setting, below)))
                break
    rows: list[tuple[int, str | None]] = []
    names: dict[int, str] = {}
    for r in an.body:
        for raw in _row_label_cells(an, r, target.name_tokens is None):
            ok, setting = _exact(raw, target)
            if ok:
                rows.append((r, setting))
                names[r] = clean_label(raw)
                break
    if cols and not rows:
        return _Located("models-as-columns", cols=cols)
    if rows and not cols:
        return _Located("models-as-rows", rows=_row_settings(an, rows), row_names=names)
    return None


def _locate_relaxed(an: _Analysis, target: _Target) -> _Located | None:
    found: dict[str, list[tuple[str, int, str]]] = {}  # rule -> [(axis, index, label)]
    for c in _model_cols_candidates(an):
        for _h, raw in _header_cells(an, c):
            rule = _relaxed_rule(raw, target)
            if rule:
                found.setdefault(rule, []).append(("col", c, clean_label(raw)))
    for r in an.body:
        for raw in _row_label_cells(an, r, False):
            rule = _relaxed_rule(raw, target)
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


def _closest_name(an: _Analysis, target: _Target) -> list[tuple[str, tuple[str, int, str]]]:
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
            if family and len(tokens) == 1 and _SIZE_TOKEN.match(tokens[0]):
                tokens = family + tokens  # ``LLaMA`` over rows ``7B`` / ``13B``: the rows are sizes of the family
            cands.append((-1 - r, clean_label(raw), tokens))
    best = identity.closest(cands, target.name_tokens)
    if best is None:
        return []
    axis, idx = ("col", best.index) if best.index >= 0 else ("row", -1 - best.index)
    return [("close-name", (axis, idx, best.label))]


def _family_header(an: _Analysis) -> list[str]:
    """The model family named over the label column (``LLaMA`` above ``Number of parameters``), if any."""
    if not an.label_cols:
        return []
    c = an.label_cols[0]
    for row in an.table.rows[: an.table.header_rows]:
        text = clean_label(row[c]) if c < len(row) else ""
        if text and not _MODEL_HEADER.match(text) and not _is_non_score_label(text) and _looks_like_model(text):
            return model_tokens(text)
    return []


def _latest_release_row(an: _Analysis) -> int | None:
    if not an.label_cols or not _RELEASE_HEADER.match(an.labels[an.label_cols[0]]):
        return None
    rows = [r for r in an.body if re.search(r"\((?:latest|current)\)", clean_label(an.cell(r, an.label_cols[0])), re.I)]
    return rows[0] if len(rows) == 1 else None


def _others_carry_variant(an: _Analysis, axis: str, idx: int) -> bool:
    """The table compares instruct/chat models: some other model label carries such a suffix."""
    if axis == "col":
        others = [an.labels[c] for c in _model_cols_candidates(an) if c != idx]
    else:
        others = [clean_label(an.cell(r, an.label_cols[0])) for r in an.body if r != idx]
    return any(set(model_tokens(o)) & _VARIANT_SUFFIX for o in others)


def _row_settings(an: _Analysis, rows: list[tuple[int, str | None]]) -> list[tuple[int, str | None]]:
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
        out.append((r, _join(setting, *differing)))
    return out


def _looks_like_model(text: str) -> bool:
    if re.search(r"(?<![\w.])\d+(?:\.\d+)?\s?[BMK]\b", text):
        return True
    if re.match(r"^[A-Za-z0-9][\w.-]{2,}/[\w.-]*[A-Za-z][\w.-]{1,}$", text.strip()):
        return True
    return any(_MODEL_WORDS.match(t) for t in model_tokens(text))


def _single_model(an: _Analysis) -> _Located | None:
    """A table with no model axis at all: benchmark | score, metric x split, or one row under a version column.

    When benchmarks run down the rows, every score column must read as a setting (a split such as
    ``dev``/``test``, a metric such as ``BLEU``, or one generic ``Value`` column): a column named
    ``Baseline`` or ``Ours`` is a model, and the table is not single-model.
    """
    if not an.evaluation or any(_looks_like_model(an.labels[c]) for c in an.value_cols):
        return None
    if not an.label_cols or (_RELEASE_HEADER.match(an.labels[an.label_cols[0]]) and len(an.body) == 1):
        return _Located("single-model", rows=[(an.body[0], None)]) if len(an.body) == 1 else None
    if _MODEL_HEADER.match(an.labels[an.label_cols[0]]) or an.bench_col is None:
        return None
    if any(_looks_like_model(clean_label(an.cell(r, an.bench_col))) for r in an.body):
        return None
    if not all(_reads_as_setting(an, c) for c in an.value_cols):
        return None
    return _Located("single-model", cols=[(c, None) for c in an.value_cols])


def _reads_as_setting(an: _Analysis, c: int) -> bool:
    label = an.labels[c]
    if len(an.value_cols) == 1 and _GENERIC_VALUE_HEADER.match(label):
        return True
    plain = " ".join(_label_tokens(label))
    return bool(_METRIC.match(plain) or _SPLIT_WORD.match(label) or (an.groups[c] and _SPLIT_WORD.match(an.groups[c])))


# --------------------------------------------------------------------------- reading cells
@dataclass
class _Reader:
    an: _Analysis
    extra_setting: str | None
    scores: list[Score] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
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
        parts = _packed_count(cell_text)
        if declared and parts == declared:
            names = packed_header(bench_raw, parts)
            values = split_packed(raw, parts)
            if names and values:
                rest = [x for x in settings if _packed_setting([x], parts) is None]  # ``Acc/F1`` restated below
                for (name, part_setting), v in zip(names, values, strict=True):
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
        if not bench or _is_non_score_label(bench):
            return
        if _GENERIC_VALUE_HEADER.match(bench):
            warning = f"table {table}: {where.split(',')[-1].strip()} names no benchmark ({bench!r}); skipped"
            if warning not in self.warnings:
                self.warnings.append(warning)
            return
        if self.normalized:
            what = "a table whose caption says its scores are normalized" if self.an.leaderboard == "normalized" else (
                "an Open LLM Leaderboard v2 table or section"
            )
            self.refused.append(
                f"{bench}: {value:g} ({where}) is from {what} (leaderboard-normalized: random baseline subtracted, "
                "rescaled), another quantity than the benchmark's own metric; shown, never published"
            )
            return
        self.scores.append(
            Score(
                benchmark=bench,
                value=value,
                setting=_join(*settings, self.extra_setting),
                table=table,
                location=f"table {table}, {where}",
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
        if second and "(" not in second and "[" not in second and not _SETTING_VALUE.match(second) and not _SETTING_WORDS.search(second):
            return f"{text} {second}", None
    return text, qual


def _packed_lines(names: list[str], values: list[str]) -> bool:
    """Every line a benchmark name and every value line a score (or missing): ``AIME 2024<br>MATH`` over
    ``87.3<br>94.3``. ``Flickr30K<br>(0-shot)`` over ``127.0<br>(PALI-17B)`` is a label with its setting."""
    for name in names:
        text = clean_label(name)
        if not text or text.startswith(("(", "[")) or _SETTING_VALUE.match(text) or _SETTING_WORDS.search(text):
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


def _read_table(an: _Analysis, loc: _Located, extra_setting: str | None) -> _Reader:
    rd = _Reader(an, extra_setting)
    t = an.table
    if loc.layout == "models-as-columns":
        if an.bench_col is None:
            rd.warnings.append(f"table {t.index}: no column with benchmark names; skipped")
            return rd
        benches = _row_benchmarks(an)
        for c, col_setting in loc.cols:
            col_label = _column_title(an, c)
            for r in an.body:
                bench_raw = benches.get(r, "")
                if not clean_label(bench_raw) or _is_non_score_label(clean_label(bench_raw)):
                    continue
                rd.read(
                    r,
                    c,
                    bench_raw,
                    [col_setting, an.col_settings[c], *_row_setting_values(an, r)],
                    f"row {clean_label(bench_raw)!r}, column {col_label!r}",
                )
    elif loc.layout == "models-as-rows" or (loc.layout == "single-model" and loc.rows):
        if loc.layout == "single-model" and not any(_reads_as_metric(an.labels[c]) for c in an.value_cols):
            rd.extra_setting = _join(rd.extra_setting, _caption_metric(an))
        for r, row_setting in loc.rows:
            row_label = loc.row_names.get(r) or (
                clean_label(an.cell(r, an.bench_col)) if an.bench_col is not None else ""
            )
            where_row = f"row {row_label!r}" if row_label else f"data row {an.body.index(r) + 1}"
            dataset_col = _dataset_col(an, r, loc)
            for c in an.value_cols:
                bench_raw, group_setting = _column_benchmark(an, c)
                if dataset_col is not None:  # ``Dataset | Model | Average (Acc.)``: the row names the benchmark
                    bench_raw, group_setting = an.cell(r, dataset_col), _join(group_setting, an.labels[c])
                rd.read(
                    r,
                    c,
                    bench_raw,
                    [group_setting, an.col_settings[c], row_setting],
                    f"{where_row}, column {_column_title(an, c)!r}",
                )
    else:  # single-model, benchmarks down the rows
        generic = len(an.value_cols) == 1 and _GENERIC_VALUE_HEADER.match(an.labels[an.value_cols[0]] or "")
        if generic and not an.setting_cols:
            rd.extra_setting = _join(rd.extra_setting, _caption_metric(an))
        benches = _row_benchmarks(an)
        for r in an.body:
            bench_raw = benches.get(r, "")
            for c in an.value_cols:
                col_setting = None if generic else _join(an.groups[c], an.labels[c])
                rd.read(
                    r,
                    c,
                    bench_raw,
                    [col_setting, an.col_settings[c], *_row_setting_values(an, r)],
                    f"row {clean_label(bench_raw)!r}, column {an.labels[c]!r}",
                )
    return rd


_CAPTION_METRIC = re.compile(
    r"^\W*(?:results?|scores?|performance|evaluation)?\W*\(\s*(WER|CER|BLEU|chrF|F1|EM|accuracy|acc|exact match|"
    r"ROUGE-?L?|pass@1|mAP|AP|PER)\s*\)\W*$",
    re.I,
)


def _caption_metric(an: _Analysis) -> str | None:
    """The metric named only in a short caption right above a single-model table (``*Result (WER)*:``)."""
    m = _CAPTION_METRIC.match(an.table.caption or "")
    return m.group(1) if m else None


def _reads_as_metric(label: str) -> bool:
    return bool(_METRIC.match(" ".join(_label_tokens(label))))


def _dataset_col(an: _Analysis, r: int, loc: _Located) -> int | None:
    """In a models-as-rows table, a label column headed ``Dataset`` / ``Task`` / ``Benchmark`` that is not the
    model's own name cell: each row then reports that benchmark, and the score columns are its metrics."""
    name = loc.row_names.get(r)
    for c in an.label_cols:
        if _BENCH_HEADER.match(an.labels[c]) and clean_label(an.cell(r, c)) and clean_label(an.cell(r, c)) != name:
            return c
    return None


_SUBROW_MARK = re.compile(r"^\s*(?:[-–•]\s+|&nbsp;)+")


def _row_benchmarks(an: _Analysis) -> dict[int, str]:
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
            elif before and _AGGREGATE.match(clean_label(an.cell(r, before[-1]))):
                out[r] = an.cell(r, before[-1])  # ``**Average** | | 66.4``: the total written in the category column
            continue
        raw = _SUBROW_MARK.sub("", raw)
        out[r] = previous = raw
    return out


def _row_setting_values(an: _Analysis, r: int) -> list[str]:
    """Settings a row names in its setting columns (shots, metric); ``n-shot=5`` in harness tables."""
    out = []
    for c in an.setting_cols:
        text = clean_label(an.cell(r, c))
        if text and not is_missing(text):
            out.append(f"{an.labels[c]}={text}" if an.keyed_settings else text)
    return out


def _column_title(an: _Analysis, c: int) -> str:
    """``Plover-32B / Thinking`` for a column under a group header, else the label."""
    label = an.labels[c] or f"#{c}"
    return f"{an.groups[c]} / {label}" if an.groups[c] else label


def _column_benchmark(an: _Analysis, c: int) -> tuple[str, str | None]:
    """(benchmark header cell, setting) for a score column, resolving repeated labels under group headers.

    Unique labels stand alone (groups like ``General VQA`` are categories). Repeated labels need
    their group: a split-like group (``Test 3``) is the setting, otherwise the group is the
    benchmark and the label the setting (``RefCOCO`` / ``val``).
    """
    label, group = an.labels[c], an.groups[c]
    repeated = sum(1 for o in an.value_cols if an.labels[o] == label) > 1
    if group and _SPLIT_LABEL.match(label) and not _SPLIT_WORD.match(group):
        return group, label  # ``LibriSpeech`` over ``test-clean | test-other``: the dataset, split as setting
    if not repeated or not group:
        return an.raw_labels[c], None
    if _SPLIT_WORD.match(group) or not _SPLIT_WORD.match(label):
        return an.raw_labels[c], group
    return group, label


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
    analyses = [_analyse(t) for t in tables]
    above = _heading_settings(tables)
    target = _target(repo_id, model_name)
    if table is not None:
        if not 1 <= table <= len(tables):
            raise UsageError(
                f"--table {table} is out of range: the README has {len(tables)} table(s)",
                "run inspect-tables to list them",
            )
        return _extract_one(analyses[table - 1], target, model_column_index, above.get(table))
    return _extract_auto(analyses, target, above, repo_id)


def _extract_one(an: _Analysis, target: _Target | None, column: int | None, above: str | None) -> ExtractionReport:
    t = an.table
    if column is not None:
        if not 0 <= column < t.n_cols or column in an.label_cols:
            raise UsageError(
                f"--model-column-index {column} is not a score column of table {t.index}",
                f"score columns: {', '.join(str(c) for c in _model_cols_candidates(an)) or 'none'}",
            )
        loc = _Located("models-as-columns", cols=[(column, None)])
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
    report = ExtractionReport(warnings=_rule_warning(an, loc) + rd.warnings, refused=list(rd.refused))
    _merge_into(report, [(an, rd.scores)])
    return report


def _normalized(an: _Analysis) -> bool:
    """Every value of the table is leaderboard-normalized (a v2 leaderboard table, or one that says so)."""
    return bool(an.body) and (set(an.body) <= an.normalized_rows or bool(an.normalized_cols))


def _as_evaluation(an: _Analysis) -> _Analysis:
    """With an explicit ``--table`` the user has decided it is an evaluation table."""
    if an.evaluation or not an.value_cols:
        return an
    return dataclasses.replace(an, evaluation=True, why_not=None)


def _extract_auto(
    analyses: list[_Analysis], target: _Target | None, above: dict[int, str], repo_id: str | None
) -> ExtractionReport:
    report = ExtractionReport()
    evaluation = []
    for an in analyses:
        if an.evaluation and _normalized(an):
            report.warnings.append(
                f"table {an.table.index} skipped: its scores are leaderboard-normalized "
                f"({an.leaderboard}), not the benchmarks' own metrics; they are never published"
            )
        elif an.evaluation and an.normalized_rows:
            report.warnings.append(
                f"table {an.table.index} skipped: it mixes raw scores with an Open LLM Leaderboard v2 section "
                f"(leaderboard-normalized values); pass --table {an.table.index} to read its raw rows"
            )
        elif an.evaluation:
            evaluation.append(an)
    located: list[tuple[_Analysis, _Located]] = []
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
        skipped = "".join(f"; {w}" for w in report.warnings if " skipped: " in w)
        raise ModelNotFoundError(f"{who} was not found in any evaluation table ({counts}){skipped}", cands[:40])
    per_table = []
    aggregate_tables = {an.table.index for an in analyses if an.evaluation and _has_aggregate(an)}
    aggregates: list[Score] = []
    for an, loc in sorted(located, key=lambda x: x[0].table.index):
        rd = _read_table(an, loc, above.get(an.table.index))
        report.warnings += _rule_warning(an, loc) + rd.warnings
        report.refused += rd.refused
        if len(aggregate_tables) > 1:  # an "Average" is over its own table's benchmarks: whose, with several?
            aggregates += [x for x in rd.scores if _AGGREGATE.match(x.benchmark)]
            rd.scores = [x for x in rd.scores if not _AGGREGATE.match(x.benchmark)]
        per_table.append((an, rd.scores))
    if aggregates:
        options = "; ".join(f"{x.value:g} ({x.location})" for x in aggregates)
        report.refused.append(
            f"{aggregates[0].benchmark}: {options}: each averages its own table's benchmarks, and tables "
            f"{', '.join(map(str, sorted(aggregate_tables)))} each have an average; pass --table N to choose"
        )
    _merge_into(report, per_table)
    return report


_DERIVATIVE = re.compile(r"(?:^|[-_.])(?:gguf|ggml|gptq|awq|exl2|mlx|bnb|[2-8]bit|int[48]|fp8|w[48]a(?:8|16)|quantized)(?:$|[-_.])", re.I)


def _is_derivative(repo_id: str) -> bool:
    """A quantized or converted copy: a card's single-model table then describes the original checkpoint."""
    return bool(_DERIVATIVE.search(repo_id.rsplit("/", 1)[-1]))


def _has_aggregate(an: _Analysis) -> bool:
    labels = [an.labels[c] for c in an.value_cols]
    if an.bench_col is not None:
        labels += [clean_label(an.cell(r, an.bench_col)) for r in an.body[:STATS_ROWS]]
    return any(_AGGREGATE.match(x) for x in labels if x)


def _filter_variant(
    located: list[tuple[_Analysis, _Located]], repo_id: str | None, report: ExtractionReport, also_unmarked: bool = False
) -> list[tuple[_Analysis, _Located]]:
    """Drop tables whose section speaks of the other variant (base vs instruct, thinking vs non-thinking).

    With ``also_unmarked`` (names matched only in other notation) a repo name without any variant word
    counts as a base model: an instruct/chat section is then another checkpoint's, not a guess to take.
    """
    if not repo_id:
        return located
    tokens = set(model_tokens(repo_id.rsplit("/", 1)[-1]))
    if also_unmarked and not tokens & (_INSTRUCT_TOKENS | {"base"}):
        tokens.add("base")
    kept = []
    for an, loc in located:
        reason = _variant_conflict(an, tokens, headings_only=also_unmarked)
        if reason:
            report.warnings.append(
                f"table {an.table.index} skipped: {reason} and {repo_id} is not (pass --table to use it)"
            )
        else:
            kept.append((an, loc))
    return kept


def _variant_conflict(an: _Analysis, repo_tokens: set[str], headings_only: bool = False) -> str | None:
    """Why a table's section is about another variant than the repo's, if it is."""
    context = " ".join([*an.table.headings[-1:], "" if headings_only else an.table.caption or ""])
    is_base, is_instruct = bool(_BASE_CONTEXT.search(context)), bool(_INSTRUCT_CONTEXT.search(context))
    if "thinking" in repo_tokens and re.search(r"\bnon[- ]?thinking\b", context, re.I):
        return "its section is about non-thinking mode"
    if repo_tokens & _INSTRUCT_TOKENS and is_base and not is_instruct:
        return "its section is about base/pretrained models"
    if "base" in repo_tokens and is_instruct and not is_base:
        return "its section is about instruct/chat models"
    return None


def _merge_into(report: ExtractionReport, per_table: list[tuple[_Analysis, list[Score]]]) -> None:
    """Keep one score per (benchmark, setting); refuse those whose values disagree."""
    groups: dict[tuple[str, str], list[Score]] = {}
    order: list[tuple[str, str]] = []
    for _an, scores in per_table:
        for s in scores:
            key = (_label_key(s.benchmark), _label_key(s.setting or ""))
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(s)
    used: set[int] = set()
    for key in order:
        found = groups[key]
        if len({s.value for s in found}) == 1:
            report.scores.append(found[0])
            used.add(found[0].table or 0)
            continue
        options = "; ".join(f"{s.value:g} ({s.location})" for s in found)
        label = found[0].benchmark + (f" [{found[0].setting}]" if found[0].setting else "")
        report.refused.append(
            f"{label}: different values and nothing decides between them: {options}; "
            "pass --table N (and --model-name-override / --model-column-index) to choose"
        )
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


def _rule_warning(an: _Analysis, loc: _Located) -> list[str]:
    if not loc.rule:
        return []
    return [
        f"table {an.table.index}: model matched to {loc.label!r} by the {loc.rule!r} rule (not an exact name match); "
        "check it, or pass --model-name-override"
    ]


def _join(*parts: str | None) -> str | None:
    seen: list[str] = []
    for p in parts:
        if p and p.strip() and p.strip() not in seen:
            seen.append(p.strip())
    return "; ".join(seen) if seen else None


# --------------------------------------------------------------------------- candidates and summaries
def _guess_layout(an: _Analysis) -> str:
    if an.label_cols and _MODEL_HEADER.match(an.labels[an.label_cols[0]]):
        return "models-as-rows"
    if an.bench_col is not None and _BENCH_HEADER.match(an.labels[an.bench_col]) and not _single_model(an):
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


def _candidates(an: _Analysis) -> list[Candidate]:
    """Every header or row label that could be the model, with the flags that select it."""
    n = an.table.index
    layout = _guess_layout(an)
    out: list[Candidate] = []
    if layout in ("models-as-columns", "unknown"):
        for c in _model_cols_candidates(an):
            if an.labels[c]:
                out.append(Candidate(an.labels[c], n, f"--table {n} --model-column-index {c}"))
    if layout in ("models-as-rows", "unknown") and an.label_cols:
        firsts = [clean_label(an.cell(r, an.label_cols[0])) for r in an.body]
        for r, first in zip(an.body, firsts, strict=True):
            label = first
            if firsts.count(first) > 1 and len(an.label_cols) > 1:
                label = f"{first} {clean_label(an.cell(r, an.label_cols[1]))}"
            if label:
                out.append(Candidate(label, n, f'--table {n} --model-name-override "{label}"'))
    if layout == "single-model":
        out.append(Candidate("(single-model table)", n, f"--table {n}"))
    return out


def describe_tables(text: str, repo_id: str | None = None, model_name: str | None = None) -> list[TableSummary]:
    """Summaries of every table for ``inspect-tables``, with the command that extracts each."""
    target = _target(repo_id, model_name)
    out = []
    for t in find_tables(text):
        an = _analyse(t)
        loc = (_locate_exact(an, target) if target else None) or (
            _locate_relaxed(an, target) if target and target.name_tokens else None
        )
        layout = loc.layout if loc else _guess_layout(an)
        model_cols = [c for c, _ in loc.cols] if loc else []
        model_rows = [clean_label(an.cell(r, an.label_cols[0])) for r, _ in loc.rows] if loc and an.label_cols else []
        columns = [f"{lab}*" if c in model_cols else lab for c, lab in enumerate(an.labels)]
        sample = [[clean_label(x) for x in t.rows[r]] for r in an.body[:3]]
        roles = _roles(an)
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
                _next_command(an, loc, layout, repo_id, model_name),
                roles,
            )
        )
    return out


def _roles(an: _Analysis) -> dict[str, Any]:
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
    if an.normalized_rows and not _normalized(an):
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


def _next_command(an: _Analysis, loc: _Located | None, layout: str, repo_id: str | None, model_name: str | None) -> str:
    cmd = "evaluation_manager.py extract-readme"
    if repo_id:
        cmd += f" --repo-id {repo_id}"
    cmd += f" --table {an.table.index}"
    if loc and loc.cols and len(loc.cols) == 1 and not model_name and loc.rule:
        cmd += f" --model-column-index {loc.cols[0][0]}"
    elif loc and loc.rows and loc.rule and an.label_cols:
        cmd += f' --model-name-override "{clean_label(an.cell(loc.rows[0][0], an.label_cols[0]))}"'
    elif model_name:
        cmd += f' --model-name-override "{model_name}"'
    elif not loc and layout == "models-as-columns":
        cmd += " --model-column-index K"
    elif not loc and layout == "models-as-rows":
        cmd += ' --model-name-override "ROW LABEL"'
    return cmd
