"""The guards under the hostile corpus, one by one: bounded parsers, id rules, all-or-nothing writes,
file modes, strict JSON output, caches; and a few real subprocesses under resource limits, to prove that
no traceback reaches stderr and that bombs stay within a memory bound."""

from __future__ import annotations

import io
import json
import os
import resource
import stat
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from cli_support import MANAGER
from conftest import REAL_HOME, SANDBOX
from evalmgr.errors import InputError
from evalmgr.files import write_files_atomic
from evalmgr.ids import is_repo_id, is_task_id
from evalmgr.safeload import MAX_DEPTH, ParseError, json_load, yaml_load
from hostile.generate import TABLE, alias_bomb, card, deep_json, zip_bomb, zstd_bomb

# --------------------------------------------------------------------------- parsers


def test_yaml_alias_bomb_is_refused_but_a_few_aliases_are_fine() -> None:
    with pytest.raises(ParseError, match="expands to more than"):
        yaml_load(alias_bomb())
    assert yaml_load("a: &x [1, 2]\nb: *x\nc: [*x, *x]\n") == {"a": [1, 2], "b": [1, 2], "c": [[1, 2], [1, 2]]}


@pytest.mark.parametrize("text", ["a: &a [1, *a]", "a: &a {x: *a}", "a: &a [&b [*a]]"])
def test_yaml_that_contains_itself_is_refused(text: str) -> None:
    with pytest.raises(ParseError, match="contains it"):
        yaml_load(text)


@pytest.mark.parametrize("text", ["x: " + "[" * 5000 + "]" * 5000, "".join("  " * i + f"k{i}:\n" for i in range(400))])
def test_yaml_nesting_is_bounded(text: str) -> None:
    with pytest.raises(ParseError, match="nested deeper"):
        yaml_load(text)
    assert yaml_load("x: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2))


def test_yaml_huge_integers_refused_and_impossible_dates_kept_as_text() -> None:
    with pytest.raises(ParseError, match="400 digits"):
        yaml_load("v: " + "9" * 400)
    assert yaml_load("d: 2025-13-45\ne: 2025-01-02") == {"d": "2025-13-45", "e": __import__("datetime").date(2025, 1, 2)}


def test_json_depth_and_integers_are_bounded() -> None:
    for text, what in ((deep_json(100_000), "nested"), (deep_json(MAX_DEPTH + 5), "nested"),
                       ('{"a": ' + "9" * 5000 + "}", "too large")):
        with pytest.raises(ParseError, match=what):
            json_load(text)
    assert json_load('{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize("good", ["Idavidrein/gpqa", "TIGER-Lab/MMLU-Pro", "meta-llama/Llama-3.1-8B"])
def test_hub_ids_accepted(good: str) -> None:
    assert is_repo_id(good)


@pytest.mark.parametrize("bad", ["a/b/c", "org/name\n", "o/" + "n" * 500, "../x", "a/..", "", "org/na me", "a--b/c"])
def test_hub_ids_refused(bad: str) -> None:
    assert not is_repo_id(bad)


def test_task_ids() -> None:
    assert all(is_task_id(t) for t in ("diamond", "mmlu_pro", "gsm8k", "aime:2024"))
    assert is_task_id("MathArena/aime_2026")  # some eval.yaml files name a task like their dataset
    assert not any(is_task_id(t) for t in ("../x", "a\nb", "/a", "a/b/c", "a/../b", "t" * 200, ""))


# --------------------------------------------------------------------------- writes


def test_all_or_nothing_when_a_later_target_is_blocked(tmp_path: Path) -> None:
    (tmp_path / ".eval_results" / "b.yaml").mkdir(parents=True)
    with pytest.raises(InputError, match="directory"):
        write_files_atomic(tmp_path, {".eval_results/a.yaml": "a\n", ".eval_results/b.yaml": "b\n"})
    assert sorted(p.name for p in (tmp_path / ".eval_results").iterdir()) == ["b.yaml"]


def test_rollback_removes_temporaries_and_new_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object) -> None:
        raise OSError("disk full")

    clone = tmp_path / "clone"
    clone.mkdir()
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_files_atomic(clone, {"new/a.yaml": "a\n", "new/b.yaml": "b\n"})
    assert list(clone.iterdir()) == []


def test_files_keep_their_mode_and_new_files_get_0644(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        (tmp_path / "kept.yaml").write_text("x\n")
        (tmp_path / "kept.yaml").chmod(0o600)
        write_files_atomic(tmp_path, {"kept.yaml": "y\n", "new.yaml": "z\n"})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "kept.yaml").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o644
    assert (tmp_path / "kept.yaml").read_text() == "y\n"


# --------------------------------------------------------------------------- output and caches


def test_json_output_never_prints_nan_or_infinity() -> None:
    from evalmgr.render import emit_json

    buf = io.StringIO()
    with redirect_stdout(buf):
        emit_json({"value": float("nan"), "rows": [float("inf"), -float("inf"), 1.5]})
    assert json.loads(buf.getvalue()) == {"value": None, "rows": [None, None, 1.5]}


def test_cache_keys_lose_credentials_and_secrets_are_never_cached(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from evalmgr.cache import cache_file, write_cached

    monkeypatch.setenv("AA_API_KEY", "aa-very-secret-key")
    path = cache_file("aa", "https://user:pw@aa.example/api?key=1", tmp_path)
    write_cached(path, "https://user:pw@aa.example/api?key=1", {"data": []})
    assert json.loads(path.read_text())["key"] == "https://aa.example/api"
    leaky = cache_file("aa", "https://aa.example/other", tmp_path)
    write_cached(leaky, "https://aa.example/other", {"echo": "aa-very-secret-key"})
    assert not leaky.exists()


def test_the_suite_never_touches_the_users_cache() -> None:
    from evalmgr.cache import cache_root

    assert Path.home() != REAL_HOME and SANDBOX in Path.home().parents
    assert REAL_HOME not in cache_root().parents


# --------------------------------------------------------------------------- real processes, bounded


def _limited(memory: int, cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


BOUNDED_CASES = {
    "zip-bomb": (["import-logs", "{d}/log.eval"], {"log.eval": zip_bomb}, "too large"),
    "zstd-bomb": (["import-logs", "{d}/log.eval"], {"log.eval": zstd_bomb}, "too large"),
    "alias-bomb": (["extract-readme", "--readme", "{d}/README.md", "--repo-id", "example-org/Lumen-8B-Instruct", "--format",
                    "model-index"],
                   {"README.md": lambda: card(alias_bomb())}, "front matter"),
    "deep-mapping": (["inspect-tables", "--readme", "{d}/README.md", "--mapping", "{d}/m.json"],
                     {"README.md": card, "m.json": lambda: deep_json(200_000)}, "nested"),
    "hub-unreachable": (["show", "--repo-id", "o/m"], {}, "could not connect to http://127.0.0.1:9"),
    "blank-card": (["extract-readme", "--readme", "{d}/README.md", "--repo-id", "example-org/Lumen-8B-Instruct"],
                   {"README.md": lambda: card(None, "\n" * 19_000_000 + TABLE)}, "36.4"),
}


@pytest.mark.parametrize("name", sorted(BOUNDED_CASES))
def test_a_real_process_stays_bounded_and_prints_no_traceback(name: str, tmp_path: Path,
                                                             hf_env: dict[str, str]) -> None:
    """1.5 GB of address space and 120 s of CPU: a bomb that expanded, or a parser gone quadratic, dies here."""
    argv, files, text = BOUNDED_CASES[name]
    for rel, make in files.items():
        data = make()
        (tmp_path / rel).write_bytes(data if isinstance(data, bytes) else data.encode())
    env = {**hf_env, "HF_ENDPOINT": "http://127.0.0.1:9"} if name == "hub-unreachable" else hf_env
    proc = subprocess.run([sys.executable, str(MANAGER), *[a.replace("{d}", str(tmp_path)) for a in argv]],
                          capture_output=True, text=True, env=env, timeout=600,
                          preexec_fn=lambda: _limited(1536 * 2**20, 120))
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == (0 if name == "blank-card" else 1), proc.stderr[-3000:]
    assert text in proc.stdout + proc.stderr


# --------------------------------------------------------------------------- hostile answers from the Hub


def test_a_hostile_card_on_the_hub_is_an_error_not_a_traceback(hub, hf_env: dict[str, str]) -> None:
    from cli_support import run_cli

    hub.add_model("example-org/Lumen-8B-Instruct", {"README.md": card(alias_bomb())})
    hub.add_model("acme/huge", {"README.md": b"#" * (21 * 1024 * 1024)})
    show = run_cli("show", "--repo-id", "example-org/Lumen-8B-Instruct", env=hf_env)
    assert show.code == 0 and "problem: README.md: README front matter is not valid YAML" in show.err
    assert "expands to more than" in show.err
    check = run_cli("validate", "--repo-id", "example-org/Lumen-8B-Instruct", env=hf_env)
    assert check.code == 1 and "expands to more than" in check.out and "Traceback" not in check.err
    huge = run_cli("inspect-tables", "--repo-id", "acme/huge", env=hf_env)
    assert huge.code == 1 and "larger than 20 MB" in huge.err and "Traceback" not in huge.err


def test_an_eval_yaml_that_does_not_parse_is_not_cached(hub, hf_env: dict[str, str], tmp_path: Path) -> None:
    from cli_support import run_cli

    entry = "- dataset: {id: me/bench, task_id: t}\n  value: 50\n  source: {url: 'https://x.org'}\n"
    hub.add_model("acme/m", {"README.md": card(), ".eval_results/bench.yaml": entry})
    hub.add_dataset("me/bench", {"eval.yaml": "tasks:\n- id: ../../x\n"})
    env = {**hf_env, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    counts = []
    for _ in range(2):  # not cached: the second run asks the Hub again
        run = run_cli("validate", "--repo-id", "acme/m", env=env)
        assert "Traceback" not in run.err
        counts.append(hub.request_count(path_regex="eval.yaml"))
    assert 0 < counts[0] < counts[1]
    assert not list((tmp_path / "cache").rglob("*.json"))
    hub.add_dataset("me/bench2", {"eval.yaml": "tasks:\n- id: t\n"})
    hub.add_model("acme/m2", {"README.md": card(),
                              ".eval_results/bench.yaml": entry.replace("me/bench", "me/bench2")})
    run = run_cli("validate", "--repo-id", "acme/m2", env=env)
    assert run.code == 0, run.out + run.err
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 1


def test_a_card_on_the_hub_that_is_not_utf8_is_refused_not_rewritten(hub, hf_env: dict[str, str]) -> None:
    from cli_support import run_cli

    hub.add_user("alice", token="hf_alice")
    latin1 = (card("license: mit\n") + "Caf\xe9\n").encode("latin-1")
    hub.add_model("alice/Lumen-8B-Instruct", {"README.md": latin1})
    run = run_cli("extract-readme", "--repo-id", "alice/Lumen-8B-Instruct", "--format", "model-index",
                  "--create-pr", env={**hf_env, "HF_TOKEN": "hf_alice"})
    assert run.code == 1 and "not valid UTF-8" in run.err and "Traceback" not in run.err
    assert hub.pull_requests("alice/Lumen-8B-Instruct") == []
    assert hub.files("alice/Lumen-8B-Instruct")["README.md"] == latin1


def test_a_hub_that_trickles_bytes_meets_the_call_deadline(tmp_path: Path, hf_env: dict[str, str]) -> None:
    """The client's timeouts are per read: one byte every half second never trips them. The deadline does."""

    from aa_emulator import serving, trickle
    from cli_support import run_cli

    with serving(trickle) as endpoint:
        run = run_cli("show", "--repo-id", "acme/m", env={**hf_env, "HF_ENDPOINT": endpoint,
                                                          "EVALMGR_CALL_DEADLINE": "2"})
    assert run.code == 1 and "did not answer within 2 s" in run.err and "Traceback" not in run.err


def test_hostile_pull_requests_are_reported_not_fatal(hub, hf_env: dict[str, str]) -> None:
    """A stranger's open PR with an alias bomb, deep nesting and a latin-1 card: listed as unreadable."""
    from cli_support import run_cli

    hub.add_model("acme/m", {"README.md": card()})
    hub.add_pull_request("acme/m", "bomb", "mallory", {".eval_results/x.yaml": alias_bomb(),
                                                        ".eval_results/y.yaml": "- " * 5000 + "x\n",
                                                        "README.md": (card(alias_bomb()) + "\xe9").encode("latin-1")})
    prs = run_cli("get-prs", "--repo-id", "acme/m", "--format", "json", env=hf_env)
    assert prs.code == 0, prs.err
    (pr,) = prs.json()["pull_requests"]
    assert pr["benchmarks"] == [".eval_results/x.yaml (unreadable)", ".eval_results/y.yaml (unreadable)"]
    show = run_cli("show", "--repo-id", "acme/m", env=hf_env)
    assert show.code == 0 and "Traceback" not in show.err and "x.yaml (PR #1)" in show.err
