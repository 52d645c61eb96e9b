"""lighteval custom tasks on the tiny local datasets (``--custom-tasks`` module): offline runner tests."""

from __future__ import annotations

from pathlib import Path

from lighteval.metrics.metrics import Metrics
from lighteval.tasks.lighteval_task import LightevalTaskConfig
from lighteval.tasks.requests import Doc

DATA = Path(__file__).parent / "data"


def mc_prompt(line: dict, task_name: str | None = None) -> Doc:
    """Question and lettered choices; the gold is the reply a model in the 'ANSWER: X' format gives."""
    options = "\n".join(f"{letter}) {text}" for letter, text in zip("ABCD", line["choices"]))
    query = f"Answer with 'ANSWER: LETTER'.\n\n{line['question']}\n\n{options}"
    return Doc(task_name=task_name, query=query, choices=[f"ANSWER: {line['target']}"], gold_index=0)


def math_prompt(line: dict, task_name: str | None = None) -> Doc:
    """Word problem; the gold is 'ANSWER: N' with N after the GSM8K '####' marker."""
    answer = line["answer"].split("####")[-1].strip()
    return Doc(task_name=task_name, query=f"Question: {line['question']}\nAnswer:", choices=[f"ANSWER: {answer}"],
               gold_index=0)


def _config(name: str, prompt) -> LightevalTaskConfig:
    return LightevalTaskConfig(
        name=name, prompt_function=prompt, hf_repo=str(DATA / name), hf_subset="default",
        hf_avail_splits=["test"], evaluation_splits=["test"], few_shots_split=None, few_shots_select=None,
        generation_size=16, metrics=[Metrics.exact_match], stop_sequence=[], version=0,
    )


TASKS_TABLE = [_config("tiny_mc", mc_prompt), _config("tiny_math", math_prompt)]
