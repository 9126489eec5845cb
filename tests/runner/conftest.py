"""Small real notebooks for runner tests, written with nbformat into a temporary folder."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PARAMETERS_SOURCE = """\
greeting = "hello"  # what to say
repeat = 2  # how many times
ratio = 0.5
verbose = False
columns = ["a", "b"]
options = {"k": 1}
anything = None
"""


def write_notebook(path: Path, *, title: str, body: list[str], tagged: bool = True) -> Path:
    """Write a notebook with a title, a parameters cell and ``body`` code cells."""
    parameters = new_code_cell(PARAMETERS_SOURCE)
    if tagged:
        parameters.metadata["tags"] = ["parameters"]
    cells = [new_markdown_cell(f"# {title}\n\nA test notebook."), parameters]
    cells += [new_code_cell(source) for source in body]
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def notebooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A notebooks folder with ``hello`` (succeeds) and ``broken`` (third cell raises)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(
        folder / "hello.ipynb",
        title="Hello report",
        body=[
            "message = ' '.join([greeting] * repeat)\nprint(message)",
            "import json\nprint(json.dumps({'ratio': ratio, 'verbose': verbose, "
            "'columns': columns, 'options': options, 'anything': anything}))",
        ],
    )
    write_notebook(
        folder / "broken.ipynb",
        title="Broken report",
        body=["x = 1", "1 / 0", "print('never runs')"],
    )
    monkeypatch.setenv("MLOPS_NB_NOTEBOOKS_DIR", str(folder))
    return folder
