"""Every committed notebook is stripped of outputs and declares its parameters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mlops_notebooks.runner import check_clean

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean(path):
    assert check_clean(path) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_uses_the_neutral_kernel_and_no_private_imports(path):
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert "def " not in cell.source, "notebooks call the library; no function definitions"
            assert "import mlops_notebooks._" not in cell.source
            assert "from mlops_notebooks._" not in cell.source


def test_notebooks_are_exactly_what_nbstripout_commits():
    nbstripout = Path(sys.executable).with_name("nbstripout")
    result = subprocess.run(
        [str(nbstripout), "--verify", *map(str, NOTEBOOKS)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
