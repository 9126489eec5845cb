"""Render an executed notebook as a self-contained HTML report with nbconvert."""

from __future__ import annotations

import os
from pathlib import Path

from mlops_notebooks._io import write_text_atomic

__all__ = ["export_html"]

_TEMPLATES = Path(__file__).parent / "templates"


def export_html(
    notebook_path: str | os.PathLike[str],
    html_path: str | os.PathLike[str],
    *,
    no_input: bool = False,
) -> Path:
    """Write ``notebook_path`` as HTML to ``html_path`` (atomically) and return the path.

    Parameters
    ----------
    notebook_path : path-like
        An executed notebook.
    html_path : path-like
        Destination ``.html`` file.
    no_input : bool, default False
        Hide code cells and prompts, keeping markdown and outputs — a report for readers.

    Notes
    -----
    Images are embedded (matplotlib output is already inline PNG), and the page's CSS is
    inlined, so the file can be mailed or attached to a CI run on its own. The template is
    JupyterLab's without the scripts it would load from a CDN (require.js, MathJax, Mermaid):
    the report opens offline and makes no network request.
    """
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(notebook_path, as_version=4)
    exporter = HTMLExporter(
        template_name="lab",
        template_file="offline.html.j2",
        extra_template_paths=[str(_TEMPLATES)],
        embed_images=True,
        exclude_input=no_input,
        exclude_input_prompt=no_input,
        exclude_output_prompt=no_input,
    )
    body, _ = exporter.from_notebook_node(notebook)
    return write_text_atomic(html_path, body)
