"""In-memory Hub state: users and tokens, git-like repos with commits and refs, discussions, papers, jobs.

Kept free of HTTP concerns so that the seeding API, the inspection API and the route handlers share one model.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import yaml

_COUNTER = itertools.count(1)
EVAL_RESULTS_RE = re.compile(r"^\.eval_results/[^/]+\.ya?ml$")


def iso(at: float) -> str:
    """Hub-style UTC timestamp (milliseconds, Z suffix) of a ``time.time()`` value."""
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def now_iso() -> str:
    return iso(time.time())


def new_oid(*parts: str) -> str:
    """A unique 40-hex object id (commit, job, event)."""
    seed = "\x00".join([*parts, str(next(_COUNTER)), repr(time.time())])
    return hashlib.sha1(seed.encode()).hexdigest()


def blob_oid(content: bytes) -> str:
    """Git blob SHA-1: what the client compares against ``preupload`` oids to skip unchanged files."""
    return hashlib.sha1(b"blob %d\x00" % len(content) + content).hexdigest()


def as_bytes(content: str | bytes) -> bytes:
    return content.encode() if isinstance(content, str) else content


@dataclass
class Token:
    """One access token. ``role`` is "read", "write" or "fineGrained" (writes only to ``can_write``)."""

    user: str
    role: str
    can_write: list[str]
    display_name: str


@dataclass
class User:
    name: str
    orgs: list[str]
    can_write: list[str]


@dataclass
class Commit:
    oid: str
    parent: str | None
    title: str
    message: str
    author: str
    date: str
    files: dict[str, bytes]  # full snapshot at this commit


@dataclass
class Discussion:
    """A discussion or pull request. A PR's head commit is ``refs/pr/{num}``; ``fork_point`` is where it branched."""

    num: int
    title: str
    author: str
    is_pr: bool
    status: str  # open | closed | merged | draft
    created_at: str
    events: list[dict[str, Any]] = field(default_factory=list)
    base: str = "main"
    head: str | None = None
    fork_point: str | None = None
    merge_commit: str | None = None


@dataclass
class Repo:
    repo_type: str  # "model" | "dataset"
    repo_id: str
    private: bool = False
    gated: bool | str = False
    meta: dict[str, Any] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    discussions: dict[int, Discussion] = field(default_factory=dict)
    grants: set[str] = field(default_factory=set)

    @property
    def namespace(self) -> str:
        return self.repo_id.split("/", 1)[0]

    @property
    def url_prefix(self) -> str:
        """Path prefix of web URLs: "" for models, "datasets/" for datasets."""
        return "" if self.repo_type == "model" else f"{self.repo_type}s/"

    def resolve(self, revision: str) -> str | None:
        """Commit oid for a branch, ``refs/heads/X``, ``refs/pr/N``, a full oid or a >=7-char oid prefix."""
        if revision.startswith("refs/heads/"):
            revision = revision[len("refs/heads/") :]
        if revision in self.branches:
            return self.branches[revision]
        pr = re.fullmatch(r"refs/pr/(\d+)", revision)
        if pr:
            disc = self.discussions.get(int(pr.group(1)))
            return disc.head if disc and disc.is_pr else None
        if re.fullmatch(r"[0-9a-f]{7,40}", revision):
            matches = [oid for oid in self.commits if oid.startswith(revision)]
            return matches[0] if len(matches) == 1 else None
        return None

    def commit(
        self, files: dict[str, bytes], *, parent: str | None, title: str, message: str = "", author: str
    ) -> Commit:
        """Record a commit with a full snapshot (refs are moved by the caller)."""
        commit = Commit(new_oid(self.repo_id, title), parent, title, message, author, now_iso(), dict(files))
        self.commits[commit.oid] = commit
        return commit

    def history(self, oid: str) -> list[Commit]:
        """Commits reachable from ``oid``, newest first."""
        out = []
        cursor: str | None = oid
        while cursor:
            out.append(self.commits[cursor])
            cursor = self.commits[cursor].parent
        return out

    def last_commit_touching(self, oid: str, path: str) -> Commit:
        """The newest commit in ``oid``'s history that changed ``path`` (a file or a folder prefix)."""
        history = self.history(oid)

        def view(commit: Commit) -> dict[str, bytes]:
            return {p: c for p, c in commit.files.items() if p == path or p.startswith(path + "/")}

        for newer, older in zip(history, history[1:], strict=False):
            if view(newer) != view(older):
                return newer
        return history[-1]

    def next_discussion_num(self) -> int:
        return max(self.discussions, default=0) + 1


@dataclass
class Paper:
    arxiv_id: str
    title: str
    summary: str
    markdown: str | None
    authors: list[str]
    published_at: str


@dataclass
class JobPlan:
    """How an emulated job behaves: its log lines, final stage and timings (seconds)."""

    logs: list[str] = field(default_factory=lambda: ["done"])
    stage: str = "COMPLETED"  # final stage: COMPLETED or ERROR
    message: str | None = None
    schedule_seconds: float = 0.0
    run_seconds: float = 0.2


@dataclass
class Job:
    """A submitted job. ``secrets`` keeps the submitted values for assertions; responses only show the names."""

    id: str
    namespace: str
    owner_type: str
    created: float
    spec: dict[str, Any]
    secrets: dict[str, Any]
    plan: JobPlan
    canceled_at: float | None = None

    def stage(self, at: float | None = None) -> str:
        at = time.time() if at is None else at
        if self.canceled_at is not None and at >= self.canceled_at:
            return "CANCELED"
        if at < self.created + self.plan.schedule_seconds:
            return "SCHEDULING"
        if at < self.started + self.plan.run_seconds:
            return "RUNNING"
        return self.plan.stage

    @property
    def started(self) -> float:
        return self.created + self.plan.schedule_seconds

    @property
    def finished(self) -> float:
        return self.canceled_at if self.canceled_at is not None else self.started + self.plan.run_seconds

    @property
    def image(self) -> str | None:
        return self.spec.get("dockerImage") or self.spec.get("spaceId")

    @property
    def command(self) -> list[str]:
        return list(self.spec.get("command") or [])

    @property
    def env(self) -> dict[str, Any]:
        return dict(self.spec.get("environment") or {})

    @property
    def flavor(self) -> str:
        return self.spec.get("flavor", "cpu-basic")


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(YAML front matter or None, body) of a card, the way the Hub reads README.md."""
    match = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n?---[ \t]*(?:\r?\n|$)", text, flags=re.DOTALL)
    if not match:
        return None, text
    return match.group(1), text[match.end() :]


def _load_header(header: str) -> Any:
    """The front matter as data; YAMLError for aliases and deep nesting, which the emulator's JSON answers
    (cardData) could not carry without expanding an alias bomb, and which the Hub does not serve either."""
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(header)):
            raise yaml.YAMLError("aliases are not served in card metadata")
        return yaml.safe_load(header)
    except RecursionError:
        raise yaml.YAMLError("card metadata nested too deeply") from None


def card_data(files: dict[str, bytes]) -> dict[str, Any] | None:
    """Front matter of README.md as a dict, None when missing or not a mapping."""
    readme = files.get("README.md")
    if readme is None:
        return None
    header, _ = split_front_matter(readme.decode("utf-8", errors="replace"))
    if header is None:
        return None
    try:
        data = _load_header(header)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def metadata_errors(content: str) -> list[str]:
    """What the Hub's YAML validation would reject in a card: unparsable YAML, a non-mapping, a bad model-index."""
    header, _ = split_front_matter(content)
    if header is None:
        return []
    try:
        data = _load_header(header)
    except yaml.YAMLError as exc:
        return [f"Invalid YAML in README.md metadata: {exc}"]
    if data is None:
        return []
    if not isinstance(data, dict):
        return ['"metadata" must be an object']
    return _model_index_errors(data.get("model-index"))


def _model_index_errors(model_index: Any) -> list[str]:
    if model_index is None:
        return []
    if not isinstance(model_index, list):
        return ['"model-index" must be an array']
    errors = []
    for i, model in enumerate(model_index):
        where = f'"model-index[{i}]'
        if not isinstance(model, dict) or not isinstance(model.get("name"), str):
            errors.append(f'{where}.name" is required')
            continue
        for j, result in enumerate(model.get("results") or []):
            errors += _result_errors(result, f"{where}.results[{j}]")
    return errors


def _result_errors(result: Any, where: str) -> list[str]:
    if not isinstance(result, dict):
        return [f'{where}" must be an object']
    errors = []
    if not isinstance((result.get("task") or {}).get("type"), str):
        errors.append(f'{where}.task.type" is required')
    dataset = result.get("dataset") or {}
    for key in ("name", "type"):
        if not isinstance(dataset.get(key), str):
            errors.append(f'{where}.dataset.{key}" is required')
    metrics = result.get("metrics")
    if not isinstance(metrics, list) or not metrics:
        errors.append(f'{where}.metrics" must contain at least 1 item')
        return errors
    for k, metric in enumerate(metrics):
        if not isinstance(metric, dict) or not isinstance(metric.get("type"), str) or "value" not in metric:
            errors.append(f'{where}.metrics[{k}]" needs "type" and "value"')
    return errors


def eval_results(files: dict[str, bytes]) -> list[dict[str, Any]]:
    """``evalResults`` as the Hub serves it: one ``{filename, data}`` per entry, one ``{filename, error}`` per
    invalid file (which the client skips with a warning)."""
    out: list[dict[str, Any]] = []
    for path in sorted(p for p in files if EVAL_RESULTS_RE.match(p)):
        try:
            entries = yaml.safe_load(files[path].decode("utf-8"))
            problem = _eval_file_problem(entries)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problem = f"Invalid YAML: {exc}"
        if problem:
            out.append({"filename": path, "error": problem})
        else:
            out.extend({"filename": path, "data": entry} for entry in entries)
    return out


def _eval_file_problem(entries: Any) -> str | None:
    if not isinstance(entries, list) or not entries:
        return "Expected a non-empty list of evaluation results"
    for i, entry in enumerate(entries):
        dataset = entry.get("dataset") if isinstance(entry, dict) else None
        if not isinstance(dataset, dict) or not isinstance(dataset.get("id"), str):
            return f"[{i}].dataset.id is required"
        if not isinstance(dataset.get("task_id"), str):
            return f"[{i}].dataset.task_id is required"
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"[{i}].value must be a number"
        source = entry.get("source")
        if source is not None and not (isinstance(source, dict) and isinstance(source.get("url"), str)):
            return f"[{i}].source.url is required when source is given"
    return None


def derived_tags(repo: Repo, files: dict[str, bytes]) -> list[str]:
    """Tags the Hub computes: card tags, library, pipeline, license, languages, datasets, base_model relations,
    ``benchmark:eval-yaml`` for a dataset with a root ``eval.yaml``, and ``benchmark:official`` for a dataset the
    Hub team lists as an official benchmark (seeded with ``benchmark="official"``; an eval.yaml alone is not)."""
    card = card_data(files) or {}
    tags: list[str] = list(repo.meta.get("tags") or [])

    def listify(value: Any) -> list[str]:
        return [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])

    tags += listify(card.get("tags"))
    for key in ("library_name", "pipeline_tag"):
        tags += listify(repo.meta.get(key) or card.get(key))
    tags += [f"license:{v}" for v in listify(card.get("license"))]
    tags += listify(card.get("language"))
    tags += [f"dataset:{v}" for v in listify(card.get("datasets"))]
    relation = card.get("base_model_relation")
    for base in listify(card.get("base_model")):
        tags.append(f"base_model:{base}")
        if relation:
            tags.append(f"base_model:{relation}:{base}")
    if repo.repo_type == "dataset" and repo.meta.get("benchmark") == "official":
        tags.append("benchmark:official")
    if repo.repo_type == "dataset" and "eval.yaml" in files:
        tags.append("benchmark:eval-yaml")
    tags.append("region:us")
    return list(dict.fromkeys(tags))
