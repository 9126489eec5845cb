"""The sandbox: a git+DVC copy of the example pipeline with three committed revisions."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.pipeline import inject_fault, make_sandbox
from tests.pipeline.conftest import dvc_json


def _git(folder, *args):
    return subprocess.run(
        ["git", *args], cwd=folder, capture_output=True, text=True, check=True
    ).stdout


def test_three_revisions_clean_and_up_to_date(shared):
    folder = shared.folder
    assert _git(folder, "tag").split() == ["v1", "v2", "v3"]
    assert _git(folder, "status", "--porcelain") == ""
    assert dvc_json(folder, "status") == {}
    v2 = yaml.safe_load(_git(folder, "show", "v2:params.yaml"))
    v1 = yaml.safe_load(_git(folder, "show", "v1:params.yaml"))
    assert (v1["train"]["max_iter"], v2["train"]["max_iter"]) == (200, 50)
    features = _git(folder, "show", "v3:src/features.py")
    assert '"precip"' not in features and '"precip"' in _git(folder, "show", "v2:src/features.py")


def test_outputs_are_ignored_by_git_and_tracked_by_dvc(shared):
    tracked = _git(shared.folder, "ls-files").split()
    assert "data/processed/flights.parquet" not in tracked
    assert "dvc.lock" in tracked
    assert (shared.folder / "data" / "processed" / "flights.parquet").is_file()


def test_folder_must_be_new_or_empty(tmp_path, sandbox_template):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidInputError, match="not empty"):
        make_sandbox(tmp_path)


def test_faults_only_in_sandboxes(tmp_path):
    (tmp_path / "params.yaml").write_text("a: 1\n")
    with pytest.raises(InvalidInputError, match="not a sandbox"):
        inject_fault(tmp_path, "raise")
    assert (tmp_path / "params.yaml").read_text() == "a: 1\n"


def test_unknown_fault(sandbox):
    with pytest.raises(InvalidInputError, match="fault must be one of"):
        inject_fault(sandbox, "explode")  # type: ignore[arg-type]
