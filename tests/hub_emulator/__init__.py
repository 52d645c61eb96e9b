"""A protocol-faithful Hugging Face Hub emulator for tests: the real huggingface_hub client talks to it over a
real socket (set ``HF_ENDPOINT`` to ``emulator.endpoint`` before importing huggingface_hub).

    with HubEmulator() as hub:                      # or hub = HubEmulator(latency=0.05).start(); hub.stop()
        hub.add_user("alice", token="hf_alice", orgs=["acme"])
        hub.add_model("acme/m", {"README.md": "---\\nlicense: mit\\n---\\n# M\\n"}, downloads=10)
        ...
        hub.files("acme/m"), hub.pull_requests("acme/m"), hub.requests, hub.jobs

Seeding: add_user, add_token, add_model, add_dataset, add_commit, add_pull_request, add_discussion, grant_gated,
add_paper, add_leaderboard, set_job_plan, load_spec. Inspection: files, bucket_files, commits, pull_requests,
discussions, requests, request_count, jobs. Storage buckets upload through a Xet CAS served under ``/cas``
(routes_buckets). Faults: fail_next, before_next, ``latency``. Settings: list_page_size, tree_page_size,
commits_page_size, discussions_page_size. ``reset()`` clears everything between tests.

Served routes (beyond what the client documents): ``GET /papers/{id}.md`` (``HfApi.read_paper``) and
``GET /api/datasets/{id}/leaderboard`` (``HfApi.get_dataset_leaderboard``, computed from the models' results); every file is
stored and served as a regular (non-LFS, non-Xet) blob.
"""

from __future__ import annotations

from .emulator import HubEmulator
from .state import Job, JobPlan

__all__ = ["HubEmulator", "Job", "JobPlan"]
