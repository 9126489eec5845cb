"""Tests of mlops_notebooks.data.provenance: records, JSON, tables and escaped HTML."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pandas as pd
import polars as pl
import pytest

from mlops_notebooks.data import Dataset, Provenance, provenance_table


@pytest.fixture
def provenance() -> Provenance:
    return Provenance(
        ref="catalog:<odd>",
        source="dvc://data/x.parquet @ /repo",
        format="parquet",
        layer="processed",
        catalog_name="<odd>",
        dvc_rev="v1 (0123456789ab)",
        content_hash="md5:abc",
        query=None,
        rows=2,
        columns=2,
        column_names=("a", "b&c"),
        sample=None,
        loaded_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        duration_seconds=0.25,
    )


def test_to_dict_and_json(provenance: Provenance) -> None:
    record = json.loads(provenance.to_json())
    assert record["loaded_at"] == "2026-01-02T03:04:05+00:00"
    assert record["column_names"] == ["a", "b&c"]
    assert record["dvc_rev"] == "v1 (0123456789ab)"
    frame = provenance.to_frame()
    assert dict(zip(frame["field"], frame["value"], strict=True))["rows"] == 2


def test_summary_leaves_out_empty_fields(provenance: Provenance) -> None:
    keys = [k for k, _ in provenance.summary()]
    assert "query" not in keys and "rows selected" not in keys
    assert dict(provenance.summary())["shape"] == "2 rows × 2 columns"


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_dataset_html_escapes_everything(provenance: Provenance, kind: str) -> None:
    data = {"a": ["<i>x</i>", None], "b&c": [1, 2]}
    frame = pd.DataFrame(data) if kind == "pandas" else pl.DataFrame(data)
    html = Dataset(frame=frame, provenance=provenance)._repr_html_()
    assert "&lt;odd&gt;" in html and "<odd>" not in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html and "b&amp;c" in html
    assert "v1 (0123456789ab)" in html and "md5:abc" in html
    assert "2026-01-02 03:04:05 UTC" in html


def test_dataset_round_trips_frame(provenance: Provenance) -> None:
    frame = pl.DataFrame({"a": [1, 2], "b&c": [3, 4]})
    dataset = Dataset(frame=frame, provenance=provenance)
    assert dataset.to_frame() is frame
    assert dataset.to_dict() == provenance.to_dict()


def test_provenance_table_has_one_row_per_dataset(provenance: Provenance) -> None:
    first = Dataset(frame=pl.DataFrame({"a": [1]}), provenance=provenance)
    second = Dataset(
        frame=pl.DataFrame({"a": [1]}),
        provenance=dataclasses.replace(provenance, ref="other", dvc_rev=None),
    )
    table = provenance_table(first, second)
    assert list(table["ref"]) == ["catalog:<odd>", "other"]
    assert table["content_hash"].tolist() == ["md5:abc", "md5:abc"]
    assert table.columns.tolist()[:3] == ["ref", "layer", "source"]
