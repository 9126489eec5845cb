"""Tests of mlops_notebooks.data.dvc on a real git + DVC repo whose local cache was emptied."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mlops_notebooks.data import load, load_dataset
from mlops_notebooks.data.dvc import BAD_DVC_URL, NOT_TRACKED, UNKNOWN_REV, parse_dvc_url
from mlops_notebooks.errors import DataSourceError, InvalidInputError

from .conftest import DvcRepo

# One xdist worker owns the servers, so each starts once per run.
pytestmark = [pytest.mark.server, pytest.mark.xdist_group("data-servers")]


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    """Without time_hour, whose CSV text form differs from the typed original."""
    return frame.drop("time_hour")


@pytest.fixture
def repo(dvc_repo: DvcRepo) -> DvcRepo:
    """The shared repo with its local cache removed again, so every read uses the remote."""
    shutil.rmtree(dvc_repo.path / ".dvc" / "cache", ignore_errors=True)
    return dvc_repo


@pytest.mark.parametrize("tag", ["v1", "v2"])
def test_each_revision_loads_its_own_version_from_the_remote(repo: DvcRepo, tag: str) -> None:
    url = f"dvc://data/weather.csv?rev={tag}&repo={repo.path}"
    dataset = load_dataset(url, backend="polars")
    expected = repo.v1 if tag == "v1" else repo.v2
    assert_frame_equal(_typed(dataset.frame), _typed(expected), check_dtypes=False)
    assert dataset.frame["origin"].unique().to_list() == [expected["origin"][0]]
    assert dataset.provenance.dvc_rev is not None and dataset.provenance.dvc_rev.startswith(tag)
    assert dataset.provenance.content_hash is not None
    assert dataset.provenance.content_hash.startswith("md5:")


def test_versions_have_different_content_hashes(repo: DvcRepo) -> None:
    hashes = {
        load_dataset(f"dvc://data/weather.csv?rev={tag}&repo={repo.path}").provenance.content_hash
        for tag in ("v1", "v2")
    }
    assert len(hashes) == 2


def test_remote_is_really_used(repo: DvcRepo, tmp_path: Path) -> None:
    moved = tmp_path / "remote-away"
    shutil.move(repo.remote, moved)
    try:
        with pytest.raises(DataSourceError, match=r"cannot fetch data/weather\.csv at v1"):
            load(f"dvc://data/weather.csv?rev=v1&repo={repo.path}")
    finally:
        shutil.move(moved, repo.remote)
    assert load(f"dvc://data/weather.csv?rev=v1&repo={repo.path}").shape == repo.v1.shape


def test_workspace_version_without_rev(repo: DvcRepo) -> None:
    dataset = load_dataset(f"dvc://data/weather.csv?repo={repo.path}", backend="polars")
    assert dataset.provenance.dvc_rev == "workspace"
    assert dataset.frame["origin"][0] == repo.v2["origin"][0]


def test_rev_argument_reads_a_tracked_local_file_at_that_revision(repo: DvcRepo) -> None:
    local = repo.path / "data" / "weather.csv"
    dataset = load_dataset(str(local), rev="v1", backend="polars", columns=["origin", "temp"])
    assert dataset.frame["origin"].unique().to_list() == ["JFK"]
    assert dataset.frame["temp"].to_list() == repo.v1["temp"].to_list()
    assert dataset.provenance.dvc_rev is not None and dataset.provenance.dvc_rev.startswith("v1")
    newer = load(f"dvc://data/weather.csv?rev=v1&repo={repo.path}", rev="v2", backend="polars")
    assert newer["origin"][0] == "LGA"  # rev= overrides the ref's own rev


def test_catalog_dvc_entry_defaults_repo_to_catalog_folder(repo: DvcRepo) -> None:
    catalog = repo.path / "catalog.yaml"
    catalog.write_text("datasets:\n  weather_v1:\n    source: dvc://data/weather.csv?rev=v1\n")
    try:
        assert load("weather_v1", catalog=catalog, backend="polars")["origin"][0] == "JFK"
    finally:
        catalog.unlink()


def test_tracked_folder_of_parquet_files_with_column_projection(
    repo: DvcRepo, weather: pl.DataFrame
) -> None:
    dataset = load_dataset(
        f"dvc://data/parts?rev=v1&repo={repo.path}", columns=["month", "temp"], backend="polars"
    )
    assert_frame_equal(dataset.frame, weather.head(3000).select("month", "temp"))
    assert dataset.provenance.content_hash is not None
    assert dataset.provenance.content_hash.endswith(".dir")


def test_unknown_revision(repo: DvcRepo) -> None:
    with pytest.raises(DataSourceError) as info:
        load(f"dvc://data/weather.csv?rev=no-such-tag&repo={repo.path}")
    assert str(info.value) == UNKNOWN_REV.format(rev="no-such-tag", repo=repo.path)


def test_untracked_path(repo: DvcRepo) -> None:
    with pytest.raises(DataSourceError) as info:
        load(f"dvc://data/other.csv?rev=v1&repo={repo.path}")
    assert str(info.value) == NOT_TRACKED.format(path="data/other.csv", repo=repo.path, rev="v1")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match=r"is not a DVC repository"):
        load(f"dvc://data/x.csv?repo={tmp_path}")


@pytest.mark.parametrize("url", ["dvc://", "dvc://x.csv?branch=main"])
def test_malformed_dvc_url(url: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_dvc_url(url)
    assert str(info.value) == BAD_DVC_URL.format(url=url)


def test_a_file_in_the_local_cache_is_read_from_there(repo: DvcRepo) -> None:
    import subprocess
    import sys

    from dvc.api import DVCFileSystem

    from mlops_notebooks.data.dvc import _cached_object

    url = f"dvc://data/weather.csv?rev=v2&repo={repo.path}"
    filesystem = DVCFileSystem(str(repo.path), rev="v2")
    info = filesystem.info("data/weather.csv")
    assert _cached_object(filesystem, info) is None  # the fixture emptied the cache
    subprocess.run(
        [sys.executable, "-m", "dvc", "fetch", "-q", "data/weather.csv.dvc"],  # v2, checked out
        cwd=repo.path,
        check=True,
    )
    cached = _cached_object(filesystem, info)
    assert cached is not None and Path(cached).is_file()
    assert Path(cached).is_relative_to(repo.path / ".dvc" / "cache")
    dataset = load_dataset(url, backend="polars")
    assert_frame_equal(_typed(dataset.frame), _typed(repo.v2), check_dtypes=False)
    assert dataset.provenance.content_hash == f"md5:{info['dvc_info']['md5']}"


def test_a_limited_read_leaves_no_file_open(repo: DvcRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import subprocess
    import sys
    import warnings

    subprocess.run(
        [sys.executable, "-m", "dvc", "fetch", "-q", "data/parts.dvc"], cwd=repo.path, check=True
    )
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(repr(u.exc_value)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        frame = load(f"dvc://data/parts/part-0.parquet?rev=v2&repo={repo.path}", limit=5)
        gc.collect()
    assert len(frame) == 5
    unclosed = [str(w.message) for w in caught if w.category is ResourceWarning]
    assert not unclosed + [u for u in unraisable if "ResourceWarning" in u]
