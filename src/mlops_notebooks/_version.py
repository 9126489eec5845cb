"""The package version (one place; ``mlops_notebooks.__version__`` re-exports it)."""

__version__ = "0.1.0"
