"""mlops-notebooks: the human-in-the-loop side of MLOps.

Subpackages, each one domain:

- :mod:`mlops_notebooks.data` — load data from files, cloud storage, DVC, SQL and a catalog.
- :mod:`mlops_notebooks.eda` — profiles, distributions, time series, correlations, missing values.
- :mod:`mlops_notebooks.drift` — data drift between a reference and a current data set.
- :mod:`mlops_notebooks.runner` — execute notebooks with papermill into HTML reports, keep a
  run history; :func:`record` (``from mlops_notebooks import record``) names a notebook's results.
- :mod:`mlops_notebooks.cli` — the ``mlops-nb`` command.

Nothing heavy is imported here, so ``import mlops_notebooks`` and ``mlops-nb --help`` stay fast.
"""

from typing import Any

from mlops_notebooks._version import __version__
from mlops_notebooks.errors import MlopsNotebooksError

__all__ = ["MlopsNotebooksError", "__version__", "record"]


def __getattr__(name: str) -> Any:
    # `from mlops_notebooks import record` in notebooks, without importing the runner up front.
    if name == "record":
        from mlops_notebooks.runner.recording import record

        return record
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
