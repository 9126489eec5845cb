"""Execute every notebook in notebooks/ with MPLBACKEND=Agg, as CI and `make demo` do.

Each report must embed its figures (see ``figures.py``). Needs the example pipeline's outputs
(`make pipeline`); `make test` builds them first.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import nbformat
import pytest

from mlops_notebooks.runner import run_notebook
from tests.notebooks.figures import assert_figures_embedded, count_plot_cells

ROOT = Path(__file__).parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Smaller samples keep the runs quick; every other parameter keeps its default.
QUICK = {
    "data_exploration_mlops": {"sample_size": 20000},
    "sentiment_model_evaluation_details": {"sample_size": 2000, "n_bootstrap": 200},
}

pytestmark = [pytest.mark.notebook, pytest.mark.slow]


@pytest.fixture(scope="module", autouse=True)
def example_data():
    processed = ROOT / "examples" / "data" / "processed" / "flights.parquet"
    if not processed.exists():
        pytest.fail("example data missing: run `make pipeline` (make test does it first)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.xdist_group("notebooks")
def test_notebook_executes_and_embeds_its_figures(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(ROOT)
    result = run_notebook(path, parameters=QUICK.get(path.stem), output_dir=tmp_path)
    text = unescape(re.sub(r"<[^>]+>", "", result.html_report.read_text()))
    assert "Traceback" not in text
    assert result.executed_notebook.is_file()
    assert assert_figures_embedded(result) >= count_plot_cells(path) > 0
    if path.stem == "data_exploration_mlops":
        # The report shows where each data set came from.
        for name in ("flights_raw", "flights_processed", "predictions_current"):
            assert name in text
        assert "336776" in text.replace(",", "")  # raw flights row count in the provenance
        # Every section had its inputs, the DVC revision comparison included: no skip note.
        executed = nbformat.read(result.executed_notebook, as_version=4)
        notes = [
            str(output["data"]["text/markdown"])
            for cell in executed.cells
            for output in cell.get("outputs", [])
            if "text/markdown" in output.get("data", {})
        ]
        assert notes and not [note for note in notes if note.startswith("*Skipped")]
