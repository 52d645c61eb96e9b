"""The open-PR index: which results the open pull requests of a repo propose, read once per repo.

Every "does an open pull request already add this?" is answered here, with one identity rule: a PR proposes
the results of its changed files (``.eval_results/`` files whose blob differs from main's; the README when
its model-index differs) that main does not already have with the same value. The index is built by
:meth:`evalmgr.hub.Hub.open_prs`, once per repo and command (a commit drops it): the open PRs are listed
once, and each PR's changes are read and parsed once, when first asked for, oldest PR first. Its users:

- publishing plans a change against main plus each PR's changed files (:attr:`PRChanges.overlay`);
- the batch skips a model when a PR adds the benchmark (:meth:`OpenPRs.adding`);
- ``show`` lists what each PR proposes (:attr:`PRChanges.results`), ``get-prs`` names it
  (:meth:`PRChanges.benchmarks`), and the audit counts it.

:func:`read_results` reads main (or a local clone) the same way, so a PR's results and main's compare.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .errors import EvalManagerError
from .hub import README, PullRequest, RepoState

if TYPE_CHECKING:
    from .hub import Hub

FormatName = Literal["eval-results", "model-index"]  # where a result is stated


@dataclass(frozen=True)
class ResultSource:
    """A result's ``source`` as written in its file."""

    url: str
    name: str | None = None
    user: str | None = None
    org: str | None = None


@dataclass(frozen=True)
class FoundResult:
    """One result as a repo file states it: on main (``pr`` None) or proposed by pull request ``pr``."""

    format: FormatName
    path: str  # the file that states it (README.md for the model-index)
    dataset_id: str | None  # None: a model-index entry without a dataset type
    task_id: str | None
    label: str  # how the file names the benchmark: the model-index dataset name, else the dataset id
    notes: str | None
    value: float
    source: ResultSource | None
    pr: int | None = None

    @property
    def benchmark_id(self) -> str:
        """``dataset/task`` (the dataset name when there is no dataset id; no task: the dataset alone)."""
        name = self.dataset_id or self.label
        return f"{name}/{self.task_id}" if self.task_id else name

    def same_as(self, other: FoundResult) -> bool:
        """The same result: same format, benchmark, task and notes, and the same value."""
        from .formats.base import same_value

        return ((self.format, self.benchmark_id, self.notes) == (other.format, other.benchmark_id, other.notes)
                and same_value(self.value, other.value))


@dataclass(frozen=True)
class Unreadable:
    """A results file (or model-index) that cannot be read: reported, never taken for "no results"."""

    path: str
    message: str
    pr: int | None = None


@dataclass(frozen=True)
class PRChanges:
    """What one open pull request changes in results compared with main."""

    pr: PullRequest
    overlay: dict[str, str]  # path -> text at the PR head: changed result files, README if its model-index changed
    touches_results: bool  # a result file or the model-index changed (even one that cannot be read)
    results: list[FoundResult]  # what it proposes that main lacks
    problems: list[Unreadable]

    def benchmarks(self) -> list[str]:
        """What ``get-prs`` lists: each proposed benchmark once, and each unreadable file as such."""
        return sorted({r.benchmark_id for r in self.results} | {f"{p.path} (unreadable)" for p in self.problems})


class OpenPRs:
    """The open pull requests of one repo, each with its :class:`PRChanges` (read on first use, then kept)."""

    def __init__(self, hub: Hub, repo_id: str) -> None:
        self._hub = hub
        self.repo_id = repo_id
        self._listing: tuple[_Main, list[PullRequest]] | None = None
        self._changes: dict[int, PRChanges] = {}

    def __iter__(self) -> Iterator[PRChanges]:
        """Each open PR's changes, oldest first; a PR's files are read only when the iteration reaches it."""
        if self._listing is None:  # main first: a missing repo fails on reading it, as every command does
            self._listing = _Main.of(self._hub.read_state(self.repo_id)), self._hub.open_pull_requests(self.repo_id)
        main, prs = self._listing
        for pr in prs:
            if pr.num not in self._changes:
                self._changes[pr.num] = self._read(pr, main)
            yield self._changes[pr.num]

    def adding(self, dataset_id: str | None, task_id: str | None) -> list[PullRequest]:
        """The open PRs that propose a result for this dataset and task (any value, notes or format)."""
        return [c.pr for c in self if any((r.dataset_id, r.task_id) == (dataset_id, task_id) for r in c.results)]

    def _read(self, pr: PullRequest, main: _Main) -> PRChanges:
        """The PR head's changed result files and model-index, read and parsed."""
        hub = self._hub
        ref = pr.git_reference
        changed = sorted(p for p, b in hub.list_eval_files(self.repo_id, ref).items()
                         if main.state.blob_ids.get(p) != b)
        overlay = {p: t for p in changed if (t := hub.read_text(self.repo_id, p, ref)) is not None}
        readme = hub.read_text(self.repo_id, README, ref)
        touches_model_index = readme != main.state.readme and _model_index(readme) != main.model_index
        if touches_model_index and readme is not None:
            overlay[README] = readme
        found, problems = read_results({p: t for p, t in overlay.items() if p != README},
                                       overlay.get(README), pr=pr.num)
        proposed = [r for r in found if not any(r.same_as(m) for m in main.results)]
        return PRChanges(pr, overlay, bool(changed) or touches_model_index, proposed, problems)


@dataclass(frozen=True)
class _Main:
    """Main as the PRs are compared with."""

    state: RepoState
    results: list[FoundResult]
    model_index: Any

    @classmethod
    def of(cls, state: RepoState) -> _Main:
        return cls(state, read_results(state.eval_files, state.readme)[0], _model_index(state.readme))


def read_results(eval_files: Mapping[str, str], readme: str | None,
                 pr: int | None = None) -> tuple[list[FoundResult], list[Unreadable]]:
    """The results that result files (by path) and a README's model-index state, and the files that cannot be read."""
    from .formats.eval_results import load_eval_results
    from .formats.model_index import read_model_index_scores

    found: list[FoundResult] = []
    problems: list[Unreadable] = []
    for path, text in sorted(eval_files.items()):
        try:
            entries = load_eval_results(text, path)
        except EvalManagerError as exc:
            problems.append(Unreadable(path, exc.message, pr))
            continue
        found += [FoundResult("eval-results", path, e.dataset_id, e.task_id, e.dataset_id, e.notes, e.value,
                              ResultSource(e.source_url, e.source_name, e.source_user, e.source_org)
                              if e.source_url else None, pr) for e in entries]
    try:
        scores = read_model_index_scores(readme or "")
    except EvalManagerError as exc:
        scores = []
        problems.append(Unreadable(README, exc.message, pr))
    found += [FoundResult("model-index", README, s.dataset_id, s.task_id, s.label, s.notes, s.value,
                          ResultSource(s.provenance.url, s.provenance.name)
                          if s.provenance and s.provenance.url else None, pr) for s in scores]
    return found, problems


def _model_index(readme: str | None) -> Any:
    """The card's model-index, or None when there is none or the front matter cannot be read."""
    from .frontmatter import split_front_matter

    try:
        return split_front_matter(readme or "").meta.get("model-index")
    except EvalManagerError:
        return None
