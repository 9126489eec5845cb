"""Execute notebooks/pipeline_debug_notebook.ipynb on a sandbox, as `mlops-nb run` does."""

from __future__ import annotations

import json
import os
import re
from html import unescape
from pathlib import Path

import pytest

from mlops_notebooks.pipeline.sandbox import CACHE_VARIABLE, sandbox_cache
from mlops_notebooks.runner import run_notebook
from tests.notebooks.figures import assert_figures_embedded, count_plot_cells

ROOT = Path(__file__).parents[2]
NOTEBOOK = ROOT / "notebooks" / "pipeline_debug_notebook.ipynb"

pytestmark = [pytest.mark.notebook, pytest.mark.slow]


@pytest.fixture(scope="module")
def kernel_tmp(tmp_path_factory):
    """The kernel's temporary folder, where the notebook's sandboxes go."""
    return tmp_path_factory.mktemp("kernel-tmp")


@pytest.fixture(scope="module")
def executed(tmp_path_factory, kernel_tmp):
    if not (ROOT / "examples" / "dvc.lock").is_file():
        pytest.fail("example pipeline missing: run `make pipeline`")
    os.environ.setdefault("MPLBACKEND", "Agg")
    with pytest.MonkeyPatch.context() as env:
        # the built sandbox template stays where it is, so the kernel does not rebuild it
        env.setenv(CACHE_VARIABLE, os.environ.get(CACHE_VARIABLE) or str(sandbox_cache()))
        env.setenv("TMPDIR", str(kernel_tmp))
        return run_notebook(NOTEBOOK, output_dir=tmp_path_factory.mktemp("report"))


@pytest.mark.xdist_group("notebooks")
def test_notebook_walks_through_status_diffs_and_both_failures(executed):
    text = unescape(re.sub(r"<[^>]+>", " ", executed.html_report.read_text()))
    assert "Traceback" not in text
    assert "parameter train.max_iter: 200 → 50 (train)" in text  # metric change explained
    assert "stage 'train' failed: InvalidParameterError" in text  # the stage that raises
    assert "(column 'distance'); data/processed/reference.parquet lost it" in text  # schema change
    assert "added columns distance_miles; removed columns distance" in text
    assert "train.learning_rate changed: 0.1 → 0" in text


@pytest.mark.xdist_group("notebooks")
def test_every_figure_is_embedded(executed):
    # One PNG per plot cell in the notebook and its HTML, and no cell showing only
    # `<Figure size …>` (the text/plain fallback beside a PNG is fine).
    assert assert_figures_embedded(executed) >= count_plot_cells(NOTEBOOK) >= 4
    notebook = json.loads(executed.executed_notebook.read_text())
    outputs = [o for cell in notebook["cells"] for o in cell.get("outputs", [])]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 4
    html = executed.html_report.read_text()
    assert html.count("data:image/png;base64") >= 8  # the PNGs plus graphs inside result tables


@pytest.mark.xdist_group("notebooks")
def test_notebook_removes_its_sandboxes(executed, kernel_tmp):
    text = unescape(re.sub(r"<[^>]+>", " ", executed.html_report.read_text()))
    assert "(True, True, True)" in text  # the clean-up cell: all three sandboxes removed
    assert sorted(path.name for path in kernel_tmp.glob("mlops-sandbox-*")) == []
