"""Pyplot-free figures show once, as images, in a real kernel whatever MPLBACKEND says."""

from __future__ import annotations

import base64
import subprocess
import sys

import nbformat
import pytest

from mlops_notebooks.runner import run_notebook
from tests.notebooks.figures import assert_figures_embedded, count_plot_cells, is_plot_cell
from tests.runner.conftest import write_notebook

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

BODY = [
    # a result's plot() returned from a cell
    "import polars as pl\nfrom mlops_notebooks.eda import profile, plot_distributions\n"
    "frame = pl.DataFrame({'x': [float(i % 17) for i in range(200)], "
    "'g': ['a', 'b'] * 100})\nprofile(frame).plot()",
    # a plot function passed to display() and the cell's value
    "figure = plot_distributions(frame, ['x', 'g'])\ndisplay(figure)\nprint('drawn')",
    # the same figure object displayed in two cells: two outputs, one per cell
    "figure",
]


@pytest.mark.parametrize(
    "backend", ["Agg", None, "module://matplotlib_inline.backend_inline"], ids=str
)
@pytest.mark.xdist_group("notebooks")
def test_figures_show_once_as_png_whatever_the_backend(backend, tmp_path, monkeypatch):
    if backend is None:
        monkeypatch.delenv("MPLBACKEND", raising=False)
    else:
        monkeypatch.setenv("MPLBACKEND", backend)
    path = write_notebook(tmp_path / "figures.ipynb", title="Figures", body=BODY)
    result = run_notebook(path, output_dir=tmp_path / "reports")

    assert assert_figures_embedded(result) == 3
    executed = nbformat.read(result.executed_notebook, as_version=4)
    per_cell = [
        [o for o in cell.outputs if "image/png" in o.get("data", {})]
        for cell in executed.cells
        if cell.cell_type == "code"
        and "parameters" not in cell.metadata.get("tags", [])
        and "injected-parameters" not in cell.metadata.get("tags", [])
    ]
    assert [len(images) for images in per_cell] == [1, 1, 1]
    for images in per_cell:
        assert base64.b64decode(images[0]["data"]["image/png"]).startswith(PNG_SIGNATURE)


def test_a_script_stays_headless(tmp_path, monkeypatch):
    """Outside IPython nothing is registered and nothing opens a window; savefig still writes."""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    target = tmp_path / "figure.png"
    code = (
        "import sys\nimport polars as pl\nfrom mlops_notebooks.eda import plot_distributions\n"
        "figure = plot_distributions(pl.DataFrame({'x': [1.0, 2.0, 2.5, 4.0] * 20}), ['x'])\n"
        f"figure.savefig({str(target)!r})\n"
        "assert 'IPython' not in sys.modules and 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert target.read_bytes().startswith(PNG_SIGNATURE)


def test_plot_cells_are_code_cells_that_call_a_plot():
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("report.plot()"),
            nbformat.v4.new_code_cell("plot_box(frame, 'y', 'g')"),
            nbformat.v4.new_code_cell("# report.plot() is left for later\nreport"),
            nbformat.v4.new_code_cell("plotted = 1"),
            nbformat.v4.new_markdown_cell("Call `report.plot()`."),
        ]
    )
    assert [is_plot_cell(cell) for cell in notebook.cells] == [True, True, False, False, False]


def test_count_plot_cells_reads_a_file(tmp_path):
    path = write_notebook(tmp_path / "n.ipynb", title="t", body=["a.plot()", "b = 1"])
    assert count_plot_cells(path) == 1


@pytest.mark.xdist_group("notebooks")
def test_the_inline_backend_keeps_the_users_figure_format(tmp_path, monkeypatch):
    """With `%matplotlib inline` and SVG chosen, a figure shows as SVG only, once."""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    body = [
        "%matplotlib inline\n%config InlineBackend.figure_formats = ['svg']",
        "import polars as pl\nfrom mlops_notebooks.eda import plot_distributions\n"
        "plot_distributions(pl.DataFrame({'x': [1.0, 2.0, 2.5, 4.0] * 20}), ['x'])",
    ]
    path = write_notebook(tmp_path / "svg.ipynb", title="SVG", body=body)
    result = run_notebook(path, output_dir=tmp_path / "reports")
    executed = nbformat.read(result.executed_notebook, as_version=4)
    outputs = [o for o in executed.cells[-1].outputs if "data" in o]
    assert len(outputs) == 1
    assert "image/svg+xml" in outputs[0]["data"] and "image/png" not in outputs[0]["data"]
