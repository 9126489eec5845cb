"""Every report type, written by the CLI, rendered in a real headless Chromium.

Each page must fit its viewport (wide tables scroll inside their own box), log no console
error, request nothing but its own file (it works offline), and have a table of contents whose
links all land on a heading. Screenshots are saved under the test's temporary folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.cli.main import main
from tests.cli.conftest import run_evaluate
from tests.evaluation.conftest import binary_frame
from tests.html.conftest import render

pytestmark = pytest.mark.browser

# A desktop window and a phone-sized one: neither may scroll sideways.
WIDTHS = (1300, 420)
LONG_TEXT = "a long free-text value that goes on " * 12


def _wide_frame(rng: np.random.Generator, rows: int, *, shift: float = 0.0) -> pl.DataFrame:
    """Forty columns with long names, long texts, categories and a date: a wide report."""
    columns: dict[str, Any] = {
        f"measurement_with_a_rather_long_column_name_{i:02d}": rng.normal(shift * (i % 3), 1, rows)
        for i in range(30)
    }
    columns["category_with_spaces and punctuation!"] = rng.choice(
        ["north-east", "south/west", "centre (main)", "<b>edge</b>"], rows
    )
    columns["comment"] = [LONG_TEXT + str(i % 7) for i in range(rows)]
    columns["counts"] = rng.poisson(3 + shift, rows)
    columns["flag"] = rng.random(rows) < 0.3 + 0.2 * shift
    columns["day"] = pl.date_range(
        pl.date(2024, 1, 1), pl.date(2024, 1, 1) + pl.duration(days=rows - 1), eager=True
    )
    return pl.DataFrame(columns)


def _check(browser: Any, report: Path, tmp_path: Path, sections: set[str]) -> dict[str, Any]:
    assert report.is_file()
    measured: dict[str, Any] = {}
    for width in WIDTHS:
        shot = tmp_path / f"{report.stem}_{width}.png"
        rendered = render(browser, report, shot, width=width)
        metrics = rendered.metrics
        assert shot.stat().st_size > 10_000  # a real screenshot, not a blank page
        assert rendered.errors == []
        assert all(url.startswith(("file:", "data:")) for url in rendered.requests), (
            rendered.requests
        )
        assert metrics["scrollWidth"] <= metrics["clientWidth"], metrics["outside"]
        assert metrics["outside"] == []
        assert metrics["missing"] == []
        measured = metrics
    assert sections <= {href.lstrip("#") for href in measured["links"]}
    return measured


def test_profile_report(browser: Any, tmp_path: Path, rng: np.random.Generator) -> None:
    data = tmp_path / "wide.parquet"
    _wide_frame(rng, 600).write_parquet(data)
    report = tmp_path / "profile.html"
    assert main(["profile", str(data), "--html", str(report)]) == 0
    metrics = _check(
        browser,
        report,
        tmp_path,
        {"overview", "columns", "column-details", "correlations"},
    )
    # One chart per column card except the date (facts only) and the text, plus the heatmap.
    assert metrics["charts"] == 30 + 1 + 1 + 1 + 1
    assert metrics["scrollBoxes"] == 2  # the column table and the strongest pairs


def test_sketched_profile_report(
    browser: Any, tmp_path: Path, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamed in batches: sketched quantiles and HyperLogLog distinct counts are marked."""
    from mlops_notebooks.summaries import engines

    monkeypatch.setattr(engines, "BATCH_ROWS", 2_000)
    data = tmp_path / "wide.parquet"
    _wide_frame(rng, 6_000).write_parquet(data, row_group_size=2_000)
    report = tmp_path / "profile_stream.html"
    assert main(["profile", str(data), "--engine", "stream", "--html", str(report)]) == 0
    metrics = _check(browser, report, tmp_path, {"overview", "columns", "column-details"})
    assert metrics["charts"] == 30 + 1 + 1 + 1  # no correlations beyond memory
    text = report.read_text(encoding="utf-8")
    # 30 numeric columns: distinct (HyperLogLog) and median (KLL) in the table and the cards,
    # and the median of the counts column.
    assert text.count("<span class='mlnb-approx'") >= 4 * 30
    assert "marks a value computed from a sketch" in text


def test_drift_report(browser: Any, tmp_path: Path, rng: np.random.Generator) -> None:
    reference, current = tmp_path / "reference.parquet", tmp_path / "current.parquet"
    _wide_frame(rng, 800).write_parquet(reference)
    _wide_frame(rng, 800, shift=1.0).write_parquet(current)
    report = tmp_path / "drift.html"
    code = main(["drift", str(reference), str(current), "--html", str(report)])
    assert code == 1  # the planted shift drifts
    metrics = _check(
        browser, report, tmp_path, {"summary", "drift-by-column", "columns", "distributions"}
    )
    assert metrics["charts"] >= 30


def test_evaluate_report(browser: Any, tmp_path: Path, rng: np.random.Generator) -> None:
    report = tmp_path / "evaluate.html"
    code = run_evaluate(rng, tmp_path, "--html", str(report))
    assert code == 0
    metrics = _check(
        browser, report, tmp_path, {"overview", "metrics", "confusion-matrix", "plots", "groups"}
    )
    assert metrics["charts"] == 2  # headline metrics, and metric by origin


def test_segments_report(browser: Any, tmp_path: Path, rng: np.random.Generator) -> None:
    frame = binary_frame(rng, 5000)
    bad = (frame["origin"] == "EWR").to_numpy()
    wrong = rng.random(frame.height) < np.where(bad, 0.5, 0.1)
    data = tmp_path / "scores.parquet"
    frame.with_columns(error=wrong.astype(float)).write_parquet(data)
    report = tmp_path / "segments.html"
    features = "origin,carrier,hour"
    code = main(
        ["segments", str(data), "--score", "error", "--features", features, "--html", str(report)]
    )
    assert code == 0
    metrics = _check(browser, report, tmp_path, {"summary", "segments"})
    assert metrics["charts"] == 1
    assert "origin == &quot;EWR&quot;" in report.read_text()


def test_notebook_displays_in_an_exported_notebook(
    browser: Any, tmp_path: Path, rng: np.random.Generator
) -> None:
    """Results shown in a notebook keep the shared look in the HTML that ``mlops-nb run`` writes.

    The notebook holds the outputs a kernel would produce (each result's ``_repr_html_``) and is
    exported with the runner's own ``export_html``; no kernel is needed for what is checked here.
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from mlops_notebooks.drift import compare
    from mlops_notebooks.eda import profile
    from mlops_notebooks.evaluation import evaluate
    from mlops_notebooks.runner.report import export_html

    wide = _wide_frame(rng, 400)
    outputs = binary_frame(rng, 1000)
    results = [
        profile(wide),
        compare(wide, _wide_frame(rng, 400, shift=1.0)),
        evaluate(outputs, target="target", prediction="prediction", n_bootstrap=20),
    ]
    cells = [
        new_code_cell(
            "result",
            outputs=[new_output("display_data", data={"text/html": result._repr_html_()})],
        )
        for result in results
    ]
    notebook_path = tmp_path / "executed.ipynb"
    nbformat.write(new_notebook(cells=cells), notebook_path)
    report = export_html(notebook_path, tmp_path / "notebook.html")
    rendered = render(browser, report, tmp_path / "notebook_1300.png")
    # nbconvert's lab template references require.js and MathJax on a CDN; offline those loads
    # fail. Only failures of our own content count.
    ours = [e for e in rendered.errors if "net::" not in e and "Failed to load" not in e]
    assert ours == []
    metrics = rendered.metrics
    assert metrics["scrollWidth"] <= metrics["clientWidth"]
    assert metrics["outside"] == []
    assert metrics["tables"] >= 6 and metrics["tables"] == metrics["scrollBoxes"]
