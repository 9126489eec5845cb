"""Tests of mlops_notebooks.data.lockfiles: recorded DVC hashes of local workspace files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mlops_notebooks.data import load_dataset
from mlops_notebooks.data.lockfiles import recorded_hash

from .conftest import DvcRepo


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    """A folder with .dvc/, a stage folder with dvc.lock and one recorded output."""
    (tmp_path / ".dvc").mkdir()
    stage = tmp_path / "examples"
    (stage / "data").mkdir(parents=True)
    content = b"a,b\n1,2\n"
    (stage / "data" / "out.csv").write_bytes(content)
    md5 = hashlib.md5(content).hexdigest()
    (stage / "dvc.lock").write_text(
        "schema: '2.0'\nstages:\n  make:\n    cmd: x\n    outs:\n"
        f"    - path: data/out.csv\n      hash: md5\n      md5: {md5}\n      size: {len(content)}\n"
    )
    return stage / "data" / "out.csv"


def test_hash_from_dvc_lock(pipeline: Path) -> None:
    expected = "md5:" + hashlib.md5(pipeline.read_bytes()).hexdigest()
    assert recorded_hash(pipeline) == expected
    assert load_dataset(str(pipeline)).provenance.content_hash == expected


def test_changed_file_has_no_recorded_hash(pipeline: Path) -> None:
    pipeline.write_bytes(b"a,b\n1,2\n3,4\n")
    assert recorded_hash(pipeline) is None


def test_outside_a_dvc_repo(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    assert recorded_hash(path) is None


@pytest.mark.server
@pytest.mark.xdist_group("data-servers")
def test_hash_from_dot_dvc_file_matches_dvc_api(dvc_repo: DvcRepo) -> None:
    local = load_dataset(str(dvc_repo.path / "data" / "weather.csv")).provenance
    through_dvc = load_dataset(f"dvc://data/weather.csv?rev=v2&repo={dvc_repo.path}").provenance
    assert local.content_hash is not None
    assert local.content_hash == through_dvc.content_hash
