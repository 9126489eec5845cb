"""Plain Python pipelines stepped one function at a time, every intermediate kept."""

from __future__ import annotations

import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError, UnknownNameError
from mlops_notebooks.pipeline import FunctionPipeline, StepFailedError


def cleaned(raw: pl.DataFrame) -> pl.DataFrame:
    return raw.drop_nulls("delay")


def features(cleaned: pl.DataFrame, factor: float) -> pl.DataFrame:
    return cleaned.with_columns((pl.col("delay") * factor).alias("scaled"))


def summary(features: pl.DataFrame) -> float:
    return float(features["scaled"].mean())


def renamed_features(cleaned: pl.DataFrame, factor: float) -> pl.DataFrame:
    return cleaned.rename({"delay": "delay_minutes"})


@pytest.fixture
def raw():
    return pl.DataFrame({"delay": [1.0, None, 3.0, 5.0]})


def test_steps_one_at_a_time_and_keeps_every_result(raw):
    run = FunctionPipeline([cleaned, features, summary]).start(raw=raw, factor=2.0)
    assert run.next_step == "cleaned"
    record = run.step()
    assert record.state == "done" and record.result == "DataFrame (3, 1)"
    assert run["cleaned"].height == 3
    run.run_to("summary")
    assert run["summary"] == pytest.approx(6.0)
    assert set(run.results) == {"cleaned", "features", "summary"}
    assert run.arguments("features") == {"cleaned": run["cleaned"], "factor": 2.0}
    assert run.to_polars()["state"].to_list() == ["done"] * 3
    assert run.raise_for_failure() is run


def test_schema_change_breaks_the_next_step_with_the_column(raw):
    def features(cleaned, factor):  # the broken variant: the column was renamed upstream
        return cleaned.with_columns((pl.col("delay") * factor).alias("scaled"))

    def cleaned(raw):
        return raw.rename({"delay": "delay_minutes"})

    run = FunctionPipeline([cleaned, features, summary]).start(raw=raw, factor=2.0)
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        run.run_all()
    record = run.records["features"]
    assert (record.state, record.exception, record.column) == (
        "failed",
        "ColumnNotFoundError",
        "delay",
    )
    assert "delay" not in run["cleaned"].columns  # the intermediate is kept for inspection
    with pytest.raises(
        StepFailedError, match=r"step 'features' failed: ColumnNotFoundError.*'delay'"
    ):
        run.raise_for_failure()


def test_step_that_raises_without_reraise(raw):
    def summary(features):
        raise ZeroDivisionError("division by zero")

    run = FunctionPipeline([cleaned, features, summary]).start(raw=raw, factor=2.0)
    run.run_all(reraise=False)
    assert run.records["summary"].exception == "ZeroDivisionError"
    assert run.next_step == "summary"


def test_rerun_with_a_fixed_function_invalidates_later_steps(raw):
    run = FunctionPipeline([cleaned, features, summary]).start(raw=raw, factor=2.0).run_all()
    run.rerun("features", renamed_features)
    assert "delay_minutes" in run["features"].columns
    assert "summary" not in run.results and run.records["summary"].state == "pending"


def test_wiring_errors(raw):
    with pytest.raises(InvalidInputError, match="step 'features' needs factor"):
        FunctionPipeline([cleaned, features]).start(raw=raw)
    with pytest.raises(InvalidInputError, match="two steps are called 'cleaned'"):
        FunctionPipeline([cleaned, cleaned])
    run = FunctionPipeline([cleaned]).start(raw=raw)
    with pytest.raises(UnknownNameError, match="did you mean 'cleaned'"):
        run.run_to("cleane")


def test_plot_colours_steps_by_state(raw):
    run = FunctionPipeline([cleaned, features, summary]).start(raw=raw, factor=2.0)
    run.step()
    figure = run.plot()
    assert {t.get_text() for t in figure.axes[0].texts if t.get_text()} == {
        "cleaned",
        "features",
        "summary",
    }
