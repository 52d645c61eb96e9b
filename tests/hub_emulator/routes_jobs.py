"""HF Jobs endpoints: run, inspect, list, cancel, logs (server-sent events) and the hardware flavor list.

Jobs do not execute anything: each follows the plan set with ``HubEmulator.set_job_plan`` (SCHEDULING ->
RUNNING -> COMPLETED/ERROR on a timer, with the planned log lines).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .state import Job, iso, new_oid
from .transport import HttpError, Request, Response, paged, route

if TYPE_CHECKING:
    from .emulator import HubEmulator

TERMINAL = ("COMPLETED", "CANCELED", "ERROR", "DELETED")

# Jobs hardware as documented at https://huggingface.co/docs/hub/jobs-pricing (names match the client's
# JobHardware enum): name, pretty name, vCPU, RAM GB, storage GB, (GPU model, count, total GPU GB) | None, $/hour.
FLAVORS: list[tuple[str, str, int, int, int, tuple[str, int, int] | None, float]] = [
    ("cpu-basic", "CPU Basic", 2, 16, 50, None, 0.01),
    ("cpu-upgrade", "CPU Upgrade", 8, 32, 50, None, 0.03),
    ("cpu-xl", "CPU XL", 16, 124, 1000, None, 1.00),
    ("cpu-performance", "CPU Performance", 32, 256, 1024, None, 1.90),
    ("t4-small", "Nvidia T4 - small", 4, 15, 50, ("T4", 1, 16), 0.40),
    ("t4-medium", "Nvidia T4 - medium", 8, 30, 100, ("T4", 1, 16), 0.60),
    ("l4x1", "1x Nvidia L4", 8, 30, 400, ("L4", 1, 24), 0.80),
    ("l4x4", "4x Nvidia L4", 48, 186, 3200, ("L4", 4, 96), 3.80),
    ("l40sx1", "1x Nvidia L40S", 8, 62, 380, ("L40S", 1, 48), 1.80),
    ("l40sx4", "4x Nvidia L40S", 48, 382, 3200, ("L40S", 4, 192), 8.30),
    ("l40sx8", "8x Nvidia L40S", 192, 1534, 6500, ("L40S", 8, 384), 23.50),
    ("a10g-small", "Nvidia A10G - small", 4, 15, 110, ("A10G", 1, 24), 1.00),
    ("a10g-large", "Nvidia A10G - large", 12, 46, 200, ("A10G", 1, 24), 1.50),
    ("a10g-largex2", "2x Nvidia A10G - large", 24, 92, 1000, ("A10G", 2, 48), 3.00),
    ("a10g-largex4", "4x Nvidia A10G - large", 48, 184, 2000, ("A10G", 4, 96), 5.00),
    ("a100-large", "Nvidia A100 - large", 12, 142, 1000, ("A100", 1, 80), 2.50),
    ("a100x4", "4x Nvidia A100 - large", 48, 568, 4000, ("A100", 4, 320), 10.00),
    ("a100x8", "8x Nvidia A100 - large", 96, 1136, 8000, ("A100", 8, 640), 20.00),
    ("h200", "Nvidia H200", 23, 256, 3000, ("H200", 1, 141), 5.00),
    ("h200x2", "2x Nvidia H200", 46, 512, 6000, ("H200", 2, 282), 10.00),
    ("h200x4", "4x Nvidia H200", 92, 1024, 12000, ("H200", 4, 564), 20.00),
    ("h200x8", "8x Nvidia H200", 184, 2048, 24000, ("H200", 8, 1128), 40.00),
    ("rtx-pro-6000", "Nvidia RTX PRO 6000", 23, 256, 475, ("RTX PRO 6000", 1, 96), 2.75),
    ("rtx-pro-6000x2", "2x Nvidia RTX PRO 6000", 46, 512, 950, ("RTX PRO 6000", 2, 192), 5.50),
    ("rtx-pro-6000x4", "4x Nvidia RTX PRO 6000", 92, 1024, 1900, ("RTX PRO 6000", 4, 384), 11.00),
    ("rtx-pro-6000x8", "8x Nvidia RTX PRO 6000", 184, 2048, 3800, ("RTX PRO 6000", 8, 768), 22.00),
]
FLAVOR_NAMES = {flavor[0] for flavor in FLAVORS}


def hardware(emu: HubEmulator, req: Request) -> list[dict[str, Any]]:
    out = []
    for name, pretty, cpu, ram, storage, gpu, hourly in FLAVORS:
        per_minute = hourly / 60
        out.append(
            {
                "name": name,
                "prettyName": pretty,
                "cpu": f"{cpu} vCPU",
                "ram": f"{ram} GB",
                "ephemeralStorage": f"{storage} GB",
                "accelerator": None
                if gpu is None
                else {
                    "type": "gpu",
                    "model": gpu[0],
                    "quantity": str(gpu[1]),
                    "vram": f"{gpu[2]} GB",
                    "manufacturer": "Nvidia",
                },
                "unitCostMicroUSD": round(per_minute * 1e6),
                "unitCostUSD": round(per_minute, 6),
                "unitLabel": "minute",
            }
        )
    return out


def run_job(emu: HubEmulator, req: Request, namespace: str) -> dict[str, Any]:
    owner_type = _owner_type(emu, req, namespace)
    spec = dict(req.json() or {})
    if spec.get("flavor", "cpu-basic") not in FLAVOR_NAMES:
        raise HttpError(400, f"Invalid flavor {spec.get('flavor')!r}: see GET /api/jobs/hardware")
    if not (spec.get("dockerImage") or spec.get("spaceId")) or not spec.get("command"):
        raise HttpError(400, "A job needs a dockerImage (or spaceId) and a command")
    secrets = dict(spec.pop("secrets", None) or {})
    text = " ".join([str(spec.get("dockerImage") or spec.get("spaceId")), *map(str, spec["command"])])
    job = Job(new_oid("job")[:24], namespace, owner_type, time.time(), spec, secrets, emu.plan_for(text))
    emu.record_job(job)
    return _job_info(job)


def list_jobs(emu: HubEmulator, req: Request, namespace: str) -> Response:
    _owner_type(emu, req, namespace)
    stages = set(req.params("stage"))
    labels = dict(label.split("=", 1) for label in req.params("label"))
    jobs = [
        _job_info(job)
        for job in emu.jobs
        if job.namespace == namespace
        and (not stages or job.stage() in stages)
        and all((job.spec.get("labels") or {}).get(k) == v for k, v in labels.items())
    ]
    return paged(req, jobs, emu.list_page_size)


def inspect_job(emu: HubEmulator, req: Request, namespace: str, job_id: str) -> dict[str, Any]:
    return _job_info(_job(emu, req, namespace, job_id))


def cancel_job(emu: HubEmulator, req: Request, namespace: str, job_id: str) -> dict[str, Any]:
    job = _job(emu, req, namespace, job_id)
    if job.stage() not in TERMINAL:
        job.canceled_at = time.time()
    return {}


def job_logs(emu: HubEmulator, req: Request, namespace: str, job_id: str) -> Response:
    """Server-sent events ``data: {"data", "timestamp"}``; the stream stays open until the job's last line (the
    client decides how long to read: no-follow stops at the server's ``Date``)."""
    with emu.lock:
        job = _job(emu, req, namespace, job_id)
    tail = req.param("tail")
    return Response(
        200,
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
        stream=_log_events(job, int(tail) if tail else None),
    )


def _log_events(job: Job, tail: int | None) -> Iterator[bytes]:
    """Replay the lines already logged, then stream the later ones as they come, until the job ends."""
    events = _timeline(job)
    now = time.time()
    ready = [event for event in events if event[0] <= now]
    for at, line in ready[-tail:] if tail is not None else ready:
        yield _sse(at, line)
    for at, line in events[len(ready) :]:
        if not _wait_until(job, at):
            return
        yield _sse(at, line)
    _wait_until(job, job.finished)  # like the Hub, the stream ends when the job does


def _wait_until(job: Job, at: float) -> bool:
    """Sleep until ``at``; False when the job was canceled meanwhile."""
    while time.time() < at:
        if job.stage() == "CANCELED":
            return False
        time.sleep(0.01)
    return True


def _timeline(job: Job) -> list[tuple[float, str]]:
    """(time, line) of every log line: the start banner, then the planned lines spread over the run."""
    started = job.started
    lines = list(job.plan.logs)
    step = job.plan.run_seconds / (len(lines) + 1)
    stamp = datetime.fromtimestamp(started, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return [(started, f"===== Job started at {stamp} =====")] + [
        (started + step * (i + 1), line) for i, line in enumerate(lines)
    ]


def _sse(at: float, line: str) -> bytes:
    return b"data: " + json.dumps({"data": line, "timestamp": iso(at)}).encode() + b"\n\n"


def _job_info(job: Job) -> dict[str, Any]:
    stage = job.stage()
    info: dict[str, Any] = {
        "id": job.id,
        "createdAt": iso(job.created),
        **{
            k: v
            for k, v in job.spec.items()
            if k
            in ("dockerImage", "spaceId", "command", "arguments", "environment", "flavor", "labels", "timeoutSeconds")
        },
        "secrets": {name: None for name in job.secrets},  # names only: values never leave the emulator
        "status": {"stage": stage, "message": job.plan.message if stage == "ERROR" else None},
        "owner": {"id": new_oid(job.namespace)[:24], "name": job.namespace, "type": job.owner_type},
        "initiator": {"type": "user", "id": new_oid(job.namespace)[:24], "name": job.namespace},
    }
    if stage != "SCHEDULING":
        info["startedAt"] = iso(job.started)
    if stage in TERMINAL:
        info["finishedAt"] = iso(job.finished)
    return info


def _owner_type(emu: HubEmulator, req: Request, namespace: str) -> str:
    if req.token is None:
        raise HttpError(401, "Invalid username or password.")
    if namespace == req.user:
        return "user"
    user = emu.users.get(req.user or "")
    if user is not None and namespace in user.orgs:
        return "org"
    raise HttpError(403, f"You don't have access to jobs of namespace {namespace!r}")


def _job(emu: HubEmulator, req: Request, namespace: str, job_id: str) -> Job:
    _owner_type(emu, req, namespace)
    job = next((j for j in emu.jobs if j.id == job_id and j.namespace == namespace), None)
    if job is None:
        raise HttpError(404, f"Job {job_id} not found")
    return job


ROUTES = [
    route("GET", r"/api/jobs/hardware", hardware),
    route("POST", r"/api/jobs/([^/]+)", run_job),
    route("GET", r"/api/jobs/([^/]+)", list_jobs),
    route("GET", r"/api/jobs/([^/]+)/([^/]+)", inspect_job),
    route("POST", r"/api/jobs/([^/]+)/([^/]+)/cancel", cancel_job),
    route("GET", r"/api/jobs/([^/]+)/([^/]+)/logs", job_logs),
]
