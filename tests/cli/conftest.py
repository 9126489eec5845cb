"""The runner's notebook fixtures, reused for CLI tests."""

from tests.runner.conftest import notebooks, recorded_runs, write_notebook

__all__ = ["notebooks", "recorded_runs", "write_notebook"]
