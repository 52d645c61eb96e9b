"""``HubEmulator``: a threaded HTTP server that answers the real huggingface_hub client like the Hub does.

Lifecycle, seeding, inspection and fault injection live here; the endpoints live in ``routes_*.py``.
"""

from __future__ import annotations

import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from . import routes_buckets, routes_jobs, routes_read, routes_write
from .state import Discussion, Job, JobPlan, Paper, Repo, Token, User, as_bytes, new_oid, now_iso
from .transport import HttpError, Request, Response, dispatch, make_handler

ROUTES = routes_read.ROUTES + routes_write.ROUTES + routes_jobs.ROUTES + routes_buckets.ROUTES


@dataclass
class _Rule:
    """A pending fault (``status``) or hook (``action``) for the next requests matching method + path regex."""

    method: str
    pattern: re.Pattern[str]
    remaining: int
    status: int = 0
    headers: dict[str, str] | None = None
    body: Any = None
    action: Callable[[HubEmulator], None] | None = None

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and self.method in (method, "*") and bool(self.pattern.search(path))


class HubEmulator:
    """Protocol-faithful Hugging Face Hub emulator for tests (see the package docstring for the API)."""

    def __init__(self, latency: float = 0.0) -> None:
        self.default_latency = latency
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.reset()

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> HubEmulator:
        """Listen on 127.0.0.1, on a free port, in a daemon thread."""
        if self._server is None:
            self._server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self))
            self._server.daemon_threads = True
            self._thread = threading.Thread(target=self._server.serve_forever, name="hub-emulator", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HubEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def endpoint(self) -> str:
        if self._server is None:
            raise RuntimeError("HubEmulator is not started: call .start() or use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def reset(self) -> None:
        """Forget everything (users, repos, papers, jobs, faults, log) and restore default settings."""
        with self.lock:
            self.latency = self.default_latency
            self.list_page_size = 1000  # /api/models, /api/datasets, /api/jobs (the client also sends ``limit``)
            self.tree_page_size = 1000  # 50 when expand=True, like the Hub
            self.commits_page_size = 50
            self.discussions_page_size = 50
            self.users: dict[str, User] = {}
            self.tokens: dict[str, Token] = {}
            self.repos: dict[tuple[str, str], Repo] = {}
            self.papers: dict[str, Paper] = {}
            self.buckets: dict[str, routes_buckets.Bucket] = {}
            self.xet_tokens: dict[str, str] = {}  # Xet access token -> bucket id
            self.xorbs: dict[str, bytes] = {}
            self.shards: list[bytes] = []
            self._jobs: list[Job] = []
            self._job_plans: list[tuple[str | None, JobPlan]] = []
            self._rules: list[_Rule] = []
            self._log: list[dict[str, Any]] = []
            self.server_errors: list[str] = []  # unemulated routes and handler crashes (the ``hub`` fixture checks)

    # ------------------------------------------------------------------ seeding
    def add_user(
        self,
        name: str,
        token: str | None = None,
        role: str = "write",
        orgs: Iterable[str] = (),
        can_write: Iterable[str] = (),
    ) -> None:
        """A user, member of ``orgs``, with write rights on ``can_write`` namespaces too, and optionally a token."""
        with self.lock:
            self.users[name] = User(name, list(orgs), list(can_write))
        if token is not None:
            self.add_token(name, token, role)

    def add_token(self, user: str, token: str, role: str = "write", can_write: Iterable[str] | None = None) -> None:
        """Another token for ``user``. role: "read", "write", or "fineGrained" (writes only to ``can_write``,
        default the user's own namespace; pull requests anywhere)."""
        if role not in ("read", "write", "fineGrained"):
            raise ValueError(f"role must be read, write or fineGrained, not {role!r}")
        with self.lock:
            scoped = list(can_write) if can_write is not None else [user]
            self.tokens[token] = Token(user, role, scoped, f"{role}-token-{len(self.tokens) + 1}")

    def add_model(self, repo_id: str, files: dict[str, str | bytes] | None = None, **options: Any) -> str:
        """Create a model repo with one commit holding ``files``; returns the head commit oid.

        Options: private, gated (False | "auto" | "manual"), author, downloads, likes, trending_score, tags,
        pipeline_tag, library_name, created_at, last_modified, safetensors ({"parameters": {dtype: n}, "total": n}
        or an int total, counted as BF16), extra (dict merged into every info answer).
        """
        return self._add_repo("model", repo_id, files, options)

    def add_dataset(self, repo_id: str, files: dict[str, str | bytes] | None = None, **options: Any) -> str:
        """Create a dataset repo. ``benchmark="official"`` lists it as an official benchmark (tag ``benchmark:official``,
        what ``list_datasets(benchmark="official")`` filters on); a root ``eval.yaml`` alone only adds
        ``benchmark:eval-yaml``, like the Hub. Same options as ``add_model`` (no safetensors)."""
        if options.get("benchmark") not in (None, "official"):
            raise ValueError(f"benchmark must be None or 'official', got {options['benchmark']!r}")
        return self._add_repo("dataset", repo_id, files, options)

    def _add_repo(self, repo_type: str, repo_id: str, files: dict[str, str | bytes] | None, options: dict) -> str:
        if repo_id.count("/") != 1:
            raise ValueError(f"repo_id must be 'namespace/name', got {repo_id!r}")
        safetensors = options.pop("safetensors", None)
        if isinstance(safetensors, int):
            safetensors = {"parameters": {"BF16": safetensors}, "total": safetensors}
        repo = Repo(repo_type, repo_id, bool(options.pop("private", False)), options.pop("gated", False))
        repo.meta = {
            "author": options.pop("author", repo_id.split("/")[0]),
            "created_at": options.pop("created_at", None) or now_iso(),
            "safetensors": safetensors,
            **{key: options.pop(key, default) for key, default in _META_DEFAULTS.items()},
        }
        if options:
            raise TypeError(f"unknown repo options: {sorted(options)}")
        head = repo.commit(
            {p: as_bytes(c) for p, c in (files or {}).items()},
            parent=None,
            title="initial commit",
            author=repo.namespace,
        )
        repo.branches["main"] = head.oid
        with self.lock:
            self.repos[(repo_type, repo_id)] = repo
        return head.oid

    def add_commit(
        self,
        repo_id: str,
        files: dict[str, str | bytes] | None = None,
        deleted: Iterable[str] = (),
        message: str = "Update files",
        revision: str = "main",
        author: str = "someone-else",
        repo_type: str = "model",
    ) -> str:
        """Commit on a branch or ``refs/pr/N`` behind the client's back (e.g. to provoke a stale parent)."""
        with self.lock:
            repo, head = self._at(repo_id, revision, repo_type)
            snapshot = dict(repo.commits[head].files)
            for path in deleted:
                snapshot.pop(path, None)
            snapshot.update({p: as_bytes(c) for p, c in (files or {}).items()})
            commit = repo.commit(snapshot, parent=head, title=message, author=author)
            routes_write.move_ref(repo, revision, commit, author)
            return commit.oid

    def add_pull_request(
        self,
        repo_id: str,
        title: str,
        author: str,
        files: dict[str, str | bytes] | None = None,
        deleted: Iterable[str] = (),
        status: str = "open",
        description: str = "",
        repo_type: str = "model",
    ) -> int:
        """An existing PR (``refs/pr/N``) adding ``files`` on top of main; returns its number."""
        with self.lock:
            repo = self.repo(repo_id, repo_type)
            disc = routes_write.open_discussion(repo, title, author, description, is_pr=True)
            if files or deleted:
                self.add_commit(repo_id, files, deleted, title, f"refs/pr/{disc.num}", author, repo_type)
            disc.status = status
            return disc.num

    def add_discussion(
        self,
        repo_id: str,
        title: str,
        author: str,
        status: str = "open",
        description: str = "",
        repo_type: str = "model",
    ) -> int:
        """A plain (non-PR) discussion; returns its number."""
        with self.lock:
            disc = routes_write.open_discussion(self.repo(repo_id, repo_type), title, author, description, False)
            disc.status = status
            return disc.num

    def add_leaderboard(self, dataset_id: str, values: dict[str, float], task_id: str | None = None) -> None:
        """Results on a benchmark's leaderboard: each model (created if missing) gets ``.eval_results/`` on main
        with its value for ``task_id`` (default: the first task of the dataset's ``eval.yaml``, which must exist)."""
        with self.lock:
            spec = yaml.safe_load(self.files(dataset_id, repo_type="dataset")["eval.yaml"])
            task = task_id or spec["tasks"][0]["id"]
            for model_id, value in values.items():
                entry = [{"dataset": {"id": dataset_id, "task_id": task}, "value": value,
                          "source": {"url": f"https://huggingface.co/{model_id}", "name": "Model card"}}]
                path = f".eval_results/{dataset_id.split('/')[-1].lower()}_{task}.yaml"
                text = yaml.safe_dump(entry, sort_keys=False)
                if ("model", model_id) in self.repos:
                    self.add_commit(model_id, {path: text}, message="Add evaluation result")
                else:
                    self.add_model(model_id, {"README.md": f"# {model_id}\n", path: text})

    def grant_gated(self, repo_id: str, user: str, repo_type: str = "model") -> None:
        """Accept ``user``'s access request to a gated repo."""
        with self.lock:
            self.repo(repo_id, repo_type).grants.add(user)

    def add_paper(
        self,
        arxiv_id: str,
        title: str,
        summary: str,
        markdown: str | None = None,
        authors: Iterable[str] = (),
        published_at: str | None = None,
    ) -> None:
        """A paper page: ``GET /api/papers/{id}`` (paper_info) and, with markdown, ``GET /papers/{id}.md``
        (read_paper)."""
        with self.lock:
            self.papers[arxiv_id] = Paper(arxiv_id, title, summary, markdown, list(authors), published_at or now_iso())

    def set_job_plan(self, match: str | None = None, **plan: Any) -> None:
        """How the next jobs behave. ``match``: substring of the job's image + command (None: any job; the latest
        matching plan wins). Fields: logs, stage ("COMPLETED"/"ERROR"), message, schedule_seconds, run_seconds."""
        with self.lock:
            self._job_plans.insert(0, (match, JobPlan(**plan)))

    def load_spec(self, spec: dict[str, Any] | str | Path) -> None:
        """Seed from a dict or a YAML/JSON file: users, models, datasets (each may list pull_requests and
        discussions), papers, grants, job_plans — keys and fields as the methods above take them."""
        if not isinstance(spec, dict):
            spec = yaml.safe_load(Path(spec).read_text())
        for user in spec.get("users", []):
            self.add_user(**user)
        for kind, repo_type in (("models", "model"), ("datasets", "dataset")):
            for item in spec.get(kind, []):
                options = {k: v for k, v in item.items() if k not in ("repo_id", "files", *_THREAD_KEYS)}
                self._add_repo(repo_type, item["repo_id"], item.get("files"), options)
                for pr in item.get("pull_requests", []):
                    self.add_pull_request(item["repo_id"], repo_type=repo_type, **pr)
                for disc in item.get("discussions", []):
                    self.add_discussion(item["repo_id"], repo_type=repo_type, **disc)
        for paper in spec.get("papers", []):
            self.add_paper(**paper)
        for grant in spec.get("grants", []):
            self.grant_gated(**grant)
        for plan in spec.get("job_plans", []):
            self.set_job_plan(**plan)

    # --------------------------------------------------------------- inspection
    def repo(self, repo_id: str, repo_type: str = "model") -> Repo:
        try:
            return self.repos[(repo_type, repo_id)]
        except KeyError:
            raise KeyError(f"no {repo_type} repo {repo_id!r} in the emulator") from None

    def _at(self, repo_id: str, revision: str, repo_type: str) -> tuple[Repo, str]:
        repo = self.repo(repo_id, repo_type)
        oid = repo.resolve(revision)
        if oid is None:
            raise KeyError(f"{repo_id}: no revision {revision!r}")
        return repo, oid

    def files(self, repo_id: str, revision: str = "main", repo_type: str = "model") -> dict[str, bytes]:
        """Files at a branch, ``refs/pr/N`` or commit."""
        with self.lock:
            repo, oid = self._at(repo_id, revision, repo_type)
            return dict(repo.commits[oid].files)

    def bucket_files(self, bucket_id: str) -> dict[str, str]:
        """A bucket's files: path -> Xet hash of the content (``hf_xet.hash_files`` gives it for a local file)."""
        with self.lock:
            return {path: meta["xetHash"] for path, meta in self.buckets[bucket_id].files.items()}

    def commits(self, repo_id: str, ref: str = "main", repo_type: str = "model") -> list[dict[str, Any]]:
        """History of ``ref``, newest first: oid, parent, title, message, author, date."""
        with self.lock:
            repo, oid = self._at(repo_id, ref, repo_type)
            return [{k: v for k, v in vars(c).items() if k != "files"} for c in repo.history(oid)]

    def pull_requests(self, repo_id: str, repo_type: str = "model") -> list[dict[str, Any]]:
        """PRs by number: num, title, author, status, ref, description, files (at the PR head), commits (oids)."""
        with self.lock:
            repo = self.repo(repo_id, repo_type)
            return [_pr_view(repo, d) for d in sorted(repo.discussions.values(), key=lambda d: d.num) if d.is_pr]

    def discussions(self, repo_id: str, repo_type: str = "model") -> list[Discussion]:
        with self.lock:
            return sorted(self.repo(repo_id, repo_type).discussions.values(), key=lambda d: d.num)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Request log: method, path (decoded), query, status, user. Authorization values are never stored."""
        with self.lock:
            return list(self._log)

    def request_count(self, method: str | None = None, path_regex: str = "") -> int:
        pattern = re.compile(path_regex)
        return sum(1 for r in self.requests if method in (None, r["method"]) and pattern.search(r["path"]))

    @property
    def jobs(self) -> list[Job]:
        with self.lock:
            return list(self._jobs)

    # ---------------------------------------------------------- fault injection
    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        headers: dict[str, str] | None = None,
        count: int = 1,
        body: Any = None,
    ) -> None:
        """Answer the next ``count`` requests whose method ("*" for any) and decoded path match with ``status``
        (e.g. 412, 409, 429 with ``{"Retry-After": "1"}``, 500, 503). ``body`` defaults to ``{"error": ...}``."""
        with self.lock:
            self._rules.append(_Rule(method, re.compile(path_regex), count, status, headers, body))

    def clear_faults(self) -> None:
        """Drop every pending ``fail_next`` / ``before_next`` rule."""
        with self.lock:
            self._rules.clear()

    def before_next(self, method: str, path_regex: str, action: Callable[[HubEmulator], None], count: int = 1) -> None:
        """Run ``action(emulator)`` just before handling the next matching requests (e.g. a concurrent commit)."""
        with self.lock:
            self._rules.append(_Rule(method, re.compile(path_regex), count, action=action))

    # ----------------------------------------------------------------- serving
    def handle(self, method: str, path: str, query: dict[str, list[str]], headers: Any, body: bytes) -> Response:
        """Serve one request: latency, faults, hooks, auth, route; then log it (without credentials)."""
        if self.latency:
            time.sleep(self.latency)
        decoded = unquote(path)
        try:
            response = self._respond(method, path, decoded, query, headers, body)
        except HttpError as err:
            response = err.response()
        except Exception as exc:  # a missing route or an emulator bug: recorded, and 501 so no client retries it
            with self.lock:
                self.server_errors.append(f"{method} {decoded}\n{traceback.format_exc()}")
            response = HttpError(501, f"Hub emulator cannot answer this request: {exc}").response()
        response.headers.setdefault("X-Request-Id", new_oid("req")[:24])
        with self.lock:
            self._log.append(
                {
                    "method": method,
                    "path": decoded,
                    "query": query,
                    "status": response.status,
                    "user": self._token_user(headers),
                }
            )
        return response

    def _respond(self, method: str, path: str, decoded: str, query: dict, headers: Any, body: bytes) -> Response:
        with self.lock:
            rule = next((r for r in self._rules if r.matches(method, decoded)), None)
            if rule:
                rule.remaining -= 1
        if rule and rule.action:
            rule.action(self)
        elif rule:
            raise HttpError(rule.status, f"Emulated failure ({rule.status})", headers=rule.headers, body=rule.body)
        token = None if path.startswith("/cas/") else self._authenticate(headers)  # the CAS checks Xet tokens
        req = Request(method, path, query, headers, body, token, self.endpoint)
        if path.startswith("/api/jobs/") and path.endswith("/logs"):
            return dispatch(ROUTES, self, req)  # streams: must not hold the lock while waiting for log lines
        with self.lock:
            return dispatch(ROUTES, self, req)

    def _authenticate(self, headers: Any) -> Token | None:
        """The request's token; an unknown token is a 401 everywhere, like the Hub."""
        value = headers.get("Authorization") or ""
        if not value:
            return None
        with self.lock:
            token = self.tokens.get(value.removeprefix("Bearer ").strip())
        if token is None:
            raise HttpError(401, "Invalid credentials in Authorization header")
        return token

    def _token_user(self, headers: Any) -> str | None:
        token = self.tokens.get((headers.get("Authorization") or "").removeprefix("Bearer ").strip())
        return token.user if token else None

    # ------------------------------------------------------------ permissions
    def is_member(self, user: str | None, namespace: str) -> bool:
        """Owner, org member, or given write rights on ``namespace``: sees private repos, bypasses gates."""
        if user is None:
            return False
        info = self.users.get(user)
        return user == namespace or (info is not None and (namespace in info.orgs or namespace in info.can_write))

    def can_write(self, token: Token | None, namespace: str) -> bool:
        if token is None or token.role == "read":
            return False
        if token.role == "fineGrained":
            return namespace in token.can_write
        return self.is_member(token.user, namespace)

    def visible_repo(self, req: Request, repo_type: str, repo_id: str) -> Repo:
        """The repo if it exists and ``req`` may see it, else the Hub's RepoNotFound (401 anonymous, 404 otherwise)."""
        repo = self.repos.get((repo_type, repo_id))
        if repo is None or (repo.private and not self.is_member(req.user, repo.namespace)):
            raise HttpError(401 if req.token is None else 404, "Repository not found", "RepoNotFound")
        return repo

    def check_gate(self, req: Request, repo: Repo) -> None:
        """Gated content needs membership or a granted access request (GatedRepo: 401 anonymous, 403 otherwise)."""
        if not repo.gated or self.is_member(req.user, repo.namespace) or req.user in repo.grants:
            return
        kind = repo.repo_type
        if req.token is None:
            message = (
                f"Access to {kind} {repo.repo_id} is restricted. You must have access to it and be "
                "authenticated to access it. Please log in."
            )
            raise HttpError(401, message, "GatedRepo")
        message = (
            f"Access to {kind} {repo.repo_id} is restricted and you are not in the authorized list. "
            f"Visit {self.endpoint}/{repo.url_prefix}{repo.repo_id} to ask for access."
        )
        raise HttpError(403, message, "GatedRepo")

    def plan_for(self, job_text: str) -> JobPlan:
        return next((plan for match, plan in self._job_plans if match is None or match in job_text), JobPlan())

    def record_job(self, job: Job) -> None:
        self._jobs.append(job)


_THREAD_KEYS = ("pull_requests", "discussions")
_META_DEFAULTS: dict[str, Any] = {
    "downloads": 0,
    "likes": 0,
    "trending_score": 0,
    "tags": [],
    "pipeline_tag": None,
    "library_name": None,
    "last_modified": None,
    "benchmark": None,
    "extra": {},
}


def _pr_view(repo: Repo, disc: Discussion) -> dict[str, Any]:
    return {
        "num": disc.num,
        "title": disc.title,
        "author": disc.author,
        "status": disc.status,
        "ref": f"refs/pr/{disc.num}",
        "description": routes_write.description_of(disc),
        "files": dict(repo.commits[disc.head].files) if disc.head else {},
        "commits": [e["data"]["oid"] for e in disc.events if e["type"] == "commit"],
    }
