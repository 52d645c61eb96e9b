"""The hostile corpus: malformed and hostile inputs for every subcommand, each with its expected outcome.

Nothing is stored on disk: :func:`cases` builds the inputs (cards, ``.eval_results`` files, mapping files,
evaluation logs, arguments, clone shapes, misbehaving servers) when the tests or the benchmark ask for
them. Each :class:`Case` says the exit code and a text the output must contain; every case also must not
raise (no traceback), must print an ``error:`` line with a ``hint:`` when it fails with exit 1, and must
leave every input file as it was (``writes`` names the files a successful case may create or change).

Run ``python tests/hostile/generate.py`` to print the corpus size per class.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REPO = "example-org/Lumen-8B-Instruct"
DIR = object()  # a folder where the path is
FIFO = object()  # a named pipe (reading it would block forever)


@dataclass(frozen=True)
class Sparse:
    """A file of ``size`` zero bytes that takes no room on disk."""

    size: int


@dataclass(frozen=True)
class Link:
    """A symlink to ``target`` (relative to the case folder; '..' leaves it)."""

    target: str


@dataclass
class Case:
    """One hostile run: ``argv`` with ``{d}`` for the case's folder, the files to create, what must happen."""

    name: str
    kind: str  # the class of hostility (for the benchmark's report)
    argv: list[str]
    code: int
    text: str = ""  # must appear in stdout + stderr (case-insensitive)
    files: dict[str, Any] = field(default_factory=dict)  # path -> str | bytes | DIR | FIFO | Link | Sparse | callable
    writes: tuple[str, ...] = ()  # files a successful run creates or changes
    server: Callable[[Any], None] | None = None  # an AA API handler (tests/aa_emulator.serving)
    env: dict[str, str] = field(default_factory=dict)
    cached: bool = False  # the server's answer is a valid models list, so it may be cached even if the run fails


# --------------------------------------------------------------------------- building blocks

TABLE = """## Evaluation

| Benchmark | Lumen-8B-Instruct | Rival-8B |
|---|---|---|
| GPQA Diamond | 36.4 | 34.9 |
| GSM8K | 84.2 | 81.7 |
"""


def card(front: str | None = None, body: str = TABLE) -> str:
    return (f"---\n{front}---\n" if front is not None else "") + "# Lumen-8B-Instruct\n\n" + body


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs" YAML: each level a list of ten references to the previous one."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def model_index(value: str = "36.4", *, name: str = "GPQA Diamond", dtype: str = "Idavidrein/gpqa",
                extra: str = "") -> str:
    return ("model-index:\n- name: Lumen-8B-Instruct\n  results:\n  - task: {type: text-generation}\n"
            f"    dataset: {{type: {dtype}, name: GPQA}}\n    metrics:\n    - type: accuracy\n"
            f"      value: {value}\n      name: {name}\n{extra}")


def entry(value: str = "36.4", *, dataset: str = "Idavidrein/gpqa", task: str = "diamond", extra: str = "") -> str:
    return (f"- dataset:\n    id: {dataset}\n    task_id: {task}\n  value: {value}\n"
            f"  source:\n    url: https://example.org/r\n{extra}")


def inspect_log(**override: Any) -> dict[str, Any]:
    log = {"status": "success",
           "eval": {"task": "inspect_evals/gpqa_diamond", "created": "2025-01-02T00:00:00Z", "model": "m",
                    "dataset": {"samples": 198}, "config": {}},
           "results": {"completed_samples": 198,
                       "scores": [{"name": "choice", "metrics": {"accuracy": {"name": "accuracy", "value": 0.5}}}]}}
    log.update(override)
    return log


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


BOMB = 96 * 1024 * 1024  # bytes a bomb expands to: beyond every cap, built in 1 MB pieces


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z, z.open("header.json", "w") as member:
        chunk = b"0" * (1 << 20)
        for _ in range(BOMB >> 20):
            member.write(chunk)
    return buf.getvalue()


def zstd_bomb() -> bytes:
    import zstandard

    comp = zstandard.ZstdCompressor(level=1).compressobj()
    chunk = b"0" * (1 << 20)
    raw = b"".join(comp.compress(chunk) for _ in range(BOMB >> 20)) + comp.flush()
    return zstd_eval(b"", raw=raw, size=BOMB)


def zstd_eval(payload: bytes, raw: bytes | None = None, size: int | None = None) -> bytes:
    """An inspect ``.eval`` archive whose header.json is Zstandard-compressed (method 93), as inspect writes."""
    import struct
    import zlib

    import zstandard

    raw = zstandard.ZstdCompressor(level=3).compress(payload) if raw is None else raw
    name = b"header.json"
    crc = zlib.crc32(payload)
    size = len(payload) if size is None else size
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 63, 0, 93, 0, 0, crc, len(raw), size, len(name), 0) + name
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 63, 63, 0, 93, 0, 0, crc, len(raw), size,
                          len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(raw), 0)
    return local + raw + central + end


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_yaml(levels: int) -> str:
    return "x: " + "[" * levels + "]" * levels + "\n"


def lighteval(results: Any, general: Any = None) -> str:
    return json.dumps({"results": results, "config_general": general if general is not None else {"model_name": "m"}})


# --------------------------------------------------------------------------- the corpus


def cases() -> list[Case]:
    out: list[Case] = []
    out += _card_front_matter()
    out += _card_body()
    out += _card_files()
    out += _eval_results()
    out += _mappings()
    out += _logs()
    out += _arguments()
    out += _clones()
    out += _papers()
    out += _aa()
    names = [c.name for c in out]
    assert len(names) == len(set(names)), "duplicate case names"
    return out


def _readme_commands(name: str, kind: str, files: dict[str, Any], expect: dict[str, tuple[int, str]]) -> list[Case]:
    """The same card through each command that reads a card (``expect``: command -> (code, text))."""
    argv = {
        "inspect": ["inspect-tables", "--readme", "{d}/README.md", "--repo-id", REPO],
        "extract": ["extract-readme", "--readme", "{d}/README.md", "--repo-id", REPO],
        "mi": ["extract-readme", "--readme", "{d}/README.md", "--repo-id", REPO, "--format", "model-index"],
        "json": ["extract-readme", "--readme", "{d}/README.md", "--repo-id", REPO, "--format", "json"],
        "add": ["add-eval", "--readme", "{d}/README.md", "--repo-id", REPO, "--benchmark", "GPQA Diamond"],
        "show": ["show", "--readme", "{d}/README.md", "--repo-id", REPO],
        "validate": ["validate", "{d}/README.md"],
        "apply": ["extract-readme", "--repo-dir", "{d}", "--repo-id", REPO, "--format", "model-index", "--apply"],
    }
    return [Case(f"{name}-{cmd}", kind, argv[cmd], code, text, dict(files)) for cmd, (code, text) in expect.items()]


def _card_front_matter() -> list[Case]:
    """Hostile YAML front matter: read by show, validate and the model-index writer."""
    bad_yaml = {"mi": (1, "front matter"), "show": (0, "front matter"), "validate": (1, "front matter"),
                "apply": (1, "front matter"), "extract": (0, "36.4")}
    # a preview exits like the write: into a malformed model-index, nothing would be written
    bad_index = {"mi": (1, "malformed"), "show": (0, ""), "validate": (1, "invalid"),
                 "apply": (1, "malformed"), "extract": (0, "36.4")}
    specs: list[tuple[str, str, dict[str, tuple[int, str]]]] = [
        ("alias-bomb", alias_bomb(), bad_yaml),
        ("alias-bomb-in-index", alias_bomb() + model_index(), bad_yaml),
        ("alias-recursive", "a: &a [1, *a]\n", bad_yaml),
        ("deep-flow", deep_yaml(5000), bad_yaml),
        ("deep-block", "".join("  " * i + f"k{i}:\n" for i in range(400)), bad_yaml),
        ("int-5000-digits", "x: " + "9" * 5000 + "\n", bad_yaml),
        ("bad-date", "date: 2025-13-45\n" + model_index(), {"mi": (0, "model-index"), "show": (0, "36.4"),
                                                            "validate": (0, "valid"), "extract": (0, "36.4")}),
        ("unclosed", "license: mit\n", {}),
        ("tab-indent", "a:\n\t- b\n", bad_yaml),
        ("a-list", "- a\n- b\n", bad_yaml),
        ("index-string", "model-index: hello\n", {**bad_index, "mi": (1, "not a list"), "apply": (1, "not a list")}),
        ("index-int-400-digits", model_index("9" * 400), bad_yaml),
        ("index-nan", model_index(".nan"), bad_index),
        ("index-inf", model_index(".inf"), bad_index),
        ("index-neg-inf", model_index("-.inf"), bad_index),
        ("index-negative", model_index("-50"), {**bad_index, "mi": (1, "conflict"), "apply": (1, "conflict")}),
        ("index-1e999", model_index("1.0e+999"), bad_index),
        ("index-name-list", model_index(name="[a, b]"), bad_index),
        ("index-name-map", model_index(name="{a: b}"), bad_index),
        ("index-value-map", model_index("{a: 1}"), bad_index),
        ("index-value-list", model_index("[1, 2]"), bad_index),
        ("index-type-int", model_index(dtype="12"), bad_index),
        ("index-results-map", "model-index:\n- name: x\n  results: {a: 1}\n", bad_index),
        ("index-model-int", "model-index:\n- 12\n", bad_index),
        ("index-source-list", model_index(extra="    source: [1]\n"), bad_index),
        ("index-source-name-list", model_index(extra="    source: {url: 'https://x.org', name: [1]}\n"), bad_index),
        ("index-config-list", model_index(extra="      config: [1]\n"), bad_index),
        ("binary", "\x00\x01", {"mi": (1, "binary"), "validate": (1, ""), "show": (1, "binary")}),
    ]
    out: list[Case] = []
    for name, front, expect in specs:
        text = card(front) if name != "unclosed" else "---\n" + front + TABLE
        if name == "unclosed":
            expect = {"mi": (1, "never closes"), "show": (0, "never closes"), "validate": (1, "never closes"),
                      "apply": (1, "never closes")}
        if name == "binary":
            text = "---\nx: 1\x00\n---\n" + TABLE
        out += _readme_commands(f"fm-{name}", "front matter", {"README.md": text}, expect)
    return out


def _card_body() -> list[Case]:
    """Hostile card bodies: long lines, huge cards, odd structure, values that must not be published."""
    n = 20_000
    specs: list[tuple[str, str, dict[str, tuple[int, str]]]] = [
        ("h1-storm", "<h1>" * n + "\n" + TABLE, {"inspect": (0, "GPQA"), "extract": (0, "36.4")}),
        ("h1-unclosed-storm", ("<h1 a" + ">x" * 10) * 2000 + "\n" + TABLE, {"inspect": (0, ""), "extract": (0, "36.4")}),
        ("atx-spaces", "# a" + " " * 100_000 + "b\n" + TABLE, {"inspect": (0, ""), "extract": (0, "36.4")}),
        ("atx-hashes", "#" + " #" * 50_000 + "\n" + TABLE, {"inspect": (0, ""), "extract": (0, "36.4")}),
        ("blank-lines", "\n" * 4_000_000 + TABLE, {"inspect": (0, "GPQA"), "extract": (0, "36.4")}),
        ("blank-lines-19mb", "\n" * 19_000_000 + TABLE, {"extract": (0, "36.4")}),
        ("blank-crs", "\r" * 2_000_000 + TABLE, {"inspect": (0, ""), "extract": (0, "")}),
        ("spaces-line", " " * 4_000_000 + "\n" + TABLE, {"inspect": (0, ""), "extract": (0, "36.4")}),
        ("pipe-storm", "|" * 200_000 + "\n|---|\n" + TABLE, {"inspect": (0, ""), "extract": (0, "")}),
        ("wide-table", "| B | " + " | ".join(f"M{i}" for i in range(3000)) + " |\n|" + "---|" * 3001 + "\n"
         + "| GPQA Diamond | " + " | ".join("1.0" for _ in range(3000)) + " |\n",
         {"inspect": (0, ""), "extract": (1, "")}),
        ("many-tables", ("| a | b |\n|---|---|\n| x | 1 |\n\n") * 20_000, {"inspect": (1, "tables"), "extract": (1, "tables")}),
        ("nested-html", "<table><tr><td>" * 5000 + "</td></tr></table>" * 5000 + "\n" + TABLE,
         {"inspect": (0, ""), "extract": (0, "")}),
        ("unclosed-table", "<table>" * 3000 + "\n" + TABLE, {"inspect": (0, ""), "extract": (1, "not found")}),
        ("unclosed-comment", "<!--\n" + TABLE, {"inspect": (0, ""), "extract": (1, "")}),
        ("unclosed-fence", "```\n" + TABLE, {"inspect": (0, ""), "extract": (1, "")}),
        ("tags-storm", "<" * 200_000 + "\n" + TABLE, {"inspect": (0, ""), "extract": (0, "36.4")}),
        ("long-cell", "| Benchmark | Lumen-8B-Instruct |\n|---|---|\n| GPQA Diamond | " + "9" * 500_000 + " |\n",
         {"inspect": (0, ""), "extract": (1, "not a finite number")}),
        ("digits-400", TABLE.replace("36.4", "9" * 400), {"extract": (0, ""), "json": (0, "")}),
        ("nan-cell", TABLE.replace("36.4", "nan"), {"extract": (1, "not found"), "json": (1, "not found")}),
        ("inf-cell", TABLE.replace("36.4", "inf"), {"extract": (1, "not found"), "json": (1, "not found")}),
        ("negative-cell", TABLE.replace("36.4", "-50"), {"json": (0, "negative"), "add": (1, "negative")}),
        ("zero-width", TABLE.replace("GPQA", "G\u200bP\u200dQ\ufeffA"), {"inspect": (0, ""), "extract": (0, "")}),
        ("rtl", TABLE.replace("Rival", "\u202eRival"), {"inspect": (0, ""), "extract": (0, "36.4")}),
        ("cr-only", TABLE.replace("\n", "\r"), {"inspect": (0, ""), "extract": (0, "")}),
        ("empty", "", {"inspect": (1, "no README"), "extract": (1, "no README")}),
        ("bom-only", "\ufeff", {"inspect": (0, ""), "extract": (1, "not found")}),
    ]
    out: list[Case] = []
    for name, body, expect in specs:
        text = body if name in ("empty", "bom-only") else card(None, body)
        out += _readme_commands(f"body-{name}", "card body", {"README.md": text}, expect)
    return out


def _card_files() -> list[Case]:
    """Cards that are not UTF-8 text, too large, or not files at all."""
    latin1 = card(None, TABLE + "Caf\xe9\n").encode("latin-1")
    specs: list[tuple[str, Any, dict[str, tuple[int, str]]]] = [
        ("latin1", latin1, {"inspect": (1, "UTF-8"), "extract": (1, "UTF-8"), "show": (1, "UTF-8"),
                            "apply": (1, "UTF-8"), "validate": (1, "UTF-8")}),
        ("nul", b"# x\x00\n" + TABLE.encode(), {"inspect": (1, "binary"), "extract": (1, "binary"),
                                                 "apply": (1, "binary")}),
        ("huge", Sparse(21 * 1024 * 1024), {"inspect": (1, "too large"), "extract": (1, "too large"),
                                               "apply": (1, "too large"), "validate": (1, "too large")}),
        ("directory", DIR, {"inspect": (1, "not a regular file"), "extract": (1, "not a regular file"),
                            "validate": (1, "not a regular file")}),
        ("fifo", FIFO, {"inspect": (1, "not a regular file"), "validate": (1, "not a regular file")}),
        ("missing", None, {"inspect": (1, "no such file"), "extract": (1, "no such file")}),
    ]
    out = []
    for name, content, expect in specs:
        files = {} if content is None else {"README.md": content}
        out += _readme_commands(f"file-{name}", "card file", files, expect)
    return out


def _eval_results() -> list[Case]:
    """Hostile ``.eval_results`` files, through validate, show and the writer (which must not touch them)."""
    specs: list[tuple[str, Any, str]] = [
        ("alias-bomb", alias_bomb(), "not valid YAML"),
        ("alias-recursive", "- &a [1, *a]\n", "not valid YAML"),
        ("deep", deep_yaml(5000), "not valid YAML"),
        ("deep-block", "".join("  " * i + "- \n" for i in range(300)), "not valid YAML"),
        ("int-400", entry("9" * 400), "not valid YAML"),
        ("nan", entry(".nan"), "finite"),
        ("inf", entry(".inf"), "finite"),
        ("negative", entry("-50"), "negative"),
        ("bad-date", entry(extra="  date: 2025-13-45\n"), "date"),
        ("dotdot-dataset", entry(dataset="../../etc"), "not a Hub dataset id"),
        ("three-part-dataset", entry(dataset="a/b/c"), "not a Hub dataset id"),
        ("newline-task", entry(task='"a\\nb"'), "not a task id"),
        ("value-list", entry("[1, 2]"), "finite"),
        ("value-map", entry("{a: 1}"), "finite"),
        ("entry-string", "- hello\n", "expected a mapping"),
        ("top-map", "a: 1\n", "expected a list"),
        ("binary", "\x00\x01", "binary"),
        ("latin1", entry().encode() + b"# caf\xe9\n", "UTF-8"),
        ("too-large", entry() + "#" + "x" * 1_100_000 + "\n", "too large"),
        ("dataset-list", "- dataset: [1]\n  value: 1\n", "'dataset' must be a mapping"),
        ("source-list", entry(extra="  notes: [1]\n"), "must be a string"),
    ]
    out = []
    for name, content, text in specs:
        files = {"README.md": card(), ".eval_results/gpqa.yaml": content}
        out.append(Case(f"er-{name}-validate", "eval results", ["validate", "{d}/.eval_results/gpqa.yaml"], 1,
                        text, files))
        out.append(Case(f"er-{name}-repo-dir", "eval results", ["validate", "--repo-dir", "{d}"], 1, text, files))
        out.append(Case(f"er-{name}-apply", "eval results",
                        ["extract-readme", "--repo-dir", "{d}", "--repo-id", REPO, "--apply"], 1, "", files))
    out.append(Case("er-dir-as-file-validate", "eval results", ["validate", "{d}/.eval_results/gpqa.yaml"], 1,
                    "not a regular file", {".eval_results/gpqa.yaml": DIR}))
    out.append(Case("er-folder-is-file", "eval results", ["show", "--repo-dir", "{d}"], 0, "",
                    {"README.md": card(), ".eval_results": "not a folder"}))
    out.append(Case("er-fifo", "eval results", ["validate", "{d}/.eval_results/gpqa.yaml"], 1,
                    "not a regular file", {".eval_results/gpqa.yaml": FIFO}))
    return out


def _mappings() -> list[Case]:
    """Hostile --mapping files: the error names that file, never the bundled one."""
    def bench(**spec: Any) -> str:
        return json.dumps({"benchmarks": {"mybench": {"name": "My Bench", "dataset_id": "me/bench", "task_id": "t",
                                                       **spec}}})

    specs: list[tuple[str, Any, str]] = [
        ("missing", None, "not found"),
        ("directory", DIR, "mapping"),
        ("not-json", "{oops", "not valid JSON"),
        ("deep", deep_json(100_000), "nested"),
        ("int-5000", '{"benchmarks": {"x": {"standard_shots": ' + "9" * 5000 + "}}}", "too large"),
        ("top-list", "[1, 2]", "expected an object"),
        ("benchmarks-list", '{"benchmarks": [1]}', "expected an object"),
        ("bench-string", '{"benchmarks": {"x": "y"}}', "must be an object"),
        ("name-list", bench(name=["a"]), "name"),
        ("metric-int", bench(metric=3), "metric"),
        ("aliases-int", bench(aliases=3), "aliases"),
        ("dataset-dotdot", bench(dataset_id="../x"), "dataset_id"),
        ("dataset-three", bench(dataset_id="a/b/c"), "dataset_id"),
        ("task-newline", bench(task_id="a\nb"), "task_id"),
        ("task-slash", bench(task_id="../../x"), "task_id"),
        ("stem-dotdot", bench(file_stem="../x"), "file_stem"),
        ("scale-odd", bench(scale="kelvin"), "scale"),
        ("shots-neg", bench(standard_shots=-1), "standard_shots"),
        ("bool-str", bench(higher_is_better="yes"), "higher_is_better"),
        ("unknown-field", bench(colour="red"), "unknown field"),
        ("alias-clash", bench(aliases=["GPQA Diamond"]), "claimed"),
        ("ambiguous-list", '{"ambiguous": [1]}', "ambiguous"),
        ("ambiguous-variants-list", '{"ambiguous": {"X": {"variants": [1]}}}', "variants"),
        ("heading-words-int", '{"ambiguous": {"X": {"variants": {"a": "gsm8k"}, "heading_words": 3}}}',
         "heading_words"),
        ("ambiguous-unknown-key", '{"ambiguous": {"X": {"variants": {"a": "nope"}}}}', "unknown keys"),
        ("latin1", b'{"benchmarks": {"caf\xe9": null}}', "mapping"),
        ("nan-literal", '{"benchmarks": {"x": {"standard_shots": NaN}}}', "standard_shots"),
    ]
    out = []
    for name, content, text in specs:
        files = {"README.md": card()} | ({} if content is None else {"map.json": content})
        for cmd, argv in (("inspect", ["inspect-tables", "--readme", "{d}/README.md", "--repo-id", REPO]),
                          ("extract", ["extract-readme", "--readme", "{d}/README.md", "--repo-id", REPO]),
                          ("validate", ["validate", "{d}/README.md"])):
            out.append(Case(f"map-{name}-{cmd}", "mapping", [*argv, "--mapping", "{d}/map.json"], 1,
                            text, files))
    out.append(Case("map-env-missing", "mapping", ["inspect-tables", "--readme", "{d}/README.md"], 1, "not found",
                    {"README.md": card()}, env={"EVALMGR_MAPPING": "{d}/nope.json"}))
    return out


def _logs() -> list[Case]:
    """Evaluation logs that are not logs, have the wrong shape, or expand to gigabytes."""
    specs: list[tuple[str, str, Any, int, str]] = [
        ("not-json", "log.json", "{oops", 1, "not a readable JSON log"),
        ("json-list", "log.json", "[1]", 1, "expected a JSON object"),
        ("deep", "log.json", deep_json(100_000), 1, "nested"),
        ("int-5000", "log.json", json.dumps(inspect_log()).replace("0.5", "9" * 5000), 1, "too large"),
        ("int-400", "log.json", json.dumps(inspect_log()).replace("0.5", "9" * 400), 1, "too large"),
        ("eval-list", "log.json", json.dumps(inspect_log(eval=[1])), 1, "unexpected structure"),
        ("results-string", "log.json", json.dumps(inspect_log(results="x")), 1, "unexpected structure"),
        ("scores-ints", "log.json", json.dumps(inspect_log(results={"scores": [1, 2]})), 1, ""),
        ("metric-string", "log.json", json.dumps(inspect_log(results={"scores": [{"metrics": {"accuracy": "x"}}]})),
         1, "unexpected structure"),
        ("value-string", "log.json",
         json.dumps(inspect_log(results={"scores": [{"metrics": {"accuracy": {"value": "x"}}}]})), 1,
         "not a finite number"),
        ("nan", "log.json", json.dumps(inspect_log()).replace("0.5", "NaN"), 1, "not a finite number"),
        ("infinity", "log.json", json.dumps(inspect_log()).replace("0.5", "Infinity"), 1, "not a finite number"),
        ("negative", "log.json", json.dumps(inspect_log()).replace("0.5", "-0.5"), 1, "not a 0-1 fraction"),
        ("status-running", "log.json", json.dumps(inspect_log(status="started")), 1, "status"),
        ("epochs-string", "log.json", json.dumps(inspect_log(eval={**inspect_log()["eval"], "config": {"epochs": "x"}})),
         1, "unexpected structure"),
        ("lighteval-results-list", "results_2025-01-01T00-00-00.json", lighteval([1]), 1, "unexpected structure"),
        ("lighteval-metrics-string", "results_2025-01-01T00-00-00.json", lighteval({"lighteval|gsm8k|0": "x"}), 1,
         "unexpected structure"),
        ("lighteval-general-list", "results_2025-01-01T00-00-00.json",
         lighteval({"lighteval|gsm8k|0": {"em": 0.5}}, [1]), 1, "unexpected structure"),
        ("lighteval-no-metric", "results_2025-01-01T00-00-00.json", lighteval({"lighteval|gsm8k|0": {}}), 1,
         "no metric"),
        ("eval-not-zip", "log.eval", b"PK\x03\x04 nope", 1, "not a readable inspect"),
        ("eval-no-header", "log.eval", zip_bytes({"other.json": b"{}"}), 1, "not a readable inspect"),
        ("eval-header-not-json", "log.eval", zip_bytes({"header.json": b"{oops"}), 1, "not a readable"),
        ("zip-bomb", "log.eval", zip_bomb, 1, "too large"),
        ("zstd-bomb", "log.eval", zstd_bomb, 1, "too large"),
        ("zstd-garbage", "log.eval", zstd_eval(b"{}")[:40] + b"\x00" * 20 + zstd_eval(b"{}")[60:], 1, "not a readable"),
        ("huge-json", "log.json", Sparse(65 * 1024 * 1024), 1, "too large"),
        ("dir-named-eval", "log.eval", DIR, 1, "no evaluation logs"),
        ("fifo", "log.json", FIFO, 1, "not a regular file"),
        ("latin1", "log.json", b'{"status": "caf\xe9"}', 1, "not a readable JSON log"),
    ]
    out = [Case(f"log-{name}", "eval logs", ["import-logs", f"{{d}}/{fname}", "--repo-id", REPO], code, text,
                {fname: content}) for name, fname, content, code, text in specs]
    out.append(Case("log-missing", "eval logs", ["import-logs", "{d}/nope.json"], 1, "no such log file", {}))
    out.append(Case("log-empty-dir", "eval logs", ["import-logs", "{d}/logs"], 1, "no evaluation logs",
                    {"logs": DIR}))
    return out


def _arguments() -> list[Case]:
    """Invalid ids and values on the command line: usage errors (exit 2) before anything is read."""
    readme = ["--readme", "{d}/README.md"]
    files = {"README.md": card()}
    out = []
    bad_ids = {"three-parts": "a/b/c", "newline": "org/name\n", "long": "o/" + "n" * 500, "dotdot": "../x",
               "empty": "", "space": "org/na me", "slash-only": "/"}
    for label, rid in bad_ids.items():
        for cmd, argv in (("extract", ["extract-readme", *readme]), ("inspect", ["inspect-tables", *readme]),
                          ("get-prs", ["get-prs"]), ("show", ["show"]), ("validate", ["validate"]),
                          ("import-aa", ["import-aa", "--model-name", "x"])):
            out.append(Case(f"arg-repo-{label}-{cmd}", "arguments", [*argv, "--repo-id", rid], 2, "repo id", files))
    add = ["add-eval", *readme, "--repo-id", REPO, "--benchmark", "GPQA Diamond"]
    for label, value in {"nan": "nan", "inf": "inf", "neg-inf": "-inf", "negative": "-50", "1e400": "1e400",
                         "NaN-caps": "NaN"}.items():
        for fmt in ("eval-results", "model-index", "json"):
            out.append(Case(f"arg-value-{label}-{fmt}", "values", [*add, "--value", value, "--format", fmt], 2,
                            "--value", files))
    custom = ["add-eval", *readme, "--repo-id", REPO, "--benchmark", "Custom", "--value", "50"]
    for label, extra, text in (
        ("dataset-dotdot", ["--dataset-id", "../x", "--task-id", "t"], "--dataset-id"),
        ("dataset-three", ["--dataset-id", "a/b/c", "--task-id", "t"], "--dataset-id"),
        ("dataset-newline", ["--dataset-id", "a/b\nc", "--task-id", "t"], "--dataset-id"),
        ("task-newline", ["--dataset-id", "me/bench", "--task-id", "a\nb"], "--task-id"),
        ("task-dotdot", ["--dataset-id", "me/bench", "--task-id", "../../x"], "--task-id"),
        ("task-long", ["--dataset-id", "me/bench", "--task-id", "t" * 500], "--task-id"),
        ("date-impossible", ["--dataset-id", "openai/gsm8k", "--task-id", "gsm8k", "--date", "2025-13-45"], "date"),
        ("filename-dotdot", ["--dataset-id", "me/bench", "--task-id", "t", "--filename", "../../x"], "--filename"),
    ):
        out.append(Case(f"arg-{label}", "arguments", [*custom, *extra], 2 if "date" not in label else 1, text, files))
    ext = ["extract-readme", *readme, "--repo-id", REPO]
    for label, extra, code, text in (
        ("table-zero", ["--table", "0"], 2, "--table"),
        ("table-huge", ["--table", "9" * 400], 2, "--table"),
        ("table-negative", ["--table", "-3"], 2, "--table"),
        ("column-huge", ["--table", "1", "--model-column-index", "9" * 400], 2, "--model-column-index"),
        ("column-negative", ["--table", "1", "--model-column-index", "-1"], 2, "--model-column-index"),
        ("pr-negative", ["--pr", "-1"], 2, "--pr"),
        ("table-text", ["--table", "x"], 2, "invalid int"),
        ("json-ok", ["--format", "json"], 0, "36.4"),
    ):
        out.append(Case(f"arg-{label}", "arguments", [*ext, *extra], code, text, files))
    out.append(Case("arg-upload-logs-bad-id", "arguments",
                    ["import-logs", "{d}/README.md", "--upload-logs-to", "a/b/c", "--create-pr", "--repo-id", REPO],
                    2, "repo id", files))
    out.append(Case("arg-no-input", "arguments", ["extract-readme"], 2, "no input", {}))
    return out


def _papers() -> list[Case]:
    """extract-paper with hostile paper references, offline (the Hub is not reachable)."""
    readme = ["--readme", "{d}/README.md", "--repo-id", REPO]
    links = {
        "no-link": (card(), [], 1, "links no paper"),
        "bad-id": (card(), ["--paper", "../../etc/passwd"], 2, "arxiv"),
        "newline-id": (card(), ["--paper", "2401.00001\nx"], 2, "arxiv"),
        "long-id": (card(), ["--paper", "1" * 500], 2, "arxiv"),
        "link-storm": (card(None, "https://arxiv.org/abs/" * 50_000 + "\n" + TABLE), [], 1, ""),
        "offline": (card(None, "See https://arxiv.org/abs/2401.00001.\n" + TABLE), [], 1, "forbids contacting the Hub"),
    }
    out = [Case(f"paper-{name}", "papers", ["extract-paper", *readme, *extra], code, text, {"README.md": body})
           for name, (body, extra, code, text) in links.items()]
    for cmd in ("show", "get-prs", "validate", "inspect-tables", "extract-readme", "extract-paper"):
        out.append(Case(f"hub-offline-{cmd}", "no network", [cmd, "--repo-id", REPO], 1, "forbids contacting the Hub"))
    return out


def _clones() -> list[Case]:
    """Local clones whose shape must stop a write before its first byte."""
    apply = ["extract-readme", "--repo-dir", "{d}/clone", "--repo-id", REPO, "--apply"]
    two = [*apply, "--benchmark", "GPQA Diamond", "--benchmark", "GSM8K"]
    mi = [*apply, "--format", "model-index"]
    ok = card()
    specs: list[tuple[str, list[str], dict[str, Any], int, str, tuple[str, ...]]] = [
        ("symlink-folder-out", apply, {"clone/README.md": ok, "outside": DIR, "clone/.eval_results": Link("../outside")},
         1, "outside", ()),
        ("symlink-file-out", apply, {"clone/README.md": ok, "outside.yaml": entry("84.2", dataset="openai/gsm8k", task="gsm8k"),
                                     "clone/.eval_results": DIR,
                                     "clone/.eval_results/gpqa.yaml": Link("../../outside.yaml")}, 1, "outside", ()),
        ("dir-in-the-way", apply, {"clone/README.md": ok, "clone/.eval_results/gpqa.yaml": DIR}, 1, "directory", ()),
        ("second-blocked", two, {"clone/README.md": ok, "clone/.eval_results/gsm8k.yaml": DIR}, 1, "directory", ()),
        ("folder-is-file", apply, {"clone/README.md": ok, "clone/.eval_results": "x"}, 1, "not a directory", ()),
        ("readme-dir-mi", mi, {"clone/README.md": DIR}, 1, "", ()),
        ("readme-latin1-mi", mi, {"clone/README.md": ok.encode() + b"caf\xe9\n"}, 1, "UTF-8", ()),
        ("readme-latin1", apply, {"clone/README.md": ok.encode() + b"caf\xe9\n"}, 1, "UTF-8", ()),
        ("readme-symlink-out-mi", mi, {"card.md": ok, "clone": DIR, "clone/README.md": Link("../card.md")}, 1,
         "outside", ()),
        ("clone-is-file", apply, {"clone": "x"}, 2, "not a directory", ()),
        ("clone-missing", apply, {}, 2, "not a directory", ()),
        ("malformed-index-mi", mi, {"clone/README.md": card(model_index("[1]"))}, 1, "malformed", ()),
        ("ok-new-files", two, {"clone/README.md": ok}, 0, "wrote 2",
         ("clone/.eval_results", "clone/.eval_results/gpqa.yaml", "clone/.eval_results/gsm8k.yaml")),
        ("ok-model-index", mi, {"clone/README.md": ok}, 0, "wrote 1", ("clone/README.md",)),
    ]
    return [Case(f"clone-{name}", "clone shape", argv, code, text, files, writes)
            for name, argv, files, code, text, writes in specs]


def _aa() -> list[Case]:
    """Artificial Analysis servers that misbehave: slow, deep, huge, wrong; and one that is not there."""
    from aa_emulator import send_json

    def raw(body: bytes, status: int = 200) -> Callable[[Any], None]:
        def handle(req: Any) -> None:
            req.send_response(status)
            req.send_header("Content-Type", "application/json")
            req.send_header("Content-Length", str(len(body)))
            req.end_headers()
            req.wfile.write(body)
        return handle

    def stream(size: int) -> Callable[[Any], None]:
        def handle(req: Any) -> None:
            req.send_response(200)
            req.send_header("Content-Type", "application/json")
            req.send_header("Content-Length", str(size))
            req.end_headers()
            try:
                for _ in range(size >> 20):
                    req.wfile.write(b" " * (1 << 20))
            except OSError:
                pass
        return handle

    from aa_emulator import trickle

    model = {"id": "1", "name": "Lumen 8B", "slug": "lumen-8b", "model_creator": {"slug": "ex", "name": "Ex"},
             "evaluations": {"gpqa": 0.364}}

    def models(**evals: Any) -> Callable[[Any], None]:
        return lambda req: send_json(req, 200, {"data": [{**model, "evaluations": evals}]})

    argv = ["import-aa", "--creator-slug", "ex", "--model-name", "lumen-8b", "--repo-id", REPO]
    specs: list[tuple[str, Callable[[Any], None] | None, int, str]] = [
        ("trickle", trickle, 1, "did not arrive within the time budget"),
        ("not-json", raw(b"<html>"), 1, "not JSON"),
        ("deep", raw(deep_json(100_000).encode()), 1, "nested"),
        ("int-5000", raw(b'{"data": [{"evaluations": {"gpqa": ' + b"9" * 5000 + b"}}]}"), 1, "too large"),
        ("int-400-index", models(intelligence_index=int("9" * 400)), 1, "too large"),
        ("int-400-eval", models(gpqa=int("9" * 400)), 1, "too large"),
        ("float-1e400", raw(b'{"data": [{"id": "1", "name": "Lumen 8B", "slug": "lumen-8b", "model_creator": {"slug": "ex", "name": "Ex"}, "evaluations": {"gpqa": 1e400}}]}'), 1, "not finite numbers"),
        ("nan", raw(json.dumps({"data": [{**model, "evaluations": {"gpqa": float("nan")}}]}).encode()), 1,
         "not finite numbers"),
        ("data-dict", raw(b'{"data": {"a": 1}}'), 1, "no 'data' list"),
        ("creator-list", raw(json.dumps({"data": [{**model, "model_creator": [1]}]}).encode()), 1, "no artificial"),
        ("evaluations-empty", models(), 1, "no score"),
        ("huge", stream(70 * 1024 * 1024), 1, "larger than"),
        ("unauthorized", raw(b"{}", 401), 1, "rejected"),
        ("unreachable", None, 1, "cannot reach"),
    ]
    valid_lists = {"float-1e400", "nan", "creator-list", "evaluations-empty"}
    return [Case(f"aa-{name}", "AA server", argv, code, text, {}, server=server, cached=name in valid_lists,
                 env={"AA_API_KEY": "aa-secret-key-1234"}) for name, server, code, text in specs]


# --------------------------------------------------------------------------- materialising


def materialise(case: Case, root: Any) -> None:
    """Create the case's files under ``root`` (a pathlib.Path)."""
    import os

    for rel, content in sorted(case.files.items(), key=lambda kv: isinstance(kv[1], Link)):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is DIR:
            path.mkdir(exist_ok=True)
        elif content is FIFO:
            os.mkfifo(path)
        elif isinstance(content, Link):
            path.symlink_to(content.target)
        elif isinstance(content, Sparse):
            with path.open("wb") as fh:
                fh.truncate(content.size)
        else:
            data = content() if callable(content) else content
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))


def snapshot(root: Any) -> dict[str, Any]:
    """Every entry under ``root``: file bytes' hash and mode, link targets, folders."""
    import hashlib
    import os

    seen: dict[str, Any] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            if os.path.islink(path):
                seen[rel] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                seen[rel] = ("dir", st.st_mode)
            elif os.path.isfile(path):
                with open(path, "rb") as fh:
                    seen[rel] = ("file", st.st_mode, hashlib.sha256(fh.read()).hexdigest())
            else:
                seen[rel] = ("other", st.st_mode)
    return seen


if __name__ == "__main__":
    import sys
    from collections import Counter
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

    corpus = cases()
    for kind, count in sorted(Counter(c.kind for c in corpus).items()):
        print(f"{kind:>14}: {count}")
    print(f"{'total':>14}: {len(corpus)}")
