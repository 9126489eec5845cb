"""``mlops-nb reports``: past runs newest first, key results, index.html, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mlops_notebooks.cli.main import main
from tests.runner.conftest import RecordedRuns
from tests.runner.test_history import parse_index

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("kernel")]


@pytest.fixture
def reports(recorded_runs: RecordedRuns, tmp_path: Path) -> Path:
    """A copy of the three recorded runs, so this test can add its own."""
    return Path(shutil.copytree(recorded_runs.reports, tmp_path / "reports"))


def test_a_new_run_shows_first_in_the_listing_and_the_index(
    recorded_runs: RecordedRuns, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["run", str(recorded_runs.notebook), "-p", "threshold", "0.9", "--output-dir", str(reports)]
    )
    assert code == 0
    out, err = capsys.readouterr()
    new_report = Path(out.strip())
    assert f"run record: {new_report.parent / 'run.json'}" in err

    assert main(["reports", "--reports-dir", str(reports)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["STARTED", "(UTC)", "NOTEBOOK", "STATUS", "DURATION", "RESULTS",
                                "REPORT"]  # fmt: skip
    assert len(lines) == 5
    assert lines[1].endswith(str(new_report))
    assert "rows=16, half_threshold=0.45, columns=[2 items], finished=true" in lines[1]
    assert " failed " in lines[3] and "rows=16, half_threshold=0.125" in lines[3]
    assert lines[4].endswith("recording.html") and " ok " in lines[4]
    assert err.strip() == f"index: {reports / 'index.html'}"

    page = parse_index(reports / "index.html")
    assert len(page.rows) == 4
    assert (reports / page.rows[0]["links"][0]).resolve() == new_report.resolve()
    assert (
        page.rows[0]["cells"][4] == "rows=16, half_threshold=0.45, columns=[2 items], finished=true"
    )
    started = [row["cells"][0] for row in page.rows]
    assert started == sorted(started, reverse=True)


def test_json_filter_and_limit(reports: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (reports / "index.html").unlink(missing_ok=True)
    code = main(["reports", "--reports-dir", str(reports), "--notebook", "recording",
                 "--json", "--limit", "2", "--no-index"])  # fmt: skip
    assert code == 0
    runs = json.loads(capsys.readouterr().out)
    assert [run["status"] for run in runs] == ["ok", "failed"]
    assert runs[1]["error"]["ename"] == "ValueError"
    assert runs[1]["results"] == {"rows": 16, "half_threshold": 0.125}
    assert runs[0]["record"]["git"]["dirty"] is True
    assert not (reports / "index.html").exists()


def test_bad_input_exits_2_with_one_line(reports: Path, tmp_path: Path, capsys) -> None:
    assert main(["reports", "--reports-dir", str(reports), "--notebook", "nope"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "mlops-nb: error: unknown notebook with runs 'nope': valid: 'recording'"
    assert main(["reports", "--reports-dir", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no reports folder" in err
    assert main(["reports", "--reports-dir", str(reports), "--limit", "0"]) == 2
    assert capsys.readouterr().err.strip() == "mlops-nb: error: --limit must be 1 or more, got 0"
