#!/usr/bin/env python
"""Pipeline data-drift check: the same code as ``mlops-nb drift``.

Usage::

    python scripts/check_data_drift.py REFERENCE CURRENT [--columns A,B | --all-columns]
        [--config FILE.yaml] [--json FILE] [--html FILE]

Exit code 0: no data-set drift; 1: drift; 2: bad input.
"""

from __future__ import annotations

import sys

from mlops_notebooks.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["drift", *sys.argv[1:]]))
