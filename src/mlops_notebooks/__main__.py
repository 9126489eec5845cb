"""``python -m mlops_notebooks`` is ``mlops-nb``."""

import sys

from mlops_notebooks.cli.main import main

sys.exit(main())
