"""The shared look of every HTML report and notebook display (internal).

- :mod:`.style` — the one stylesheet (inline, offline, printable);
- :mod:`.tables` — the one table renderer, :func:`frame_to_html`;
- :mod:`.svg` — small inline SVG charts drawn from summaries;
- :mod:`.page` — the page: header with provenance, table of contents, sections.

:mod:`mlops_notebooks._render` re-exports what result classes use.
"""

from mlops_notebooks._html.page import (
    facts,
    figure,
    fragment,
    page,
    paragraph,
    section,
    tiles,
    verdict,
)
from mlops_notebooks._html.tables import format_number, format_value, frame_to_html, truncate

__all__ = [
    "facts",
    "figure",
    "format_number",
    "format_value",
    "fragment",
    "frame_to_html",
    "page",
    "paragraph",
    "section",
    "tiles",
    "truncate",
    "verdict",
]
