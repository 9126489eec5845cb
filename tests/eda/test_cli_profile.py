"""``mlops-nb profile``: terminal summary, JSON and HTML files, typed errors as exit code 2."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mlops_notebooks.cli.main import main


@pytest.fixture
def data_file(tmp_path, rng: np.random.Generator):  # type: ignore[no-untyped-def]
    path = tmp_path / "data.parquet"
    pd.DataFrame(
        {
            "<script>alert(1)</script>": rng.normal(size=300),
            "city": rng.choice(["Oslo", "Lima"], 300),
            "delay": rng.lognormal(size=300),
        }
    ).to_parquet(path)
    return path


def test_summary_json_and_html(data_file, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    json_path, html_path = tmp_path / "out" / "p.json", tmp_path / "p.html"
    code = main(
        [
            "profile",
            str(data_file),
            "--json",
            str(json_path),
            "--html",
            str(html_path),
            "--target",
            "delay",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "300 rows x 3 columns" in out
    assert "[skewed] delay" in out
    document = json.loads(json_path.read_text())
    assert [c["name"] for c in document["columns"]][1:] == ["city", "delay"]
    page = html_path.read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    # One SVG chart per column card (two histograms, one bar chart) and the association heatmap;
    # no matplotlib image.
    assert page.count("<svg class='mlnb-chart'") == 4
    assert page.count("aria-label='distribution of") == 2
    assert "aria-label='most frequent values of city'" in page
    assert "data:image/png" not in page
    assert str(data_file) in page and "300 × 3" in page  # provenance header: source and shape


def test_missing_file_exits_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["profile", str(tmp_path / "nope.parquet")])
    assert code == 2
    assert capsys.readouterr().err.startswith("mlops-nb: error:")


def test_unknown_target_exits_2(data_file, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["profile", str(data_file), "--target", "nope", "--no-correlations"]) == 2
    assert "target column 'nope'" in capsys.readouterr().err
