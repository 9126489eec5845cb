"""Tests of mlops_notebooks.data.load: refs, catalog names, backends, provenance, rev=."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mlops_notebooks.data import Dataset, list_catalog, load, load_dataset
from mlops_notebooks.data.load import BAD_BACKEND, BAD_REF, REV_NOT_DVC, is_catalog_name
from mlops_notebooks.data.sources import MISSING_PACKAGE
from mlops_notebooks.errors import CatalogError, DependencyMissingError, InvalidInputError


@pytest.fixture
def project(weather: pl.DataFrame, tmp_path: Path) -> Path:
    """A catalog with a raw Parquet file and a processed CSV, paths relative to the catalog."""
    (tmp_path / "data").mkdir()
    weather.write_parquet(tmp_path / "data" / "weather.parquet")
    weather.head(100).write_csv(tmp_path / "data" / "weather_head.csv")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "datasets:\n"
        "  weather_raw:\n    layer: raw\n    description: NYC weather\n"
        "    source: data/weather.parquet\n"
        "  weather_head:\n    layer: processed\n    source: data/weather_head.csv\n"
    )
    return catalog


@pytest.mark.parametrize("ref", ["weather_raw", "catalog:weather_raw"])
def test_catalog_names_resolve_relative_to_the_catalog(
    project: Path, weather: pl.DataFrame, ref: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.parent.parent)  # the working directory must not matter
    frame = load(ref, catalog=project, backend="polars")
    assert_frame_equal(frame, weather)


def test_environment_variable_selects_the_catalog(
    project: Path, weather: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLOPS_NB_CATALOG", str(project))
    assert load("weather_head").shape == (100, weather.width)


def test_pandas_result_carries_provenance(project: Path, weather: pl.DataFrame) -> None:
    frame = load("weather_raw", catalog=project, columns=["origin", "temp"], limit=10)
    assert isinstance(frame, pd.DataFrame)
    record = frame.attrs["provenance"]
    assert record["catalog_name"] == "weather_raw"
    assert record["layer"] == "raw"
    assert record["rows"] == 10 and record["columns"] == 2
    assert record["source"] == str(project.parent / "data" / "weather.parquet")
    assert frame["temp"].tolist() == weather["temp"].head(10).to_list()


def test_dataset_provenance_fields(project: Path, weather: pl.DataFrame) -> None:
    dataset = load_dataset("weather_raw", catalog=project, sample=50, seed=42, backend="polars")
    assert isinstance(dataset, Dataset)
    provenance = dataset.provenance
    assert (provenance.rows, provenance.columns) == (50, weather.width)
    assert provenance.column_names == tuple(weather.columns)
    assert provenance.format == "parquet"
    assert provenance.sample == f"random 50 of {weather.height:,} rows, seed 42"
    assert provenance.loaded_at.utcoffset() == timedelta(0)  # UTC
    assert provenance.duration_seconds > 0
    record = json.loads(dataset.to_json())
    assert record["ref"] == "weather_raw" and record["rows"] == 50


def test_list_catalog_masks_literal_passwords_in_entries(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("datasets:\n  db: {source: 'postgresql://u:literal99@h/db', query: SELECT 1}\n")
    assert list_catalog(path).entries["db"].source == "postgresql://u:***@h/db"


def test_list_catalog(project: Path) -> None:
    catalog = list_catalog(project)
    assert list(catalog.to_frame()["name"]) == ["weather_raw", "weather_head"]
    assert list(catalog.to_frame()["layer"]) == ["raw", "processed"]


def test_unknown_catalog_name_suggests(project: Path) -> None:
    with pytest.raises(CatalogError, match="did you mean 'weather_raw'"):
        load("weather_rav", catalog=project)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("flights_raw", True),
        ("catalog:x/y", True),
        ("data/x.parquet", False),
        ("flights.parquet", False),
        ("s3://b/k", False),
        ("flights.csv.gz", False),
    ],
)
def test_is_catalog_name(ref: str, expected: bool) -> None:
    assert is_catalog_name(ref) is expected


def test_bad_backend_and_ref(project: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        load("weather_raw", catalog=project, backend="spark")  # type: ignore[arg-type]
    assert str(info.value) == BAD_BACKEND.format(valid=["pandas", "polars"], value="spark")
    with pytest.raises(InvalidInputError) as info:
        load("  ")
    assert str(info.value) == BAD_REF.format(value="  ")


def test_unknown_scheme(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"^unknown scheme 'nosuch' in 'nosuch://x/y.csv'"):
        load("nosuch://x/y.csv")


def test_scheme_whose_package_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import fsspec

    def missing(url: str, **options: object) -> None:
        raise ImportError("Please install gcsfs to access Google Storage")

    monkeypatch.setattr(fsspec.core, "url_to_fs", missing)
    with pytest.raises(DependencyMissingError) as info:
        load("gs://bucket/x.parquet")
    assert str(info.value) == MISSING_PACKAGE.format(
        scheme="gs", reason="Please install gcsfs to access Google Storage"
    )


def test_memory_filesystem_url(weather: pl.DataFrame) -> None:
    import fsspec

    filesystem = fsspec.filesystem("memory")
    with filesystem.open("/mlops-nb-test/weather.csv", "wb") as handle:
        handle.write(weather.write_csv().encode())
    try:
        frame = load("memory://mlops-nb-test/weather.csv", backend="polars", limit=5)
        assert frame["temp"].to_list() == weather["temp"].head(5).to_list()
    finally:
        filesystem.rm("/mlops-nb-test", recursive=True)


def test_rev_needs_a_dvc_tracked_path(project: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        load("weather_raw", catalog=project, rev="HEAD~1")
    path = (project.parent / "data" / "weather.parquet").resolve()
    assert str(info.value) == REV_NOT_DVC.format(source=path)


def test_load_logs_masked_summary(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="mlops_notebooks.data"):
        load("weather_head", catalog=project)
    assert any("loaded weather_head from" in r.getMessage() for r in caplog.records)


def test_dataset_html_shows_provenance_and_escaped_head(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text('"<b>name</b>",value\n"<script>x</script>",1\n')
    html = load_dataset(str(path))._repr_html_()
    assert "&lt;b&gt;name&lt;/b&gt;" in html and "&lt;script&gt;" in html
    assert "<script>" not in html
    assert "1 row × 2 columns" in html
