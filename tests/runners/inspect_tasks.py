"""Inspect tasks on the tiny local datasets (GPQA-shaped multiple choice, GSM8K-shaped math): offline runner tests."""

from __future__ import annotations

import json
from pathlib import Path

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import choice, match
from inspect_ai.solver import generate, multiple_choice, system_message

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name / "test.jsonl").read_text().splitlines() if line.strip()]


@task
def tiny_mc() -> Task:
    """Five questions, gold A for three of them: a model that always answers A scores 0.6."""
    samples = [Sample(input=r["question"], choices=r["choices"], target=r["target"]) for r in _rows("tiny_mc")]
    return Task(dataset=MemoryDataset(samples, name="tiny_mc"), solver=multiple_choice(), scorer=choice())


@task
def tiny_math(fewshot: int = 0) -> Task:
    """Four word problems with answers 12, 9, 12, 7: a model that always answers 12 scores 0.5.

    ``fewshot`` (a task argument, ``-T fewshot=N``) puts the first N solved problems before each question.
    """
    rows = _rows("tiny_math")
    samples = [Sample(input=r["question"], target=r["answer"].split("####")[-1].strip()) for r in rows]
    shots = "\n\n".join(f"{r['question']}\n{r['answer']}" for r in rows[:fewshot])
    solver = [system_message(shots), generate()] if fewshot else [generate()]
    return Task(dataset=MemoryDataset(samples, name="tiny_math"), solver=solver,
                scorer=match(location="end", numeric=True))
