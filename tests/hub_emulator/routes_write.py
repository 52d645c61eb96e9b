"""Write endpoints: validate-yaml, preupload, NDJSON commit (push, create_pr, refs/pr/N, parent_commit),
repo creation, and discussions / pull requests (list, details with diff, create, comment, status, title, merge)."""

from __future__ import annotations

import base64
import difflib
import json
import re
from typing import TYPE_CHECKING, Any

from .state import Commit, Discussion, Repo, blob_oid, metadata_errors, new_oid, now_iso
from .transport import HttpError, Request, Response, route

if TYPE_CHECKING:
    from .emulator import HubEmulator
    from .state import Token

REPO = r"/api/(model|dataset)s/([^/]+/[^/]+)"
PR_REF = re.compile(r"refs/pr/(\d+)")
STALE_PARENT = "A commit has happened since. Please refresh and try again."


def validate_yaml(emu: HubEmulator, req: Request) -> Response:
    errors = metadata_errors(str((req.json() or {}).get("content", "")))
    body = {"errors": [{"message": e} for e in errors], "warnings": []}
    return Response.json(body, status=400 if errors else 200)


def preupload(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, revision: str) -> dict[str, Any]:
    """Every file is uploaded "regular" (inline base64 in the commit); ``oid`` lets the client skip unchanged ones."""
    repo = emu.visible_repo(req, repo_type, repo_id)
    target = _target(emu, req, repo, revision, create_pr=req.flag("create_pr"))
    files = repo.commits[target.head].files
    return {
        "files": [
            {
                "path": f["path"],
                "uploadMode": "regular",
                "shouldIgnore": False,
                "oid": blob_oid(files[f["path"]]) if f["path"] in files else None,
            }
            for f in (req.json() or {}).get("files", [])
        ],
        "commitOid": target.head,
    }


def commit(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, revision: str) -> dict[str, Any]:
    repo = emu.visible_repo(req, repo_type, repo_id)
    create_pr = req.flag("create_pr")
    target = _target(emu, req, repo, revision, create_pr)
    header, operations = _parse_ndjson(req.body)
    parent = header.get("parentCommit")
    if parent and not target.head.startswith(parent):
        raise HttpError(412, STALE_PARENT)
    files = _apply(dict(repo.commits[target.head].files), operations)
    if "README.md" in files and files["README.md"] != repo.commits[target.head].files.get("README.md"):
        errors = metadata_errors(files["README.md"].decode("utf-8", errors="replace"))
        if errors:
            raise HttpError(400, "Invalid metadata in README.md.\n" + "\n".join(f"- {e}" for e in errors))
    author = req.user or "anonymous"
    new = repo.commit(
        files,
        parent=target.head,
        title=header.get("summary") or "Update files",
        message=header.get("description") or "",
        author=author,
    )
    if create_pr:
        disc = open_discussion(repo, new.title, author, new.message, is_pr=True, base=target.branch)
        move_ref(repo, f"refs/pr/{disc.num}", new, author)
    else:
        disc = move_ref(repo, revision, new, author)
    url = f"{emu.endpoint}/{repo.url_prefix}{repo.repo_id}"
    return {
        "success": True,
        "commitOid": new.oid,
        "commitUrl": f"{url}/commit/{new.oid}",
        "hookOutput": "",
        "pullRequestUrl": f"{url}/discussions/{disc.num}" if disc else None,
    }


def create_repo(emu: HubEmulator, req: Request) -> Response:
    body = req.json() or {}
    if req.token is None:
        raise HttpError(401, "Invalid username or password.")
    namespace = body.get("organization") or req.user
    repo_type = body.get("type") or "model"
    repo_id = f"{namespace}/{body.get('name')}"
    if not emu.can_write(req.token, namespace):
        raise HttpError(403, f'You don\'t have the rights to create a {repo_type} under the namespace "{namespace}"')
    prefix = "" if repo_type == "model" else f"{repo_type}s/"
    url = f"{emu.endpoint}/{prefix}{repo_id}"
    if (repo_type, repo_id) in emu.repos:
        raise HttpError(
            409, f"You already created this {repo_type} repo", body={"error": "Repository already exists", "url": url}
        )
    private = body.get("visibility") == "private" or bool(body.get("private"))
    emu._add_repo(
        repo_type,
        repo_id,
        {".gitattributes": "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"},
        {"private": private},
    )
    return Response.json({"url": url, "name": repo_id, "id": new_oid(repo_id)[:24]})


# ------------------------------------------------------------- discussions
def list_discussions(emu: HubEmulator, req: Request, repo_type: str, repo_id: str) -> dict[str, Any]:
    repo = emu.visible_repo(req, repo_type, repo_id)
    kind, status, author = req.param("type", "all"), req.param("status", "all"), req.param("author")
    wanted = {"open": {"open", "draft"}, "closed": {"closed", "merged"}}.get(status or "all")
    selected = [
        d
        for d in sorted(repo.discussions.values(), key=lambda d: -d.num)
        if (kind == "all" or (kind == "pull_request") == d.is_pr)
        and (wanted is None or d.status in wanted)
        and (author is None or d.author == author)
    ]
    size = emu.discussions_page_size
    start = int(req.param("p", "0") or 0) * size
    return {
        "discussions": [_summary(repo, d) for d in selected[start : start + size]],
        "count": len(selected),
        "start": start,
        "numItemsPerPage": size,
    }


def discussion_details(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, num: str) -> dict[str, Any]:
    repo = emu.visible_repo(req, repo_type, repo_id)
    disc = _discussion(repo, num)
    details = {**_summary(repo, disc), "events": disc.events, "pinned": False, "locked": False}
    if disc.is_pr:
        details["changes"] = {
            "base": f"refs/heads/{disc.base}",
            **({"mergeCommitId": disc.merge_commit} if disc.merge_commit else {}),
        }
        details["filesWithConflicts"] = _conflicts(repo, disc)
        if req.flag("diff"):
            details["diff"] = _diff(repo, disc)
    return details


def create_discussion(emu: HubEmulator, req: Request, repo_type: str, repo_id: str) -> dict[str, Any]:
    repo = emu.visible_repo(req, repo_type, repo_id)
    _need_writer_token(req.token)
    body = req.json() or {}
    is_pr = bool(body.get("pullRequest"))
    if is_pr:
        emu.check_gate(req, repo)
    disc = open_discussion(repo, body.get("title", ""), req.user or "", body.get("description", ""), is_pr)
    url = f"{emu.endpoint}/{repo.url_prefix}{repo_id}/discussions/{disc.num}"
    return {"num": disc.num, "pullRequest": is_pr, "url": url}


def comment(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, num: str) -> dict[str, Any]:
    disc = _discussion(emu.visible_repo(req, repo_type, repo_id), num)
    _need_writer_token(req.token)
    return {"newMessage": _add_event(disc, "comment", req.user or "", _comment_data(str(req.json()["comment"])))}


def change_status(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, num: str) -> dict[str, Any]:
    repo = emu.visible_repo(req, repo_type, repo_id)
    disc = _discussion(repo, num)
    _need_author_or_writer(emu, req, repo, disc)
    body = req.json() or {}
    if disc.status == "merged" or body.get("status") not in ("open", "closed"):
        raise HttpError(400, f"Cannot set the status of #{disc.num} ({disc.status}) to {body.get('status')!r}")
    if body.get("comment"):
        _add_event(disc, "comment", req.user or "", _comment_data(body["comment"]))
    disc.status = body["status"]
    return {"newStatus": _add_event(disc, "status-change", req.user or "", {"status": disc.status})}


def rename(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, num: str) -> dict[str, Any]:
    repo = emu.visible_repo(req, repo_type, repo_id)
    disc = _discussion(repo, num)
    _need_author_or_writer(emu, req, repo, disc)
    old, disc.title = disc.title, str((req.json() or {})["title"])
    return {"newTitle": _add_event(disc, "title-change", req.user or "", {"from": old, "to": disc.title})}


def merge(emu: HubEmulator, req: Request, repo_type: str, repo_id: str, num: str) -> dict[str, Any]:
    """Apply the PR's changes (since its fork point) onto its base branch; conflicts are a 409."""
    repo = emu.visible_repo(req, repo_type, repo_id)
    disc = _discussion(repo, num)
    if not disc.is_pr or disc.status not in ("open", "draft") or disc.head is None:
        raise HttpError(400, "Only open pull requests can be merged")
    if not emu.can_write(req.token, repo.namespace):
        raise HttpError(403, f"You don't have the rights to merge pull requests on {repo_id}")
    if _conflicts(repo, disc):
        raise HttpError(409, "This pull request has conflicts with the base branch")
    base_files = dict(repo.commits[repo.branches[disc.base]].files)
    fork, head = repo.commits[disc.fork_point or disc.head].files, repo.commits[disc.head].files
    for path in set(fork) | set(head):
        if path not in head:
            base_files.pop(path, None)
        elif fork.get(path) != head[path]:
            base_files[path] = head[path]
    merged = repo.commit(
        base_files, parent=repo.branches[disc.base], title=f"Merge PR #{disc.num}: {disc.title}", author=req.user or ""
    )
    repo.branches[disc.base] = merged.oid
    disc.merge_commit, disc.status = merged.oid, "merged"
    _add_event(disc, "status-change", req.user or "", {"status": "merged"})
    return {}


# ------------------------------------------------------------------ helpers
class _Target:
    """Where a commit lands: its current head, and the branch (None for an existing ``refs/pr/N``)."""

    def __init__(self, head: str, branch: str | None = None) -> None:
        self.head, self.branch = head, branch


def _target(emu: HubEmulator, req: Request, repo: Repo, revision: str, create_pr: bool) -> _Target:
    """Resolve the commit target and enforce the Hub's rules: PRs for any write token with read access,
    ``refs/pr/N`` for its author or repo writers, branches for writers only."""
    _need_writer_token(req.token)
    pr_match = PR_REF.fullmatch(revision)
    if pr_match and not create_pr:
        disc = _discussion(repo, pr_match.group(1))
        if not disc.is_pr or disc.head is None or disc.status not in ("open", "draft"):
            raise HttpError(403, f"Pull request #{disc.num} is not open: it cannot receive commits")
        if disc.author != req.user and not emu.can_write(req.token, repo.namespace):
            raise HttpError(403, "Only the pull request's author or the repo's maintainers can push to it")
        emu.check_gate(req, repo)
        return _Target(disc.head)
    branch = revision.removeprefix("refs/heads/")
    if branch not in repo.branches:
        raise HttpError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
    if create_pr:
        emu.check_gate(req, repo)
    elif not emu.can_write(req.token, repo.namespace):
        raise HttpError(
            403, f"You don't have the rights to push to {repo.repo_id}: open a pull request instead (create_pr=1)"
        )
    return _Target(repo.branches[branch], branch=branch)


def _need_writer_token(token: Token | None) -> None:
    if token is None:
        raise HttpError(401, "Invalid username or password.")
    if token.role == "read":
        raise HttpError(
            403,
            "This token is read-only: you must use a token with write access to upload files, "
            "open pull requests or comment",
        )


def _need_author_or_writer(emu: HubEmulator, req: Request, repo: Repo, disc: Discussion) -> None:
    _need_writer_token(req.token)
    if disc.author != req.user and not emu.can_write(req.token, repo.namespace):
        raise HttpError(403, "Only the author or the repo's maintainers can change this discussion")


def _parse_ndjson(body: bytes) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    header: dict[str, Any] = {}
    operations = []
    for line in body.splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item["key"] == "header":
            header = item["value"]
        elif item["key"] in ("file", "deletedFile", "deletedFolder"):
            operations.append((item["key"], item["value"]))
        else:
            raise HttpError(
                400,
                f"Unsupported commit operation {item['key']!r}: the emulator answers 'regular' "
                "upload mode for every file",
            )
    return header, operations


def _apply(files: dict[str, bytes], operations: list[tuple[str, dict[str, Any]]]) -> dict[str, bytes]:
    for key, value in operations:
        path = value["path"]
        if key == "file":
            raw = value["content"]
            files[path] = base64.b64decode(raw) if value.get("encoding") == "base64" else raw.encode()
        elif key == "deletedFile":
            if path not in files:
                raise HttpError(404, f"A file with this name doesn't exist: {path}", "EntryNotFound")
            del files[path]
        else:
            folder = path.rstrip("/") + "/"
            doomed = [p for p in files if p.startswith(folder)]
            if not doomed:
                raise HttpError(404, f"A folder with this name doesn't exist: {path}", "EntryNotFound")
            for p in doomed:
                del files[p]
    return files


def move_ref(repo: Repo, revision: str, commit: Commit, author: str) -> Discussion | None:
    """Point a branch or ``refs/pr/N`` at ``commit``; a PR gets a commit event and leaves draft."""
    pr_match = PR_REF.fullmatch(revision)
    if not pr_match:
        repo.branches[revision.removeprefix("refs/heads/")] = commit.oid
        return None
    disc = repo.discussions[int(pr_match.group(1))]
    disc.head = commit.oid
    if disc.status == "draft":
        disc.status = "open"
    _add_event(disc, "commit", author, {"subject": commit.title, "oid": commit.oid})
    return disc


def open_discussion(
    repo: Repo, title: str, author: str, description: str, is_pr: bool, base: str | None = "main"
) -> Discussion:
    """A new discussion; a PR starts as a draft whose ``refs/pr/N`` points at its base branch head."""
    base = base or "main"
    disc = Discussion(repo.next_discussion_num(), title, author, is_pr, "draft" if is_pr else "open", now_iso())
    if is_pr:
        disc.base, disc.head = base, repo.branches[base]
        disc.fork_point = disc.head
    _add_event(disc, "comment", author, _comment_data(description))
    repo.discussions[disc.num] = disc
    return disc


def description_of(disc: Discussion) -> str:
    first = next((e for e in disc.events if e["type"] == "comment"), None)
    return first["data"]["latest"]["raw"] if first else ""


def _add_event(disc: Discussion, kind: str, author: str, data: dict[str, Any]) -> dict[str, Any]:
    event = {
        "id": new_oid("event")[:24],
        "type": kind,
        "createdAt": now_iso(),
        "author": {"name": author},
        "data": data,
    }
    disc.events.append(event)
    return event


def _comment_data(text: str) -> dict[str, Any]:
    return {
        "edited": False,
        "hidden": False,
        "numEdits": 0,
        "editors": [],
        "reactions": [],
        "isReport": False,
        "latest": {"raw": text, "html": text, "updatedAt": now_iso()},
    }


def _summary(repo: Repo, disc: Discussion) -> dict[str, Any]:
    return {
        "num": disc.num,
        "title": disc.title,
        "status": disc.status,
        "createdAt": disc.created_at,
        "isPullRequest": disc.is_pr,
        "author": {"name": disc.author, "type": "user"},
        "repo": {"name": repo.repo_id, "type": repo.repo_type},
        "numComments": sum(1 for e in disc.events if e["type"] == "comment"),
        "topReactions": [],
        "pinned": False,
    }


def _discussion(repo: Repo, num: str) -> Discussion:
    disc = repo.discussions.get(int(num))
    if disc is None:
        raise HttpError(404, f"Discussion #{num} not found on {repo.repo_id}")
    return disc


def _conflicts(repo: Repo, disc: Discussion) -> list[str]:
    """Files changed both in the PR and on its base since the fork point, to different contents."""
    if not disc.is_pr or disc.head is None or disc.fork_point is None or disc.status == "merged":
        return []
    fork = repo.commits[disc.fork_point].files
    head = repo.commits[disc.head].files
    base = repo.commits[repo.branches[disc.base]].files
    paths = set(fork) | set(head) | set(base)
    return sorted(
        p for p in paths if fork.get(p) != head.get(p) and fork.get(p) != base.get(p) and head.get(p) != base.get(p)
    )


def _diff(repo: Repo, disc: Discussion) -> str:
    """Unified git-style diff of the PR against its fork point."""
    if disc.head is None or disc.fork_point is None:
        return ""
    before, after = repo.commits[disc.fork_point].files, repo.commits[disc.head].files
    chunks = []
    for path in sorted(set(before) | set(after)):
        if before.get(path) == after.get(path):
            continue
        old = (before.get(path) or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
        new = (after.get(path) or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
        chunks.append(f"diff --git a/{path} b/{path}\n")
        chunks.extend(difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"))
    return "".join(chunks)


ROUTES = [
    route("POST", r"/api/validate-yaml", validate_yaml),
    route("POST", r"/api/repos/create", create_repo),
    route("POST", REPO + r"/preupload/([^/]+)", preupload),
    route("POST", REPO + r"/commit/([^/]+)", commit),
    route("GET", REPO + r"/discussions", list_discussions),
    route("POST", REPO + r"/discussions", create_discussion),
    route("GET", REPO + r"/discussions/(\d+)", discussion_details),
    route("POST", REPO + r"/discussions/(\d+)/comment", comment),
    route("POST", REPO + r"/discussions/(\d+)/status", change_status),
    route("POST", REPO + r"/discussions/(\d+)/title", rename),
    route("POST", REPO + r"/discussions/(\d+)/merge", merge),
]
