"""record() and the run-folder hook of load_dataset, in this process (no kernel)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mlops_notebooks
from mlops_notebooks import _run_context
from mlops_notebooks.data import load_dataset
from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.runner import recording
from mlops_notebooks.runner.recording import record, recorded
from tests.data.conftest import flights_data_dir


@pytest.fixture(autouse=True)
def fresh_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with nothing recorded and outside any run."""
    monkeypatch.setattr(recording, "_results", {})
    monkeypatch.delenv(_run_context.RUN_DIR_ENV, raising=False)


def test_outside_a_run_values_stay_in_memory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    record("share", np.float64(0.5))
    record("count", np.int64(7))
    record("labels", np.array(["a", "b"]))
    assert recorded() == {"share": 0.5, "count": 7, "labels": ["a", "b"]}
    assert type(recorded()["share"]) is float and type(recorded()["count"]) is int
    assert list(tmp_path.iterdir()) == []  # nothing written outside a run


def test_in_a_run_results_json_follows_every_record(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(_run_context.RUN_DIR_ENV, str(tmp_path))
    record("share", 0.25)
    assert json.loads((tmp_path / "results.json").read_text()) == {"share": 0.25}
    record("missing", math.nan)  # the package's JSON policy: NaN becomes null
    record("share", 0.5)  # recording a name again replaces its value, in place
    text = (tmp_path / "results.json").read_text()
    assert json.loads(text) == {"share": 0.5, "missing": None}
    assert list(json.loads(text)) == ["share", "missing"]


def test_recorded_returns_a_copy() -> None:
    record("a", 1)
    recorded()["a"] = 2
    assert recorded() == {"a": 1}


@pytest.mark.parametrize("name", ["", "   ", None, 3])
def test_a_name_must_be_a_non_empty_string(name) -> None:
    with pytest.raises(InvalidInputError, match=r"record\(\) needs a non-empty string name"):
        record(name, 1)


def test_a_value_must_be_json(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(_run_context.RUN_DIR_ENV, str(tmp_path))
    with pytest.raises(InvalidInputError) as info:
        record("model", object())
    assert str(info.value) == (
        "record('model', ...) takes numbers, strings, booleans, None, lists and dicts of them; "
        "got object: record a summary value instead (for a result, one of its fields)"
    )
    assert recorded() == {} and not (tmp_path / "results.json").exists()


def test_record_is_importable_from_the_package_root_without_importing_the_runner() -> None:
    assert mlops_notebooks.record is record
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = mlops_notebooks.nope  # type: ignore[attr-defined]
    code = "import sys, mlops_notebooks; print('mlops_notebooks.runner' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_load_dataset_notes_its_provenance_in_the_run_folder(tmp_path: Path, monkeypatch) -> None:
    airlines = flights_data_dir() / "airlines.csv"
    weather = flights_data_dir() / "weather.csv"
    assert load_dataset(airlines).provenance.rows == 16
    assert not (tmp_path / _run_context.DATASETS_FILE).exists()  # outside a run: nothing

    monkeypatch.setenv(_run_context.RUN_DIR_ENV, str(tmp_path))
    first = load_dataset(airlines)
    second = load_dataset(weather, columns=["origin", "temp"], limit=10, backend="polars")
    noted = _run_context.read_datasets(tmp_path)
    assert noted == [first.provenance.to_dict(), second.provenance.to_dict()]
    assert [(d["rows"], d["columns"]) for d in noted] == [(16, 2), (10, 2)]


def test_an_unwritable_run_folder_does_not_break_a_load(tmp_path: Path, monkeypatch, caplog):
    monkeypatch.setenv(_run_context.RUN_DIR_ENV, str(tmp_path / "gone"))
    dataset = load_dataset(flights_data_dir() / "airlines.csv")
    assert dataset.provenance.rows == 16
    assert "could not record the data set" in caplog.text
