"""The ``mlops-nb`` command line: a thin layer over the library.

Each sub-command lives in :mod:`mlops_notebooks.cli.commands` as a module with
``register(subparsers)``; the handler it installs receives the parsed arguments and returns
an exit code. Heavy libraries are imported inside handlers so ``mlops-nb --help`` stays fast.
"""

from mlops_notebooks.cli.main import main

__all__ = ["main"]
