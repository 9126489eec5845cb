"""The HTML export of an executed notebook: self-contained, offline, figures kept."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import nbformat

from mlops_notebooks.runner.report import export_html

# A 1x1 PNG, as a cell output would carry it.
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def _notebook(path: Path) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nSome $x^2$ maths."),
        nbformat.v4.new_code_cell(
            "draw_the_revenue_chart()",
            outputs=[
                nbformat.v4.new_output(
                    "display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"}
                )
            ],
        ),
    ]
    nbformat.write(notebook, path)
    return path


def test_report_loads_nothing_from_the_network(tmp_path: Path) -> None:
    html = export_html(_notebook(tmp_path / "n.ipynb"), tmp_path / "n.html").read_text()
    remote = re.findall(r"""(?:src|href)\s*=\s*["'](https?:[^"']+)""", html)
    assert remote == []
    assert "cdnjs" not in html
    assert len(re.findall(r"<img[^>]+src=\"data:image/png;base64,", html)) == 1
    assert "<h1" in html and "Title" in html
    assert "draw_the_revenue_chart" in html


def test_no_input_hides_code_but_keeps_outputs(tmp_path: Path) -> None:
    path = export_html(_notebook(tmp_path / "n.ipynb"), tmp_path / "n.html", no_input=True)
    html = path.read_text()
    assert "data:image/png;base64," in html
    assert "draw_the_revenue_chart" not in html
