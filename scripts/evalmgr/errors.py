"""Error hierarchy. Every error says what went wrong and what to do next; the CLI maps them to exit codes."""

from __future__ import annotations

import shlex
from dataclasses import dataclass


class EvalManagerError(Exception):
    """Base class: a failure the user can act on. Exit code 1 unless a subclass says otherwise."""

    exit_code = 1
    default_hint: str | None = None  # what to do when the raiser gave no more specific hint

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint or self.default_hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UsageError(EvalManagerError):
    """The command line itself is wrong (missing or contradictory options)."""

    exit_code = 2


class InputError(EvalManagerError):
    """A local input (README, YAML, log file) cannot be read or parsed."""

    default_hint = "check the file named above; nothing was written"


@dataclass
class Candidate:
    """One header or row label the user could select, with the arguments that select it."""

    label: str
    table: int
    args: tuple[str, ...]  # e.g. ("--table", "2", "--model-column-index", "3")

    @property
    def flags(self) -> str:
        """The arguments as typed in a shell (quoted where needed)."""
        return shlex.join(self.args)


class ModelNotFoundError(EvalManagerError):
    """The card's own model could not be located in a table; lists what could be selected."""

    def __init__(self, message: str, candidates: list[Candidate] | None = None, hint: str | None = None) -> None:
        self.candidates = candidates or []
        if self.candidates and hint is None:
            hint = "select one of these explicitly:\n" + "\n".join(
                f"    {c.flags:<45} # {c.label!r} (table {c.table})" for c in self.candidates
            )
        elif hint is None:
            hint = "run inspect-tables to see the card's tables, then pass --table / --model-column-index"
        super().__init__(message, hint)


class AmbiguousScoreError(EvalManagerError):
    """Several different values compete for one benchmark and nothing decides between them."""

    def __init__(self, message: str, options: list[str] | None = None, hint: str | None = None) -> None:
        self.options = options or []
        super().__init__(message, hint)


class ScoreNotFoundError(EvalManagerError):
    """The requested benchmark is not reported for this model by the chosen source."""


@dataclass
class Problem:
    """One validation problem and where it is."""

    location: str  # "path[:line]" or "path: entry 2"
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


class ValidationError(EvalManagerError):
    """Results failed validation; ``problems`` lists each one with its location."""

    def __init__(self, message: str, problems: list[Problem] | None = None, hint: str | None = None) -> None:
        self.problems = problems or []
        super().__init__(message, hint)


@dataclass
class Conflict:
    """An existing result differs from the new one for the same dataset, task and notes."""

    dataset_id: str
    task_id: str
    notes: str | None
    existing_value: float
    new_value: float
    existing_source: str | None = None
    new_source: str | None = None
    where: str = "main"  # "main", "PR #N" or a file path, as the message says it
    pr: int | None = None  # the open pull request that proposes the existing value


class ConflictError(EvalManagerError):
    """New values disagree with values already published; nothing was overwritten."""

    def __init__(self, message: str, conflicts: list[Conflict] | None = None, hint: str | None = None) -> None:
        self.conflicts = conflicts or []
        super().__init__(message, hint)


class HubError(EvalManagerError):
    """A Hub request failed (network, server); never read as 'nothing there'."""

    default_hint = "check the network and HF_ENDPOINT, then run again"

    def __init__(self, message: str, hint: str | None = None, status: int | None = None) -> None:
        super().__init__(message, hint)
        self.status = status  # the HTTP status the Hub answered, when it answered


class AuthError(HubError):
    """Missing, invalid, read-only or insufficient token, or a gated repo without access."""


class RepoNotFoundError(HubError):
    """The repository (or revision) does not exist or is not visible with this token."""


class SourceError(EvalManagerError):
    """An external score source (Artificial Analysis, a paper, a log) failed or was unusable."""

    default_hint = "check the source named above, or give the score with --value and its --source-url"
