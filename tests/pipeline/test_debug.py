"""debug_stage: a stage's script run in this process, with its argv and working directory."""

from __future__ import annotations

import os
import sys

import polars as pl
import pytest

from mlops_notebooks.pipeline import NotPythonStageError, inject_fault, open_pipeline
from mlops_notebooks.pipeline.debug import python_command


def test_runs_the_script_in_process_and_keeps_its_variables(sandbox):
    before = (os.getcwd(), sys.argv[:], sys.path[:])
    run = open_pipeline(sandbox).debug_stage("prepare")
    assert (os.getcwd(), sys.argv, sys.path) == before
    assert run.ok and run.argv == ("src/prepare.py",) and run.cwd == sandbox.resolve()
    processed = run.function_locals["main"]["processed"]
    expected = pl.read_parquet(sandbox / "data" / "processed" / "flights.parquet")
    assert processed.equals(expected)
    assert "build" in run.namespace and callable(run.namespace["build"])
    assert "processed" in run.to_polars()["variable"].to_list()


def test_error_propagates_unchanged_for_post_mortem(sandbox):
    inject_fault(sandbox, "raise")
    with pytest.raises(ValueError, match="learning_rate") as caught:
        open_pipeline(sandbox).debug_stage("train")
    frames = [frame.f_code.co_filename for frame, _ in __import__("traceback").walk_tb(caught.tb)]
    assert any(name.endswith("src/train.py") for name in frames)
    assert "features" not in sys.modules  # the stage's own modules are forgotten afterwards


def test_error_returned_with_locals_at_the_failure(sandbox):
    inject_fault(sandbox, "raise")
    run = open_pipeline(sandbox).debug_stage("train", reraise=False)
    assert not run.ok
    assert type(run.exception).__name__ == "InvalidParameterError"
    assert run.error_frame.startswith(str(sandbox.resolve() / "src" / "train.py"))
    assert run.error_locals["params"]["learning_rate"] == 0
    assert run.error_locals["train"].height > 100_000
    assert "Local variables at the error" in run._repr_html_()


def test_non_python_command_is_refused(sandbox):
    dvc_yaml = sandbox / "dvc.yaml"
    dvc_yaml.write_text(dvc_yaml.read_text() + "  report:\n    cmd: Rscript report.R\n")
    with pytest.raises(
        NotPythonStageError, match=r"stage 'report' runs `Rscript report.R`, not a Python"
    ):
        open_pipeline(sandbox).debug_stage("report")


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        ("python src/x.py --n 3", (["src/x.py", "--n", "3"], False)),
        ("python3 -u src/x.py", (["src/x.py"], False)),
        ("python -m pkg.tool a", (["pkg.tool", "a"], True)),
    ],
)
def test_python_commands(sandbox, cmd, expected):
    dvc_yaml = sandbox / "dvc.yaml"
    dvc_yaml.write_text(dvc_yaml.read_text() + f"  other:\n    cmd: {cmd}\n")
    assert python_command(open_pipeline(sandbox), "other") == expected
