"""Tests of ``mlops-nb catalog`` (src/mlops_notebooks/cli/commands/catalog.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlops_notebooks.cli.main import main

CATALOG = """\
datasets:
  flights_raw:
    layer: raw
    description: 2013 NYC flights
    source: data/flights.parquet
  orders:
    layer: raw
    source: postgresql+psycopg://analyst:${PG_PASSWORD}@127.0.0.1:5432/shop
    query: SELECT 1
  legacy:
    layer: processed
    source: postgresql://old:literalpw@127.0.0.1/db
    query: SELECT 1
"""


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PG_PASSWORD", "secretInEnv42")
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG)
    return path


def test_table_lists_every_entry_masked(catalog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--catalog", str(catalog)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "LAYER", "SOURCE", "DESCRIPTION"]
    assert [line.split()[0] for line in lines[1:]] == ["flights_raw", "orders", "legacy"]
    assert "analyst:***@127.0.0.1" in out and "old:***@127.0.0.1" in out
    assert "secretInEnv42" not in out and "literalpw" not in out
    assert lines[1].endswith("2013 NYC flights")


def test_json_and_layer_filter(catalog: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--catalog", str(catalog), "--layer", "processed", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in document["datasets"]] == ["legacy"]
    assert document["datasets"][0]["source"] == "postgresql://old:***@127.0.0.1/db"


def test_missing_catalog_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "--catalog", str(tmp_path / "none.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mlops-nb: error: data catalog ") and err.count("\n") == 1
