"""Leaderboard sanity: is a value on the scale of what the benchmark's Hub leaderboard already holds?

Every source can agree on a number that is wrong in context: a fraction among percentages (0.59 where
every model has about 60) or a value far above every reported model. The benchmark dataset's Hub
leaderboard (``HfApi.get_dataset_leaderboard``) gives the context. The leaderboard ranks one task, the
first of the dataset's ``eval.yaml``; results of other tasks are not compared with it. A flag is a
warning (a refusal with ``--strict``); a leaderboard that cannot be read is a note, never a failure.
"""

from __future__ import annotations

import statistics
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import EvalManagerError, HubError, RepoNotFoundError
from .result import Result

if TYPE_CHECKING:
    from .hub import Hub
    from .registry import Registry

MIN_ENTRIES = 5  # fewer other models say nothing about a scale
SCALE_FACTOR = 20.0  # a value 20 times below the median (or above the largest) is on another scale
MARGIN_OF_SPREAD = 0.5  # above the best model by more than half the leaderboard's spread ...
MARGIN_OF_BEST = 0.15  # ... and by more than 15% of the best value: implausible
EVAL_YAML_MAX_AGE = 3600.0

_cache: dict[tuple[str, str], Board | None] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Board:
    """One benchmark's leaderboard as far as the check needs it."""

    dataset_id: str
    task_id: str  # the task the leaderboard ranks (first of eval.yaml)
    values: dict[str, float]  # model id -> value

    def others(self, repo_id: str | None) -> list[float]:
        return sorted(v for m, v in self.values.items() if m != repo_id)


def leaderboard(hub: Hub, dataset_id: str) -> Board | None:
    """The dataset's leaderboard (cached per process: a batch asks once per benchmark); None when it has none."""
    key = (hub.endpoint, dataset_id)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    board = _read(hub, dataset_id)
    with _cache_lock:
        _cache[key] = board
    return board


def _read(hub: Hub, dataset_id: str) -> Board | None:
    import yaml

    try:
        text = hub.read_text(dataset_id, "eval.yaml", "main", repo_type="dataset", max_age=EVAL_YAML_MAX_AGE)
    except RepoNotFoundError:
        return None
    try:
        tasks = (yaml.safe_load(text or "") or {}).get("tasks") or []
        task_id = tasks[0]["id"]
    except (yaml.YAMLError, AttributeError, LookupError, TypeError):
        return None  # not a benchmark dataset: no leaderboard
    try:
        entries = hub.call(f"reading the leaderboard of {dataset_id}", hub.api.get_dataset_leaderboard, dataset_id)
    except RepoNotFoundError:
        return None
    except HubError as exc:
        if exc.status == 404:  # the Hub's answer for a dataset without a leaderboard
            return None
        raise
    values = {e.model_id: float(e.value) for e in entries if isinstance(e.value, (int, float))}
    return Board(dataset_id, str(task_id), values)


def judge(value: float, board: Board, repo_id: str | None, higher_is_better: bool = True) -> str | None:
    """Why ``value`` is off the leaderboard's scale, with its range; None when it fits (or too few entries)."""
    others = board.others(repo_id)
    if len(others) < MIN_ENTRIES:
        return None
    lo, hi, median = others[0], others[-1], statistics.median(others)
    where = (f"the {board.dataset_id} [{board.task_id}] leaderboard ranges from {lo:g} to {hi:g} "
             f"(median {median:g}, {len(others)} models)")
    if median > 0 and 0 <= value * SCALE_FACTOR <= median:
        return f"{value:g} is off the scale: {where}; a 0-1 fraction among percentages?"
    if hi > 0 and value >= hi * SCALE_FACTOR:
        return f"{value:g} is off the scale: {where}; a percentage among 0-1 fractions?"
    gap = value - hi if higher_is_better else lo - value
    if gap > MARGIN_OF_SPREAD * (hi - lo) and gap > MARGIN_OF_BEST * abs(hi if higher_is_better else lo):
        better = "above" if higher_is_better else "below"
        return f"{value:g} is {better} every reported model by {gap:g}: {where}"
    return None


def check_scores(hub: Hub, scores: list[Result], repo_id: str | None,
                 registry: Registry | None) -> tuple[list[str], list[str]]:
    """(flags, notes) for the scores that have a Hub benchmark: a flag per implausible value, a note per
    leaderboard that could not be read."""
    flags, notes = [], []
    for s in scores:
        if not (s.dataset_id and s.task_id):
            continue
        try:
            board = leaderboard(hub, s.dataset_id)
        except EvalManagerError as exc:
            notes.append(f"leaderboard of {s.dataset_id} not checked: {exc.message}")
            continue
        if board is None or board.task_id != s.task_id:
            continue
        bench = registry.lookup(s.dataset_id, s.task_id) if registry is not None else None
        why = judge(s.value, board, repo_id, bench.higher_is_better if bench else True)
        if why:
            flags.append(f"leaderboard check: {s.label}: {why}")
    return flags, notes
