"""The runner's notebook fixtures, reused for CLI tests."""

from tests.runner.conftest import notebooks, write_notebook

__all__ = ["notebooks", "write_notebook"]
