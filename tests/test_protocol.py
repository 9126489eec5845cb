"""Every public result type follows the one result protocol (``docs/protocol.md``).

Each result is built from a small real computation; the test checks that every protocol method
works and agrees with the others, not merely that it exists.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import polars as pl
import pytest
from matplotlib.figure import Figure

import mlops_notebooks
from mlops_notebooks._protocol import Result
from mlops_notebooks._render import jsonable
from mlops_notebooks.errors import UnknownNameError
from tests.drift.conftest import make_frame
from tests.evaluation.conftest import binary_frame
from tests.sentiment.conftest import MODELS, PROBABILITIES, make_predictions, make_texts

#: Subpackages whose result types are built and checked by their own protocol test (their
#: fixtures need a trading environment or a git+DVC project); each asserts it covers them all.
OWN_PROTOCOL_TESTS = {
    "rl": "tests/rl/test_results.py",
    "pipeline": "tests/pipeline/test_results.py",
}
SUBPACKAGES = tuple(
    info.name
    for info in pkgutil.iter_modules(mlops_notebooks.__path__)
    if info.ispkg and not info.name.startswith("_") and info.name not in OWN_PROTOCOL_TESTS
)


def _rng() -> np.random.Generator:
    return np.random.default_rng(7)


def _eda_frame() -> pd.DataFrame:
    rng = _rng()
    n = 400
    frame = pd.DataFrame(
        {
            "when": pd.date_range("2024-01-01", periods=n, freq="6h"),
            "value": rng.normal(10, 2, n),
            "other": rng.normal(0, 1, n),
            "group": rng.choice(["a", "b", "c"], n),
        }
    )
    frame.loc[rng.random(n) < 0.2, "other"] = np.nan
    return frame


def _texts() -> Any:
    from mlops_notebooks.sentiment import join_predictions

    texts = make_texts(_rng(), 300)
    return join_predictions(
        texts,
        make_predictions(_rng(), texts),
        models=MODELS,
        probabilities=PROBABILITIES,
        label_names=["negative", "positive"],
        source_column="source",
    )


def _drift_report() -> Any:
    from mlops_notebooks.drift import compare

    rng = _rng()
    return compare(make_frame(rng, 600), make_frame(rng, 600, shift=1.0))


def _binary() -> pl.DataFrame:
    return binary_frame(_rng(), 800)


def _build_provenance() -> Any:
    from mlops_notebooks.data import Provenance

    return Provenance(
        ref="flights",
        source="data/flights.parquet",
        format="parquet",
        layer="raw",
        catalog_name="flights",
        dvc_rev=None,
        content_hash="md5:abc",
        query=None,
        rows=2,
        columns=2,
        column_names=("a", "b"),
        sample=None,
        loaded_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        duration_seconds=0.25,
    )


def _build_catalog(tmp_path: Path) -> Any:
    from mlops_notebooks.data import read_catalog

    path = tmp_path / "catalog.yaml"
    path.write_text(
        "datasets:\n"
        "  weather_raw:\n    source: raw/weather.csv\n    layer: raw\n"
        "  weather_head:\n    source: processed/weather.parquet\n    layer: processed\n"
    )
    return read_catalog(path)


def _build_history(tmp_path: Path) -> Any:
    """Two recorded runs of one notebook, each with a number (as ``mlops-nb run`` writes)."""
    from mlops_notebooks.runner import history

    reports = tmp_path / "reports"
    for day, share in ((1, 0.1), (2, 0.4)):
        run_dir = reports / "nb" / f"2025010{day}T000000Z"
        run_dir.mkdir(parents=True)
        (run_dir / "nb.html").write_text("<!DOCTYPE html><html></html>")
        record = {
            "notebook": "nb",
            "status": "ok",
            "started_at": f"2025-01-0{day}T00:00:00+00:00",
            "duration_seconds": 1.5,
            "results": {"share_of_drifted_columns": share},
        }
        (run_dir / "run.json").write_text(json.dumps(record))
    return history(reports)


def _build(name: str, tmp_path: Path) -> Any:
    """A real instance of the result type ``name``, from a small computation."""
    from mlops_notebooks import drift, eda, evaluation, segments, sentiment

    if name == "Provenance":
        return _build_provenance()
    if name == "Catalog":
        return _build_catalog(tmp_path)
    if name == "DataProfile":
        return eda.profile(_eda_frame())
    if name == "ColumnRoles":
        return eda.infer_roles(_eda_frame(), target="value")
    if name == "RunHistory":
        return _build_history(tmp_path)
    if name == "CorrelationReport":
        return eda.correlations(_eda_frame())
    if name == "MissingValuesReport":
        return eda.missing_values(_eda_frame(), time_column="when", frequency="1w")
    if name == "TimeSeriesReport":
        return eda.time_series(_eda_frame(), "when", value_column="value", frequency="1d")
    if name == "DriftReport":
        return _drift_report()
    if name == "ColumnDrift":
        return _drift_report()["x_shifted"]
    if name == "WindowedDrift":
        rng = _rng()
        return drift.drift_over_time(
            make_frame(rng, 600), make_frame(rng, 600, shift=1.0), frequency=200
        )
    if name == "DomainClassifierDrift":
        rng = _rng()
        return drift.domain_classifier_drift(make_frame(rng, 400), make_frame(rng, 400, shift=1.0))
    if name == "ReconstructionDrift":
        rng = _rng()
        reference = pl.DataFrame({f"x{i}": rng.normal(size=500) for i in range(4)})
        current = reference.with_columns(pl.col("x0") * 3)
        return drift.reconstruction_drift(reference, current)
    if name == "PerformanceChange":
        rng = _rng()
        frames = [
            pl.DataFrame({"target": t, "prediction": t + rng.normal(0, s, 300)})
            for t, s in ((rng.normal(size=300), 0.1), (rng.normal(size=300), 0.5))
        ]
        report = drift.compare(frames[0], frames[1], target="target", prediction="prediction")
        return report.performance
    if name == "EvaluationReport":
        return evaluation.evaluate(
            _binary(),
            target="target",
            prediction="prediction",
            probabilities="probability",
            n_bootstrap=50,
        )
    if name == "ModelAssessment":
        return evaluation.assess_model(
            _binary(),
            target="target",
            prediction="prediction",
            groups=["carrier"],
            n_bootstrap=20,
        )
    if name == "CalibrationCurve":
        return _build("EvaluationReport", tmp_path).calibration
    if name == "BiasReport":
        return evaluation.assess_bias(
            _binary(), target="target", prediction="prediction", groups="carrier", n_bootstrap=20
        )
    if name == "ErrorAnalysis":
        return evaluation.analyze_errors(
            _binary(), target="target", prediction="prediction", features=["hour", "carrier"]
        )
    if name == "SegmentReport":
        frame = _binary()
        return segments.find_segments(
            frame,
            target="target",
            prediction="prediction",
            features=["origin", "carrier"],
            alpha=1.0,
        )
    data = _texts()
    builders: dict[str, Callable[[], Any]] = {
        "TextPredictions": lambda: data,
        "ModelEvaluations": lambda: sentiment.evaluate_models(data, n_bootstrap=20),
        "ModelComparison": lambda: sentiment.compare_models(data, n_bootstrap=20),
        "Agreement": lambda: sentiment.agreement(data),
        "SampleTable": lambda: sentiment.sample_table(data),
        "WinsLosses": lambda: sentiment.wins_and_losses(data, "good", "noisy"),
        "ErrorBreakdown": lambda: sentiment.errors_by(data, "length"),
        "TokenSlices": lambda: sentiment.error_slices(data, min_texts=5),
        "LabelIssues": lambda: sentiment.find_label_issues(data, model="good"),
        "TextDrift": lambda: sentiment.compare_texts(data.texts(), data.texts().reverse()),
    }
    return builders[name]()


RESULT_TYPES = [
    "Provenance",
    "Catalog",
    "DataProfile",
    "ColumnRoles",
    "CorrelationReport",
    "MissingValuesReport",
    "TimeSeriesReport",
    "DriftReport",
    "ColumnDrift",
    "WindowedDrift",
    "DomainClassifierDrift",
    "ReconstructionDrift",
    "PerformanceChange",
    "EvaluationReport",
    "ModelAssessment",
    "CalibrationCurve",
    "BiasReport",
    "ErrorAnalysis",
    "SegmentReport",
    "TextPredictions",
    "ModelEvaluations",
    "ModelComparison",
    "Agreement",
    "SampleTable",
    "WinsLosses",
    "ErrorBreakdown",
    "TokenSlices",
    "LabelIssues",
    "TextDrift",
    "RunHistory",
]


def _public_result_types() -> set[str]:
    names = set()
    for package in SUBPACKAGES:
        module = importlib.import_module(f"mlops_notebooks.{package}")
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if inspect.isclass(value) and issubclass(value, Result):
                names.add(name)
    return names


def test_every_public_result_type_is_covered() -> None:
    assert _public_result_types() == set(RESULT_TYPES)


def _drawn(figure: Figure) -> int:
    """Artists drawn on the figure's axes: bars, lines, images, collections."""
    return sum(
        len(ax.patches) + len(ax.lines) + len(ax.images) + len(ax.collections) for ax in figure.axes
    )


@pytest.mark.parametrize("name", RESULT_TYPES)
def test_result_protocol(name: str, tmp_path: Path) -> None:
    result = _build(name, tmp_path)
    assert type(result).__name__ == name and isinstance(result, Result)

    table = result.to_polars()
    frame = result.to_frame()
    assert isinstance(table, pl.DataFrame) and isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == table.columns and len(frame) == table.height

    as_dict = result.to_dict()
    assert isinstance(as_dict, dict) and as_dict
    path = tmp_path / "out" / "result.json"
    text = result.to_json(path)
    assert path.read_text() == text
    assert json.loads(text) == json.loads(json.dumps(jsonable(as_dict)))

    html_path = result.save_html(tmp_path / "report.html")
    assert html_path == tmp_path / "report.html" and html_path.exists()
    assert html_path.read_text().startswith("<!DOCTYPE html>")
    assert isinstance(result._repr_html_(), str) and result._repr_html_()

    with pytest.raises(UnknownNameError) as unknown:
        result.plot("no such kind")
    assert unknown.value.valid == tuple(result.plot_kinds)
    if result.plot_kinds:
        figure = result.plot()
        assert isinstance(figure, Figure) and _drawn(figure) > 0


@pytest.mark.parametrize("name", ["DriftReport", "EvaluationReport", "SegmentReport", "TextDrift"])
def test_plot_draws_into_a_given_axes(name: str, tmp_path: Path) -> None:
    from mlops_notebooks._render import new_figure

    result = _build(name, tmp_path)
    figure = new_figure((4, 3))
    ax = figure.add_subplot()
    assert result.plot(ax=ax) is figure
    assert _drawn(figure) > 0


def _lookups(tmp_path: Path) -> dict[str, Callable[[], Any]]:
    from mlops_notebooks import drift, eda, evaluation, segments, sentiment
    from mlops_notebooks.data.formats import reader_for
    from mlops_notebooks.evaluation.row_scores import score_rows

    binary = _binary()
    data = _texts()
    return {
        "profile column": lambda: _build("DataProfile", tmp_path).column("nope"),
        "correlation method": lambda: _build("CorrelationReport", tmp_path).matrix("nope"),
        "drift column": lambda: _drift_report()["nope"],
        "drift method": lambda: drift.get_method("nope"),
        "evaluation metric": lambda: _build("EvaluationReport", tmp_path)["nope"],
        "evaluate(metrics=)": lambda: evaluation.evaluate(
            binary, target="target", prediction="prediction", metrics=["nope"], n_bootstrap=0
        ),
        "assess_bias(metrics=)": lambda: evaluation.assess_bias(
            binary, target="target", prediction="prediction", groups="carrier", metrics=["nope"]
        ),
        "row score": lambda: score_rows(
            binary, target="target", prediction="prediction", name="nope"
        ),
        "segment ranking": lambda: segments.find_segments(
            binary, target="target", prediction="prediction", rank_by="nope"
        ),
        "text source": lambda: data.texts("nope"),
        "model": lambda: data.correct("nope"),
        "error grouping": lambda: sentiment.errors_by(data, "nope"),  # type: ignore[arg-type]
        "paired metric": lambda: sentiment.paired_bootstrap(
            data.y_true, data.y_true, data.y_true, metric="nope"
        ),
        "catalog entry": lambda: _build_catalog(tmp_path).get("nope"),
        "file format": lambda: reader_for("nope"),
        "eda plot kind": lambda: eda.missing_values(_eda_frame()).plot("nope"),
    }


LOOKUPS = [
    "profile column",
    "correlation method",
    "drift column",
    "drift method",
    "evaluation metric",
    "evaluate(metrics=)",
    "assess_bias(metrics=)",
    "row score",
    "segment ranking",
    "text source",
    "model",
    "error grouping",
    "paired metric",
    "catalog entry",
    "file format",
    "eda plot kind",
]


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_lookups_by_name_raise_unknown_name_error(lookup: str, tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError) as unknown:
        _lookups(tmp_path)[lookup]()
    assert unknown.value.name == "nope"
    assert unknown.value.valid and "nope" not in unknown.value.valid
    assert "'nope'" in str(unknown.value)
