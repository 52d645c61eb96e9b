"""Reading lm-evaluation-harness ``results_*.json`` (and ``samples_*.jsonl``) into Scores.

The files are written here in the shape lm-eval 0.4 writes (``results`` keyed ``metric,filter``, ``n-shot``,
``n-samples``, ``config``, a Unix-time ``date``); ``test_runners.py`` checks the same reader on a real run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evalmgr.errors import InputError
from logs_support import read_logs

STAMP = "2026-05-06T07-08-09.123456"
MAY_6 = 1778051289.1  # 2026-05-06T07:08:09Z


def lm_eval_results(folder: Path, results: dict, n_samples: dict, n_shot: dict, limit: float | None = None,
                    model_args: dict | str | None = None, groups: dict | None = None, **extra) -> Path:
    """A results file as lm-eval writes it under ``--output_path``: ``<model>/results_<stamp>.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"results_{STAMP}.json"
    task_results = {name: {"alias": name, **metrics} for name, metrics in results.items()}
    path.write_text(json.dumps({
        "results": task_results, "group_subtasks": groups or {name: [] for name in results},
        "configs": {name: {"task": name, "dataset_path": f"org/{name}", "num_fewshot": n_shot.get(name)}
                    for name in results},
        "versions": {name: 3.0 for name in results}, "n-shot": n_shot,
        "higher_is_better": {name: {k.split(",")[0]: True for k in m} for name, m in results.items()},
        "n-samples": {name: {"original": o, "effective": e} for name, (o, e) in n_samples.items()},
        "config": {"model": "vllm", "model_args": model_args if model_args is not None else
                   {"pretrained": "org/model-7b", "dtype": "bfloat16", "tensor_parallel_size": 2},
                   "batch_size": "auto", "limit": limit, "gen_kwargs": {}, "random_seed": 0},
        "git_hash": None, "date": MAY_6, "lm_eval_version": "0.4.13", "transformers_version": "5.24.0",
        "model_name": "org/model-7b", "chat_template": None, "fewshot_as_multiturn": False, **extra,
    }))
    return path


def samples(folder: Path, task: str, doc_ids: list[int], filters: tuple[str, ...] = ("strict-match",)) -> None:
    """``samples_<task>_<stamp>.jsonl``: one line per document and filter."""
    lines = [json.dumps({"doc_id": d, "doc": {}, "target": "1", "filter": f, "exact_match": 1.0})
             for f in filters for d in doc_ids]
    (folder / f"samples_{task}_{STAMP}.jsonl").write_text("\n".join(lines) + "\n")


def test_gsm8k_reads_its_strict_filter_shots_version_and_date(tmp_path: Path) -> None:
    folder = tmp_path / "org__model-7b"
    lm_eval_results(folder, {"gsm8k": {"exact_match,strict-match": 0.7634, "exact_match_stderr,strict-match": 0.01,
                                       "exact_match,flexible-extract": 0.7801}},
                    {"gsm8k": (1319, 1319)}, {"gsm8k": 5}, chat_template="{{ messages }}", fewshot_as_multiturn=True)
    (item,) = read_logs([tmp_path], logs_url="https://huggingface.co/datasets/me/logs")
    score = item.result
    assert (item.framework, item.task, item.metric, item.partial) == ("lm-evaluation-harness", "gsm8k",
                                                                     "exact_match,strict-match", False)
    assert (item.samples, item.total_samples, item.model) == (1319, 1319, "org/model-7b")
    assert (score.value, score.observation.setting, score.date) == (76.34, "5-shot", "2026-05-06")
    assert (score.benchmark_key, score.dataset_id) == ("gsm8k", "openai/gsm8k")
    assert score.notes.startswith("lm-evaluation-harness 0.4.13 (own evaluation run); "
                                  "model args: dtype=bfloat16, tensor_parallel_size=2; task version 3.0; "
                                  "filter strict-match; chat template applied; few-shot as multi-turn")
    assert "5-shot" in score.notes and score.warnings == ()
    assert score.provenance.name == "lm-evaluation-harness evaluation logs"


def test_limit_and_fewer_effective_samples_are_partial(tmp_path: Path) -> None:
    lm_eval_results(tmp_path / "a", {"gsm8k": {"exact_match,strict-match": 0.5}}, {"gsm8k": (1319, 100)},
                    {"gsm8k": 0}, limit=100.0)
    lm_eval_results(tmp_path / "b", {"gsm8k": {"exact_match,strict-match": 0.5}}, {"gsm8k": (1319, 1000)},
                    {"gsm8k": 0})
    limited, fewer = read_logs([tmp_path / "a", tmp_path / "b"])
    assert limited.partial and fewer.partial
    assert "partial run: 100 of 1319 samples (--limit)" in limited.result.notes
    assert (fewer.samples, fewer.total_samples) == (1000, 1319)


def test_a_group_is_one_score_and_its_subtasks_are_not_listed(tmp_path: Path) -> None:
    subjects = {f"mmlu_{s}": {"acc,none": 0.5, "acc_stderr,none": 0.05} for s in ("anatomy", "virology")}
    lm_eval_results(tmp_path, {"mmlu": {"acc,none": 0.6512, "acc_stderr,none": 0.004}, **subjects},
                    {"mmlu_anatomy": (135, 135), "mmlu_virology": (166, 166)},
                    {"mmlu_anatomy": 5, "mmlu_virology": 5}, groups={"mmlu": list(subjects)})
    (item,) = read_logs([tmp_path])
    assert (item.task, item.result.value, item.result.benchmark_key) == ("mmlu", 65.12, "mmlu")
    assert (item.samples, item.total_samples, item.partial, item.observation.setting) == (301, 301, False, "5-shot")


def test_samples_files_count_documents_and_must_agree(tmp_path: Path) -> None:
    lm_eval_results(tmp_path, {"gsm8k": {"exact_match,strict-match": 0.5}, "arc_easy": {"acc,none": 0.8}},
                    {"gsm8k": (4, 4)}, {"gsm8k": 0, "arc_easy": 0})
    samples(tmp_path, "gsm8k", [0, 1, 2], filters=("strict-match", "flexible-extract"))
    samples(tmp_path, "arc_easy", [0, 1])
    arc, gsm8k = read_logs([tmp_path])
    assert (arc.samples, arc.total_samples, arc.result.benchmark_key) == (2, None, "arc_easy")  # counted from the file
    assert gsm8k.result.benchmark_key is None
    assert any("holds 3 documents, the results say 4" in w for w in gsm8k.result.warnings)


def test_a_missing_headline_metric_or_lower_is_better_is_never_mapped(tmp_path: Path) -> None:
    lm_eval_results(tmp_path, {"gsm8k": {"exact_match,flexible-extract": 0.78}, "winogrande": {"acc,none": 0.3}},
                    {}, {"gsm8k": 5, "winogrande": 0}, higher_is_better={"winogrande": {"acc": False}})
    gsm8k, wino = sorted(read_logs([tmp_path]), key=lambda i: i.task)
    assert gsm8k.result.benchmark_key is None and gsm8k.result.value == 78.0
    assert any("has no exact_match,strict-match" in w for w in gsm8k.result.warnings)
    assert wino.result.benchmark_key is None and any("lower-is-better" in w for w in wino.result.warnings)


def test_scale_local_dataset_and_string_model_args(tmp_path: Path) -> None:
    lm_eval_results(tmp_path, {"arc_easy": {"acc,none": 42.0}}, {}, {"arc_easy": 0},
                    model_args="pretrained=org/model-7b,revision=abc123,dtype=float16",
                    configs={"arc_easy": {"dataset_path": "json"}})
    (item,) = read_logs([tmp_path])
    assert (item.model, item.revision, item.result.value) == ("org/model-7b", "abc123", 42.0)
    assert "model args: dtype=float16, revision=abc123" in item.result.notes
    assert any("not a 0-1 fraction" in w for w in item.result.warnings)
    assert any("local dataset" in w for w in item.result.warnings) and item.result.benchmark_key is None


def test_an_unknown_results_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "results_x.json").write_text(json.dumps({"results": {}, "config": {}}))
    with pytest.raises(InputError, match="not a lighteval or lm-evaluation-harness results file"):
        read_logs([tmp_path / "results_x.json"])
