"""The Hub: read a repo's card and results, list its pull requests, commit one change, upload logs.

Every network call goes through :class:`Hub`, which wraps ``huggingface_hub.HfApi``: errors become
this package's errors (never "nothing there"), 429/5xx are retried within a bounded time, and the
token is never part of any message. The one retry policy of the package is :func:`retrying` (the other
HTTP clients, Artificial Analysis and arXiv, use it too). What open pull requests propose is the PR index,
:mod:`evalmgr.prindex`, that :meth:`Hub.open_prs` builds once per repo.
"""

from __future__ import annotations

import email.utils
import functools
import os
import random
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .errors import AuthError, HubError, InputError, RepoNotFoundError, UsageError

if TYPE_CHECKING:
    from huggingface_hub import HfApi

    from .prindex import OpenPRs

T = TypeVar("T")

EVAL_DIR = ".eval_results"
README = "README.md"
MAX_FILE_BYTES = 20 * 1024 * 1024  # the largest README or result file read from the Hub


@dataclass
class RepoState:
    """A repo's README and `.eval_results/` files at one revision (``sha`` pins it for writes)."""

    repo_id: str | None
    revision: str
    sha: str | None
    readme: str | None
    eval_files: dict[str, str] = field(default_factory=dict)
    blob_ids: dict[str, str] = field(default_factory=dict)  # path -> git blob id (Hub only)


@dataclass(frozen=True)
class PullRequest:
    """An open pull request as the Hub lists it (what it changes: :mod:`evalmgr.prindex`)."""

    num: int
    title: str
    author: str | None
    created_at: str | None
    url: str
    git_reference: str


@dataclass
class CommitResult:
    commit_url: str | None
    pr_url: str | None
    pr_num: int | None
    oid: str | None


def retry_budget() -> float:
    """Seconds a request may spend on retries (``$EVALMGR_RETRY_BUDGET``, default 60)."""
    return float(os.environ.get("EVALMGR_RETRY_BUDGET", "60"))


class RateGate:
    """Shared by the workers of one run: a 429 with Retry-After pauses every request, not just one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._resume_at = 0.0

    def wait(self) -> None:
        while True:
            with self._lock:
                delay = self._resume_at - time.monotonic()
            if delay <= 0:
                return
            time.sleep(min(delay, 1.0))

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)


class RetryLater(Exception):
    """Raised by an attempt whose answer is worth another try (HTTP 429 or 5xx); ``error`` is what the caller
    gets once the retry budget is spent."""

    def __init__(self, status: int, retry_after: str | None, error: Exception) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after_seconds(retry_after)
        self.error = error


def retryable(status: int) -> bool:
    """429 (rate limited) and 5xx (server trouble) may pass; any other answer is final."""
    return status == 429 or status >= 500


def retrying(attempt: Callable[[], T], *, deadline: float | None = None, gate: RateGate | None = None) -> T:
    """``attempt()`` again after each :class:`RetryLater`, while the wait ends before ``deadline`` (monotonic;
    default: the retry budget from now), then its ``error``.

    The wait is the answer's Retry-After (at most 60 s), else a backoff of 1, 2, 4 ... 30 s with jitter; a 429
    pauses every request that shares ``gate`` (the workers of one run), not just this one.
    """
    deadline = time.monotonic() + retry_budget() if deadline is None else deadline
    gate = gate or RateGate()
    delay = 1.0
    while True:
        gate.wait()
        try:
            return attempt()
        except RetryLater as later:
            wait = min(later.retry_after, 60.0) if later.retry_after is not None else delay * (1 + random.random() / 4)
            if time.monotonic() + wait >= deadline:
                raise later.error from None
            if later.status == 429:
                gate.pause(wait)
            else:
                time.sleep(wait)
            delay = min(delay * 2, 30.0)


class Hub:
    """All Hub access of a command. ``token=None`` uses HF_TOKEN or the cached login."""

    def __init__(self, token: str | None = None, gate: RateGate | None = None) -> None:
        self._token = token
        self._api: HfApi | None = None
        self._gate = gate or RateGate()
        self._whoami: dict[str, Any] | None = None
        # What this process already read, so that the steps of one command share it; a commit to a repo
        # (or a failed one: a stale parent) drops it, and the next step reads again.
        self._states: dict[tuple[str, str], RepoState] = {}
        self._prs: dict[str, OpenPRs] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ plumbing
    @property
    def api(self) -> HfApi:
        if self._api is None:
            from huggingface_hub import HfApi

            self._api = HfApi(token=self._token, library_name="evalmgr")
        return self._api

    @property
    def endpoint(self) -> str:
        return self.api.endpoint.rstrip("/")

    @property
    def token(self) -> str | None:
        if self._token is None:
            from huggingface_hub import get_token

            self._token = get_token()
        return self._token

    def repo_url(self, repo_id: str, repo_type: str = "model") -> str:
        prefix = "" if repo_type == "model" else f"{repo_type}s/"
        return f"{self.endpoint}/{prefix}{repo_id}"

    def call(self, what: str, fn: Callable[..., T], *args: Any, bounded: bool = True, **kwargs: Any) -> T:
        """Run one client call; retry 429/5xx (:func:`retrying`), errors translated into this package's.

        Each attempt also has an overall deadline (``$EVALMGR_CALL_DEADLINE``, default 300 s): the client's
        timeouts are per read, so a server that trickles bytes would otherwise hold the command forever.
        ``bounded=False`` is for the calls that legitimately last (following a job's logs, uploading logs).
        """
        from huggingface_hub.errors import HfHubHTTPError, HFValidationError

        def attempt() -> T:
            try:
                return _within_deadline(what, fn, args, kwargs) if bounded else fn(*args, **kwargs)
            except HFValidationError:
                raise InputError(f"{_one_line(what)}: not a valid Hub repo id",
                                 "a repo id is ORG/NAME: letters, digits, '-', '_' and '.', at most 96 characters") from None
            except transport_errors() as exc:
                raise unreachable(exc, what, self.endpoint) from None
            except HfHubHTTPError as exc:
                answer = exc.response
                if answer is not None and retryable(answer.status_code):
                    raise RetryLater(answer.status_code, answer.headers.get("Retry-After"),
                                     self._translate(exc, what)) from None
                raise self._translate(exc, what) from None

        return retrying(attempt, gate=self._gate)

    def _translate(self, exc: Exception, what: str) -> HubError:
        """Turn a client error into ours, with the cause and what to do; never include the token."""
        from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError

        status = getattr(getattr(exc, "response", None), "status_code", None)
        server = getattr(exc, "server_message", None) or ""
        detail = f" ({server.strip()})" if server.strip() else ""
        if isinstance(exc, GatedRepoError):
            return AuthError(f"{what}: the repository is gated and this token has no access{detail}",
                             "request access on the model page, then use a token of the account that was granted access")
        if isinstance(exc, RepositoryNotFoundError):
            hint = "check the repo id; for a private repo set HF_TOKEN to a token that can read it"
            return RepoNotFoundError(f"{what}: repository not found or not visible with this token{detail}", hint)
        if isinstance(exc, RevisionNotFoundError):
            return RepoNotFoundError(f"{what}: revision not found{detail}", "check --revision / --pr")
        if status == 401:
            return AuthError(f"{what}: the token was rejected (401){detail}",
                             "set HF_TOKEN to a valid token or run `hf auth login`")
        if status == 403:
            return AuthError(f"{what}: permission denied (403){detail}",
                             "use a token with write access to this namespace, or --create-pr to propose the change")
        if status == 412 or status == 409:
            return StaleParentError(f"{what}: the branch moved while we were writing ({status})")
        if status == 429:
            return HubError(f"{what}: rate limited by the Hub (429) beyond the retry budget",
                            "wait a few minutes and run again")
        return HubError(f"{what}: Hub request failed ({status or type(exc).__name__}){detail}",
                        "check the network and HF_ENDPOINT, then run again", status)

    # ------------------------------------------------------------------ identity
    def whoami(self) -> dict[str, Any]:
        if not self.token:
            raise AuthError("no Hugging Face token found",
                            "set HF_TOKEN (a write token, https://huggingface.co/settings/tokens) or run `hf auth login`")
        if self._whoami is None:  # whoami is rate-limited on the Hub: once per process is enough
            self._whoami = self.call("checking the token", self.api.whoami)
        return self._whoami

    def require_write_token(self) -> dict[str, Any]:
        """The token's identity; fails for a missing or read-only token (nothing can be written with it)."""
        info = self.whoami()
        role = ((info.get("auth") or {}).get("accessToken") or {}).get("role")
        if role == "read":
            raise AuthError(f"the token of {info.get('name', '?')!r} is read-only: it cannot push or open pull requests",
                            "create a token with the 'write' role at https://huggingface.co/settings/tokens")
        return info

    def check_write_access(self, repo_id: str, *, to_main: bool) -> str:
        """Fail before writing when the token cannot do it; returns the user name.

        A pull request needs any write-capable token; a push to main needs write rights on the namespace.
        """
        info = self.require_write_token()
        user = info.get("name", "?")
        auth = (info.get("auth") or {}).get("accessToken") or {}
        namespace = repo_id.split("/")[0]
        if auth.get("role") == "fineGrained":
            scoped = (auth.get("fineGrained") or {}).get("scoped") or []
            wanted = "repo.write" if to_main else "discussion.write"
            allowed = any(
                wanted in s.get("permissions", []) or "repo.write" in s.get("permissions", [])
                for s in scoped
                if (s.get("entity") or {}).get("name") in (namespace, repo_id, user)
            )
            if not allowed:
                raise AuthError(f"the fine-grained token of {user!r} lacks {wanted!r} on {namespace!r}",
                                "add that permission to the token or use a write token")
        if to_main:
            orgs = {o.get("name"): o.get("roleInOrg") for o in info.get("orgs", [])}
            if namespace != user and orgs.get(namespace) not in ("admin", "write", "contributor"):
                raise AuthError(f"{user!r} has no write access to {namespace!r}: cannot push to main",
                                "use --create-pr to propose the change as a pull request")
        return user

    # ------------------------------------------------------------------ reading
    def read_state(self, repo_id: str, revision: str = "main") -> RepoState:
        """README and `.eval_results/*.yaml` at ``revision``; the commit sha pins later writes."""
        key = (repo_id, revision)
        with self._lock:
            cached = self._states.get(key)
        if cached is not None:
            return cached
        state = self._read_state(repo_id, revision)
        with self._lock:
            self._states[key] = state
        return state

    def _read_state(self, repo_id: str, revision: str) -> RepoState:
        info = self.call(f"reading {repo_id}@{revision}", self.api.model_info, repo_id, revision=revision)
        sha = getattr(info, "sha", None)
        pinned = sha or revision
        readme = self.read_text(repo_id, README, pinned, strict=True)  # the files a change is merged into
        state = RepoState(repo_id=repo_id, revision=revision, sha=sha, readme=readme)
        for path, blob in self.list_eval_files(repo_id, pinned).items():
            state.blob_ids[path] = blob
            text = self.read_text(repo_id, path, pinned, strict=True)
            if text is not None:
                state.eval_files[path] = text
        return state

    def list_eval_files(self, repo_id: str, revision: str) -> dict[str, str]:
        """Paths of `.eval_results/*.yaml` at ``revision`` with their blob ids ({} when the folder is absent)."""
        from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError

        def listing() -> list[Any]:
            try:
                return list(self.api.list_repo_tree(repo_id, path_in_repo=EVAL_DIR, revision=revision, recursive=True))
            except EntryNotFoundError:
                return []
            except HfHubHTTPError as exc:
                if exc.response is not None and exc.response.status_code == 404 and "Entry" in str(exc):
                    return []
                raise

        items = self.call(f"listing {EVAL_DIR}/ of {repo_id}@{revision}", listing)
        return {
            item.path: getattr(item, "blob_id", "") or ""
            for item in items
            if item.path.endswith((".yaml", ".yml")) and hasattr(item, "blob_id")
        }

    def read_text(self, repo_id: str, path: str, revision: str, repo_type: str = "model",
                  max_age: float | None = None, accept: Callable[[str | None], bool] | None = None,
                  strict: bool = False) -> str | None:
        """A file's text at ``revision``, or None when the file does not exist.

        With ``max_age`` (seconds) the answer may come from the on-disk cache: for slow-changing
        files such as a benchmark's ``eval.yaml``; only an answer ``accept`` approves (one that parses)
        is cached. A file larger than MAX_FILE_BYTES is refused, not read. ``strict``: a file that is not
        UTF-8 is an error (a file we may write back), else its bad bytes read as U+FFFD (a file only shown).
        """
        from huggingface_hub.errors import EntryNotFoundError

        if max_age is not None:
            from .cache import cache_file, read_cached, write_cached

            key = f"{self.endpoint}/{repo_type}/{repo_id}@{revision}/{path}"
            cached = read_cached(cache_file("hub", key), max_age)
            if isinstance(cached, dict) and isinstance(cached.get("text"), (str, type(None))):
                return cached["text"]
            text = self.read_text(repo_id, path, revision, repo_type)
            if accept is None or accept(text):
                write_cached(cache_file("hub", key), key, {"text": text})
            return text

        def download() -> str | None:
            try:
                local = self.api.hf_hub_download(repo_id, path, revision=revision, repo_type=repo_type)
            except EntryNotFoundError:
                return None
            if os.path.getsize(local) > MAX_FILE_BYTES:
                raise HubError(f"{path} of {repo_id}@{revision} is larger than {MAX_FILE_BYTES // 2**20} MB; not read",
                               "a model card or result file of that size is not one this tool reads")
            with open(local, "rb") as fh:
                data = fh.read()
            try:
                return data.decode("utf-8", errors="strict" if strict else "replace")
            except UnicodeDecodeError as exc:
                raise InputError(f"{path} of {repo_id}@{revision} is not valid UTF-8 text (byte {exc.start})",
                                 "fix the file's encoding in the repo first; nothing was written") from None

        return self.call(f"downloading {path} from {repo_id}@{revision}", download)

    def open_prs(self, repo_id: str) -> OpenPRs:
        """The repo's open pull requests and what each proposes in results (:mod:`evalmgr.prindex`), built once
        per repo and command; a commit to the repo drops it (:meth:`forget`)."""
        from .prindex import OpenPRs

        with self._lock:
            index = self._prs.get(repo_id)
            if index is None:
                index = self._prs[repo_id] = OpenPRs(self, repo_id)
        return index

    def open_pull_requests(self, repo_id: str) -> list[PullRequest]:
        """Every open pull request (all pages), oldest first; read through :meth:`open_prs`."""

        def listing() -> list[Any]:
            return list(self.api.get_repo_discussions(repo_id, discussion_type="pull_request", discussion_status="open"))

        found = self.call(f"listing pull requests of {repo_id}", listing)
        prs = [
            PullRequest(
                num=d.num,
                title=d.title,
                author=d.author,
                created_at=d.created_at.isoformat() if getattr(d, "created_at", None) else None,
                url=f"{self.repo_url(repo_id)}/discussions/{d.num}",
                git_reference=f"refs/pr/{d.num}",
            )
            for d in found
            if getattr(d, "is_pull_request", True)
        ]
        return sorted(prs, key=lambda p: p.num)

    # ------------------------------------------------------------------ writing
    def commit(
        self,
        repo_id: str,
        files: dict[str, str],
        *,
        message: str,
        description: str,
        create_pr: bool = False,
        revision: str | None = None,
        parent_commit: str | None = None,
    ) -> CommitResult:
        """One commit adding/replacing ``files`` (path -> text): to main, into ``revision``, or as a new PR.

        What was read of the repo is dropped first, so whatever follows (a stale-parent retry included) reads again.
        """
        from huggingface_hub import CommitOperationAdd

        ops = [CommitOperationAdd(path_in_repo=p, path_or_fileobj=t.encode("utf-8")) for p, t in sorted(files.items())]
        self.forget(repo_id)
        info = self.call(
            f"committing to {repo_id}",
            self.api.create_commit,
            repo_id,
            ops,
            commit_message=message,
            commit_description=description,
            create_pr=create_pr,
            revision=revision,
            parent_commit=parent_commit,
        )
        return CommitResult(
            commit_url=getattr(info, "commit_url", None),
            pr_url=getattr(info, "pr_url", None),
            pr_num=getattr(info, "pr_num", None),
            oid=getattr(info, "oid", None),
        )

    def forget(self, repo_id: str) -> None:
        """Drop what was read of ``repo_id``: it is about to change."""
        with self._lock:
            self._states = {k: v for k, v in self._states.items() if k[0] != repo_id}
            self._prs.pop(repo_id, None)

    # ------------------------------------------------------------------ evaluation logs
    def web_url(self, location: str) -> str:
        """The page of a Hub storage location, for ``source.url``: ``hf://buckets/NS/NAME/PATH`` (a bucket, the
        Hub docs' place for inspect logs) and ``hf://datasets/NS/NAME/PATH`` become links; an http(s) URL stays."""
        if location.startswith(("https://", "http://")):
            return location
        match = re.fullmatch(r"hf://(buckets|datasets)/([\w.-]+/[\w.-]+)(?:/(.*?))?/?", location)
        if not match:
            raise UsageError(f"--logs-url {location!r} is neither an http(s) URL nor hf://buckets/NS/NAME[/PATH] "
                             "or hf://datasets/NS/NAME[/PATH]")
        kind, repo, path = match.groups()
        if path and Path(path).suffix:  # a log file: link the folder that holds it
            path = path.rsplit("/", 1)[0] if "/" in path else ""
        if kind == "buckets":
            return f"{self.endpoint}/buckets/{repo}" + (f"/tree/{path}" if path else "")
        return f"{self.endpoint}/datasets/{repo}/tree/main" + (f"/{path}" if path else "")

    def upload_logs(self, target: str, paths: list[Path]) -> tuple[str, dict[str, str]]:
        """Upload log files to a Hub dataset repo (``ORG/NAME``) or storage bucket (``hf://buckets/NS/NAME[/PATH]``),
        created if needed, into a new dated folder; returns the folder's page URL and, for a dataset repo, each
        file's URL at the upload commit (by file name)."""
        from datetime import datetime, timezone

        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        files = [f for p in paths for f in ([p] if p.is_file() else sorted(x for x in p.rglob("*") if x.is_file()))]
        bucket = re.fullmatch(r"hf://buckets/([\w.-]+/[\w.-]+)(?:/(.*?))?/?", target)
        if bucket:
            bucket_id, prefix = bucket.groups()
            folder = f"{prefix}/{stamp}" if prefix else f"logs/{stamp}"
            self.call(f"creating the bucket {bucket_id}", self.api.create_bucket, bucket_id, exist_ok=True)
            self.call(f"uploading logs to {target}", self.api.batch_bucket_files, bucket_id,
                      add=[(str(f), f"{folder}/{f.name}") for f in files], bounded=False)  # may be large
            return self.web_url(f"hf://buckets/{bucket_id}/{folder}"), {}
        if target.startswith("hf://"):
            raise UsageError(f"--upload-logs-to {target!r}: give a dataset repo ORG/NAME or hf://buckets/NS/NAME[/PATH]")
        from huggingface_hub import CommitOperationAdd

        from .evidence import log_file_url

        folder = f"logs/{stamp}"
        self.call(f"creating {target}", self.api.create_repo, target, repo_type="dataset", exist_ok=True)
        ops = [CommitOperationAdd(path_in_repo=f"{folder}/{f.name}", path_or_fileobj=str(f)) for f in files]
        info = self.call(f"uploading logs to {target}", self.api.create_commit, target, ops, repo_type="dataset",
                         commit_message=f"Add evaluation logs ({len(files)} files)", bounded=False)  # may be large
        base = self.repo_url(target, "dataset")
        oid = getattr(info, "oid", None)
        return log_file_url(base, None, folder, ""), {f.name: log_file_url(base, oid, folder, f.name) for f in files}


def call_deadline() -> float:
    return float(os.environ.get("EVALMGR_CALL_DEADLINE", "300"))


def _within_deadline(what: str, fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
    """``fn(*args, **kwargs)`` in a worker thread; HubError when it has not returned by the call deadline.

    The worker is a daemon: a call that never returns is abandoned, and the process still exits.
    """
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread as it is
            box["error"] = exc

    worker = threading.Thread(target=work, name="evalmgr-hub-call", daemon=True)
    worker.start()
    worker.join(call_deadline())
    if worker.is_alive():
        raise HubError(f"{what}: the Hub did not answer within {call_deadline():g} s",
                       "the server is slow or stalled; try again later (EVALMGR_CALL_DEADLINE sets the limit)")
    if "error" in box:
        raise box["error"]
    return box["value"]


@functools.cache
def transport_errors() -> tuple[type[BaseException], ...]:
    """What the client raises when no HTTP answer came back (no network, DNS, proxy, timeout, offline mode):
    huggingface_hub's HTTP library (httpx, released as httpx2) and the builtin socket errors."""
    import importlib

    from huggingface_hub.errors import OfflineModeIsEnabled

    found: list[type[BaseException]] = [OfflineModeIsEnabled, ConnectionError]
    for name in ("httpx2", "httpx", "requests"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        error = getattr(module, "TransportError", None) or getattr(module, "ConnectionError", None)
        if isinstance(error, type):
            found.append(error)
    return tuple(found)


class StaleParentError(HubError):
    """The branch moved between our read and our write (412/409): re-read and re-check."""


def unreachable(exc: BaseException, what: str, endpoint: str | None = None) -> HubError:
    """One line naming why the Hub could not be reached, and what to check."""
    from huggingface_hub import constants
    from huggingface_hub.errors import OfflineModeIsEnabled

    endpoint = endpoint or constants.ENDPOINT
    detail = _one_line(str(exc) or type(exc).__name__)
    what = _one_line(what)
    name = type(exc).__name__
    proxy = _proxy()
    if isinstance(exc, OfflineModeIsEnabled):
        return HubError(f"{what}: HF_HUB_OFFLINE=1 forbids contacting the Hub",
                        "unset HF_HUB_OFFLINE to use the Hub")
    if proxy or "Proxy" in name:
        return HubError(f"{what}: could not reach {endpoint} through the proxy {proxy or ''} ({detail})",
                        "check HTTPS_PROXY / HTTP_PROXY / NO_PROXY")
    if any(m in detail for m in ("Name or service not known", "nodename nor servname", "Temporary failure in name",
                                 "getaddrinfo")):
        return HubError(f"{what}: the Hub's host name could not be resolved ({endpoint}: {detail})",
                        "check the network and DNS, and HF_ENDPOINT if you set it")
    if "Timeout" in name:
        return HubError(f"{what}: {endpoint} did not answer in time ({detail})", "check the network, then run again")
    return HubError(f"{what}: could not connect to {endpoint} ({detail})",
                    "check the network, and HF_ENDPOINT if you set it")


def _one_line(text: str, limit: int = 160) -> str:
    """Text safe for a one-line message: newlines shown escaped, long input cut (a 500-character repo id)."""
    flat = text.replace("\r", "\\r").replace("\n", "\\n")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _proxy() -> str | None:
    """The proxy the client uses, without credentials (a proxy URL may carry user:password)."""
    from urllib.parse import urlsplit

    for var in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy"):
        value = os.environ.get(var)
        if value:
            parts = urlsplit(value if "://" in value else f"http://{value}")
            return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''} ({var})"
    return None


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
