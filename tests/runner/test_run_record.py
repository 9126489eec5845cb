"""run.json and results.json of real runs in a real git + DVC project (see ``recorded_runs``)."""

from __future__ import annotations

import json
import platform
import re
from datetime import datetime
from html import unescape
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
import pytest

from mlops_notebooks.data import load_dataset
from mlops_notebooks.runner.recording import RECORD_MIME_TYPE
from mlops_notebooks.runner.run_info import PACKAGES

from .conftest import RecordedRuns, run_command

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("kernel")]

PARAMETERS = {
    "table": "../data/airlines.parquet",
    "weather": "../data/weather.csv",
    "threshold": 0.25,
    "fail": False,
}


def _record(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / "run.json").read_text())


def _check_start_and_duration(record: dict[str, Any], window: tuple[datetime, datetime]) -> None:
    before, after = window
    started = datetime.fromisoformat(record["started_at"])
    assert started.utcoffset() is not None and started.utcoffset().total_seconds() == 0
    assert before <= started <= after
    assert 0 < record["duration_seconds"] <= (after - started).total_seconds() + 0.001


def _check_datasets(record: dict[str, Any], project: Path) -> None:
    """Each load the kernel made, with the provenance the same load gives in this process."""
    expected = [
        load_dataset(project / "data" / "airlines.parquet").provenance,
        load_dataset(project / "data" / "weather.csv", limit=100).provenance,
    ]
    assert len(record["datasets"]) == 2
    for noted, provenance in zip(record["datasets"], expected, strict=True):
        assert noted["content_hash"] == provenance.content_hash
        assert noted["content_hash"].startswith("md5:")  # DVC's hash, not a missing value
        assert (noted["rows"], noted["columns"]) == (provenance.rows, provenance.columns)
        assert noted["column_names"] == list(provenance.column_names)
        assert noted["format"] == provenance.format
        assert Path(project / "notebooks" / noted["source"]).resolve() == Path(provenance.source)
    assert [d["rows"] for d in record["datasets"]] == [16, 100]


def test_ok_run_writes_every_field(recorded_runs: RecordedRuns) -> None:
    result = recorded_runs.ok
    record = _record(result.output_dir)
    assert sorted(p.name for p in result.output_dir.iterdir()) == [
        "parameters.yaml",
        "recording.html",
        "recording.ipynb",
        "results.json",
        "run.json",
    ]
    assert record["run_record_version"] == 1
    assert record["notebook"] == "recording"
    assert record["notebook_path"] == str(recorded_runs.notebook.resolve())
    assert record["status"] == "ok"
    assert record["error"] is None
    assert record["parameters"] == PARAMETERS | {"threshold": 0.5}
    _check_start_and_duration(record, recorded_runs.windows["ok"])
    assert record["started_at"] == result.started_at
    assert record["duration_seconds"] == result.duration_seconds
    assert record["results"] == {
        "rows": 16,
        "half_threshold": 0.25,
        "columns": ["carrier", "name"],
        "finished": True,
    }
    _check_datasets(record, recorded_runs.project)
    assert record["versions"] == {"python": platform.python_version()} | {
        name: metadata.version(name) for name in PACKAGES
    }
    assert record["git"] == {"commit": recorded_runs.commit, "dirty": False}
    assert record["kernel_name"] == result.kernel_name
    assert record["no_input"] is False
    assert record["files"] == {
        "notebook": "recording.ipynb",
        "html_report": "recording.html",
        "parameters": "parameters.yaml",
        "results": "results.json",
    }
    assert result.run_record == result.output_dir / "run.json"
    assert result.results == record["results"]
    assert list(result.datasets) == record["datasets"]


def test_results_json_holds_the_recorded_values(recorded_runs: RecordedRuns) -> None:
    results = json.loads((recorded_runs.ok.output_dir / "results.json").read_text())
    assert results == {
        "rows": 16,
        "half_threshold": 0.25,
        "columns": ["carrier", "name"],
        "finished": True,
    }
    assert list(results) == ["rows", "half_threshold", "columns", "finished"]  # recording order


def test_recorded_values_show_in_the_notebook_and_the_report(recorded_runs: RecordedRuns) -> None:
    executed = nbformat.read(recorded_runs.ok.executed_notebook, as_version=4)
    shown = [
        output["data"]
        for cell in executed.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if RECORD_MIME_TYPE in output.get("data", {})
    ]
    assert [bundle[RECORD_MIME_TYPE]["name"] for bundle in shown] == [
        "rows",
        "half_threshold",
        "columns",
        "finished",
    ]
    assert shown[1]["text/plain"] == "half_threshold = 0.25"
    text = unescape(re.sub(r"<[^>]+>", "", recorded_runs.ok.html_report.read_text()))
    assert "recorded half_threshold = 0.25" in text
    assert 'recorded columns = ["carrier", "name"]' in text


def test_failing_run_records_the_failing_cell(recorded_runs: RecordedRuns) -> None:
    err = recorded_runs.failed
    run_dir = Path(err.html_report or "").parent
    record = _record(run_dir)
    assert record["status"] == "failed"
    assert record["error"] == {
        "cell_index": 3,  # markdown, parameters, loads, then the cell that raises
        "execution_count": err.execution_count,
        "ename": "ValueError",
        "evalue": "planted failure",
    }
    assert (err.cell_index, err.ename, err.evalue) == (3, "ValueError", "planted failure")
    assert record["parameters"] == PARAMETERS | {"fail": True}
    # Only what ran before the failure was recorded.
    assert record["results"] == {"rows": 16, "half_threshold": 0.125}
    assert json.loads((run_dir / "results.json").read_text()) == record["results"]
    _check_start_and_duration(record, recorded_runs.windows["failed"])
    _check_datasets(record, recorded_runs.project)
    assert record["git"] == {"commit": recorded_runs.commit, "dirty": False}
    assert not (run_dir / "datasets.jsonl").exists()


def test_a_changed_tracked_file_marks_the_tree_dirty(recorded_runs: RecordedRuns) -> None:
    record = _record(recorded_runs.dirty.output_dir)
    assert run_command("git", "status", "--porcelain", cwd=recorded_runs.project) == ("M README.md")
    assert record["git"] == {"commit": recorded_runs.commit, "dirty": True}
    assert record["status"] == "ok"
    assert record["parameters"] == PARAMETERS


def test_a_kernel_that_dies_fails_the_run_at_its_cell(notebooks: Path, tmp_path: Path) -> None:
    from mlops_notebooks.errors import ExecutionFailedError
    from mlops_notebooks.runner import run_notebook

    from .conftest import write_notebook

    path = write_notebook(
        tmp_path / "dies.ipynb",
        title="Dies",
        body=["from mlops_notebooks import record\nrecord('before', 1)", "import os\nos._exit(3)",
              "print('never runs')"],
    )  # fmt: skip
    with pytest.raises(ExecutionFailedError) as info:
        run_notebook(path, parameters={"repeat": 1}, output_dir=tmp_path / "reports")
    err = info.value
    assert str(err).startswith("the kernel stopped in cell 4 of dies.ipynb: DeadKernelError")
    assert (err.cell_index, err.ename) == (3, "DeadKernelError")
    record = _record(Path(err.output_notebook or "").parent)
    assert record["status"] == "failed"
    assert record["error"]["cell_index"] == 3 and record["error"]["ename"] == "DeadKernelError"
    assert record["results"] == {"before": 1}
    assert Path(err.html_report or "").is_file()


def test_an_unknown_kernel_is_refused_before_any_run_folder(notebooks: Path, tmp_path) -> None:
    from mlops_notebooks.errors import UnknownNameError
    from mlops_notebooks.runner import run_notebook

    with pytest.raises(UnknownNameError, match="unknown Jupyter kernel 'no-such-kernel'"):
        run_notebook("hello", kernel_name="no-such-kernel", output_dir=tmp_path / "reports")
    assert not (tmp_path / "reports").exists()
