"""The one link between a notebook run and the code it executes: a run folder in the environment.

``mlops-nb run`` executes a notebook in a separate kernel process. It sets
``$MLOPS_NB_RUN_DIR`` to the run's folder before the kernel starts; code in the kernel then
writes what the run should remember into that folder:

- :func:`note_dataset` — the provenance of every data set ``load``/``load_dataset`` returned,
  one JSON object per line in ``datasets.jsonl`` (the runner folds them into ``run.json``);
- :func:`write_results` — the named results ``record()`` collected, as ``results.json``.

Outside a run (plain Jupyter, scripts, tests) the variable is unset and both do nothing. The
module imports only the standard library, so the data layer can call it without depending on the
runner.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "DATASETS_FILE",
    "RESULTS_FILE",
    "RUN_DIR_ENV",
    "current_run_dir",
    "note_dataset",
    "read_datasets",
    "write_results",
]

RUN_DIR_ENV = "MLOPS_NB_RUN_DIR"
DATASETS_FILE = "datasets.jsonl"
RESULTS_FILE = "results.json"

logger = logging.getLogger(__name__)


def current_run_dir() -> Path | None:
    """The folder of the run this process belongs to, or ``None`` outside a run."""
    value = os.environ.get(RUN_DIR_ENV, "").strip()
    return Path(value) if value else None


def note_dataset(provenance: Mapping[str, Any]) -> None:
    """Append one provenance record (already free of secrets) to the run's ``datasets.jsonl``.

    A run history that cannot be written must not break the analysis: an unwritable folder is
    logged, not raised.
    """
    folder = current_run_dir()
    if folder is None:
        return
    line = json.dumps(dict(provenance), default=str) + "\n"
    try:
        # One short append per load (O_APPEND), so loads from several processes do not interleave.
        with open(folder / DATASETS_FILE, "a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError as err:
        logger.warning("could not record the data set in the run folder %s: %s", folder, err)


def read_datasets(folder: Path) -> list[dict[str, Any]]:
    """The provenance records noted in ``folder``, in load order (empty when none)."""
    file = folder / DATASETS_FILE
    if not file.is_file():
        return []
    records = []
    for line in file.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:  # a load cut short by a killed kernel
            logger.warning("skipped an unreadable line in %s", file)
    return records


def write_results(results_json: str) -> Path | None:
    """Write the recorded results (JSON text) to the run's ``results.json``; ``None`` outside."""
    folder = current_run_dir()
    if folder is None:
        return None
    from mlops_notebooks._io import write_text_atomic

    return write_text_atomic(folder / RESULTS_FILE, results_json)
