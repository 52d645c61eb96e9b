"""Is this table header or row label the repo's own model? Names as tokens, exact and close matches.

:func:`model_tokens` / :func:`model_key` turn a printed name into comparable tokens (markup,
``(ours)``, emoji and separators gone; Greek letters spelled out; ``2_5`` read as ``2.5``);
:func:`exact_match` decides an exact match, :func:`relaxed_rule` the named relaxed rules.

Publishers print their model's name in their own notation: ``InternLM2.5-1.8B-Chat`` for
``internlm2_5-1_8b-chat``, ``DeiT-base distilled`` for ``deit-base-distilled-patch16-224``,
``DecilLM-7B`` (a typo) for ``DeciLM-7B``, ``Phi-3-Mini-128K-Ins`` (cut short) for
``Phi-3-mini-128k-instruct``. :func:`closest` scores every candidate label of a table against the
repo name and accepts only a unique best candidate with a clear margin over the next one; a label
that adds a token the repo name lacks (``v2``, ``iter2``, another size) or drops one that decides
the variant (``instruct``, ``chat``, ``base``, a version or size) is never a candidate at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import UsageError
from .tablemodel import SETTING_VALUE, join_settings
from .values import clean_label, split_cell

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
MODE = re.compile(
    r"^(?:non[- ]?thinking|thinking|no[- ]thinking|reasoning|non[- ]?reasoning|w/?o? tools?|with(?:out)? tools?|"
    r"tool[- ]?use|cot|no[- ]cot|greedy|sampling|high|medium|low)$",
    re.IGNORECASE,
)
_FAMILY = re.compile(
    r"^(?:meta|llama|mistral|mixtral|qwen|gemma|phi|falcon|gpt|olmo|yi|baichuan|internlm|deepseek|"
    r"bert|roberta|t5|vicuna)\d*(?:\.\d+)?$"
)
VARIANT_SUFFIX = {"instruct", "chat", "it"}
INSTRUCT_TOKENS = VARIANT_SUFFIX | {"sft", "dpo", "rlhf"}  # a repo name with one of these is a post-trained model
# What a table's heading or caption says of the models it reports: pretrained base models, or post-trained ones.
_BASE_CONTEXT = re.compile(r"\b(?:base|pre-?train(?:ed|ing)?|foundation)\b(?! on)", re.I)
_INSTRUCT_CONTEXT = re.compile(  # "instruction following" is a skill base models are tested on, not a variant
    r"\b(?:instruct(?:ed|s)?|instruction[- ]tuned|instruct-tuned|chat|aligned|post-?trained|sft|rlhf|dpo)\b", re.I)
SIZE_TOKEN = re.compile(r"^\d+(?:\.\d+)?[bmkt]$")


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
class Target:
    keys: frozenset[str]
    name_tokens: list[str] | None  # for the relaxed rules; None with an explicit model name
    label: str


def target_for(repo_id: str | None, model_name: str | None) -> Target | None:
    if model_name:
        key = model_key(model_name)
        if not key:
            raise UsageError(
                f"--model-name-override {model_name!r} has no letters or digits", "pass the header as printed"
            )
        return Target(frozenset({key}), None, model_name)
    if not repo_id:
        return None
    name = repo_id.rsplit("/", 1)[-1]
    keys = {model_key(name)}
    if "/" in repo_id:
        keys.add(model_key(repo_id))
    return Target(frozenset(k for k in keys if k), model_tokens(name), repo_id)


def exact_match(raw: str, target: Target) -> tuple[bool, str | None]:
    """(matched, setting) for a header/label cell; a trailing ``(Thinking)``-style mode becomes the setting."""
    text, qual = split_cell(raw)
    if qual and not (MODE.match(qual) or SETTING_VALUE.match(qual)):
        qual = None  # a second header line (``7b``, a date) describes the model, it is no setting of its scores
    if model_key(text) in target.keys or _links_to_repo(raw, target):
        return True, qual
    m = re.match(r"^(.*?)\s*[(\[]([^()\[\]]+)[)\]]\s*$", text)
    if m and MODE.match(m.group(2).strip()) and model_key(m.group(1)) in target.keys:
        return True, join_settings(m.group(2).strip(), qual)
    return False, None


def _links_to_repo(raw: str, target: Target) -> bool:
    """A label linking to ``huggingface.co/<repo id>`` names that repo, whatever its text says."""
    if target.name_tokens is None or "/" not in target.label or "huggingface.co/" not in raw:
        return False
    m = re.search(r"huggingface\.co/([\w.-]+/[\w.-]+)/?(?=[)\s\"'#?]|$)", raw)
    return m is not None and m.group(1).lower() == target.label.lower()


def relaxed_rule(raw: str, target: Target) -> str | None:
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
    if len(r) == len(h) + 1 and r[:-1] == h and r[-1] in VARIANT_SUFFIX:
        return "variant-suffix"
    if len(h) == len(r) + 1:
        for k, tok in enumerate(h):
            if SIZE_TOKEN.match(tok) and h[:k] + h[k + 1 :] == r:
                return "size"
    return None

# Tokens that decide which checkpoint a name is: a label may never drop one the repo name has.
VARIANT_TOKENS = frozenset(
    {"instruct", "chat", "it", "base", "sft", "dpo", "rlhf", "rl", "thinking", "reasoning", "preview",
     "alpha", "beta", "gamma", "delta"}  # zephyr-7b-alpha is not zephyr-7b-beta
)
# A copy in another format is another checkpoint: a label without the repo's format marker names the original.
_FORMAT = re.compile(r"^(?:gguf|ggml|gptq|awq|exl2|mlx|bnb|onnx|int[348]|fp8|nf4|[2-8]bit|w[48]a(?:8|16)|quantized)$")
_DECISIVE = re.compile(r"^(?:v?\d{1,2}(?:\.\d+)*|\d+(?:\.\d+)?[bmkt]|v\d+\w*|iter\d+|r\d+)$")
_SIZE = re.compile(r"^\d+(?:\.\d+)?[bmkt]$")
MARGIN = 0.2  # the best candidate's score must beat the next one by this much
MIN_SCORE = 0.5  # share of the repo name's tokens a candidate must cover


@dataclass(frozen=True)
class Closest:
    """The candidate accepted and why (for the warning users see)."""

    index: int
    label: str
    score: float
    reason: str


def is_format_marker(token: str) -> bool:
    """A token that names a quantized or converted copy (``gguf``, ``awq``, ``w4a16``, ``4bit`` ...)."""
    return bool(_FORMAT.match(token))


def score(candidate: list[str], repo: list[str]) -> tuple[float, str] | None:
    """How well a label's tokens name the repo (0-1] and how, or None when they name another checkpoint."""
    if not candidate or not repo:
        return None
    if candidate == repo:
        return 1.0, "exact"
    cand_key, repo_key = "".join(candidate), "".join(repo)
    if cand_key == repo_key:
        return 1.0, "separators"
    rest = repo_key[len(cand_key) :]
    if (  # ``RT-DETR R50`` for ``rtdetr_r50vd``: the repo adds a short letter suffix to the same name
        repo_key.startswith(cand_key) and len(cand_key) >= 6 and 0 < len(rest) <= 3 and rest.isalpha()
        and rest not in VARIANT_TOKENS and not _FORMAT.match(rest) and len(candidate) > 1
    ):
        return len(cand_key) / len(repo_key), "close"
    matched: list[str] = []
    for tok in candidate:
        hit = _same_token(tok, repo, matched)
        if hit is None:
            if _SIZE.match(tok) and not any(_SIZE.match(t) for t in repo):
                continue  # a size annotation the repo name lacks (TinyLlama-1.1B-v1.1 for TinyLlama_v1.1)
            return None
        matched.append(hit)
    missing = [t for t in repo if t not in matched]
    if any(t in VARIANT_TOKENS or _DECISIVE.match(t) or _FORMAT.match(t) for t in missing):
        return None
    share = len(matched) / len(repo)
    if len(matched) < 2 and len(repo) > 1:
        return None
    return share, "close"


def _same_token(tok: str, repo: list[str], used: list[str]) -> str | None:
    for r in repo:
        if r in used:
            continue
        if tok == r:
            return r
    for r in repo:
        if r in used:
            continue
        if len(tok) >= 3 and r.startswith(tok) and r in VARIANT_TOKENS:
            return r  # cut short: Ins -> instruct
        if len(tok) >= 6 and len(r) >= 6 and _one_edit(tok, r) and not re.search(r"\d", tok + r):
            return r  # a one-character typo in a long word (DecilLM / DeciLM)
    return None


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :] or (len(a) == len(b) and a[i + 1 :] == b[i + 1 :])


def closest(candidates: list[tuple[int, str, list[str]]], repo: list[str]) -> Closest | None:
    """The unique best (index, label, tokens) candidate, or None when none qualifies or two are close."""
    scored = []
    for index, label, tokens in candidates:
        s = score(tokens, repo)
        if s is not None and s[0] >= MIN_SCORE:
            scored.append((s[0], index, label, s[1]))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    distinct: dict[int, tuple[float, str, str]] = {}
    for value, index, label, reason in scored:
        distinct.setdefault(index, (value, label, reason))
    ranked = sorted(distinct.items(), key=lambda x: -x[1][0])
    best_index, (best, label, reason) = ranked[0]
    if len(ranked) > 1 and best - ranked[1][1][0] < MARGIN:
        return None
    return Closest(best_index, label, best, reason)


# --------------------------------------------------------------------------- base or instruct


def repo_variant(repo_id: str | None) -> set[str]:
    """{'instruct'} for ``-Instruct``/``-Chat``/``-it`` repos, {'base'} for ``-Base``, else empty."""
    tokens = set(model_tokens((repo_id or "").rsplit("/", 1)[-1]))
    return {"instruct"} if tokens & INSTRUCT_TOKENS else {"base"} if "base" in tokens else set()


def context_variants(context: str) -> set[str]:
    """Which of 'base' / 'instruct' models a table's heading and caption speak of."""
    return {v for v, rx in (("base", _BASE_CONTEXT), ("instruct", _INSTRUCT_CONTEXT)) if rx.search(context)}
