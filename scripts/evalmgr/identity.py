"""Is this table header or row label the repo's own model? One scoring function for every table.

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
from dataclasses import dataclass

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
    distinct = {}
    for s, index, label, reason in scored:
        distinct.setdefault(index, (s, label, reason))
    ranked = sorted(distinct.items(), key=lambda x: -x[1][0])
    best_index, (best, label, reason) = ranked[0]
    if len(ranked) > 1 and best - ranked[1][1][0] < MARGIN:
        return None
    return Closest(best_index, label, best, reason)
