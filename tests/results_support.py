"""Shared fixtures of the registry / results / card tests: a clean registry and annotated scores."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from evalmgr.registry import Registry
from evalmgr.observation import Observation, Provenance
from evalmgr.result import Result

CARD = Provenance("model_card", "https://huggingface.co/demo/demo-7b", "Model card")


@pytest.fixture(autouse=True)
def no_env_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's EVALMGR_MAPPING must not change what the tests see."""
    monkeypatch.delenv("EVALMGR_MAPPING", raising=False)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.load()


def _scored(reg: Registry, label: str, value: float, setting: str | None = None, **kw: object) -> Result:
    """A value from the demo card, resolved by the registry as extraction's caller does."""
    (result,) = reg.results([Observation(label, value, setting=setting, provenance=CARD, **kw)])  # type: ignore[arg-type]
    return result


@pytest.fixture
def scored() -> Callable[..., Result]:
    """``scored(reg, label, value, setting=None, **score_fields)``."""
    return _scored
