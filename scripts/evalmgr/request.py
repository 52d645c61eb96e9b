"""What a command is asked to do (typed requests) and what its steps share (the :class:`Context`).

The CLI builds a request from its flags (:func:`from_args`); the batch script builds the same requests
directly. Library functions take a request and a context, never an ``argparse.Namespace``.
"""

from __future__ import annotations

import argparse
import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .hub import Hub
    from .registry import Registry

PublishMode = Literal["preview", "apply", "create_pr", "pr"]
WriteFormat = Literal["eval-results", "model-index"]
SourceKind = Literal["model_card", "aa", "paper", "harness"]


@dataclass(frozen=True)
class RepoInput:
    """Where the repo is read from: a local card (``readme``), a local clone (``repo_dir``), else the Hub."""

    repo_id: str | None = None
    readme: str | None = None
    repo_dir: str | None = None
    revision: str | None = None

    @property
    def local(self) -> bool:
        return bool(self.readme or self.repo_dir)


@dataclass(frozen=True)
class Attribution:
    """``--source-url`` / ``--source-name`` / ...: the entry's source block, over the source's own."""

    url: str | None = None
    name: str | None = None
    user: str | None = None
    org: str | None = None


@dataclass(frozen=True)
class CardOptions:
    """Where the model is in the card's tables, when the automatic choice is not wanted."""

    table: int | None = None
    model_name: str | None = None  # --model-name-override: the header or row label as printed
    model_column_index: int | None = None


@dataclass(frozen=True)
class AAOptions:
    """Which Artificial Analysis model (by default: the one whose name is exactly the repo's)."""

    creator_slug: str | None = None
    model_name: str | None = None
    model_id: str | None = None


@dataclass(frozen=True)
class PublishOptions:
    """Preview (default) or write, in which format, with which checks."""

    mode: PublishMode = "preview"
    pr: int | None = None  # with mode "pr": the pull request to add to
    force: bool = False
    fmt: WriteFormat = "eval-results"
    task_type: str = "text-generation"  # model-index only
    dataset_name: str | None = None  # model-index only
    filename: str | None = None  # one .eval_results file for everything
    cross_check: bool = False
    tolerance: float = 1.0
    strict: bool = False

    @property
    def writes(self) -> bool:
        return self.mode != "preview"

    @property
    def to_hub(self) -> bool:
        """Whether the mode writes to the Hub whatever the input: a new PR, or a commit into one (``--apply``
        writes to the Hub only without ``--repo-dir``)."""
        return self.mode in ("create_pr", "pr")


@dataclass(frozen=True)
class ExtractRequest:
    """``extract-readme``: the model's values in its card's tables."""

    input: RepoInput
    card: CardOptions = CardOptions()
    benchmarks: tuple[str, ...] = ()  # keep only these
    attribution: Attribution = Attribution()
    publish: PublishOptions = PublishOptions()


@dataclass(frozen=True)
class AddEvalRequest:
    """``add-eval``: one benchmark, given (``value``) or looked up in one source with extraction's strictness."""

    input: RepoInput
    benchmark: str
    source: SourceKind = "model_card"
    value: float | None = None
    task_id: str | None = None
    dataset_id: str | None = None
    notes: str | None = None
    date: str | None = None
    paper: str | None = None
    card: CardOptions = CardOptions()
    aa: AAOptions = AAOptions()
    attribution: Attribution = Attribution()
    publish: PublishOptions = PublishOptions()


@dataclass(frozen=True)
class ImportAARequest:
    """``import-aa``: the AA model's evaluations."""

    input: RepoInput
    aa: AAOptions = AAOptions()
    benchmarks: tuple[str, ...] = ()
    attribution: Attribution = Attribution()
    publish: PublishOptions = PublishOptions()


@dataclass(frozen=True)
class ImportLogsRequest:
    """``import-logs``: values from our own evaluation logs."""

    input: RepoInput
    paths: tuple[str, ...]
    logs_url: str | None = None
    upload_logs_to: str | None = None
    model_mismatch_ok: bool = False
    publish: PublishOptions = PublishOptions()


@dataclass(frozen=True)
class PaperRequest:
    """``extract-paper``: candidate values from the model's papers (shown, never published)."""

    input: RepoInput
    paper: str | None = None
    model_name: str | None = None
    benchmark: str | None = None


@dataclass(frozen=True)
class AuditRequest:
    """``audit``: which benchmarks models have, and which each source could give them."""

    repo_ids_file: str | None = None
    author: str | None = None
    search: str | None = None
    sort: str = "trending"
    pipeline_tag: str | None = "text-generation"
    limit: int = 20
    include_derivatives: bool = False
    sources: str = "model_card,aa,paper"  # comma-separated, as typed
    aa_creator_slug: str | None = None
    benchmarks: tuple[str, ...] = ()
    tolerance: float = 1.0
    concurrency: int = 4
    mapping: str | None = None


CollectRequest = ExtractRequest | AddEvalRequest | ImportAARequest | ImportLogsRequest


def online(input: RepoInput, publish: PublishOptions | None = None) -> bool:
    """Whether the command talks to the Hub anyway (so reading benchmark task ids costs nothing new)."""
    publishing = publish is not None and publish.to_hub
    return bool(input.repo_id) and (not input.local or publishing) and os.environ.get("HF_HUB_OFFLINE") != "1"


@dataclass
class Context:
    """What the steps of one command, or every model of one batch run, share: one Hub client, one registry.

    Both are made when first used (``--help`` and local commands never build a Hub client); the registry
    is the bundled one plus ``mapping`` (``--mapping``), so task ids read from the Hub by one step stay known.
    """

    mapping: str | None = None
    _hub: Hub | None = None
    _registry: Registry | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def hub(self) -> Hub:
        with self._lock:
            if self._hub is None:
                from .hub import Hub

                self._hub = Hub()
            return self._hub

    @property
    def registry(self) -> Registry:
        with self._lock:
            if self._registry is None:
                from .registry import Registry

                self._registry = Registry.load(self.mapping)
            return self._registry


# --------------------------------------------------------------------------- from the command line


def repo_input(args: argparse.Namespace) -> RepoInput:
    return RepoInput(args.repo_id, getattr(args, "readme", None), getattr(args, "repo_dir", None),
                     getattr(args, "revision", None))


def _attribution(args: argparse.Namespace) -> Attribution:
    return Attribution(getattr(args, "source_url", None), getattr(args, "source_name", None),
                       getattr(args, "source_user", None), getattr(args, "source_org", None))


def _card(args: argparse.Namespace) -> CardOptions:
    return CardOptions(getattr(args, "table", None), getattr(args, "model_name_override", None),
                       getattr(args, "model_column_index", None))


def _aa(args: argparse.Namespace) -> AAOptions:
    return AAOptions(getattr(args, "creator_slug", None), getattr(args, "model_name", None),
                     getattr(args, "aa_model_id", None))


def publish_options(args: argparse.Namespace) -> PublishOptions:
    mode: PublishMode = ("apply" if args.apply else "create_pr" if args.create_pr
                         else "pr" if args.pr is not None else "preview")
    return PublishOptions(
        mode=mode, pr=args.pr, force=args.force, fmt="model-index" if args.format == "model-index" else "eval-results",
        task_type=getattr(args, "task_type", "text-generation"), dataset_name=getattr(args, "dataset_name", None),
        filename=getattr(args, "filename", None), cross_check=args.cross_check, tolerance=args.tolerance,
        strict=args.strict,
    )


def from_args(args: argparse.Namespace) -> CollectRequest:
    """The request of a publishing subcommand, from its parsed flags."""
    publish = publish_options(args)
    if args.command == "extract-readme":
        return ExtractRequest(repo_input(args), _card(args), tuple(args.benchmark or ()), _attribution(args), publish)
    if args.command == "add-eval":
        return AddEvalRequest(repo_input(args), args.benchmark, args.source, args.value, args.task_id, args.dataset_id,
                              args.notes, args.date, args.paper, _card(args), _aa(args), _attribution(args), publish)
    if args.command == "import-aa":
        return ImportAARequest(repo_input(args), _aa(args), tuple(args.benchmark or ()), _attribution(args), publish)
    if args.command == "import-logs":
        return ImportLogsRequest(repo_input(args), tuple(args.paths), args.logs_url, args.upload_logs_to,
                                 args.model_mismatch_ok, publish)
    raise ValueError(f"{args.command} is not a publishing subcommand")


def audit_request(args: argparse.Namespace) -> AuditRequest:
    return AuditRequest(args.repo_ids_file, args.author, args.search, args.sort, args.pipeline_tag, args.limit,
                        args.include_derivatives, args.sources, args.aa_creator_slug, tuple(args.benchmark or ()),
                        args.tolerance, args.concurrency, args.mapping)
