"""Artificial Analysis source: fetching (auth, cache, retries), exact key mapping, model choice."""

from __future__ import annotations

import json
import time

import pytest
from evalmgr import values
from aa_emulator import CURRENT_PATH, FIXTURES, OLDER_PATH, AAEmulator
from evalmgr.errors import ModelNotFoundError, SourceError, UsageError
from evalmgr.registry import Registry
from evalmgr.sources.aa import (
    AA_BENCHMARKS,
    HARNESS_NOTE,
    fetch_models,
    find_model,
    aa_results,
)

KEY = "aa-test-key-5f3e9c"


@pytest.fixture()
def aa():
    with AAEmulator(api_key=KEY) as emulator:
        yield emulator


@pytest.fixture()
def env(monkeypatch, tmp_path):
    """No AA settings from the developer's machine; the cache goes to a temp dir."""
    for name in ("AA_API_KEY", "AA_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture(scope="module")
def models():
    from evalmgr.sources.aa import parse_models

    return parse_models(json.loads((FIXTURES / "models_v2.json").read_text()))


def by_key(report):
    return {s.label: s for s in report[1]}


# --------------------------------------------------------------------------- fetching


def test_fetch_uses_key_from_env_and_base_override(aa, env, monkeypatch):
    monkeypatch.setenv("AA_API_KEY", KEY)
    monkeypatch.setenv("AA_API_BASE", aa.endpoint)
    models = fetch_models()
    assert [m.slug for m in models][:2] == ["orca-lite-7b-instruct", "orca-lite-7b-instruct-reasoning"]
    assert aa.seen_keys == [KEY]
    assert models[0].creator_slug == "tidepool"
    assert next(m for m in models if m.slug == "heron-unrated").evaluations == {}


def test_the_current_endpoint_first_then_the_older_one(aa, env):
    assert fetch_models(api_base=aa.endpoint, api_key=KEY, max_age=0)
    assert aa.requested == [CURRENT_PATH]
    aa.paths = {OLDER_PATH}  # an API that has not moved yet
    assert [m.slug for m in fetch_models(api_base=aa.endpoint, api_key=KEY, max_age=0)][:1] == ["orca-lite-7b-instruct"]
    assert aa.requested == [CURRENT_PATH, CURRENT_PATH, OLDER_PATH]
    aa.paths = set()
    with pytest.raises(SourceError, match="no models endpoint"):
        fetch_models(api_base=aa.endpoint, api_key=KEY, max_age=0)


def test_an_aa_id_selects_exactly(models):
    reasoning = next(m for m in models if m.slug == "orca-lite-7b-instruct-reasoning")
    assert find_model(models, model_id=reasoning.id, repo_id="tidepool/Orca-Lite-7B-Instruct") is reasoning
    assert find_model(models, model_id=reasoning.id, model_name="orca-lite-7b-instruct-reasoning") is reasoning
    with pytest.raises(UsageError, match="not 'orca-lite-7b-instruct'"):
        find_model(models, model_id=reasoning.id, model_name="orca-lite-7b-instruct")
    with pytest.raises(ModelNotFoundError, match="has the id 'nope'"):
        find_model(models, model_id="nope")
    with pytest.raises(ModelNotFoundError) as caught:  # candidates name their stable id
        find_model(models, repo_id="tidepool/Orca-Lite-7B-Instruct")
    assert f"--aa-model-id {reasoning.id}" in (caught.value.hint or "")


def test_second_call_is_served_from_cache_and_cache_holds_no_key(aa, env):
    first = fetch_models(api_base=aa.endpoint, api_key=KEY)
    second = fetch_models(api_base=aa.endpoint, api_key=KEY)
    assert aa.request_count == 1
    assert first == second
    files = list((env / "cache" / "evalmgr" / "aa").glob("*.json"))
    assert len(files) == 1
    assert KEY not in files[0].read_text()


def test_cache_is_keyed_by_api_base_and_expires(aa, env):
    fetch_models(api_base=aa.endpoint, api_key=KEY)
    fetch_models(api_base=aa.endpoint + "/", api_key=KEY)  # same base
    assert aa.request_count == 1
    fetch_models(api_base=aa.endpoint, api_key=KEY, max_age=0)
    assert aa.request_count == 2
    with AAEmulator(api_key=KEY) as other:
        fetch_models(api_base=other.endpoint, api_key=KEY)
        assert other.request_count == 1


def test_corrupt_cache_is_refetched(aa, env):
    fetch_models(api_base=aa.endpoint, api_key=KEY)
    (cache,) = (env / "cache" / "evalmgr" / "aa").glob("*.json")
    cache.write_text("{not json")
    assert fetch_models(api_base=aa.endpoint, api_key=KEY)
    assert aa.request_count == 2


def test_missing_key_names_the_variable(aa, env):
    with pytest.raises(SourceError) as err:
        fetch_models(api_base=aa.endpoint)
    assert "AA_API_KEY" in str(err.value)
    assert aa.request_count == 0


def test_rejected_key_names_the_variable_but_never_prints_it(aa, env):
    wrong = "aa-wrong-key-0d1b7f"
    with pytest.raises(SourceError) as err:
        fetch_models(api_base=aa.endpoint, api_key=wrong)
    text = str(err.value)
    assert "AA_API_KEY" in text and "401" in text
    assert wrong not in text and KEY not in text
    assert not list((env / "cache").rglob("*.json"))  # nothing cached on failure


def test_429_is_retried_after_retry_after(aa, env):
    aa.fail_next(429, headers={"Retry-After": "1"})
    start = time.monotonic()
    models = fetch_models(api_base=aa.endpoint, api_key=KEY)
    assert time.monotonic() - start >= 1.0
    assert aa.request_count == 2 and models


def test_retry_after_as_http_date(aa, env):
    aa.fail_next(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})  # in the past: retry now
    assert fetch_models(api_base=aa.endpoint, api_key=KEY)
    assert aa.request_count == 2


def test_5xx_is_retried_with_backoff(aa, env):
    aa.fail_next(500, headers={"Retry-After": "0"})
    aa.fail_next(503, headers={"Retry-After": "0"})
    assert fetch_models(api_base=aa.endpoint, api_key=KEY)
    assert aa.request_count == 3


def test_retries_stop_within_the_time_budget(aa, env):
    aa.fail_next(429, count=10, headers={"Retry-After": "30"})
    with pytest.raises(SourceError) as err:
        fetch_models(api_base=aa.endpoint, api_key=KEY, max_total_wait=2)
    assert "429" in str(err.value)
    assert aa.request_count == 1  # a Retry-After beyond the budget is not waited for: no second request


def test_unreachable_api_is_a_source_error(env):
    with AAEmulator(api_key=KEY) as gone:
        base = gone.endpoint
    with pytest.raises(SourceError) as err:
        fetch_models(api_base=base, api_key=KEY)
    assert "cannot reach" in str(err.value)


def test_unexpected_shape_is_a_source_error(aa, env):
    aa.payload = {"models": []}
    with pytest.raises(SourceError) as err:
        fetch_models(api_base=aa.endpoint, api_key=KEY)
    assert "'data'" in str(err.value)


# --------------------------------------------------------------------------- values and mapping


@pytest.mark.parametrize(
    ("fraction", "percent"),
    [(0.748, 74.8), (0.519, 51.9), (0.047, 4.7), (0.3, 30.0), (0.237, 23.7), (1, 100.0), (0.0, 0.0),
     (0.12345, 12.345), (0.29, 29.0), (0.57, 57.0)],
)
def test_fraction_to_percent_has_no_float_noise(fraction, percent):
    assert repr(values.percent(fraction)) == repr(percent)


def test_keys_map_exactly_to_registry_benchmarks(models, registry):
    report = aa_results(find_model(models, "tidepool", "orca-lite-7b-instruct"), registry)
    got = by_key(report)
    expected = {
        "mmlu_pro": ("TIGER-Lab/MMLU-Pro", "mmlu_pro", 74.8),
        "gpqa": ("Idavidrein/gpqa", "diamond", 51.9),
        "hle": ("cais/hle", "hle", 4.7),
        "math_500": ("HuggingFaceH4/MATH-500", None, 91.2),
    }
    for key, (dataset, task, value) in expected.items():
        s = got[key]
        assert (s.dataset_id, s.value) == (dataset, value), key
        if task:
            assert s.task_id == task
    assert got["aime"].benchmark_key == "aime_2024"
    assert got["aime_25"].benchmark_key == "aime_2025"
    assert got["livecodebench"].benchmark_key == "livecodebench"


def test_every_score_says_aa_harness_and_source(models, registry):
    report = aa_results(find_model(models, "tidepool", "orca-lite-7b-instruct"), registry)
    assert report[1]
    for s in report[1]:
        assert HARNESS_NOTE in s.notes
        assert s.provenance.kind == "aa"
        assert s.provenance.url == "https://artificialanalysis.ai"
        assert s.provenance.name == "Artificial Analysis"
        assert 0 <= s.value <= 100
    assert "text-only" in by_key(report)["hle"].notes


def test_indexes_are_informational_only(models, registry):
    report = aa_results(find_model(models, "tidepool", "orca-lite-7b-instruct"), registry)
    assert report[0].informational == {
        "artificial_analysis_intelligence_index": 31.4,
        "artificial_analysis_coding_index": 22.9,
        "artificial_analysis_math_index": 40.0,
    }
    assert not any("index" in s.label for s in report[1])


def test_nulls_and_unknown_keys_are_reported_not_imported(models, registry):
    report = aa_results(find_model(models, "tidepool", "orca-lite-7b-instruct"), registry)
    got = by_key(report)
    assert "lcr" not in got and "terminalbench_hard" not in got
    assert report[0].unknown == {"gdpval_elo": 812.0}
    text = "\n".join(report[0].warnings)
    assert "lcr" in text and "terminalbench_hard" in text and "gdpval_elo" in text


def test_unregistered_keys_are_shown_without_dataset(models, registry):
    report = aa_results(find_model(models, "tidepool", "orca-lite-7b-instruct"), registry)
    tau2 = by_key(report)["tau2"]
    assert tau2.value == 29.0 and tau2.dataset_id is None and tau2.task_id is None


def test_mmlu_never_maps_to_mmlu_pro(models, registry):
    report = aa_results(find_model(models, "finch", "sparrow-13b"), registry)
    got = by_key(report)
    assert got["mmlu_pro"].value == 41.2
    assert "mmlu" not in got
    assert report[0].unknown == {"mmlu": 0.6}
    assert [s.dataset_id for s in report[1] if s.value == 60.0] == []


def test_values_outside_fraction_scale_or_not_numbers_are_refused(models, registry):
    report = aa_results(find_model(models, "marsh", "heron-broken"), registry)
    assert report[1] == []
    text = "\n".join(report[0].warnings)
    assert "mmlu_pro" in text and "not a 0-1 fraction" in text
    assert "gpqa" in text and "scicode" in text


def test_older_api_version_keys(registry):
    from evalmgr.sources.aa import parse_models

    old = parse_models(json.loads((FIXTURES / "models_v1.json").read_text()))
    report = aa_results(find_model(old, "tidepool", "orca-lite-7b-instruct"), registry)
    got = by_key(report)
    assert set(got) == {"mmlu_pro", "gpqa", "hle", "livecodebench", "scicode", "math_500", "aime"}
    assert got["aime"].value == 29.7 and got["aime"].benchmark_key == "aime_2024"
    assert report[0].unknown == {}


def test_mapping_labels_are_all_known_to_the_registry_or_deliberately_not(registry):
    """A renamed registry alias must not silently drop a key: list exactly which keys are unregistered."""
    unmatched = sorted(k for k, b in AA_BENCHMARKS.items() if registry.match(b.label) is None)
    assert set(unmatched) <= {"scicode", "ifbench", "lcr", "terminalbench_hard", "tau2"}
    assert {"mmlu_pro", "gpqa", "hle", "aime", "aime_25", "math_500", "livecodebench"}.isdisjoint(unmatched)


# --------------------------------------------------------------------------- model choice


def test_exact_creator_and_slug(models):
    m = find_model(models, creator_slug="northwind", model_name="kestrel-2-high")
    assert m.name == "Kestrel 2 (high)"
    assert find_model(models, creator_slug="NorthWind", model_name="Kestrel 2 (low)").slug == "kestrel-2-low"


def test_exact_name_never_falls_back_to_a_prefix(models):
    with pytest.raises(ModelNotFoundError) as err:
        find_model(models, creator_slug="northwind", model_name="kestrel-2")
    hint = err.value.hint
    assert "--creator-slug northwind --model-name kestrel-2-high" in hint
    assert "--creator-slug northwind --model-name kestrel-2-low" in hint


def test_wrong_creator_is_not_found(models):
    with pytest.raises(ModelNotFoundError):
        find_model(models, creator_slug="northwind", model_name="sparrow-13b")


def test_repo_id_picks_the_single_exact_fit(models):
    assert find_model(models, repo_id="tidepool-labs/Orca-Lite-70B-Instruct").slug == "orca-lite-70b-instruct"
    assert find_model(models, repo_id="finch/Sparrow-13B").slug == "sparrow-13b"
    assert find_model(models, repo_id="finch/sparrow-1.3b").slug == "sparrow-1-3b"


def test_repo_id_with_reasoning_variant_refuses(models):
    with pytest.raises(ModelNotFoundError) as err:
        find_model(models, repo_id="tidepool-labs/Orca-Lite-7B-Instruct")
    flags = [c.flags for c in err.value.candidates]
    assert flags == [
        "--creator-slug tidepool --model-name orca-lite-7b-instruct",
        "--creator-slug tidepool --model-name orca-lite-7b-instruct-reasoning",
    ]


def test_repo_id_with_only_effort_variants_refuses(models):
    with pytest.raises(ModelNotFoundError) as err:
        find_model(models, repo_id="northwind/Kestrel-2")
    slugs = {c.flags.split()[-1] for c in err.value.candidates}
    assert slugs == {"kestrel-2-high", "kestrel-2-low"}  # not kestrel-2-mini: a different model


def test_repo_id_weak_fit_lists_candidates(models):
    with pytest.raises(ModelNotFoundError) as err:
        find_model(models, repo_id="tidepool-labs/Orca-Lite-7B")
    assert "no Artificial Analysis model fits" in err.value.message
    assert err.value.candidates[0].flags.endswith("orca-lite-7b-instruct")
    assert "--creator-slug" in err.value.hint


def test_nothing_named_is_a_usage_error(models):
    with pytest.raises(UsageError):
        find_model(models)
