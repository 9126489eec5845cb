"""mlops-notebooks: the human-in-the-loop side of MLOps.

Subpackages, each one domain:

- :mod:`mlops_notebooks.data` — load data from files, cloud storage, DVC, SQL and a catalog.
- :mod:`mlops_notebooks.eda` — profiles, distributions, time series, correlations, missing values.
- :mod:`mlops_notebooks.drift` — data drift between a reference and a current data set.
- :mod:`mlops_notebooks.runner` — execute notebooks with papermill into HTML reports.
- :mod:`mlops_notebooks.cli` — the ``mlops-nb`` command.

Nothing heavy is imported here, so ``import mlops_notebooks`` and ``mlops-nb --help`` stay fast.
"""

from mlops_notebooks.errors import MlopsNotebooksError

__version__ = "0.1.0"

__all__ = ["MlopsNotebooksError", "__version__"]
