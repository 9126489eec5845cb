"""Runs real notebooks in a real Jupyter kernel."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import nbformat
import pytest
import yaml

from mlops_notebooks.errors import ExecutionFailedError, ParameterError
from mlops_notebooks.runner import run_notebook

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("kernel")]


def _visible_text(html: str) -> str:
    """The HTML's text without tags (code is syntax-highlighted into many spans)."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def _stream_text(notebook_path: Path) -> str:
    notebook = nbformat.read(notebook_path, as_version=4)
    return "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def test_run_writes_notebook_html_and_parameters(notebooks, tmp_path):
    params_file = tmp_path / "params.yaml"
    params_file.write_text("repeat: 3\nratio: 0.75\n")

    result = run_notebook(
        "hello",
        parameters={"greeting": "bonjour", "verbose": "true", "columns": "x,y"},
        parameters_file=params_file,
        output_dir=tmp_path / "reports",
    )

    assert result.output_dir.parent == tmp_path / "reports" / "hello"
    assert result.output_dir.name.endswith("Z")
    assert sorted(p.name for p in result.output_dir.iterdir()) == [
        "hello.html",
        "hello.ipynb",
        "parameters.yaml",
        "results.json",
        "run.json",
    ]
    printed = _stream_text(result.executed_notebook)
    assert "bonjour bonjour bonjour\n" in printed
    values = json.loads(printed.splitlines()[1])
    assert values == {
        "ratio": 0.75,
        "verbose": True,
        "columns": ["x", "y"],
        "options": {"k": 1},
        "anything": None,
    }
    used = yaml.safe_load(result.parameters_file.read_text())
    assert used["greeting"] == "bonjour"
    assert used["repeat"] == 3
    html = _visible_text(result.html_report.read_text())
    assert "bonjour bonjour bonjour" in html
    assert "message = ' '.join" in html  # code shown by default
    assert not list((tmp_path / "reports" / "hello").glob(".*partial"))


def test_no_input_hides_code_but_keeps_outputs(notebooks, tmp_path):
    result = run_notebook("hello", output_dir=tmp_path, no_input=True)
    html = _visible_text(result.html_report.read_text())
    assert "hello hello" in html
    assert "message = ' '.join" not in html
    assert "Hello report" in html


def test_failing_cell_raises_and_keeps_partial_report(notebooks, tmp_path):
    with pytest.raises(ExecutionFailedError) as info:
        run_notebook("broken", output_dir=tmp_path)
    err = info.value
    assert str(err) == "cell 4 (In [3]) of broken.ipynb raised ZeroDivisionError: division by zero"
    assert (err.cell_index, err.ename) == (3, "ZeroDivisionError")
    html = Path(err.html_report).read_text()
    assert "ZeroDivisionError" in html
    executed = nbformat.read(err.output_notebook, as_version=4)
    assert executed.cells[0].source.startswith('<span style="color:red')  # error banner on top
    assert "never runs" not in _stream_text(Path(err.output_notebook))


def test_unknown_parameter_fails_before_any_kernel_starts(notebooks, tmp_path):
    with pytest.raises(ParameterError, match="valid parameters: greeting, repeat"):
        run_notebook("hello", parameters={"no_such_param": "1"}, output_dir=tmp_path)
    assert not (tmp_path / "hello").exists()


def test_two_runs_in_the_same_second_get_distinct_folders(notebooks, tmp_path):
    first = run_notebook("hello", output_dir=tmp_path)
    second = run_notebook("hello", output_dir=tmp_path)
    assert first.output_dir != second.output_dir
    assert first.html_report.exists() and second.html_report.exists()
