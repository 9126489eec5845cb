"""``profile``: overview, kinds, edge cases, serialisation and escaped HTML."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import polars as pl
import pytest

from mlops_notebooks.eda import DataProfile, profile
from mlops_notebooks.eda.association import UNKNOWN_TARGET
from mlops_notebooks.errors import InvalidInputError, UnknownNameError


def test_overview_kinds_and_statistics(mixed_frame: pd.DataFrame, as_input) -> None:  # type: ignore[no-untyped-def]
    result = profile(as_input(mixed_frame), target="normal")
    assert isinstance(result, DataProfile)
    assert (result.overview.rows, result.overview.columns) == (2_000, 6)
    kinds = {c.name: c.kind for c in result.columns}
    assert kinds == {
        "skewed": "numeric",
        "normal": "numeric",
        "count": "numeric",
        "colour": "categorical",
        "flag": "boolean",
        "when": "datetime",
    }
    normal = result.column("normal")
    assert normal.missing == int(mixed_frame["normal"].isna().sum())
    assert normal.numeric is not None
    assert normal.numeric.mean == pytest.approx(mixed_frame["normal"].mean(), rel=1e-12)
    flag = result.column("flag")
    assert flag.categorical is not None
    assert flag.categorical.counts["true"] == int(mixed_frame["flag"].sum())
    codes = {w.code for w in result.warnings}
    assert "skewed" in codes  # lognormal(0, 1) has skewness ~6
    assert result.correlations is not None and result.correlations.target == "normal"


def test_to_frame_and_json_round_trip(mixed_frame: pd.DataFrame) -> None:
    result = profile(mixed_frame)
    table = result.to_polars()
    assert table.get_column("name").to_list() == list(mixed_frame.columns)
    assert table.filter(pl.col("name") == "count").get_column("p50").item() == pytest.approx(
        mixed_frame["count"].median()
    )
    document = json.loads(result.to_json())
    assert document["overview"]["rows"] == 2_000
    assert {c["name"] for c in document["columns"]} == set(mixed_frame.columns)


def test_save_json_and_html_write_files(mixed_frame: pd.DataFrame, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = profile(mixed_frame)
    result.save_json(tmp_path / "p.json")
    result.save_html(tmp_path / "p.html")
    assert json.loads((tmp_path / "p.json").read_text())["overview"]["columns"] == 6
    assert (tmp_path / "p.html").read_text().startswith("<!DOCTYPE html>")


def test_html_escapes_column_names_and_values() -> None:
    evil = "<script>alert(1)</script>"
    frame = pd.DataFrame({evil: [evil, "b", evil] * 20, "x": np.arange(60.0)})
    result = profile(frame)
    for document in (result.to_html(), result._repr_html_()):
        assert evil not in document
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
        assert "<script" not in document


def test_empty_frame() -> None:
    result = profile(pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=str)}))
    assert result.overview.rows == 0
    assert [c.kind for c in result.columns] == ["empty", "empty"]
    document = json.loads(result.to_json())
    assert document["overview"]["rows"] == 0
    assert [c["name"] for c in document["columns"]] == ["a", "b"]


def test_frame_without_columns() -> None:
    result = profile(pl.DataFrame())
    assert (result.overview.rows, result.overview.columns, result.columns) == (0, 0, ())


def test_one_row() -> None:
    result = profile(pd.DataFrame({"x": [1.5], "s": ["a"]}))
    x = result.column("x")
    assert x.numeric is not None
    assert x.numeric.mean == 1.5 and x.numeric.moments.std is None
    assert x.numeric.moments.skewness is None and x.numeric.quantiles[0.5] == 1.5


def test_all_null_and_constant_columns() -> None:
    frame = pd.DataFrame({"empty": [None] * 10, "nan": [np.nan] * 10, "constant": [7] * 10})
    result = profile(frame)
    assert result.column("empty").kind == "empty"
    assert result.column("nan").missing == 10
    constant = result.column("constant")
    assert constant.distinct == 1 and constant.numeric is not None
    assert constant.numeric.moments.skewness is None or constant.numeric.moments.skewness == 0
    assert any(w.code == "constant" and w.column == "constant" for w in result.warnings)
    assert any(w.code == "high_missing" and w.column == "empty" for w in result.warnings)


def test_infinities_are_warned() -> None:
    result = profile(pd.DataFrame({"x": [1.0, np.inf, 2.0, -np.inf, 3.0]}))
    warning = next(w for w in result.warnings if w.code == "infinities")
    assert (warning.column, warning.value, warning.threshold) == ("x", 2, 0)


def test_mixed_types_in_an_object_column_are_warned() -> None:
    frame = pd.DataFrame({"mixed": pd.Series([1, "two", 3.0, None] * 5, dtype=object)})
    result = profile(frame)
    column = result.column("mixed")
    assert column.mixed_types == ("float", "int", "str")
    assert any(w.code == "mixed_types" for w in result.warnings)


def test_non_string_and_unicode_column_names() -> None:
    frame = pd.DataFrame({0: [1.0, 2.0, 3.0], ("a", 1): [1, 2, 3], "température °C": [1, 2, 2]})
    result = profile(frame)
    assert [c.name for c in result.columns] == ["0", "('a', 1)", "température °C"]
    assert json.loads(result.to_json())["columns"][2]["name"] == "température °C"


def test_duplicate_column_names_are_a_typed_error() -> None:
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(InvalidInputError, match="duplicate column names"):
        profile(frame)


def test_timezone_aware_datetimes() -> None:
    stamps = pd.date_range("2024-03-30", periods=48, freq="h", tz="Europe/Paris")
    result = profile(pd.DataFrame({"t": stamps}))
    column = result.column("t")
    assert column.kind == "datetime" and column.datetime is not None
    assert column.datetime.minimum == "2024-03-30T00:00:00+01:00"
    assert column.datetime.range_seconds == 47 * 3600  # elapsed, across the DST change
    assert column.datetime.largest_gap_start == "2024-03-30T00:00:00+01:00"


def test_unknown_target_and_column_are_typed_errors(mixed_frame: pd.DataFrame) -> None:
    with pytest.raises(InvalidInputError) as error:
        profile(mixed_frame, target="nope")
    assert str(error.value) == UNKNOWN_TARGET.format(target="nope")
    result = profile(mixed_frame, correlations=False)
    assert result.correlations is None
    with pytest.raises(UnknownNameError) as unknown:
        result.column("nope")
    assert unknown.value.valid == tuple(mixed_frame.columns)


def test_duplicated_rows_are_counted_and_warned() -> None:
    frame = pd.DataFrame({"a": [1, 1, 2, 1], "b": ["x", "x", "y", "x"]})
    result = profile(frame)
    assert result.overview.duplicate_rows == 2
    assert any(w.code == "duplicate_rows" and w.column is None for w in result.warnings)


def test_identifier_columns_are_flagged() -> None:
    frame = pd.DataFrame({"id": np.arange(100), "key": [f"k{i:04d}" for i in range(100)]})
    result = profile(frame)
    assert {c.name: c.kind for c in result.columns} == {"id": "identifier", "key": "identifier"}
    assert sum(w.code == "identifier" for w in result.warnings) == 2


def test_lazy_frame_and_file_ref(mixed_frame: pd.DataFrame, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "data.parquet"
    pl.from_pandas(mixed_frame).write_parquet(path)
    from_file = profile(str(path), correlations=False)
    from_lazy = profile(pl.scan_parquet(path), correlations=False)
    assert from_file.to_dict()["columns"] == from_lazy.to_dict()["columns"]


def test_uncommon_dtypes_are_profiled_not_crashed() -> None:
    import datetime as dt
    import decimal

    frame = pl.DataFrame(
        {
            "nested": [[1, 2], [3], None] * 20,
            "struct": [{"a": 1}, {"a": 2}, None] * 20,
            "binary": [b"ab", b"c", None] * 20,
            "decimal": pl.Series([decimal.Decimal("1.5"), decimal.Decimal("2.25"), None] * 20),
            "duration": [dt.timedelta(hours=1), dt.timedelta(0), None] * 20,
            "time": [dt.time(1, 2), dt.time(3, 4), None] * 20,
            "date": [dt.date(2024, 1, 1), dt.date(2024, 3, 1), None] * 20,
            "null": [None] * 60,
        }
    )
    result = profile(frame)
    assert all(c.missing == 20 for c in result.columns if c.name != "null")
    assert all(c.distinct == 2 for c in result.columns if c.name != "null")
    assert result.column("nested").categorical is not None
    assert result.column("nested").dtype == "List(Int64)"
    duration = result.column("duration").numeric
    assert duration is not None and duration.mean == 1800.0  # seconds
    date = result.column("date").datetime
    assert date is not None and date.range_seconds == 60 * 86400
    assert date.median_interval_seconds == 60 * 86400  # distinct instants only
