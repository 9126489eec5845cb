"""The report page: header (what, which data, when, which version), contents, sections.

A page is one self-contained file: the stylesheet inline, charts as inline SVG or data-URI
images, no script, no font or stylesheet fetched from anywhere. Its table of contents lists
every ``<h2>`` of the body, so any body built from :func:`section` gets one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from mlops_notebooks._html.approx import Approximate, approx_html
from mlops_notebooks._html.style import style_tag
from mlops_notebooks._html.tables import format_number

__all__ = [
    "facts",
    "figure",
    "fragment",
    "page",
    "paragraph",
    "section",
    "tiles",
    "verdict",
]

_HEADING = re.compile(r"<h2(?P<attrs>\s[^>]*)?>(?P<inner>.*?)</h2>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_ID = re.compile(r"""\bid=['"]([^'"]+)['"]""")
# Provenance fields shown in the header, in this order, with their labels.
_PROVENANCE_FIELDS = (
    ("source", "source"),
    ("ref", "ref"),
    ("shape", "rows × columns"),
    ("content_hash", "content hash"),
    ("dvc_rev", "DVC revision"),
    ("format", "format"),
    ("sample", "rows selected"),
    ("loaded_at", "loaded at"),
)


def section(title: str, body: str, *, level: int = 2) -> str:
    """A titled block; ``title`` is escaped, ``body`` must already be safe HTML.

    Level-2 sections are listed in the page's table of contents.
    """
    return (
        f"<section class='mlnb-section'><h{level}>{html.escape(title)}</h{level}>{body}</section>"
    )


def paragraph(text: str, *, css: str = "") -> str:
    """An escaped paragraph."""
    attr = f" class='{css}'" if css else ""
    return f"<p{attr}>{html.escape(text)}</p>"


def verdict(text: str, *, bad: bool) -> str:
    """The one-line conclusion of a report, red when something needs attention."""
    return f"<div class='mlnb-verdict {'bad' if bad else 'ok'}'>{html.escape(text)}</div>"


def tiles(items: Iterable[tuple[str, Any]]) -> str:
    """Headline numbers as a grid of small tiles (label over value)."""
    cells = "".join(
        f"<div class='mlnb-tile'><span>{html.escape(label)}</span>"
        f"<strong>{_value_html(value)}</strong></div>"
        for label, value in items
    )
    return f"<div class='mlnb-tiles'>{cells}</div>"


def facts(items: Iterable[tuple[str, Any]]) -> str:
    """A compact two-column list of statistics (label, value); empty values left out."""
    rows = "".join(
        f"<dt>{html.escape(label)}</dt><dd>{_value_html(value)}</dd>"
        for label, value in items
        if _shown(value)
    )
    return f"<dl class='mlnb-facts'>{rows}</dl>"


def figure(body: str, caption: str = "") -> str:
    """A chart (safe SVG or ``<img>``) with an escaped caption."""
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f"<figure>{body}{cap}</figure>"


def fragment(body: str) -> str:
    """What a notebook cell shows: ``body`` with the shared stylesheet, no page chrome."""
    return f"<div class='mlnb mlnb-result'>{style_tag()}{body}</div>"


def _shown(value: Any) -> bool:
    inner = value.value if isinstance(value, Approximate) else value
    return inner is not None and inner != ""


def _value_html(value: Any) -> str:
    """Escaped text of ``value``; an :class:`Approximate` gets its sign and tooltip."""
    if isinstance(value, Approximate):
        return approx_html(html.escape(_text(value.value)), value.bound)
    return html.escape(_text(value))


def _text(value: Any) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return format_number(value)
    return "" if value is None else str(value)


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def _with_anchors(body: str) -> tuple[str, list[tuple[str, str]]]:
    """``body`` with an id on every ``<h2>`` and the (id, inner HTML) list for the contents."""
    taken = set(_ID.findall(body))
    entries: list[tuple[str, str]] = []

    def anchor(match: re.Match[str]) -> str:
        attrs, inner = match.group("attrs") or "", match.group("inner")
        found = _ID.search(attrs)
        if found:
            entries.append((found.group(1), inner))
            return match.group(0)
        slug = _slug(html.unescape(_TAG.sub("", inner)), taken)
        entries.append((slug, inner))
        return f"<h2 id='{slug}'{attrs}>{inner}</h2>"

    return _HEADING.sub(anchor, body), entries


def _contents(entries: Sequence[tuple[str, str]]) -> str:
    if not entries:
        return ""
    items = "".join(
        f"<li><a href='#{html.escape(slug)}'>{_TAG.sub('', inner)}</a></li>"
        for slug, inner in entries
    )
    return f"<nav class='mlnb-toc' aria-label='Contents'><b>Contents</b><ol>{items}</ol></nav>"


def _provenance_card(record: Mapping[str, Any]) -> str:
    values = dict(record)
    if values.get("rows") is not None:
        columns = values.get("columns")
        values["shape"] = format_number(values["rows"]) + (
            f" × {format_number(columns)}" if columns is not None else ""
        )
    loaded = values.get("loaded_at")
    if isinstance(loaded, str) and "T" in loaded:
        values["loaded_at"] = loaded[:19].replace("T", " ") + " UTC"
    if values.get("ref") == values.get("source"):
        values.pop("ref", None)
    if not values.get("content_hash"):
        engine = values.get("engine")
        values["content_hash"] = (
            f"not recorded (read by the {engine} engine, not through the data layer)"
            if engine not in (None, "local", "auto")
            else "not recorded (not tracked by DVC)"
        )
    title = values.get("role") or values.get("catalog_name") or "data"
    items = [(label, values.get(key)) for key, label in _PROVENANCE_FIELDS]
    return f"<div class='mlnb-source'><b>{html.escape(str(title))}</b>{facts(items)}</div>"


def _header(title: str, description: str, provenance: Sequence[Mapping[str, Any]]) -> str:
    from mlops_notebooks._version import __version__

    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    what = f"<p class='mlnb-what'>{html.escape(description)}</p>" if description else ""
    sources = (
        "<div class='mlnb-provenance'>"
        + "".join(_provenance_card(record) for record in provenance)
        + "</div>"
        if provenance
        else "<p class='mlnb-meta'>Data: passed in memory; no source recorded.</p>"
    )
    return (
        f"<header class='mlnb-header'><h1>{html.escape(title)}</h1>{what}{sources}"
        f"<p class='mlnb-meta'>Made {made} with mlops-notebooks {html.escape(__version__)}</p>"
        "</header>"
    )


def page(
    title: str,
    body: str,
    *,
    provenance: Sequence[Mapping[str, Any]] | None = None,
    sections: Sequence[tuple[str, str]] = (),
    description: str = "",
) -> str:
    """A self-contained HTML document with the shared look.

    Parameters
    ----------
    title : str
        What the report is (escaped).
    body : str
        Safe HTML; every ``<h2>`` in it becomes an entry of the table of contents.
    provenance : sequence of mappings, optional
        One record per data set (``source``, ``rows``, ``columns``, ``content_hash``,
        ``dvc_rev``, …, and optionally ``role`` such as ``"reference"``), shown in the header.
    sections : sequence of (title, safe HTML), optional
        Further sections appended after ``body``.
    description : str, optional
        One sentence under the title saying what the report shows.

    Returns
    -------
    str
        The document: inline stylesheet, no script, nothing fetched from the network.

    Examples
    --------
    >>> text = page("Drift", section("Columns", "<p>ok</p>"))
    >>> "href='#columns'" in text and "id='columns'" in text
    True
    """
    content = body + "".join(section(name, part) for name, part in sections)
    content, entries = _with_anchors(content)
    layout = "mlnb-layout" if entries else "mlnb-layout mlnb-single"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title>{style_tag()}</head>"
        f"<body class='mlnb mlnb-page'>{_header(title, description, provenance or [])}"
        f"<div class='{layout}'>{_contents(entries)}<main class='mlnb-main'>{content}"
        "<footer class='mlnb-footer'>Self-contained report: it opens offline and runs no "
        "scripts.</footer></main></div></body></html>"
    )
