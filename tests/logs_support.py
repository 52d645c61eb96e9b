"""Reading logs in tests as the CLI does: the logs source's runs, each resolved by the bundled registry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalmgr.registry import Registry
from evalmgr.result import Result
from evalmgr.sources.eval_logs import LogRun, observations_from_logs


@dataclass
class Read:
    """One run of a log and the result the registry resolves it to; the run's fields read through."""

    run: LogRun
    result: Result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.run, name)


def read_logs(paths: list[Path], logs_url: str | None = None) -> list[Read]:
    runs = observations_from_logs(paths, logs_url=logs_url).runs
    return [Read(run, result) for run, result in zip(runs, Registry.load().results(r.observation for r in runs),
                                                     strict=True)]
