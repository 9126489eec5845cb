"""history() and write_index() over real runs, and over folders left by older versions."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError, UnknownNameError
from mlops_notebooks.runner import RunHistory, history, write_index

from .conftest import RecordedRuns


class IndexPage(HTMLParser):
    """The rows of the index's runs table: each row's cell texts and links."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, list[str]]] = []
        self.headers: list[str] = []
        self._in_runs = False
        self._in_th = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._in_runs = dict(attrs).get("class") == "runs"
        if not self._in_runs:
            return
        if tag == "tr":
            self.rows.append({"cells": [], "links": []})
        elif tag == "th":
            self._in_th = True
            self.headers.append("")
        elif tag == "td":
            self._cell = []
        elif tag == "a" and self.rows:
            self.rows[-1]["links"].append(dict(attrs)["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_runs = False
        elif tag == "th":
            self._in_th = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1]["cells"].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_th:
            self.headers[-1] += data
        elif self._cell is not None:
            self._cell.append(data)


def parse_index(path: Path) -> IndexPage:
    page = IndexPage()
    page.feed(path.read_text(encoding="utf-8"))
    page.rows = [row for row in page.rows if row["cells"]]  # drop the header row
    return page


@pytest.mark.notebook
@pytest.mark.xdist_group("kernel")
class TestRealRuns:
    def test_newest_first_with_status_and_results(self, recorded_runs: RecordedRuns) -> None:
        runs = history(recorded_runs.reports)
        failed_dir = Path(recorded_runs.failed.html_report or "").parent
        assert [run.run_dir for run in runs.runs] == [
            recorded_runs.dirty.output_dir,
            failed_dir,
            recorded_runs.ok.output_dir,
        ]
        assert [run.status for run in runs.runs] == ["ok", "failed", "ok"]
        assert runs.notebooks == ("recording",)
        ok = runs.runs[2]
        assert ok.key_results() == "rows=16, half_threshold=0.25, columns=[2 items], finished=true"
        assert ok.results == json.loads((ok.run_dir / "results.json").read_text())
        assert ok.html_report == recorded_runs.ok.html_report
        assert ok.git == {"commit": recorded_runs.commit, "dirty": False}
        assert runs.runs[1].error == {
            "cell_index": 3,
            "execution_count": recorded_runs.failed.execution_count,
            "ename": "ValueError",
            "evalue": "planted failure",
        }
        assert runs.runs[0].git["dirty"] is True
        assert [len(run.datasets) for run in runs.runs] == [2, 2, 2]

    def test_table_and_protocol(self, recorded_runs: RecordedRuns) -> None:
        runs = history(recorded_runs.reports)
        table = runs.to_polars()
        assert table.columns == [
            "started_at",
            "notebook",
            "status",
            "duration_seconds",
            "results",
            "git_commit",
            "git_dirty",
            "html_report",
        ]
        assert table["status"].to_list() == ["ok", "failed", "ok"]
        assert table["git_dirty"].to_list() == [True, False, False]
        assert table["results"][1] == "rows=16, half_threshold=0.125"
        assert table["started_at"].is_sorted(descending=True)
        assert table["duration_seconds"].to_list() == [
            run.record["duration_seconds"] for run in runs.runs
        ]
        assert runs.to_frame()["notebook"].tolist() == ["recording"] * 3
        assert json.loads(runs.to_json())["runs"][2]["results"]["rows"] == 16
        assert "rows=16, half_threshold=0.125" in runs._repr_html_()

    def test_recorded_numbers_over_runs(self, recorded_runs: RecordedRuns) -> None:
        runs = history(recorded_runs.reports)
        assert runs.numeric_results == ("rows", "half_threshold")  # lists and booleans are not
        starts = [datetime.fromisoformat(r.record["started_at"]) for r in reversed(runs.runs)]
        assert runs.trend("half_threshold") == {
            "recording": list(zip(starts, [0.25, 0.125, 0.125], strict=True))
        }
        figure = runs.plot("half_threshold")
        (line,) = figure.axes[0].get_lines()
        assert list(line.get_ydata()) == [0.25, 0.125, 0.125]
        assert figure.axes[0].get_title() == "half_threshold over runs"
        assert list(runs.plot().axes[0].get_lines()[0].get_ydata()) == [16, 16, 16]  # "rows"
        with pytest.raises(UnknownNameError, match="unknown numeric recorded result 'columns'"):
            runs.plot("columns")

    def test_index_shows_each_trend(self, recorded_runs: RecordedRuns) -> None:
        text = write_index(recorded_runs.reports).read_text()
        trends = text[text.index("Recorded results over runs") : text.index(">Runs</h2>")]
        assert trends.count("<svg") == 2  # rows and half_threshold
        half = trends[trends.index("<code>half_threshold</code>") :]
        polyline = re.search(r"points='([^']+)'", half)
        assert polyline is not None
        heights = [float(point.split(",")[1]) for point in polyline.group(1).split()]
        assert heights[0] < heights[1] == heights[2]  # 0.25 drawn above 0.125
        assert "<td>0.125</td>" in half

    def test_filter_by_notebook(self, recorded_runs: RecordedRuns) -> None:
        assert len(history(recorded_runs.reports, notebook="recording")) == 3
        with pytest.raises(UnknownNameError, match="unknown notebook with runs 'recordin'") as info:
            history(recorded_runs.reports, notebook="recordin")
        assert "did you mean 'recording'" in str(info.value)

    def test_index_links_every_report_relative_to_itself(
        self, recorded_runs: RecordedRuns, tmp_path: Path
    ) -> None:
        index = write_index(recorded_runs.reports)
        assert index == recorded_runs.reports / "index.html"
        page = parse_index(index)
        assert page.headers[:3] == ["Started (UTC)", "Notebook", "Status"]
        runs = history(recorded_runs.reports).runs
        assert len(page.rows) == 3
        for row, run in zip(page.rows, runs, strict=True):
            report, run_json, results_json = row["links"]
            assert (index.parent / report).resolve() == run.html_report
            assert (index.parent / run_json).resolve() == run.run_dir / "run.json"
            assert (index.parent / results_json).resolve() == run.run_dir / "results.json"
            assert not report.startswith(("/", "file:", "http"))
            assert row["cells"][1] == "recording"
            assert row["cells"][2].startswith(run.status)
            assert row["cells"][4] == run.key_results()
        assert "cell 4: ValueError: planted failure" in page.rows[1]["cells"][2]
        assert page.rows[0]["cells"][7] == f"{recorded_runs.commit[:10]} (uncommitted changes)"
        text = index.read_text()
        assert "http://" not in text and "https://" not in text and "<script" not in text


def _legacy_reports(root: Path) -> Path:
    """Run folders as older versions, crashes and other tools leave them."""
    reports = root / "reports"
    old = reports / "old_notebook"
    (old / "20250101T000000Z").mkdir(parents=True)
    (old / "20250101T000000Z" / "old_notebook.html").write_text("<html></html>")
    (old / "20250102T000000Z-2").mkdir()
    (old / "20250102T000000Z-2" / "old_notebook.html").write_text("<html></html>")
    (old / "20250102T000000Z-2" / "run.json").write_text("{ not json")
    (old / ".20250103T000000Z.partial").mkdir()  # a run still being written
    (old / ".20250103T000000Z.partial" / "run.json").write_text('{"status": "ok"}')
    (old / "notes").mkdir()  # no report: not a run
    (reports / "index.html").write_text("stale")
    return reports


def test_folders_without_a_run_record_are_listed_as_unknown(tmp_path: Path, caplog) -> None:
    runs = history(_legacy_reports(tmp_path))
    assert [(run.run_dir.name, run.status) for run in runs.runs] == [
        ("20250102T000000Z-2", "unknown"),
        ("20250101T000000Z", "unknown"),
    ]
    assert runs.runs[1].started_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert runs.runs[0].results == {} and runs.runs[0].key_results() == ""
    assert "skipped the unreadable run record" in caplog.text
    page = parse_index(write_index(tmp_path / "reports"))
    assert [row["links"] for row in page.rows] == [
        [
            "old_notebook/20250102T000000Z-2/old_notebook.html",
            "old_notebook/20250102T000000Z-2/run.json",  # unreadable, still linked to look at
        ],
        ["old_notebook/20250101T000000Z/old_notebook.html"],
    ]


def test_an_empty_reports_folder_gives_an_empty_history(tmp_path: Path) -> None:
    runs = history(tmp_path)
    assert len(runs) == 0 and runs.to_polars().height == 0
    index = write_index(tmp_path)
    assert "No runs yet" in index.read_text()


def test_a_missing_reports_folder_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(
        InvalidInputError, match=r"no reports folder .*: run `mlops-nb run NOTEBOOK`"
    ):
        history(tmp_path / "nowhere")


def test_values_are_escaped(tmp_path: Path) -> None:
    run_dir = tmp_path / "nb" / "20250101T000000Z"
    run_dir.mkdir(parents=True)
    (run_dir / "nb.html").write_text("")
    record = {"notebook": "nb", "status": "ok", "results": {"<script>x</script>": "<b>"}}
    (run_dir / "run.json").write_text(json.dumps(record))
    text = write_index(tmp_path).read_text()
    assert "<script>x" not in text and "&lt;script&gt;x&lt;/script&gt;=&lt;b&gt;" in text
    assert isinstance(history(tmp_path), RunHistory)
    assert history(tmp_path).to_polars().schema["started_at"] == pl.Datetime("ms", "UTC")
    assert os.path.isfile(tmp_path / "index.html")


@pytest.mark.notebook
@pytest.mark.xdist_group("kernel")
def test_index_renders_in_a_real_browser_without_overflow(
    recorded_runs: RecordedRuns, tmp_path: Path
) -> None:
    """Chromium from the Debian packages (.ci/run installs it), driven by Playwright.

    The browser runs in its own thread: Playwright's sync API refuses a thread where an asyncio
    loop is running, which an earlier test in this worker (a Jupyter kernel client) can leave.
    """
    from concurrent.futures import ThreadPoolExecutor

    index = write_index(recorded_runs.reports)
    with ThreadPoolExecutor(max_workers=1) as pool:
        widths, index_errors = pool.submit(
            _browse_index, index, recorded_runs.dirty.html_report, tmp_path
        ).result()
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"
    assert index_errors == []
    assert (tmp_path / "index.png").stat().st_size > 0


def _browse_index(index: Path, newest_report: Path, tmp_path: Path) -> tuple[list[int], list[str]]:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 900, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(index.as_uri())
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
            index_errors = list(errors)
            page.click("table.runs a")  # the newest run's report opens from disk
            assert page.url == newest_report.as_uri()
        finally:
            browser.close()
    return widths, index_errors
