"""The template runs on a data set of another schema through its parameters alone.

The data: daily Seattle weather 2012–2015 as shipped in the ``vega_datasets`` package (dates,
numbers, a categorical column), renamed the way spreadsheets name columns (spaces, punctuation,
units), with a scikit-learn model trained here to predict rain on the next day.
"""

from __future__ import annotations

import re
from html import unescape
from importlib.resources import files
from pathlib import Path

import nbformat
import numpy as np
import polars as pl
import pytest

from mlops_notebooks.runner import run_notebook
from tests.notebooks.figures import assert_figures_embedded, count_plot_cells

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

ROOT = Path(__file__).parents[2]
WEATHER_CSV = Path(str(files("vega_datasets") / "_data" / "seattle-weather.csv"))
NAMES = {
    "date": "Date",
    "precipitation": "Precipitation (mm)",
    "temp_max": "Max. temperature (°C)",
    "temp_min": "Min. temperature (°C)",
    "wind": "Wind speed (m/s)",
    "weather": "Weather, as reported",
}
TARGET = "Rain tomorrow?"
PREDICTION = "Predicted: rain tomorrow?"
PROBABILITY = "P(rain tomorrow)"
EMPTY_REFS = {
    "processed_ref": "",
    "reference_ref": "",
    "current_ref": "",
    "predictions_ref": "",
    "reference_predictions_ref": "",
}


def outputs(result, mime: str) -> list[str]:
    """Every output of type ``mime`` in the executed notebook, as text (tags removed)."""
    notebook = nbformat.read(result.executed_notebook, as_version=4)
    texts = [
        str(output["data"][mime])
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if mime in output.get("data", {})
    ]
    return [unescape(re.sub(r"<[^>]+>", " ", text)) for text in texts]


def skip_notes(result) -> list[str]:
    return [text for text in outputs(result, "text/markdown") if text.startswith("*Skipped")]


@pytest.fixture(scope="module")
def weather(tmp_path_factory) -> dict[str, str]:
    """Parquet files of the processed weather, both periods and a trained model's outputs."""
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    folder = tmp_path_factory.mktemp("weather")
    frame = (
        pl.read_csv(WEATHER_CSV)
        .with_columns(pl.col("date").str.to_date("%Y/%m/%d"))
        .rename(NAMES)
        .with_columns(
            pl.col("Date").dt.month().alias("Month"),
            (pl.col("Precipitation (mm)").shift(-1) > 0).alias(TARGET),
        )
        .with_row_index("Day #")
        .drop_nulls(TARGET)
    )
    numeric = [NAMES[c] for c in ("precipitation", "temp_max", "temp_min", "wind")]
    categorical = [NAMES["weather"]]
    model = make_pipeline(
        make_column_transformer(
            (StandardScaler(), numeric), (OneHotEncoder(handle_unknown="ignore"), categorical)
        ),
        LogisticRegression(max_iter=1000),
    )
    year = pl.col("Date").dt.year()
    train = frame.filter(year == 2012).to_pandas()
    model.fit(train[numeric + categorical], train[TARGET])

    def scored(part: pl.DataFrame) -> pl.DataFrame:
        probability = model.predict_proba(part.to_pandas()[numeric + categorical])[:, 1]
        return part.with_columns(
            pl.Series(PROBABILITY, probability), pl.Series(PREDICTION, probability >= 0.5)
        )

    paths = {
        "processed_ref": frame,
        "reference_ref": frame.filter(year <= 2013),
        "current_ref": frame.filter(year >= 2014),
        "reference_predictions_ref": scored(frame.filter(year == 2013)),
        "predictions_ref": scored(frame.filter(year >= 2014)),
    }
    refs = {}
    for name, data in paths.items():
        path = folder / f"{name}.parquet"
        data.write_parquet(path)
        refs[name] = str(path)
    current = paths["predictions_ref"]
    refs["accuracy"] = float(np.mean(current[TARGET].to_numpy() == current[PREDICTION].to_numpy()))
    return refs


@pytest.mark.xdist_group("notebooks")
def test_template_runs_on_another_schema_with_a_trained_model(weather, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(ROOT)
    parameters = {k: v for k, v in weather.items() if k.endswith("_ref")}
    result = run_notebook(
        "data_exploration_mlops",
        parameters={
            "raw_ref": str(WEATHER_CSV),
            **parameters,
            "target_column": TARGET,
            "prediction_column": PREDICTION,
            "probability_column": PROBABILITY,
            "frequency": "1w",
            "drift_frequency": "1mo",
            "sample_size": 0,
        },
        output_dir=tmp_path,
    )
    notes = outputs(result, "text/markdown")
    # Detected and listed: the time column, its calendar part, the row number.
    listed = "Left out of drift: time column `Date`; its calendar parts `Month` (month); "
    assert sum(note.startswith(listed + "identifiers `Day #`.") for note in notes) == 2
    # Not tracked by DVC: the revision comparison is skipped, not applied; every other section ran.
    assert skip_notes(result) == [
        f"*Skipped: `{weather['processed_ref']}` is not tracked by DVC, so it has no committed "
        "version to read with `rev=`. Track it (`dvc add`, or a `dvc.yaml` stage) to compare "
        "versions.*"
    ]
    # The model was evaluated on the current period, with the accuracy scikit-learn sees.
    tables = " ".join(outputs(result, "text/html"))
    assert f"accuracy {weather['accuracy']:.4f}" in " ".join(tables.split())
    # Every plot cell ran and drew (none was skipped).
    assert assert_figures_embedded(result) >= count_plot_cells(result.notebook)


@pytest.mark.xdist_group("notebooks")
def test_template_runs_with_only_raw_data(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(ROOT)
    result = run_notebook(
        "data_exploration_mlops",
        parameters={"raw_ref": str(WEATHER_CSV), **EMPTY_REFS},
        output_dir=tmp_path,
    )
    notes = skip_notes(result)
    # Dates in the CSV are text, so there is no time column: each skip says what to pass.
    for expected in (
        "*Skipped: no reference period. Pass `reference_ref` and `current_ref`",
        "*Skipped: no model outputs. Pass `predictions_ref`",
        "*Skipped: no time column. Pass `time_column`",
        f"*Skipped: `{WEATHER_CSV}` is not tracked by DVC",
    ):
        assert any(note.startswith(expected) for note in notes), expected
    assert "*No `processed_ref`: the sections below analyse the raw data.*" in outputs(
        result, "text/markdown"
    )
    assert assert_figures_embedded(result) >= 8


def test_no_code_cell_names_a_column_of_the_example():
    """Only the parameters cell may name the flights' columns; every other cell is generic."""
    import ast
    import io
    import tokenize

    import pyarrow.parquet as pq

    data = ROOT / "examples" / "data"
    tables = [data / "raw" / "flights.parquet", *data.glob("processed/*.parquet")]
    tables += data.glob("model_outputs/*.parquet")
    columns = {name for path in tables for name in pq.read_schema(path).names}
    assert {"arr_delay", "carrier", "origin", "tailnum", "time_hour"} <= columns
    notebook = nbformat.read(ROOT / "notebooks" / "data_exploration_mlops.ipynb", as_version=4)
    named = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        for token in tokenize.generate_tokens(io.StringIO(cell.source).readline):
            if token.type == tokenize.STRING:
                value = ast.literal_eval(token.string) if token.string[0] not in "fF" else ""
                named += [value] if value in columns else []
            elif token.type == tokenize.NAME and token.string in columns:
                named.append(token.string)
    assert named == []
