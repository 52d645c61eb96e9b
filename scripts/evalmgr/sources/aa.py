"""Artificial Analysis (AA) as a score source.

AA benchmarks models with its own harness and publishes per-benchmark results through
``GET /api/v2/language/models`` (header ``x-api-key``; the older ``/api/v2/data/llms/models`` is asked when
the current path answers 404). Per-benchmark values are fractions
(0-1) and become percentages here; the composite ``*_index`` values (0-100) are not registry
benchmarks and are only reported as information. AA knows nothing about Hub repo ids, so a
model is selected by its AA id (stable; AA says slugs and names may change), or by creator slug +
model slug/name exactly; from a repo id alone we only propose candidates and pick one only when
exactly one fits without any variant token.
"""

from __future__ import annotations

import os
import re
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Candidate, ModelNotFoundError, SourceError, UsageError
from ..download import read_body
from ..hub import RetryLater, retry_budget, retryable, retrying
from ..observation import Observation, Provenance, SourceReport, TaskRef
from ..values import finite_number, percent

if TYPE_CHECKING:
    from ..registry import Registry
    from ..result import Result


AA_DEFAULT_BASE = "https://artificialanalysis.ai"
MODELS_PATHS = ("/api/v2/language/models", "/api/v2/data/llms/models")  # current, then the older one
AA_URL = "https://artificialanalysis.ai"
AA_NAME = "Artificial Analysis"
HARNESS_NOTE = "Artificial Analysis harness"
CACHE_MAX_AGE = 86400  # the free API allows about 1,000 requests a day

AA_PROVENANCE = Provenance(kind="aa", url=AA_URL, name=AA_NAME)


@dataclass(frozen=True)
class AABenchmark:
    """What one AA evaluation key measures, as a label the registry knows."""

    label: str
    note: str | None = None  # how AA's setup differs from the benchmark's standard one


# Exact key -> benchmark. ``aime`` is AA's AIME 2024 evaluation (its site lists aime-2024 and
# aime-2025 separately); ``gpqa`` is the 198-question Diamond set. The Intelligence Index suite is
# text-only, which matters for HLE (multi-modal upstream). Keys absent from the registry (tau2,
# lcr, ...) are shown but never written under a dataset.
AA_BENCHMARKS: dict[str, AABenchmark] = {
    "mmlu_pro": AABenchmark("MMLU-Pro"),
    "gpqa": AABenchmark("GPQA Diamond"),
    "hle": AABenchmark("Humanity's Last Exam", "text-only questions"),
    "aime_25": AABenchmark("AIME 2025"),
    "aime": AABenchmark("AIME 2024"),
    "math_500": AABenchmark("MATH-500"),
    "livecodebench": AABenchmark("LiveCodeBench"),
    "scicode": AABenchmark("SciCode"),
    "ifbench": AABenchmark("IFBench"),
    "lcr": AABenchmark("AA-LCR"),
    "terminalbench_hard": AABenchmark("Terminal-Bench Hard"),
    "tau2": AABenchmark("τ²-Bench Telecom"),
}

# Tokens that mark a reasoning-effort or mode variant: such a model is distinct from the plain one.
VARIANT_TOKENS = frozenset(
    {"reasoning", "nonreasoning", "non", "thinking", "think", "nothink", "high", "low", "medium",
     "minimal", "xhigh", "max", "adaptive", "preview"}
)


@dataclass(frozen=True)
class AAModel:
    """One entry of the AA models list (only what we use)."""

    id: str
    name: str
    slug: str
    creator_slug: str
    creator_name: str
    evaluations: dict[str, Any] = field(default_factory=dict)

    @property
    def args(self) -> tuple[str, ...]:
        """The command-line arguments that select exactly this model."""
        return ("--creator-slug", self.creator_slug, "--model-name", self.slug)

    @property
    def flags(self) -> str:
        return shlex.join(self.args)


@dataclass
class AAReport(SourceReport):
    """Observations (one per known key) plus what must only be shown."""

    informational: dict[str, float] = field(default_factory=dict)  # composite 0-100 indexes: never benchmarks
    unknown: dict[str, Any] = field(default_factory=dict)  # keys this version does not know


# --------------------------------------------------------------------------- fetching


def fetch_models(
    api_base: str | None = None,
    api_key: str | None = None,
    cache_dir: str | Path | None = None,
    max_age: float = CACHE_MAX_AGE,
    max_total_wait: float | None = None,
) -> list[AAModel]:
    """Return AA's model list, from a cache younger than ``max_age`` seconds or the API.

    The cache is keyed by API base only (the key is never stored), and only an answer that parsed is
    cached; a request needs ``AA_API_KEY``. ``max_total_wait`` (default: ``$EVALMGR_RETRY_BUDGET``, 60 s)
    bounds the whole fetch, retries and a server that trickles its answer included.
    """
    base = (api_base or os.environ.get("AA_API_BASE") or AA_DEFAULT_BASE).rstrip("/")
    from ..cache import cache_file, read_cached, write_cached

    path = cache_file("aa", base, cache_dir)
    payload = read_cached(path, max_age)
    if payload is not None:
        try:
            return parse_models(payload)
        except SourceError:
            pass  # a cache written by an older version that did not check: fetch again
    key = api_key or os.environ.get("AA_API_KEY")
    if not key:
        raise SourceError(
            "no Artificial Analysis API key: AA_API_KEY is not set",
            hint="create a free key at https://artificialanalysis.ai (Insights platform) and "
            "export AA_API_KEY=... (or put it in .env)",
        )
    payload = _request_models(base, key, retry_budget() if max_total_wait is None else max_total_wait)
    models = parse_models(payload)
    write_cached(path, base, payload)
    return models


MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # the full models list is a few MB


def _request_models(base: str, key: str, max_total_wait: float) -> Any:
    """The models list from the current endpoint, else (404) from the older one.

    ``max_total_wait`` is a deadline for everything, reading the body included: a per-read timeout alone lets a
    server that sends one byte every few seconds hold the command for hours.
    """
    deadline = time.monotonic() + max_total_wait
    for path in MODELS_PATHS:
        payload = _get_models(base + path, base, key, deadline)
        if payload is not None:
            return payload
    raise SourceError(f"Artificial Analysis has no models endpoint at {base} (tried {', '.join(MODELS_PATHS)})",
                      hint="check AA_API_BASE; the API may have moved (see https://artificialanalysis.ai/data-api/docs)")


def _get_models(url: str, base: str, key: str, deadline: float) -> Any:
    """GET one models URL, retrying 429/5xx until ``deadline`` (the Hub's retry policy,
    :func:`evalmgr.hub.retrying`); None when the path does not exist (404)."""
    import requests

    def attempt() -> bytes | None:
        try:
            resp = requests.get(url, headers={"x-api-key": key, "accept": "application/json"}, stream=True,
                                timeout=max(0.1, min(30.0, deadline - time.monotonic())))
            if resp.status_code == 200:
                return read_body(resp, deadline, MAX_RESPONSE_BYTES, "the Artificial Analysis models list",
                                 "try again later, or check AA_API_BASE")
            resp.close()
        except requests.RequestException as exc:
            raise SourceError(
                f"cannot reach Artificial Analysis at {base}: {type(exc).__name__}",
                hint="check the network (or AA_API_BASE) and try again",
            ) from None
        if resp.status_code in (401, 403):
            raise SourceError(
                f"Artificial Analysis rejected the API key (HTTP {resp.status_code})",
                hint="check AA_API_KEY: it must be a valid key from https://artificialanalysis.ai",
            )
        if retryable(resp.status_code):
            raise RetryLater(resp.status_code, resp.headers.get("Retry-After"), SourceError(
                f"Artificial Analysis keeps answering HTTP {resp.status_code} at {url}",
                hint="rate limited or unavailable; try again later (the free API allows about "
                "1,000 requests a day; responses are cached for a day)",
            ))
        if resp.status_code == 404:
            return None
        raise SourceError(f"Artificial Analysis answered HTTP {resp.status_code} at {url}",
                          hint="check AA_API_BASE; try again later")

    body = retrying(attempt, deadline=deadline)
    if body is None:
        return None
    from ..safeload import ParseError, json_load

    try:
        return json_load(body)
    except ParseError as exc:
        raise SourceError(f"Artificial Analysis returned something that is not JSON at {url} ({exc.message})",
                          hint="the API may be down or have changed; try again later") from None


def parse_models(payload: Any) -> list[AAModel]:
    """Validate the documented shape ``{"data": [{id, name, slug, model_creator, evaluations}]}``."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, list):
        raise SourceError(
            "unexpected Artificial Analysis response: no 'data' list",
            hint="the API may have changed; report it with the response's top-level keys",
        )
    models = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("model_creator"), dict):
            continue
        creator = item["model_creator"]
        evaluations = item.get("evaluations")
        models.append(
            AAModel(
                id=str(item.get("id", "")),
                name=str(item.get("name", "")),
                slug=str(item.get("slug", "")),
                creator_slug=str(creator.get("slug", "")),
                creator_name=str(creator.get("name", "")),
                evaluations=evaluations if isinstance(evaluations, dict) else {},
            )
        )
    return models


# --------------------------------------------------------------------------- model matching


def _tokens(text: str) -> list[str]:
    """Lower-case alphanumeric tokens: 'Llama 3.1 8B (Reasoning)' -> [llama, 3, 1, 8b, reasoning]."""
    return re.findall(r"[a-z0-9]+", text.lower())


def find_model(
    models: list[AAModel],
    creator_slug: str | None = None,
    model_name: str | None = None,
    repo_id: str | None = None,
    model_id: str | None = None,
) -> AAModel:
    """Select one AA model; raise ModelNotFoundError listing candidates rather than guess.

    ``model_id`` (AA's id) selects exactly, and must agree with a slug or name given too. ``model_name`` matches a model's slug or name exactly (case-insensitive). With only ``repo_id``
    a model is picked when it is the single one whose slug or name has exactly the repo name's
    tokens; a model with extra variant tokens (``-reasoning``, ``(high)``) also fits, so then we refuse.
    """
    if model_id:
        found = next((m for m in models if m.id == model_id), None)
        if found is None:
            raise ModelNotFoundError(f"no Artificial Analysis model has the id {model_id!r}",
                                     hint="copy the id from the candidates listed without --aa-model-id")
        if model_name and " ".join(model_name.lower().split()) not in (found.slug.lower(),
                                                                       " ".join(found.name.lower().split())):
            raise UsageError(f"AA id {model_id} is {found.creator_slug}/{found.slug}, not {model_name!r}",
                             "give the id alone (AA's stable identifier), or the matching --model-name")
        return found
    if model_name:
        return _find_exact(models, creator_slug, model_name)
    if not repo_id:
        raise UsageError(
            "name the Artificial Analysis model",
            hint="pass --creator-slug C --model-name M (or --repo-id to get candidates)",
        )
    return _find_from_repo(models, creator_slug, repo_id)


def _find_exact(models: list[AAModel], creator_slug: str | None, model_name: str) -> AAModel:
    wanted = " ".join(model_name.lower().split())
    pool = [m for m in models if not creator_slug or m.creator_slug.lower() == creator_slug.lower()]
    hits = [m for m in pool if wanted in (m.slug.lower(), " ".join(m.name.lower().split()))]
    if len(hits) == 1:
        return hits[0]
    who = f"creator {creator_slug!r}, " if creator_slug else ""
    if hits:
        raise _candidates_error(f"several Artificial Analysis models are named {model_name!r}", hits)
    ranked = _rank(pool or models, _tokens(model_name))
    raise _candidates_error(f"no Artificial Analysis model with {who}model {model_name!r}", ranked[:8])


def _find_from_repo(models: list[AAModel], creator_slug: str | None, repo_id: str) -> AAModel:
    wanted = sorted(_tokens(repo_id.split("/")[-1]))
    pool = [m for m in models if not creator_slug or m.creator_slug.lower() == creator_slug.lower()]
    exact, variants = [], []
    for m in pool:
        for toks in (_tokens(m.slug), _tokens(m.name)):
            extra = list(toks)
            if not all(_remove(extra, t) for t in wanted):
                continue
            if not extra:
                exact.append(m)
                break
            if set(extra) <= VARIANT_TOKENS:
                variants.append(m)
                break
    if len(exact) == 1 and not variants:
        return exact[0]
    fits = exact + [m for m in variants if m not in exact]
    if fits:
        raise _candidates_error(
            f"{len(fits)} Artificial Analysis models fit {repo_id!r} (reasoning-effort and mode "
            "variants are distinct models); choose one",
            fits,
        )
    raise _candidates_error(
        f"no Artificial Analysis model fits {repo_id!r} exactly (AA has no Hub repo ids)",
        _rank(pool, wanted)[:8],
    )


def _remove(tokens: list[str], token: str) -> bool:
    """Remove one occurrence of ``token``; False when absent."""
    if token in tokens:
        tokens.remove(token)
        return True
    return False


def _rank(models: list[AAModel], wanted: list[str]) -> list[AAModel]:
    """Models sharing tokens with ``wanted``, best overlap (Jaccard on slug and name tokens) first."""
    want = set(wanted)
    scored = []
    for m in models:
        have = set(_tokens(m.slug)) | set(_tokens(m.name))
        overlap = len(want & have)
        if overlap:
            scored.append((overlap / len(want | have), m))
    scored.sort(key=lambda pair: (-pair[0], pair[1].creator_slug, pair[1].slug))
    return [m for _, m in scored]


def _candidates_error(message: str, candidates: list[AAModel]) -> ModelNotFoundError:
    width = max((len(m.flags) for m in candidates), default=0)
    lines = [f"    {m.flags:<{width}}  # {m.name} ({m.creator_name}), or --aa-model-id {m.id}" for m in candidates]
    hint = (
        "select one explicitly:\n" + "\n".join(lines)
        if lines
        else "list the models with their slugs at https://artificialanalysis.ai/models and pass "
        "--creator-slug C --model-name M"
    )
    return ModelNotFoundError(
        message,
        candidates=[Candidate(label=f"{m.creator_name} / {m.name}", table=0, args=m.args) for m in candidates],
        hint=hint,
    )


# --------------------------------------------------------------------------- scores


def observations_from_aa(model: AAModel) -> AAReport:
    """One model's evaluations as observations (label = the AA key, resolved by its benchmark label) and
    its informational indexes."""
    report = AAReport()
    missing, bad = [], []
    for key, raw in model.evaluations.items():
        if raw is None:
            missing.append(key)
        elif finite_number(raw) is None:  # text, booleans, NaN, infinities, integers beyond a float
            bad.append(key)
        elif "index" in key:
            report.informational[key] = float(raw)
        elif key not in AA_BENCHMARKS:
            report.unknown[key] = raw
        elif not 0 <= raw <= 1:
            report.warnings.append(
                f"{key}: value {raw} is not a 0-1 fraction; the API's scale may have changed, not imported"
            )
        else:
            report.observations.append(_observation(model, key, float(raw)))
    if missing:
        report.warnings.append("not measured by Artificial Analysis (null): " + ", ".join(sorted(missing)))
    if bad:
        report.warnings.append("values that are not finite numbers, ignored: " + ", ".join(sorted(bad)))
    if report.unknown:
        report.warnings.append(
            "keys not known to this version, shown but not imported: " + ", ".join(sorted(report.unknown))
        )
    return report


def _observation(model: AAModel, key: str, raw: float) -> Observation:
    """One AA key's value, as a percentage; the registry resolves it by the key's exact benchmark label."""
    bench = AA_BENCHMARKS[key]
    return Observation(
        label=key,  # shown as AA prints it
        value=percent(raw),
        location=f"Artificial Analysis model {model.creator_slug}/{model.slug}, key {key!r} ({bench.label})",
        notes="; ".join(n for n in (HARNESS_NOTE, bench.note) if n),
        provenance=AA_PROVENANCE,
        task=TaskRef(label=bench.label),
    )


def aa_results(model: AAModel, registry: Registry) -> tuple[AAReport, list[Result]]:
    """The model's observations resolved by the registry; keys without a Hub benchmark are named in a warning."""
    report = observations_from_aa(model)
    results = registry.results(report.observations)
    unregistered = [r.label for r in results if r.dataset_id is None]
    if unregistered:
        report.warnings.append(
            "no Hub benchmark dataset registered (shown, never written to .eval_results): " + ", ".join(unregistered)
        )
    return report, results
