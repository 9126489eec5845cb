"""Tests of mlops_notebooks.data.catalog: finding, parsing, looking up and listing entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_notebooks.data.catalog import (
    CATALOG_ENV,
    CATALOG_MISSING,
    NO_CATALOG,
    UNKNOWN_NAME,
    find_catalog,
    read_catalog,
)
from mlops_notebooks.data.secrets import SecretValues
from mlops_notebooks.errors import CatalogError, SecretError, UnknownNameError

CATALOG = """\
datasets:
  flights_raw:
    layer: raw
    description: 2013 NYC flights <raw>
    source: data/flights.parquet
  orders:
    layer: raw
    source: postgresql+psycopg://analyst:${PG_PASSWORD}@127.0.0.1:5432/shop
    query: SELECT * FROM orders WHERE day >= :since
    params: {since: "2024-01-01"}
  legacy:
    layer: processed
    source: postgresql://old:literalpw@127.0.0.1/db
    query: SELECT 1
"""


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG)
    return path


def test_entries_keep_file_order_and_fields(catalog_file: Path) -> None:
    catalog = read_catalog(catalog_file)
    assert list(catalog.entries) == ["flights_raw", "orders", "legacy"]
    orders = catalog.get("catalog:orders")
    assert orders.layer == "raw"
    assert orders.params == {"since": "2024-01-01"}
    assert orders.base_dir == catalog_file.parent


def test_listing_masks_secrets_and_never_fills_references(
    catalog_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PG_PASSWORD", "neverShown99")
    frame = read_catalog(catalog_file).to_frame()
    sources = dict(zip(frame["name"], frame["source"], strict=True))
    assert sources["orders"].endswith("analyst:***@127.0.0.1:5432/shop")
    assert sources["legacy"] == "postgresql://old:***@127.0.0.1/db"
    html = read_catalog(catalog_file)._repr_html_()
    assert "neverShown99" not in html and "literalpw" not in html
    assert "&lt;raw&gt;" in html  # names and values are escaped


def test_resolve_fills_from_dotenv_next_to_catalog(
    catalog_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PG_PASSWORD", raising=False)
    (catalog_file.parent / ".env").write_text("PG_PASSWORD=fromDotenv42\n")
    secrets = SecretValues()
    filled = read_catalog(catalog_file).get("orders").resolve(secrets)
    assert ":fromDotenv42@" in filled.source
    assert "fromDotenv42" in secrets.values


def test_resolve_without_variable_raises_secret_error(
    catalog_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PG_PASSWORD", raising=False)
    with pytest.raises(SecretError, match="PG_PASSWORD is not set"):
        read_catalog(catalog_file).get("orders").resolve(SecretValues())


def test_unknown_name_suggests_close_matches(catalog_file: Path) -> None:
    with pytest.raises(CatalogError) as info:
        read_catalog(catalog_file).get("flight_raw")
    hint = "; did you mean 'flights_raw'?"
    assert str(info.value) == UNKNOWN_NAME.format(name="flight_raw", path=catalog_file, hint=hint)
    assert isinstance(info.value, UnknownNameError)  # the one lookup error of the package
    assert info.value.name == "flight_raw" and "flights_raw" in info.value.valid


def test_catalog_location_order(
    catalog_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("datasets: {x: {source: x.csv}}\n")
    monkeypatch.setenv(CATALOG_ENV, str(other))
    assert find_catalog() == other.resolve()
    assert find_catalog(catalog_file) == catalog_file.resolve()
    monkeypatch.delenv(CATALOG_ENV)
    monkeypatch.setenv("MLOPS_NB_PROJECT_ROOT", str(tmp_path))
    assert find_catalog() == catalog_file


def test_no_catalog_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CATALOG_ENV, raising=False)
    monkeypatch.setenv("MLOPS_NB_PROJECT_ROOT", str(tmp_path))
    with pytest.raises(CatalogError) as info:
        find_catalog()
    assert str(info.value) == NO_CATALOG.format(env=CATALOG_ENV)
    missing = tmp_path / "nope.yaml"
    with pytest.raises(CatalogError) as info:
        find_catalog(missing)
    assert str(info.value) == CATALOG_MISSING.format(path=missing, env=CATALOG_ENV)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n- b\n", "must be a mapping with a 'datasets' mapping"),
        ("datasets:\n  x: {source: a.csv, sorce: b}\n", "has unknown keys ['sorce']"),
        ("datasets:\n  x: {layer: raw}\n", "must be a mapping with a 'source' string"),
        ("datasets:\n  x: {source: a.csv, options: [1]}\n", "(options: mapping)"),
        ("datasets: [\n", "is not valid YAML"),
    ],
)
def test_malformed_catalogs(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError) as info:
        read_catalog(path)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_yaml_is_parsed_safely(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("datasets: !!python/object/apply:os.system ['echo unsafe']\n")
    with pytest.raises(CatalogError, match="is not valid YAML"):
        read_catalog(path)
