"""Tests of mlops_notebooks.data.sources: S3 through s3fs against moto, HTTP, listing errors."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mlops_notebooks.data import load, load_dataset
from mlops_notebooks.errors import DataSourceError

from .conftest import S3Server, free_port

# One xdist worker owns the servers, so each starts once per run.
pytestmark = [pytest.mark.server, pytest.mark.xdist_group("data-servers")]


@pytest.fixture
def s3_catalog(s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Catalog entries on the moto bucket; the endpoint comes from ${S3_ENDPOINT}."""
    monkeypatch.setenv("S3_ENDPOINT", s3_server.endpoint)
    options = '{client_kwargs: {endpoint_url: "${S3_ENDPOINT}"}}'
    names = {
        "parquet": "weather.parquet",
        "csv_gz": "weather.csv.gz",
        "glob": "parts/*.parquet",
        "folder": "parts",
        "broken": "broken.parquet",
        "missing": "missing.parquet",
    }
    lines = ["datasets:"]
    for name, key in names.items():
        lines += [f"  {name}:", f"    source: s3://{s3_server.bucket}/{key}"]
        lines += [f"    storage_options: {options}"]
    path = tmp_path / "catalog.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("name", ["parquet", "csv_gz"])
def test_s3_objects_load_with_columns_and_sample(
    s3_catalog: Path, weather: pl.DataFrame, name: str
) -> None:
    frame = load(name, catalog=s3_catalog, columns=["origin", "temp"], sample=200, seed=5,
                 backend="polars")  # fmt: skip
    from mlops_notebooks.data.sampling import sample_indices

    expected = weather.select("origin", "temp")[sample_indices(weather.height, 200, 5)]
    assert_frame_equal(frame, expected, check_dtypes=False)


@pytest.mark.parametrize("name", ["glob", "folder"])
def test_s3_glob_and_prefix_read_all_parts(
    s3_catalog: Path, weather: pl.DataFrame, name: str
) -> None:
    dataset = load_dataset(name, catalog=s3_catalog, backend="polars")
    assert dataset.frame.height == weather.height
    assert dataset.frame["temp"].sum() == pytest.approx(weather["temp"].sum(), rel=1e-12)
    assert dataset.provenance.source.endswith("(3 files)")
    assert dataset.provenance.source.startswith("s3://mlops-nb-test/parts")


def test_s3_missing_and_corrupt_objects(s3_catalog: Path) -> None:
    with pytest.raises(DataSourceError, match=r"^file not found: s3://mlops-nb-test/missing"):
        load("missing", catalog=s3_catalog)
    with pytest.raises(DataSourceError) as info:
        load("broken", catalog=s3_catalog)
    assert str(info.value).startswith("cannot read s3://mlops-nb-test/broken.parquet as parquet")
    assert "\n" not in str(info.value)


def test_s3_unreachable_endpoint(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "datasets:\n  gone:\n    source: s3://bucket/x.parquet\n"
        f"    storage_options: {{client_kwargs: {{endpoint_url: 'http://127.0.0.1:{free_port()}'}},"
        " config_kwargs: {retries: {max_attempts: 1}}, retries: 1}\n"
    )
    with pytest.raises(DataSourceError, match=r"^cannot (list|read) s3://bucket/x.parquet"):
        load("gone", catalog=catalog)


@pytest.fixture
def http_folder(weather: pl.DataFrame, tmp_path: Path) -> Iterator[str]:
    """A static HTTP server on 127.0.0.1 serving weather.parquet."""
    weather.write_parquet(tmp_path / "weather.parquet")
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def test_http_url(http_folder: str, weather: pl.DataFrame) -> None:
    frame = load(f"{http_folder}/weather.parquet", columns=["temp"], backend="polars")
    assert frame["temp"].to_list() == weather["temp"].to_list()
