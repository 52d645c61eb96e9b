"""Reading inspect-ai and lighteval logs into Scores: small logs written here, in the frameworks' formats."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import zstandard
from evalmgr.errors import InputError, SourceError
from evalmgr.values import percent
from logs_support import read_logs


def inspect_header(task: str = "inspect_evals/gpqa_diamond", accuracy: float = 0.4343, limit: int | None = None,
                   done: int = 198, total: int = 198, status: str = "success", **eval_extra) -> dict:
    """An inspect-ai log header (the shape of ``header.json`` in a ``.eval`` archive)."""
    return {
        "version": 2, "status": status,
        "eval": {"task": task, "task_registry_name": task, "created": "2026-03-04T10:11:12+00:00",
                 "model": "vllm/org/model-7b", "model_args": {"tensor_parallel_size": 2},
                 "dataset": {"name": "gpqa", "samples": total}, "config": {"limit": limit, "epochs": 1},
                 "packages": {"inspect_ai": "0.3.285"}, "task_args": {}, **eval_extra},
        "results": {"total_samples": done, "completed_samples": done,
                    "headline": {"scorer": "choice", "metric": "accuracy"},
                    "scores": [{"name": "choice", "scorer": "choice",
                                "metrics": {"accuracy": {"name": "accuracy", "value": accuracy},
                                            "stderr": {"name": "stderr", "value": 0.03}}}]},
    }


def write_zstd_zip(path: Path, members: dict[str, bytes]) -> None:
    """A zip whose members use Zstandard (method 93), as inspect-ai writes ``.eval`` logs."""
    local, central, offset = b"", b"", 0
    for name, data in members.items():
        packed = zstandard.ZstdCompressor().compress(data)
        crc, raw_name = zlib.crc32(data), name.encode()
        fields = struct.pack("<HHHHHIII", 63, 0, 93, 0, 0, crc, len(packed), len(data))
        header = b"PK\x03\x04" + fields + struct.pack("<HH", len(raw_name), 0) + raw_name
        central += (b"PK\x01\x02" + struct.pack("<H", 63) + fields
                    + struct.pack("<HHHHHII", len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name)
        local += header + packed
        offset += len(header) + len(packed)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(local + central + end)


def lighteval_results(path: Path, results: dict, max_samples: int | None = None, model: str = "org/model-7b",
                      **config) -> Path:
    path.write_text(json.dumps({
        "config_general": {"model_name": model, "max_samples": max_samples,
                           "model_config": {"dtype": "bfloat16", "tensor_parallel_size": 1, **config}},
        "results": {**results, "all": {}}, "versions": {}, "config_tasks": {}, "summary_tasks": {},
        "summary_general": {},
    }))
    return path


def test_zstd_eval_archive_maps_to_the_registry(tmp_path: Path) -> None:
    log = tmp_path / "2026-03-04T10-11-12_gpqa-diamond_abc.eval"
    write_zstd_zip(log, {"_journal/start.json": b"{}", "header.json": json.dumps(inspect_header()).encode()})
    with zipfile.ZipFile(log) as archive:
        assert archive.getinfo("header.json").compress_type == 93
    (item,) = read_logs([log], logs_url="https://huggingface.co/datasets/me/logs")
    score = item.result
    assert (item.framework, item.task, item.metric, item.partial) == ("inspect-ai", "inspect_evals/gpqa_diamond",
                                                                     "accuracy", False)
    assert score.value == 43.43 and score.date == "2026-03-04"
    assert (score.benchmark_key, score.dataset_id, score.task_id) == ("gpqa_diamond", "Idavidrein/gpqa", "diamond")
    assert score.notes == "inspect-ai 0.3.285 (own evaluation run); model args: tensor_parallel_size=2"
    assert score.provenance.kind == "logs" and score.provenance.url == "https://huggingface.co/datasets/me/logs"
    assert score.warnings == () and item.model == "vllm/org/model-7b"


def test_plain_zip_and_json_logs_read_the_same(tmp_path: Path) -> None:
    header = inspect_header(task="inspect_evals/gsm8k", accuracy=0.5, limit=10, done=10, total=1319)
    with zipfile.ZipFile(tmp_path / "run.eval", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", json.dumps(header))
    (tmp_path / "run.json").write_text(json.dumps(header))
    items = read_logs([tmp_path / "run.eval", tmp_path / "run.json"])
    assert [i.result.value for i in items] == [50.0, 50.0]
    for item in items:
        assert item.partial and (item.samples, item.total_samples) == (10, 1319)
        assert item.result.notes.endswith("partial run: 10 of 1319 samples (--limit)")
        assert item.result.benchmark_key == "gsm8k"


def test_local_and_unknown_inspect_tasks_stay_unmapped(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(inspect_header(task="gpqa_diamond", task_file="/x/my_tasks.py")))
    (tmp_path / "b.json").write_text(json.dumps(inspect_header(task="inspect_evals/some_new_eval")))
    local, unknown = read_logs([tmp_path / "a.json", tmp_path / "b.json"])
    for item in (local, unknown):
        assert item.result.benchmark_key is None and item.result.dataset_id is None
        assert any("not mapped to a registry benchmark" in w for w in item.result.warnings)
    assert any("local file /x/my_tasks.py" in w for w in local.result.warnings)


def test_unfinished_inspect_run_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(inspect_header(status="error")))
    with pytest.raises(SourceError, match="status is 'error'"):
        read_logs([tmp_path / "a.json"])


def test_lighteval_results_map_tasks_shots_and_partial_runs(tmp_path: Path) -> None:
    lighteval_results(tmp_path / "results_2026-05-06T07-08-09.123456.json", {
        "gsm8k|5": {"extractive_match": 0.7634, "extractive_match_stderr": 0.01},
        "gpqa:diamond|0": {"gpqa_pass@k_with_k": 0.3, "gpqa_pass@k_with_k_stderr": 0.03},
        "ifeval|0": {"inst_level_strict_acc": 0.81, "prompt_level_strict_acc": 0.7199999999999999},
    }, max_samples=None, override_chat_template=True)
    items = {i.task: i for i in read_logs([tmp_path])}
    assert {t: i.result.value for t, i in items.items()} == {"gsm8k": 76.34, "gpqa:diamond": 30.0, "ifeval": 72.0}
    assert items["ifeval"].metric == "prompt_level_strict_acc"
    gsm8k = items["gsm8k"].result
    assert (gsm8k.benchmark_key, gsm8k.dataset_id, gsm8k.observation.setting, gsm8k.date) == ("gsm8k", "openai/gsm8k", "5-shot",
                                                                                  "2026-05-06")
    assert "5-shot" in gsm8k.notes and "override_chat_template=True" in gsm8k.notes
    assert items["gpqa:diamond"].result.benchmark_key == "gpqa_diamond" and not items["gsm8k"].partial

    partial = lighteval_results(tmp_path / "results_2026-05-07T00-00-00.json", {"gsm8k|5": {"em": 0.5}}, 20)
    (item,) = read_logs([partial])
    assert item.partial and item.samples == 20
    assert "partial run: at most 20 samples (--max-samples)" in item.result.notes


def test_values_outside_zero_one_are_not_converted(tmp_path: Path) -> None:
    path = lighteval_results(tmp_path / "results_2026-05-06T07-08-09.json", {"gsm8k|5": {"score": 7.5}})
    (item,) = read_logs([path])
    assert item.result.value == 7.5 and item.result.benchmark_key is None
    assert any("not a 0-1 fraction" in w for w in item.result.warnings)


@pytest.mark.parametrize(("fraction", "expected"), [(0.6, 60.0), (0.1 + 0.2, 30.0), (2 / 3, 66.67), (1.0, 100.0),
                                                    (0.12345, 12.35), (0.0, 0.0)])
def test_percent_has_no_float_noise(fraction: float, expected: float) -> None:
    assert percent(fraction, places=2) == expected and repr(percent(fraction, places=2)) == repr(expected)


def test_unreadable_logs_say_which_file(tmp_path: Path) -> None:
    (tmp_path / "broken.eval").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="broken.eval"):
        read_logs([tmp_path / "broken.eval"])
    (tmp_path / "results_x.json").write_text("{\"results\": {}}")
    with pytest.raises(InputError, match="not a lighteval or lm-evaluation-harness results file"):
        read_logs([tmp_path / "results_x.json"])
    with pytest.raises(InputError, match="no such file"):
        read_logs([tmp_path / "missing.eval"])


def lighteval_details(out: Path, model: str, stamp: str, task: str, rows: int) -> None:
    """``OUT/details/MODEL/STAMP/details_TASK_STAMP.parquet`` as ``--save-details`` writes it: one row per sample."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = out / "details" / model / stamp
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table({"doc": [json.dumps({"query": f"q{i}"}) for i in range(rows)],
                      "model_response": [json.dumps({"text": ["12"]})] * rows,
                      "metric": [json.dumps({"em": 1.0})] * rows})
    pq.write_table(table, folder / f"details_{task}_{stamp}.parquet")


def test_lighteval_details_count_the_samples(tmp_path: Path) -> None:
    stamp = "2026-05-06T07-08-09.123456"
    results = tmp_path / "results" / "org" / "model-7b"
    results.mkdir(parents=True)
    lighteval_results(results / f"results_{stamp}.json", {"gsm8k|5": {"extractive_match": 0.5},
                                                          "ifeval|0": {"prompt_level_strict_acc": 0.5}},
                      max_samples=30)
    lighteval_details(tmp_path, "org/model-7b", stamp, "gsm8k|5", 30)
    lighteval_details(tmp_path, "org/model-7b", stamp, "ifeval|0", 31)
    gsm8k, ifeval = sorted(read_logs([tmp_path]), key=lambda i: i.task)
    assert gsm8k.partial and gsm8k.samples == 30 and gsm8k.result.benchmark_key == "gsm8k"
    assert "partial run: 30 samples (--max-samples 30)" in gsm8k.result.notes
    assert "30 samples in the details" in gsm8k.result.notes
    assert ifeval.result.benchmark_key is None
    assert any("hold 31 samples, more than --max-samples 30" in w for w in ifeval.result.warnings)


@pytest.mark.parametrize(("task", "mapped"), [
    ("hf/Idavidrein/gpqa/diamond", ("gpqa_diamond", "Idavidrein/gpqa", "diamond")),  # a registered benchmark
    ("hf/acme/new-bench/hard@v2", (None, "acme/new-bench", "hard")),  # the Hub dataset defines itself
    ("hf/acme/new-bench", (None, None, None)),  # which task? not guessed
])
def test_hub_benchmark_tasks_name_their_dataset_and_task(tmp_path: Path, task: str, mapped: tuple) -> None:
    (tmp_path / "a.json").write_text(json.dumps(inspect_header(task=task)))
    (item,) = read_logs([tmp_path / "a.json"])
    assert (item.result.benchmark_key, item.result.dataset_id, item.result.task_id) == mapped
    assert bool(item.result.warnings) == (mapped[1] is None)
