"""The runner's notebook fixtures, reused for CLI tests, and CLI runs other test packages share."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mlops_notebooks.cli.main import main
from tests.evaluation.conftest import binary_frame
from tests.runner.conftest import notebooks, recorded_runs, write_notebook

__all__ = ["notebooks", "recorded_runs", "run_evaluate", "write_notebook"]


def run_evaluate(rng: np.random.Generator, folder: Path, *outputs: str) -> int:
    """``mlops-nb evaluate`` in process on 2,000 binary outcomes grouped by origin.

    The data (``binary_frame``) is written to ``folder/outputs.parquet``; ``outputs`` are the
    output options (``--json PATH``, ``--html PATH``). Returns the exit code.
    """
    data = folder / "outputs.parquet"
    binary_frame(rng, 2000).write_parquet(data)
    return main(
        [
            "evaluate",
            str(data),
            "--target",
            "target",
            "--prediction",
            "prediction",
            "--probabilities",
            "probability",
            "--group",
            "origin",
            "--n-bootstrap",
            "50",
            *outputs,
        ]
    )
