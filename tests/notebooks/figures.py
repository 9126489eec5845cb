"""Check that an executed notebook shows each of its figures, once, as an embedded image.

Every notebook test calls :func:`assert_figures_embedded` on its run (see ``test_execute.py``):

    result = run_notebook(path, output_dir=tmp_path)   # with MPLBACKEND=Agg set
    assert_figures_embedded(result)

A *plot cell* is a code cell whose source calls ``.plot(`` or a ``plot_*(`` function (comment
lines ignored). A plot cell that printed a skip note (a Markdown output, such as "Skipped: no
model outputs …") instead of running is not expected to draw.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import nbformat

PLOT_CALL = re.compile(r"\.plot\(|\bplot_\w+\(")
EMBEDDED_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"']data:image/(?:png|jpeg|svg\+xml)", re.I)
FIGURE_TEXT = "<Figure size"


def is_plot_cell(cell: Any) -> bool:
    """Whether ``cell`` is a code cell whose code calls a plot method or function."""
    if cell.cell_type != "code":
        return False
    code = "\n".join(line.split("#", 1)[0] for line in cell.source.splitlines())
    return bool(PLOT_CALL.search(code))


def count_plot_cells(notebook: str | Path) -> int:
    """Number of plot cells in ``notebook`` (a source or executed ``.ipynb``)."""
    return sum(is_plot_cell(cell) for cell in nbformat.read(notebook, as_version=4).cells)


def count_embedded_images(html: str) -> int:
    """Number of ``<img>`` tags in ``html`` whose image is embedded as a ``data:`` URL."""
    return len(EMBEDDED_IMAGE.findall(html))


def _was_skipped(cell: Any) -> bool:
    return any("text/markdown" in output.get("data", {}) for output in cell.get("outputs", []))


def _texts(cell: Any) -> list[str]:
    """Texts a reader sees: streams, and text of outputs that carry no image."""
    texts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            texts.append(str(output["text"]))
        data = output.get("data", {})
        if not any(k.startswith("image/") for k in data):
            texts.extend(str(v) for k, v in data.items() if k.startswith("text/"))
    return texts


def _png_digests(cell: Any) -> list[str]:
    return [
        hashlib.sha256(base64.b64decode(output["data"]["image/png"])).hexdigest()
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]


def assert_figures_embedded(result: Any) -> int:
    """Assert the run's figures are embedded images, each shown once; return the image count.

    ``result`` is a :class:`mlops_notebooks.runner.RunResult`. Checks:

    - the HTML report embeds at least as many images as the notebook has plot cells that ran
      (not skipped with a note);
    - no output anywhere reads ``<Figure size`` (a figure printed instead of drawn);
    - every plot cell that ran shows at least one image, and no cell shows the same image twice.
    """
    executed = nbformat.read(result.executed_notebook, as_version=4)
    html = Path(result.html_report).read_text(encoding="utf-8")
    images = count_embedded_images(html)
    ran = [c for c in executed.cells if is_plot_cell(c) and not _was_skipped(c)]
    assert FIGURE_TEXT not in html, "a figure was printed as text instead of drawn"
    for index, cell in enumerate(executed.cells):
        printed = any(FIGURE_TEXT in text for text in _texts(cell))
        assert not printed, f"cell {index} printed a figure"
        digests = _png_digests(cell)
        assert len(digests) == len(set(digests)), f"cell {index} shows the same figure twice"
        if cell in ran:
            assert digests, f"plot cell {index} shows no image:\n{cell.source}"
    assert images >= len(ran), f"{images} embedded images for {len(ran)} plot cells"
    return images
