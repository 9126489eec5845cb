from __future__ import annotations

import nbformat
import pytest

from mlops_notebooks.errors import InvalidInputError, NotebookNotFoundError
from mlops_notebooks.runner import check_clean, list_notebooks, new_notebook, resolve_notebook


def test_resolve_by_name_and_by_path(notebooks):
    assert resolve_notebook("hello") == (notebooks / "hello.ipynb").resolve()
    assert resolve_notebook("hello.ipynb") == (notebooks / "hello.ipynb").resolve()
    assert resolve_notebook(str(notebooks / "broken.ipynb")).name == "broken.ipynb"


def test_unknown_notebook_names_the_available_ones(notebooks):
    with pytest.raises(NotebookNotFoundError, match="available: broken, hello"):
        resolve_notebook("nope")


def test_list_gives_titles_and_parameters(notebooks):
    infos = {info.name: info for info in list_notebooks()}
    assert set(infos) == {"hello", "broken"}
    assert infos["hello"].title == "Hello report"
    described = infos["hello"].to_dict()["parameters"][1]
    assert described == {"name": "repeat", "type": "int", "default": 2, "help": "how many times"}


def test_new_copies_clears_outputs_and_retitles(notebooks):
    template = nbformat.read(notebooks / "hello.ipynb", as_version=4)
    template.cells[2].outputs = [nbformat.v4.new_output("stream", text="old output")]
    template.cells[2].execution_count = 3
    nbformat.write(template, notebooks / "hello.ipynb")

    path = new_notebook("october_dive", template="hello")

    assert path == notebooks / "october_dive.ipynb"
    copy = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in copy.cells if c.cell_type == "code")
    assert all(c.get("execution_count") is None for c in copy.cells if c.cell_type == "code")
    assert copy.cells[0].source.startswith("# October dive\n")
    assert "Duplicated from `hello`" in copy.cells[0].source
    assert check_clean(path) == []
    assert copy.cells[1].source == template.cells[1].source  # parameters kept


def test_new_refuses_to_overwrite(notebooks):
    before = (notebooks / "broken.ipynb").read_bytes()
    with pytest.raises(InvalidInputError, match="already exists"):
        new_notebook("broken", template="hello")
    assert (notebooks / "broken.ipynb").read_bytes() == before


@pytest.mark.parametrize("name", ["../escape", "has space", "", "-dash-first"])
def test_new_rejects_unsafe_names(notebooks, name):
    with pytest.raises(InvalidInputError, match="invalid notebook name"):
        new_notebook(name, template="hello")


def test_check_clean_reports_outputs_counts_and_missing_tag(notebooks):
    notebook = nbformat.read(notebooks / "hello.ipynb", as_version=4)
    notebook.cells[2].outputs = [nbformat.v4.new_output("stream", text="x")]
    notebook.cells[3].execution_count = 9
    del notebook.cells[1].metadata["tags"]
    nbformat.write(notebook, notebooks / "dirty.ipynb")
    problems = check_clean(notebooks / "dirty.ipynb")
    assert problems[0] == "cell 3 has outputs"
    assert problems[1] == "cell 4 has an execution count"
    assert "no code cell tagged 'parameters'" in problems[2]
    assert check_clean(notebooks / "hello.ipynb") == []
