"""The ``mlops-nb`` command: exit codes, one-line errors, and a fast ``--help``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_notebooks.cli.main import main

MLOPS_NB = [sys.executable, "-m", "mlops_notebooks"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MLOPS_NB, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys; from mlops_notebooks.cli.main import build_parser; build_parser(); "
        "heavy = {'pandas', 'polars', 'papermill', 'matplotlib', 'sklearn', 'scipy', 'dvc'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: mlops-nb" in capsys.readouterr().err


def test_bad_usage_exits_2_with_one_line():
    result = run_cli("run")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") <= 1  # usage line + error line from argparse
    assert "the following arguments are required: NOTEBOOK" in result.stderr


def test_unknown_parameter_exits_2_naming_valid_ones(notebooks, capsys):
    code = main(["run", "hello", "-p", "no_such_param", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "mlops-nb: error: unknown parameter 'no_such_param'; valid parameters: "
        "greeting, repeat, ratio, verbose, columns, options, anything\n"
    )


def test_bad_value_exits_2(notebooks, capsys):
    assert main(["run", "hello", "-p", "repeat", "many"]) == 2
    assert "parameter 'repeat' expects int" in capsys.readouterr().err


def test_debug_shows_the_traceback(notebooks, capsys):
    assert main(["--debug", "run", "hello", "-p", "nope", "1"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().endswith("greeting, repeat, ratio, verbose, columns, options, anything")


def test_missing_notebook_exits_2(notebooks, capsys):
    assert main(["run", "does_not_exist"]) == 2
    assert "available: broken, hello" in capsys.readouterr().err


@pytest.mark.notebook
@pytest.mark.xdist_group("kernel")
def test_run_prints_the_html_path(notebooks, tmp_path, capsys):
    code = main(["run", "hello", "-p", "repeat", "1", "--output-dir", str(tmp_path), "--no-input"])
    out = capsys.readouterr().out.strip()
    assert code == 0
    html = Path(out)
    assert html.is_file() and html.suffix == ".html"
    assert html.parent.parent == tmp_path / "hello"


@pytest.mark.notebook
@pytest.mark.xdist_group("kernel")
def test_failing_cell_exits_1_and_keeps_partial_report(notebooks, tmp_path):
    result = run_cli(
        "run",
        "broken",
        "--output-dir",
        str(tmp_path),
        env={"MLOPS_NB_NOTEBOOKS_DIR": str(notebooks)},
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (
        "mlops-nb: error: cell 4 (In [3]) of broken.ipynb raised ZeroDivisionError: "
        "division by zero"
    )
    partial = Path(lines[1].removeprefix("partial report kept: "))
    assert partial.is_file() and "ZeroDivisionError" in partial.read_text()
    assert "Traceback" not in result.stderr


def test_list_shows_titles_and_parameters(notebooks, capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "hello — Hello report" in out
    assert "    repeat    int    = 2  # how many times\n" in out


def test_list_json(notebooks, capsys):
    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [nb["name"] for nb in listed] == ["broken", "hello"]


def test_new_creates_and_refuses_overwrite(notebooks, capsys):
    assert main(["new", "my_dive", "--from", "hello"]) == 0
    assert capsys.readouterr().out.strip() == str(notebooks / "my_dive.ipynb")
    assert main(["new", "my_dive", "--from", "hello"]) == 2
    assert "already exists" in capsys.readouterr().err
