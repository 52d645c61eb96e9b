"""Publish one change of results: into a local clone, as a push to main, or as one pull request.

The guards live here, in one place for every command and the batch script:
- what is already on main with the same value is "already present" (exit 0, nothing written);
- a different value for the same dataset, task and notes is a conflict (nothing written unless --force);
- what an open pull request already adds is not proposed again (report that PR; --pr N adds to it);
- writes are pinned to the commit that was read (parent_commit); if the branch moved, re-read and
  re-check once, then write correctly or fail cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import Conflict, ConflictError, EvalManagerError, HubError, Problem, UsageError, ValidationError
from .files import read_text_file, write_files_atomic
from .formats.base import Format, NewScaleProblem, Plan, merge
from .formats.eval_results import EvalResults
from .formats.model_index import ModelIndex
from .hub import EVAL_DIR, README, Hub, PullRequest, RepoState, StaleParentError
from .result import Result

if TYPE_CHECKING:
    from .request import WriteFormat
    from .registry import Registry


@dataclass
class Change:
    """What a command wants to publish: results, in one format."""

    results: list[Result]
    registry: Registry  # the Registry in use (a --mapping file changes file names and scale checks)
    fmt: WriteFormat = "eval-results"
    model_name: str | None = None  # model-index `name` (default: the repo name)
    task_type: str = "text-generation"
    dataset_name: str | None = None
    filename: str | None = None  # --filename: one .eval_results file for everything
    force: bool = False  # replace conflicting values instead of reporting them
    blockers: list[Blocker] = field(default_factory=list)  # refusals known before planning (partial runs)


@dataclass
class Outcome:
    """What publishing did; `status` is one of the batch log statuses."""

    status: str  # preview | refused | written | pushed | pr_created | committed_to_pr | already_present | open_pr_exists
    message: str
    url: str | None = None
    pr_num: int | None = None
    files: dict[str, str] = field(default_factory=dict)  # path -> new text
    added: list[Result] = field(default_factory=list)
    already_present: list[Result] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    covered_by_prs: dict[int, list[Result]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    refusals: list[Blocker] = field(default_factory=list)  # a preview's verdict: what the write would refuse

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "message": self.message,
            "url": self.url,
            "pr": self.pr_num,
            "files": sorted(self.files),
            "added": [s.benchmark_key or s.label for s in self.added],
            "already_present": [s.benchmark_key or s.label for s in self.already_present],
            "conflicts": [c.__dict__ for c in self.conflicts],
            "open_prs": {str(k): [s.benchmark_key or s.label for s in v] for k, v in self.covered_by_prs.items()},
            "problems": [p.__dict__ for p in self.problems],
            "refusals": [r.to_json() for r in self.refusals],
        }


# --------------------------------------------------------------------------- planning


def make_plan(state: RepoState, change: Change) -> Plan:
    """Merge the change into ``state`` in the chosen format (idempotent; conflicts reported, not applied)."""
    return merge(state, change.results, _format(state, change), force=change.force)


def _format(state: RepoState, change: Change) -> Format[Any]:
    if change.fmt == "model-index":
        model_name = change.model_name or (state.repo_id or "model").split("/")[-1]
        return ModelIndex(change.registry, model_name, change.task_type, change.dataset_name)
    return EvalResults(change.registry, change.filename)


@dataclass
class Blocker:
    """One reason the write refuses the whole change; the preview reports it, the write raises ``error``."""

    kind: str  # conflict | scale | malformed_file | partial_run | pr_conflict | nothing_to_publish
    error: EvalManagerError

    @property
    def message(self) -> str:
        return self.error.message

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.error.message, "hint": self.error.hint}


def refusals(plan: Plan, change: Change, where: str) -> list[Blocker]:
    """The verdict on a planned change: every reason the write refuses it (empty: it may be written).

    Computed the same way for a preview and for ``--apply`` / ``--create-pr`` / ``--pr``, so a preview that
    passes is a write that passes.
    """
    found = [r for r in change.blockers if not change.force]
    suspects: list[Problem] = [p for p in plan.problems if isinstance(p, NewScaleProblem)]
    if suspects and not change.force:
        found.append(Blocker("scale", ValidationError(
            "a value looks like it is on another scale than the others; nothing was written:\n"
            + "\n".join(f"  {p.message}" for p in suspects),
            suspects,
            "check the source's scale and give the value with --value, or --force if it is right as it is",
        )))
    if plan.blocked:
        bad = [p for p in plan.problems if p.severity == "error"]
        found.append(Blocker("malformed_file", EvalManagerError(
            f"{len(plan.blocked)} result(s) would go into malformed existing file(s); nothing was written:\n"
            + "\n".join(f"  {p}" for p in bad),
            "fix or remove the malformed file first (see `validate`)",
        )))
    if plan.conflicts and not change.force:
        lines = [
            f"  {c.dataset_id} [{c.task_id}]{' (' + c.notes + ')' if c.notes else ''}: "
            f"{c.where} has {c.existing_value} ({c.existing_source or 'no source'}), new {c.new_value} ({c.new_source or 'no source'})"
            for c in plan.conflicts
        ]
        found.append(Blocker("conflict", ConflictError(
            f"{len(plan.conflicts)} result(s) conflict with {where}; nothing was written:\n" + "\n".join(lines),
            plan.conflicts,
            "check which value is right; --force replaces the published value",
        )))
    return found


def _check(plan: Plan, change: Change, where: str) -> None:
    """Raise the first refusal of the verdict (the order the user fixes them in)."""
    found = refusals(plan, change, where)
    if found:
        raise found[0].error


def _with_files(state: RepoState, files: dict[str, str]) -> RepoState:
    """``state`` with some files replaced (a PR head seen as main plus what the PR changes)."""
    merged = RepoState(state.repo_id, state.revision, state.sha, state.readme, dict(state.eval_files))
    for path, text in files.items():
        if path == README:
            merged.readme = text
        else:
            merged.eval_files[path] = text
    return merged


# --------------------------------------------------------------------------- preview


def preview(state: RepoState, change: Change, where: str, hub: Hub | None = None) -> Outcome:
    """What the write would do against ``state``, with the write's own verdict (nothing is written).

    With ``hub`` (``state`` read from the Hub) the open pull requests are checked too, as the write does.
    """
    plan = make_plan(state, change)
    found = refusals(plan, change, where)
    covered: dict[int, list[Result]] = {}
    if hub is not None and state.repo_id and plan.added and not found and not change.force:
        try:
            covered = _covered_by_open_prs(hub, state.repo_id, state, change, plan)
        except ConflictError as exc:
            found.append(Blocker("pr_conflict", exc))
    if found:
        status, message = "refused", "the write would refuse this change (see refused); nothing would be written"
    elif covered and all(any(s is c for cs in covered.values() for c in cs) for s in plan.added):
        status, message = "preview", ("open pull request " + ", ".join(f"#{n}" for n in covered)
                                      + " already adds these results: the write would not open another")
    else:
        status, message = "preview", "preview only: add --apply or --create-pr to publish"
    return Outcome(status, message, files=dict(plan.files), added=plan.added, already_present=plan.already_present,
                   conflicts=plan.conflicts, covered_by_prs=covered, problems=plan.problems, refusals=found)


# --------------------------------------------------------------------------- local clone


def read_local_state(repo_dir: str | Path) -> RepoState:
    """A clone's README and result files, read strictly (a non-UTF-8 card is an error, never rewritten)."""
    root = Path(repo_dir)
    if not root.is_dir():
        raise UsageError(f"--repo-dir {root} is not a directory", "give the folder of a clone of the model repo")
    readme = root / README
    state = RepoState(repo_id=None, revision="local", sha=None,
                      readme=read_text_file(readme, "model card") if readme.is_file() else None)
    eval_dir = root / EVAL_DIR
    if eval_dir.is_dir():
        for f in sorted(eval_dir.rglob("*")):
            if f.is_file() and f.suffix in (".yaml", ".yml"):
                state.eval_files[f.relative_to(root).as_posix()] = read_text_file(f, "result file")
    return state


def publish_local(repo_dir: str | Path, change: Change, *, force: bool = False) -> Outcome:
    """Write the change into a local clone: every target checked first, then all files or none."""
    root = Path(repo_dir).resolve()
    plan = make_plan(read_local_state(root), change)
    _check(plan, change, str(root))
    if not plan.added:
        return Outcome("already_present", "all results are already present; nothing written",
                       already_present=plan.already_present, problems=plan.problems)
    write_files_atomic(root, plan.files)
    return Outcome("written", f"wrote {len(plan.files)} file(s) in {root}", files=dict(plan.files),
                   added=plan.added, already_present=plan.already_present, conflicts=plan.conflicts,
                   problems=plan.problems)


# --------------------------------------------------------------------------- Hub


def describe(scores: list[Result]) -> tuple[str, str]:
    """Commit title and PR description: what is added, the values, and the source of each."""
    if len(scores) == 1:
        s = scores[0]
        title = f"Add {s.label} evaluation result ({_fmt(s.value)})"
    else:
        title = f"Add {len(scores)} evaluation results"
    rows = ["| Benchmark | Dataset | Task | Value | Notes | Source |", "|---|---|---|---|---|---|"]
    for s in scores:
        src = s.provenance.name if s.provenance and s.provenance.name else (s.provenance.kind if s.provenance else "")
        url = s.provenance.url if s.provenance and s.provenance.url else ""
        where = f" ({s.location})" if s.location else ""
        rows.append(f"| {s.label} | `{s.dataset_id}` | `{s.task_id}` | {_fmt(s.value)} | {s.notes or ''} | "
                    f"{f'[{src}]({url})' if url else src}{where} |")
    body = (
        "This change adds structured evaluation results "
        "([`.eval_results/` format](https://huggingface.co/docs/hub/eval-results)).\n\n"
        + "\n".join(rows)
        + f"\n\n*Prepared with evaluation_manager {__version__}; every value was read from the source named above.*\n"
    )
    return title, body


def _fmt(value: float) -> str:
    return f"{value:g}"


def publish_hub(
    hub: Hub,
    repo_id: str,
    change: Change,
    *,
    mode: str,  # "push" | "pr"
    pr_num: int | None = None,
    force: bool = False,
) -> Outcome:
    """Publish to the Hub with every guard; one re-read and re-check if the branch moved.

    The re-read is the Hub's: ``Hub.commit`` drops what was read of the repo (main, the PR index) before writing.
    """
    hub.check_write_access(repo_id, to_main=(mode == "push" and pr_num is None))
    for attempt in (1, 2):
        try:
            return _publish_once(hub, repo_id, change, mode=mode, pr_num=pr_num, force=force)
        except StaleParentError:
            if attempt == 2:
                raise HubError(f"{repo_id} kept changing while we were writing; nothing was written",
                               "run the command again") from None
    raise AssertionError("unreachable")


def _publish_once(hub: Hub, repo_id: str, change: Change, *, mode: str, pr_num: int | None, force: bool) -> Outcome:
    main = hub.read_state(repo_id)
    plan = make_plan(main, change)
    _check(plan, change, f"main of {repo_id}")
    if not plan.added:
        return Outcome("already_present", f"all results are already on main of {repo_id}; nothing written",
                       url=hub.repo_url(repo_id), already_present=plan.already_present, problems=plan.problems)
    if pr_num is not None:
        return _commit_into_pr(hub, repo_id, change, pr_num)

    covered: dict[int, list[Result]] = {}
    if not force:
        covered = _covered_by_open_prs(hub, repo_id, main, change, plan)
        covered_ids = {id(s) for scores in covered.values() for s in scores}
        remaining = [s for s in plan.added if id(s) not in covered_ids]
        if not remaining:
            nums = ", ".join(f"#{n}" for n in covered)
            return Outcome("open_pr_exists",
                           f"open pull request {nums} already adds these results; not opening another "
                           f"(use --pr N to add to it, or --force)",
                           url=f"{hub.repo_url(repo_id)}/discussions/{next(iter(covered))}",
                           pr_num=next(iter(covered)), covered_by_prs=covered, already_present=plan.already_present)
        if covered:
            change = replace(change, results=remaining)
            plan = make_plan(main, change)

    title, body = describe(plan.added)
    result = hub.commit(repo_id, plan.files, message=title, description=body,
                        create_pr=(mode == "pr"), parent_commit=main.sha)
    if mode == "pr":
        return Outcome("pr_created", f"opened pull request #{result.pr_num}: {result.pr_url}", url=result.pr_url,
                       pr_num=result.pr_num, files=dict(plan.files), added=plan.added,
                       already_present=plan.already_present, conflicts=plan.conflicts, covered_by_prs=covered)
    return Outcome("pushed", f"pushed to main: {result.commit_url}", url=result.commit_url, files=dict(plan.files),
                   added=plan.added, already_present=plan.already_present, conflicts=plan.conflicts,
                   covered_by_prs=covered)


def _covered_by_open_prs(hub: Hub, repo_id: str, main: RepoState, change: Change, plan: Plan) -> dict[int, list[Result]]:
    """Which of the plan's new results an open PR already adds (same value); a different value is a conflict.

    The change is planned against main plus each PR's changed files (the PR index's overlay), oldest PR first,
    so the format's own identity rule decides; a PR that covers part of the change narrows it.
    """
    covered: dict[int, list[Result]] = {}
    pending = list(plan.added)
    for changes in hub.open_prs(repo_id):
        if not pending:
            break
        if not changes.overlay:
            continue
        pr_plan = make_plan(_with_files(main, changes.overlay), replace(change, results=pending))
        _check_pr_conflicts(changes.pr, pr_plan)
        present = {id(s) for s in pr_plan.already_present}
        hits = [s for s in pending if id(s) in present]
        if hits:
            covered[changes.pr.num] = hits
            pending = [s for s in pending if id(s) not in present]
    return covered


def _check_pr_conflicts(pr: PullRequest, pr_plan: Plan) -> None:
    if pr_plan.conflicts:
        for c in pr_plan.conflicts:
            c.where, c.pr = f"PR #{pr.num}", pr.num
        raise ConflictError(
            f"open pull request #{pr.num} ({pr.url}) proposes different values; nothing was written:\n"
            + "\n".join(f"  {c.dataset_id} [{c.task_id}]: PR has {c.existing_value}, new {c.new_value}" for c in pr_plan.conflicts),
            pr_plan.conflicts,
            f"discuss on the PR, add to it with --pr {pr.num}, or --force to open another",
        )


def _commit_into_pr(hub: Hub, repo_id: str, change: Change, pr_num: int) -> Outcome:
    ref = f"refs/pr/{pr_num}"
    state = hub.read_state(repo_id, ref)
    plan = make_plan(state, change)
    _check(plan, change, f"PR #{pr_num}")
    if not plan.added:
        return Outcome("already_present", f"pull request #{pr_num} already has these results; nothing written",
                       url=f"{hub.repo_url(repo_id)}/discussions/{pr_num}", pr_num=pr_num,
                       already_present=plan.already_present)
    title, body = describe(plan.added)
    hub.commit(repo_id, plan.files, message=title, description=body, revision=ref, parent_commit=state.sha)
    url = f"{hub.repo_url(repo_id)}/discussions/{pr_num}"
    return Outcome("committed_to_pr", f"added to pull request #{pr_num}: {url}", url=url, pr_num=pr_num,
                   files=dict(plan.files), added=plan.added, already_present=plan.already_present)
