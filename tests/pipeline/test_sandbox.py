"""The sandbox: a git+DVC copy of the example pipeline with three revisions, and its lifetime."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.pipeline import NotADvcProjectError, inject_fault, make_sandbox, open_pipeline
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


# Lifetime: a folder make_sandbox created itself goes with its Sandbox; a named one stays.


def test_with_block_removes_the_folder(sandbox_template):
    with make_sandbox() as made:
        folder = made.path
        assert made.owned and (folder / "dvc.yaml").is_file()
        assert open_pipeline(made).names == ("extract", "prepare", "train", "predict")
    assert not folder.exists() and made.removed
    made.cleanup()  # a second time: nothing to do
    assert not folder.exists()


def test_collected_sandbox_removes_its_folder(sandbox_template):
    made = make_sandbox()
    folder = made.path
    assert (made / "params.yaml").is_file() and os.fspath(made) == str(folder)
    del made
    gc.collect()
    assert not folder.exists()


def test_pipeline_keeps_its_sandbox_alive(sandbox_template):
    pipeline = open_pipeline(make_sandbox())
    folder = pipeline.folder
    gc.collect()
    assert (folder / "dvc.yaml").is_file()
    reloaded = pipeline.reload()
    broken = inject_fault(make_sandbox(), "raise")
    broken_folder = broken.folder
    del pipeline
    gc.collect()
    assert reloaded.status().stale == [] and broken.status().stale == ["train", "predict"]
    del reloaded, broken
    gc.collect()
    assert not folder.exists() and not broken_folder.exists()


def test_folder_the_caller_named_is_never_removed(tmp_path, sandbox_template):
    made = make_sandbox(tmp_path / "mine")
    assert made.path == tmp_path / "mine" and not made.owned
    with made:
        pass
    made.cleanup()
    del made
    gc.collect()
    assert (tmp_path / "mine" / "dvc.yaml").is_file()


def test_interpreter_exit_removes_the_folder_and_a_forked_child_does_not(sandbox_template):
    script = (
        "import gc, os\n"
        "from mlops_notebooks.pipeline import make_sandbox\n"
        "kept = make_sandbox()\n"
        "print(kept.path, flush=True)\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    del kept\n"  # the child's copy is collected: the parent's folder must stay
        "    gc.collect()\n"
        "    os._exit(0)\n"
        "os.waitpid(child, 0)\n"
        "assert (kept.path / 'dvc.lock').is_file()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip())
    assert folder.name.startswith("mlops-sandbox-") and not folder.exists()


def test_failed_sandbox_leaves_no_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "not-a-project").mkdir()
    with pytest.raises(InvalidInputError, match="fault must be one of"):
        make_sandbox(fault="explode")  # type: ignore[arg-type]
    with pytest.raises(NotADvcProjectError):
        make_sandbox(source=tmp_path / "not-a-project", cache_dir=tmp_path / "cache")
    assert list((tmp_path / "tmp").iterdir()) == []


def test_templates_of_old_project_states_are_pruned_by_age(tmp_path):
    import time

    from mlops_notebooks.pipeline.sandbox import MARKER, _prune_templates

    for name, age_days in (("current", 30), ("stale", 8), ("recent", 1)):
        (tmp_path / name).mkdir()
        marker = tmp_path / name / MARKER
        marker.write_text("")
        then = time.time() - age_days * 24 * 3600
        os.utime(marker, (then, then))
    (tmp_path / "current.building-x").mkdir()  # a build in progress has no marker: kept
    removed = _prune_templates(tmp_path, keep="current")
    assert [p.name for p in removed] == ["stale"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "current",
        "current.building-x",
        "recent",
    ]
