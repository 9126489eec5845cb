"""Tests of mlops_notebooks.data.formats through load(): every local format and compression."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import zstandard
from polars.testing import assert_frame_equal

from mlops_notebooks.data import load, register_format
from mlops_notebooks.data.formats import READERS, UNKNOWN_FORMAT, FileSet, detect_format, read_csv
from mlops_notebooks.errors import DataSourceError, InvalidInputError

Writer = Callable[[pl.DataFrame, Path], object]


def _csv(frame: pl.DataFrame, path: Path) -> None:
    frame.write_csv(path)


WRITERS: dict[str, Writer] = {
    "w.parquet": lambda f, p: f.write_parquet(p),
    "w.csv": _csv,
    "w.tsv": lambda f, p: f.write_csv(p, separator="\t"),
    "w.jsonl": lambda f, p: f.write_ndjson(p),
    "w.json": lambda f, p: f.write_json(p),
    "w.feather": lambda f, p: f.write_ipc(p),
    "w.arrow": lambda f, p: f.write_ipc(p),
    "w.csv.gz": lambda f, p: p.write_bytes(gzip.compress(f.write_csv().encode())),
    "w.jsonl.zst": lambda f, p: p.write_bytes(zstandard.compress(f.write_ndjson().encode())),
    "w.parquet.gz": lambda f, p: p.write_bytes(gzip.compress(_parquet_bytes(f))),
}


def _parquet_bytes(frame: pl.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def small(weather: pl.DataFrame) -> pl.DataFrame:
    """Typed columns that survive every text format: ints, floats with nulls, strings."""
    return weather.select("origin", "year", "month", "hour", "temp", "wind_gust").head(3000)


@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_every_format_round_trips(
    small: pl.DataFrame, tmp_path: Path, name: str, backend: str
) -> None:
    path = tmp_path / name
    WRITERS[name](small, path)
    loaded = load(str(path), backend=backend)  # type: ignore[arg-type]
    frame = loaded if backend == "polars" else pl.from_pandas(loaded)
    assert_frame_equal(frame, small, check_dtypes=False)
    assert frame["temp"].sum() == pytest.approx(small["temp"].sum(), rel=1e-12)


def test_folder_and_glob_read_every_part_in_name_order(
    weather: pl.DataFrame, tmp_path: Path
) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    parts = weather.partition_by("origin", maintain_order=True)
    for index, part in enumerate(parts):
        part.write_parquet(folder / f"part-{index}.parquet")
    (folder / "_SUCCESS").write_text("")
    (folder / ".hidden.parquet").write_text("not data")
    expected = pl.concat(parts)
    assert_frame_equal(load(str(folder), backend="polars"), expected)
    assert_frame_equal(load(str(folder / "part-*.parquet"), backend="polars"), expected)


@pytest.mark.parametrize("suffix", ["", "/*/*.parquet"])
def test_hive_partitioned_folder_adds_the_partition_column(
    weather: pl.DataFrame, tmp_path: Path, suffix: str
) -> None:
    for (origin,), part in weather.partition_by("origin", as_dict=True).items():
        folder = tmp_path / "hive" / f"origin={origin}"
        folder.mkdir(parents=True)
        part.drop("origin").write_parquet(folder / "part.parquet")
    frame = load(str(tmp_path / "hive") + suffix, backend="polars")
    assert frame["origin"].value_counts().sort("origin").rows() == (
        weather["origin"].value_counts().sort("origin").rows()
    )
    assert frame["temp"].sum() == pytest.approx(weather["temp"].sum(), rel=1e-12)


def test_columns_and_limit_are_applied(small: pl.DataFrame, tmp_path: Path) -> None:
    small.write_parquet(tmp_path / "w.parquet")
    frame = load(str(tmp_path / "w.parquet"), columns=["temp", "origin"], limit=7, backend="polars")
    assert_frame_equal(frame, small.select("temp", "origin").head(7))


def test_reader_options_reach_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("a;b\n1;x\n2;NA\n")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "datasets:\n  semi:\n    source: semi.csv\n    options: {separator: ';', null_values: NA}\n"
    )
    frame = load("semi", catalog=catalog, backend="polars")
    assert frame.to_dict(as_series=False) == {"a": [1, 2], "b": ["x", None]}


def test_format_override_for_unusual_extension(small: pl.DataFrame, tmp_path: Path) -> None:
    small.write_parquet(tmp_path / "data.bin")
    (tmp_path / "catalog.yaml").write_text(
        "datasets:\n  blob: {source: data.bin, format: parquet}\n"
    )
    frame = load("blob", catalog=tmp_path / "catalog.yaml", backend="polars")
    assert_frame_equal(frame, small)


def test_unknown_extension_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "data.xyz"
    path.write_text("x")
    with pytest.raises(InvalidInputError) as info:
        load(str(path))
    assert str(info.value).startswith(UNKNOWN_FORMAT.split("{")[0])
    assert "'format:'" in str(info.value)


@pytest.mark.parametrize("name", ["broken.parquet", "broken.feather", "broken.csv.gz"])
def test_corrupt_file_is_a_one_line_data_source_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"PAR1\x00\x01 garbage, not a real file \xff\xfe" * 3)
    with pytest.raises(DataSourceError) as info:
        load(str(path))
    message = str(info.value)
    assert message.startswith(f"cannot read {path} as ")
    assert "\n" not in message


def test_missing_file_and_empty_glob(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match=r"file not found: .*nope\.parquet"):
        load(str(tmp_path / "nope.parquet"))
    with pytest.raises(DataSourceError, match="no files match"):
        load(str(tmp_path / "*.parquet"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataSourceError, match="holds no readable data files"):
        load(str(tmp_path / "empty"))


def test_detect_format_ignores_compression_suffix() -> None:
    assert detect_format("a/b/flights.CSV.GZ") == "csv"
    assert detect_format("x.ndjson.zst") == "jsonl"
    assert detect_format("x.pq") == "parquet"


def test_registered_format_is_used(tmp_path: Path) -> None:
    try:

        @register_format("psv", ".psv")
        def read_psv(files: FileSet, options: Mapping[str, Any]) -> pl.LazyFrame:
            return read_csv(files, {"separator": "|", **options})

        path = tmp_path / "pipes.psv"
        path.write_text("a|b\n1|2\n")
        assert load(str(path), backend="polars").to_dict(as_series=False) == {"a": [1], "b": [2]}
    finally:
        READERS.pop("psv", None)
        from mlops_notebooks.data.formats import EXTENSIONS

        EXTENSIONS.pop(".psv", None)
