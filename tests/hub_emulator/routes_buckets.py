"""Storage buckets (``hf://buckets/NS/NAME``): create, Xet write token, the Xet CAS upload path, and the batch
of file operations, as ``HfApi.create_bucket`` and ``HfApi.batch_bucket_files`` (hf_xet) use them.

The CAS (served under ``/cas``) takes xorbs and shards through its v1 endpoints and stores them opaquely; it
offers no global dedup, no upload grants and no v2 shard endpoint (404s, after which the client uses v1, as it
does against a CAS without them). A bucket file is what the batch registers: its path and Xet hash, which is
the hash of the file's content (``hf_xet.hash_files`` computes the same one locally).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .state import new_oid
from .transport import HttpError, Request, Response, route

if TYPE_CHECKING:
    from .emulator import HubEmulator

BUCKET = r"/api/buckets/([^/]+)/([^/]+)"
XET_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass
class Bucket:
    bucket_id: str
    private: bool
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> {"xetHash", "mtime", "contentType"}


def _writable(emu: HubEmulator, req: Request, namespace: str, name: str) -> Bucket:
    bucket = emu.buckets.get(f"{namespace}/{name}")
    if bucket is None or (bucket.private and not emu.is_member(req.user, namespace)):
        raise HttpError(401 if req.token is None else 404, "Bucket not found", "RepoNotFound")
    if not emu.can_write(req.token, namespace):
        raise HttpError(403, f"You don't have write access to the bucket {bucket.bucket_id}")
    return bucket


def create_bucket(emu: HubEmulator, req: Request, namespace: str, name: str) -> Response:
    if req.token is None:
        raise HttpError(401, "Invalid username or password.")
    namespace = req.user if namespace == "me" else namespace
    if not emu.can_write(req.token, namespace):
        raise HttpError(403, f'You don\'t have the rights to create a bucket under the namespace "{namespace}"')
    bucket_id = f"{namespace}/{name}"
    url = f"{emu.endpoint}/buckets/{bucket_id}"
    if bucket_id in emu.buckets:
        raise HttpError(409, "You already created this bucket", body={"error": "Bucket already exists", "url": url})
    private = (req.json() or {}).get("visibility") == "private"
    emu.buckets[bucket_id] = Bucket(bucket_id, private)
    return Response.json({"url": url, "name": bucket_id, "id": new_oid(bucket_id)[:24]})


def xet_write_token(emu: HubEmulator, req: Request, namespace: str, name: str) -> dict[str, Any]:
    bucket = _writable(emu, req, namespace, name)
    token = "xet_" + secrets.token_hex(16)
    emu.xet_tokens[token] = bucket.bucket_id
    return {"accessToken": token, "exp": int(time.time()) + 3600, "casUrl": f"{emu.endpoint}/cas"}


def batch(emu: HubEmulator, req: Request, namespace: str, name: str) -> dict[str, Any]:
    """NDJSON operations: addFile / copyFile (path, xetHash, mtime) and deleteFile (path)."""
    bucket = _writable(emu, req, namespace, name)
    failed = []
    for line in req.body.decode().splitlines():
        if not line.strip():
            continue
        op = json.loads(line)
        if op.get("type") in ("addFile", "copyFile") and XET_HASH.fullmatch(str(op.get("xetHash"))):
            bucket.files[op["path"]] = {k: op[k] for k in ("xetHash", "mtime", "contentType") if k in op}
        elif op.get("type") == "deleteFile" and op.get("path") in bucket.files:
            del bucket.files[op["path"]]
        else:
            failed.append({"path": op.get("path"), "error": f"invalid operation {op.get('type')!r}"})
    if failed and len(failed) == len([line for line in req.body.decode().splitlines() if line.strip()]):
        return Response.json({"failed": failed}, status=422)
    return {"failed": failed}


def agent_harnesses(emu: HubEmulator, req: Request) -> dict[str, Any]:
    """The AI-agent harness registry the client fetches once a day: none known here."""
    return {"standardEnvVars": [], "harnesses": {}}


# ------------------------------------------------------------------ CAS (authenticated by the Xet token)


def _cas_bucket(emu: HubEmulator, req: Request) -> str:
    token = (req.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
    bucket_id = emu.xet_tokens.get(token)
    if bucket_id is None:
        raise HttpError(401, "Invalid or expired Xet token")
    return bucket_id


def cas_not_offered(emu: HubEmulator, req: Request, *_: str) -> Response:
    """Global dedup, upload grants, v2 shards, telemetry: not offered by this CAS."""
    _cas_bucket(emu, req)
    return Response.json({"error": "Not Found"}, status=404)


def cas_xorb(emu: HubEmulator, req: Request, prefix: str, xorb_hash: str) -> dict[str, Any]:
    _cas_bucket(emu, req)
    inserted = xorb_hash not in emu.xorbs
    emu.xorbs[xorb_hash] = req.body
    return {"was_inserted": inserted}


def cas_shard(emu: HubEmulator, req: Request) -> dict[str, Any]:
    _cas_bucket(emu, req)
    emu.shards.append(req.body)
    return {"result": 1}  # SyncPerformed


ROUTES = [
    route("GET", r"/api/agent-harnesses", agent_harnesses),
    route("POST", BUCKET, create_bucket),
    route("GET", BUCKET + r"/xet-write-token", xet_write_token),
    route("POST", BUCKET + r"/batch", batch),
    route("GET", r"/cas/v1/chunks/([^/]+)/([0-9a-f]+)", cas_not_offered),
    route("POST", r"/cas/v1/xorb-grants/([^/]+)/([0-9a-f]+)", cas_not_offered),
    route("POST", r"/cas/v2/shards", cas_not_offered),
    route("POST", r"/cas/v1/telemetry", cas_not_offered),
    route("POST", r"/cas/v1/xorbs/([^/]+)/([0-9a-f]+)", cas_xorb),
    route("POST", r"/cas/v1/shards", cas_shard),
]
