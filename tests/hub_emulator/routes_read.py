"""Read endpoints: whoami, repo info and listings, tree, file resolve, commits, refs, auth-check, papers."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import yaml

from .state import Commit, Repo, blob_oid, card_data, derived_tags, eval_results
from .transport import HttpError, Request, Response, paged, route

if TYPE_CHECKING:
    from .emulator import HubEmulator

REPO = r"/api/(model|dataset)s/([^/]+/[^/]+)"
UNGATED_FILES = {"README.md", ".gitattributes"}  # the card stays readable on gated repos, like on the Hub
MODEL_EXPAND = {
    "author",
    "baseModels",
    "cardData",
    "childrenModelCount",
    "config",
    "createdAt",
    "disabled",
    "downloads",
    "downloadsAllTime",
    "evalResults",
    "gated",
    "gguf",
    "inference",
    "inferenceProviderMapping",
    "lastModified",
    "library_name",
    "likes",
    "mask_token",
    "model-index",
    "pipeline_tag",
    "private",
    "safetensors",
    "sha",
    "siblings",
    "spaces",
    "tags",
    "transformersInfo",
    "trendingScore",
    "widgetData",
    "usedStorage",
    "resourceGroup",
}
DATASET_EXPAND = {
    "author",
    "cardData",
    "citation",
    "createdAt",
    "disabled",
    "description",
    "downloads",
    "downloadsAllTime",
    "gated",
    "lastModified",
    "likes",
    "mainSize",
    "paperswithcode_id",
    "private",
    "siblings",
    "sha",
    "tags",
    "trendingScore",
    "usedStorage",
    "resourceGroup",
}
SORT_KEYS = ("trendingScore", "downloads", "likes", "createdAt", "lastModified", "id")


def agent_harnesses(emu: HubEmulator, req: Request) -> dict[str, Any]:
    """The agent-harness registry the client fetches (at most daily) when it may run under an AI agent."""
    return {"standardEnvVars": ["AI_AGENT", "AGENT"], "harnesses": {}}


def whoami(emu: HubEmulator, req: Request) -> dict[str, Any]:
    token = req.token
    if token is None:
        raise HttpError(401, "Invalid username or password.")
    user = emu.users.get(token.user)
    orgs = user.orgs if user else []
    access: dict[str, Any] = {
        "displayName": token.display_name,
        "role": token.role,
        "createdAt": "2024-01-01T00:00:00.000Z",
    }
    if token.role == "fineGrained":
        access["fineGrained"] = {
            "canReadGatedRepos": True,
            "global": ["discussion.write", "post.write"],
            "scoped": [
                {
                    "entity": {"_id": _id(ns), "type": "user" if ns == token.user else "org", "name": ns},
                    "permissions": ["repo.content.read", "repo.write"],
                }
                for ns in token.can_write
            ],
        }
    return {
        "type": "user",
        "id": _id(token.user),
        "name": token.user,
        "fullname": token.user,
        "email": f"{token.user}@example.com",
        "emailVerified": True,
        "canPay": False,
        "periodEnd": None,
        "isPro": False,
        "avatarUrl": "",
        "orgs": [
            {
                "type": "org",
                "id": _id(org),
                "name": org,
                "fullname": org,
                "email": None,
                "canPay": False,
                "periodEnd": None,
                "avatarUrl": "",
                "roleInOrg": "write",
            }
            for org in orgs
        ],
        "auth": {"type": "access_token", "accessToken": access},
    }


def repo_info(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, revision: str | None = None) -> Any:
    repo = emu.visible_repo(req, repo_type, repo_id)
    commit = _commit_at(repo, revision or "main")
    expand = req.params("expand", "expand[]")
    info = _info(repo, commit, blobs=req.flag("blobs"), expand=expand)
    return _select(info, expand, repo_type)


def list_repos(emu: HubEmulator, req: Request, repo_type: str) -> Response:
    """``/api/models`` and ``/api/datasets``: search, author, filter (tags), pipeline_tag, gated, sort, direction."""
    expand = req.params("expand", "expand[]")
    searches = [s.lower() for s in req.params("search")]
    filters = req.params("filter")
    rows = []
    for repo in emu.repos.values():
        if repo.repo_type != repo_type or (repo.private and not emu.is_member(req.user, repo.namespace)):
            continue
        info = _info(repo, repo.commits[repo.branches["main"]], blobs=False, expand=expand)
        if _listed(req, repo, info, searches, filters):
            rows.append((repo, info))
    sort = req.param("sort")
    if sort:
        if sort not in SORT_KEYS:
            raise HttpError(400, f"Invalid sort parameter: {sort}")
        rows.sort(key=lambda row: row[1][sort], reverse=req.param("direction", "-1") != "1")
    full, with_card = req.flag("full"), req.flag("cardData")
    items = [_list_item(info, expand, repo_type, full, with_card) for _, info in rows]
    limit = req.param("limit")
    size = min(int(limit), emu.list_page_size) if limit else emu.list_page_size
    return paged(req, items, size)


def tree(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, revision: str, path: str | None) -> Response:
    repo = emu.visible_repo(req, repo_type, repo_id)
    commit = _commit_at(repo, revision)
    prefix = f"{path.strip('/')}/" if path else ""
    files = {p: c for p, c in commit.files.items() if p.startswith(prefix)}
    if prefix and not files:
        raise HttpError(404, f"Entry not found: {path}", "EntryNotFound")
    recursive, expand = req.flag("recursive"), req.flag("expand")
    entries: dict[str, dict[str, Any]] = {}
    for file_path, content in sorted(files.items()):
        parts = file_path[len(prefix) :].split("/")
        for depth in range(1, len(parts)):
            folder = prefix + "/".join(parts[:depth])
            if recursive or depth == 1:
                entries.setdefault(folder, _folder_entry(commit, folder))
        if recursive or len(parts) == 1:
            entries[file_path] = {"type": "file", "oid": blob_oid(content), "size": len(content), "path": file_path}
    listing = sorted(entries.values(), key=lambda e: (e["type"] != "directory", e["path"]))
    if expand:
        for entry in listing:
            last = repo.last_commit_touching(commit.oid, entry["path"])
            entry["lastCommit"] = {"id": last.oid, "title": last.title, "date": last.date}
    return paged(req, listing, 50 if expand else emu.tree_page_size)


def resolve(emu: HubEmulator, req: Request, dataset: str | None, repo_id: str, revision: str, path: str) -> Response:
    """HEAD/GET of a file: the headers ``hf_hub_download`` needs (X-Repo-Commit, ETag, Content-Length)."""
    repo = emu.visible_repo(req, "dataset" if dataset else "model", repo_id)
    commit = _commit_at(repo, revision)
    content = commit.files.get(path)
    if content is None:
        raise HttpError(404, "Entry not found", "EntryNotFound", headers={"X-Repo-Commit": commit.oid})
    if path not in UNGATED_FILES:
        emu.check_gate(req, repo)
    content_type = "text/plain; charset=utf-8" if _is_text(content) else "application/octet-stream"
    headers = {
        "X-Repo-Commit": commit.oid,
        "ETag": f'"{blob_oid(content)}"',
        "Content-Type": content_type,
        "Accept-Ranges": "bytes",
    }
    return Response(200, content, headers)


def list_commits(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, revision: str) -> Response:
    repo = emu.visible_repo(req, repo_type, repo_id)
    history = repo.history(_commit_at(repo, revision).oid)
    items = [
        {
            "id": c.oid,
            "title": c.title,
            "message": c.message,
            "date": c.date,
            "authors": [{"user": c.author, "avatar": ""}],
        }
        for c in history
    ]
    return paged(req, items, emu.commits_page_size)


def list_refs(emu: HubEmulator, req: Request, repo_type: str, repo_id: str) -> dict[str, Any]:
    repo = emu.visible_repo(req, repo_type, repo_id)
    refs: dict[str, Any] = {
        "branches": [{"name": b, "ref": f"refs/heads/{b}", "targetCommit": oid} for b, oid in repo.branches.items()],
        "converts": [],
        "tags": [],
    }
    if req.flag("include_prs"):
        refs["pullRequests"] = [
            {"name": f"refs/pr/{d.num}", "ref": f"refs/pr/{d.num}", "targetCommit": d.head}
            for d in repo.discussions.values()
            if d.is_pr and d.head
        ]
    return refs


def auth_check(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, write: str | None) -> dict[str, Any]:
    repo = emu.visible_repo(req, repo_type, repo_id)
    emu.check_gate(req, repo)
    if write and not emu.can_write(req.token, repo.namespace):
        raise HttpError(403, f"You don't have write access to {repo_id}")
    return {}


def paper_info(emu: HubEmulator, req: Request, arxiv_id: str) -> dict[str, Any]:
    paper = _paper(emu, arxiv_id)
    return {
        "id": paper.arxiv_id,
        "title": paper.title,
        "summary": paper.summary,
        "publishedAt": paper.published_at,
        "authors": [{"_id": _id(name), "name": name, "hidden": False} for name in paper.authors],
        "upvotes": 0,
        "discussionId": _id(paper.arxiv_id),
    }


def paper_markdown(emu: HubEmulator, req: Request, arxiv_id: str) -> Response:
    paper = _paper(emu, arxiv_id)
    if paper.markdown is None:
        raise HttpError(404, f"No markdown for paper {arxiv_id}")
    return Response(200, paper.markdown.encode(), {"Content-Type": "text/markdown; charset=utf-8"})


# ---------------------------------------------------------------------- helpers
def _commit_at(repo: Repo, revision: str) -> Commit:
    oid = repo.resolve(revision)
    if oid is None:
        raise HttpError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
    return repo.commits[oid]


def _info(repo: Repo, commit: Commit, *, blobs: bool, expand: list[str]) -> dict:
    """Everything the Hub can say about a repo at a commit (selection happens afterwards)."""
    meta, files = repo.meta, commit.files
    card = card_data(files)
    siblings = [
        {"rfilename": p, **({"size": len(c), "blobId": blob_oid(c)} if blobs else {})} for p, c in sorted(files.items())
    ]
    info: dict[str, Any] = {
        "_id": _id(repo.repo_id),
        "id": repo.repo_id,
        "author": meta["author"],
        "sha": commit.oid,
        "lastModified": meta["last_modified"] or commit.date,
        "createdAt": meta["created_at"],
        "private": repo.private,
        "gated": repo.gated,
        "disabled": False,
        "downloads": meta["downloads"],
        "downloadsAllTime": meta["downloads"],
        "likes": meta["likes"],
        "trendingScore": meta["trending_score"],
        "tags": derived_tags(repo, files),
        "siblings": siblings,
        "usedStorage": sum(map(len, files.values())),
    }
    if card is not None:
        info["cardData"] = card
    if repo.repo_type == "model":
        info.update(
            modelId=repo.repo_id,
            pipeline_tag=meta["pipeline_tag"] or (card or {}).get("pipeline_tag"),
            library_name=meta["library_name"] or (card or {}).get("library_name"),
            spaces=[],
        )
        info["model-index"] = (card or {}).get("model-index")
        if meta["safetensors"]:
            info["safetensors"] = meta["safetensors"]
        if "config.json" in files:
            info["config"] = _json_or_none(files["config.json"])
        if "evalResults" in expand:
            info["evalResults"] = eval_results(files)
    else:
        info["description"] = (card or {}).get("pretty_name", "")
    info.update(meta["extra"])
    return info


def _select(info: dict[str, Any], expand: list[str], repo_type: str) -> dict[str, Any]:
    if not expand:
        return {k: v for k, v in info.items() if k != "evalResults"}
    allowed = MODEL_EXPAND if repo_type == "model" else DATASET_EXPAND
    unknown = sorted(set(expand) - allowed)
    if unknown:
        raise HttpError(400, f'"expand" must be one of {sorted(allowed)}, got {unknown}')
    return {k: v for k, v in info.items() if k in ("_id", "id") or k in expand}


def _list_item(info: dict[str, Any], expand: list[str], repo_type: str, full: bool, with_card: bool) -> dict:
    if expand:
        return _select(info, expand, repo_type)
    keys = {
        "_id",
        "id",
        "likes",
        "trendingScore",
        "private",
        "downloads",
        "tags",
        "createdAt",
        "modelId",
        "pipeline_tag",
        "library_name",
        "author",
        "gated",
        "lastModified",
        "sha",
        "disabled",
        "description",
    }
    if full:
        keys |= {"siblings"}
    if with_card:
        keys |= {"cardData"}
    return {k: v for k, v in info.items() if k in keys}


def _listed(req: Request, repo: Repo, info: dict[str, Any], searches: list[str], filters: list[str]) -> bool:
    tags = set(info["tags"])
    if any(s not in repo.repo_id.lower() for s in searches):
        return False
    if any(f not in tags for f in filters):
        return False
    author, pipeline, gated = req.param("author"), req.param("pipeline_tag"), req.param("gated")
    if author and repo.namespace != author:
        return False
    if pipeline and info.get("pipeline_tag") != pipeline:
        return False
    return gated is None or (gated.lower() == "true") == bool(repo.gated)


def _folder_entry(commit: Commit, folder: str) -> dict[str, Any]:
    listing = sorted((p, blob_oid(c)) for p, c in commit.files.items() if p.startswith(folder + "/"))
    return {"type": "directory", "oid": hashlib.sha1(repr(listing).encode()).hexdigest(), "size": 0, "path": folder}


def leaderboard(emu: HubEmulator, req: Request, repo_id: str) -> list[dict[str, Any]]:
    """``GET /api/datasets/{id}/leaderboard`` (``HfApi.get_dataset_leaderboard``): the benchmark's default view.

    Like the Hub, it is computed from the models' ``.eval_results/`` on main: entries of the first task of the
    dataset's ``eval.yaml``, highest value first, ranked from 1.
    ``base_model=false`` includes models that declare a ``base_model``; by default they are left out. A dataset
    without ``eval.yaml`` has no leaderboard (404).
    """
    dataset = emu.visible_repo(req, "dataset", repo_id)
    spec = _yaml_or_none(dataset.commits[dataset.branches["main"]].files.get("eval.yaml"))
    tasks = spec.get("tasks") if isinstance(spec, dict) else None
    if not isinstance(tasks, list) or not tasks or not isinstance(tasks[0], dict):
        raise HttpError(404, f"{repo_id} has no leaderboard (it is not a benchmark dataset)")
    task_id = tasks[0].get("id")
    only_roots = (req.param("base_model") or "true").lower() != "false"
    rows = []
    for repo in emu.repos.values():
        if repo.repo_type != "model" or repo.private:
            continue
        files = repo.commits[repo.branches["main"]].files
        if only_roots and (card_data(files) or {}).get("base_model"):
            continue
        for item in eval_results(files):
            data = item.get("data") or {}
            if (data.get("dataset") or {}).get("id") == repo_id and data["dataset"].get("task_id") == task_id:
                rows.append((repo, item["filename"], data))
    rows.sort(key=lambda r: r[2]["value"], reverse=True)
    return [_leaderboard_entry(emu, rank, *row) for rank, row in enumerate(rows, start=1)]


def _leaderboard_entry(emu: HubEmulator, rank: int, repo: Repo, filename: str, data: dict[str, Any]) -> dict:
    is_org = repo.namespace not in emu.users
    author = {"_id": _id(repo.namespace), "name": repo.namespace, "fullname": repo.namespace, "avatarUrl": "",
              "type": "org" if is_org else "user"}
    source = data.get("source")
    entry = {"rank": rank, "modelId": repo.repo_id, "value": data["value"], "filename": filename,
             "verified": bool(data.get("verifyToken")), "author": author,
             "source": {**source, "isExternal": True} if isinstance(source, dict) else None}
    if data.get("notes"):
        entry["notes"] = data["notes"]
    return entry


def _yaml_or_none(content: bytes | None) -> Any:
    try:
        return yaml.safe_load(content.decode("utf-8")) if content is not None else None
    except (yaml.YAMLError, UnicodeDecodeError):
        return None


def _paper(emu: HubEmulator, arxiv_id: str) -> Any:
    paper = emu.papers.get(arxiv_id)
    if paper is None:
        raise HttpError(404, "Paper not found")
    return paper


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _is_text(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _id(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:24]


ROUTES = [
    route("GET", r"/api/whoami-v2", whoami),
    route("GET", r"/api/agent-harnesses", agent_harnesses),
    route("GET", r"/api/(model|dataset)s", list_repos),
    route("GET", REPO, repo_info),
    route("GET", REPO + r"/revision/([^/]+)", repo_info),
    route("GET", REPO + r"/tree/([^/]+)(?:/(.*))?", tree),
    route("GET", REPO + r"/commits/([^/]+)", list_commits),
    route("GET", REPO + r"/refs", list_refs),
    route("GET", REPO + r"/auth-check(/write)?", auth_check),
    route("GET", r"/api/datasets/([^/]+/[^/]+)/leaderboard", leaderboard),
    route("GET", r"/api/papers/([^/]+)", paper_info),
    route("GET", r"/papers/([^/]+)\.md", paper_markdown),
    route("GET", r"/(?:(datasets)/)?(?!api/)([^/]+/[^/]+)/resolve/([^/]+)/(.+)", resolve),
]
