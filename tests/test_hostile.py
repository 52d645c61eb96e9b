"""The hostile corpus (tests/hostile/generate.py): every case ends with its exit code and message, never a
traceback, and leaves every input as it was (only a successful write changes the files it names)."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from hostile.generate import cases, snapshot
from hostile.run import run_case

CORPUS = cases()


def test_corpus_is_large_and_covers_every_class() -> None:
    assert len(CORPUS) >= 300
    assert {c.kind for c in CORPUS} >= {"front matter", "card body", "card file", "eval results", "mapping",
                                        "eval logs", "arguments", "values", "clone shape", "AA server", "papers", "no network"}


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_hostile_case(case, tmp_path: Path) -> None:
    root = tmp_path / "case"
    result = run_case(case, root, tmp_path / "cache")
    assert result.crash is None, "".join(traceback.format_exception(result.crash))
    said = result.out + result.err
    assert result.code == case.code, said[-3000:]
    assert case.text.lower() in said.lower(), said[-3000:]
    if result.code == 1 and case.argv[0] != "validate":  # an error, or a preview's refusal (the write's verdict)
        assert any(result.err.startswith(w) or f"\n{w}" in result.err for w in ("error: ", "refused: ")), result.err[-2000:]
        assert "hint: " in result.err, result.err[-2000:]
    if result.code == 2:
        assert "error:" in result.err
    if case.kind == "mapping" and "map.json" in case.files:  # the error names the user's file
        assert "map.json" in result.err.split("hint:")[0], result.err
    if "AA_API_KEY" in case.env:
        assert case.env["AA_API_KEY"] not in said
        cached = [p.read_text() for p in (tmp_path / "cache").rglob("*.json")]
        assert not any(case.env["AA_API_KEY"] in text for text in cached)
        if result.code != 0 and not case.cached:  # an answer that did not parse is never cached
            assert not cached
    before, after = result.before, snapshot(root)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert changed <= set(case.writes), f"files changed: {sorted(changed)}"
    if case.writes:
        assert changed == set(case.writes)
        for rel in case.writes:
            if after[rel][0] == "file":
                assert after[rel][1] & 0o777 == 0o644, oct(after[rel][1])

