"""The run history page (``reports/index.html``): one table linking every run's report.

Links are relative to the page's folder, so the reports folder can be copied, zipped or opened
from disk; the page has no script, no remote font and no CDN. Every value is escaped.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from mlops_notebooks.runner.history import RunEntry, RunHistory

__all__ = ["history_body", "history_page"]

_STYLE = """
.mlops-history { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.mlops-history .scroll { overflow-x: auto; max-width: 100%; }
.mlops-history table { border-collapse: collapse; font-size: 0.9em; }
.mlops-history th, .mlops-history td { border-bottom: 1px solid #ddd; padding: 4px 8px;
  text-align: left; vertical-align: top; }
.mlops-history th { background: #f4f4f4; }
.mlops-history td:first-child, .mlops-history td:nth-child(4) { white-space: nowrap; }
.mlops-history .status-ok { color: #1a7f37; font-weight: bold; }
.mlops-history .status-failed { color: #cf222e; font-weight: bold; }
.mlops-history .status-unknown { color: #777; }
.mlops-history code { font-size: 0.95em; }
.mlops-history details summary { cursor: pointer; }
@media print { .mlops-history details { display: block; } }
"""
_COLUMNS = (
    "Started (UTC)",
    "Notebook",
    "Status",
    "Duration",
    "Key results",
    "Parameters",
    "Data",
    "Commit",
    "Files",
)


def history_page(runs: RunHistory, base: Path) -> str:
    """A self-contained HTML page of ``runs``, its links relative to the folder ``base``."""
    from mlops_notebooks import __version__
    from mlops_notebooks._render import page

    made = f"Made by mlops-notebooks {__version__}."
    return page(runs.report_title, history_body(runs, base) + f"<p><small>{made}</small></p>")


def history_body(runs: RunHistory, base: Path) -> str:
    """The page's content without the document around it (also the notebook display)."""
    counts = {status: sum(r.status == status for r in runs.runs) for status in ("ok", "failed")}
    summary = (
        f"{_count(len(runs.runs), 'run')} of {_count(len(runs.notebooks), 'notebook')} in "
        f"{runs.reports_dir}: {counts['ok']} ok, {counts['failed']} failed. Newest first."
    )
    head = "".join(f"<th>{name}</th>" for name in _COLUMNS)
    base = Path(os.path.abspath(base))  # once: relpath on absolute paths needs no file system
    rows = "".join(_row(run, base) for run in runs.runs)
    table = (
        f"<div class='scroll'><table class='runs'><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody>"
        "</table></div>"
        if runs.runs
        else "<p>No runs yet: <code>mlops-nb run NOTEBOOK</code> adds one.</p>"
    )
    return (
        f"<style>{_STYLE}</style><div class='mlops-history'>"
        f"<p>{html.escape(summary)}</p>{_trends(runs)}{table}</div>"
    )


def _trends(runs: RunHistory) -> str:
    """Each recorded number over the runs of each notebook, as a small inline SVG line."""
    rows = []
    for name in runs.numeric_results:
        for notebook, points in runs.trend(name).items():
            if len(points) < 2:
                continue
            values = [value for _, value in points]
            latest = f"{values[-1]:.4g}"
            span = f"min {min(values):.4g}, max {max(values):.4g}, {len(values)} runs"
            rows.append(
                f"<tr><td>{html.escape(notebook)}</td><td><code>{html.escape(name)}</code></td>"
                f"<td>{_sparkline(values, f'{name}: {span}')}</td><td>{latest}</td>"
                f"<td><small>{html.escape(span)}</small></td></tr>"
            )
    if not rows:
        return ""
    head = "<tr><th>Notebook</th><th>Result</th><th>Trend</th><th>Latest</th><th>Range</th></tr>"
    return (
        "<h2>Recorded results over runs</h2>"
        f"<div class='scroll'><table class='trends'><thead>{head}</thead>"
        f"<tbody>{''.join(rows)}</tbody>"
        "</table></div><h2>Runs</h2>"
    )


def _sparkline(values: list[float], title: str, width: int = 140, height: int = 28) -> str:
    low, high = min(values), max(values)
    step = (width - 4) / (len(values) - 1)
    # Highest value at the top; a constant series runs through the middle.
    heights = [(v - low) / (high - low) if high > low else 0.5 for v in values]
    points = " ".join(
        f"{2 + i * step:.1f},{height - 2 - share * (height - 4):.1f}"
        for i, share in enumerate(heights)
    )
    last_x, last_y = points.rsplit(" ", 1)[-1].split(",")
    return (
        f"<svg class='spark' width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
        f"role='img'><title>{html.escape(title)}</title>"
        f"<polyline fill='none' stroke='#0969da' stroke-width='1.5' points='{points}'/>"
        f"<circle cx='{last_x}' cy='{last_y}' r='2.5' fill='#0969da'/></svg>"
    )


def _row(run: RunEntry, base: Path) -> str:
    started = run.started_at.strftime("%Y-%m-%d %H:%M:%S") if run.started_at else ""
    notebook = html.escape(run.notebook)
    if run.html_report is not None:
        notebook = f"<a href='{_href(run.html_report, base)}'>{notebook}</a>"
    status = f"<span class='status-{html.escape(run.status)}'>{html.escape(run.status)}</span>"
    if run.error:
        where = run.error.get("cell_index")
        cell = f"cell {where + 1}: " if isinstance(where, int) else ""
        detail = f"{cell}{run.error.get('ename')}: {run.error.get('evalue')}"
        status += f"<br><small>{html.escape(_cut(detail, 160))}</small>"
    duration = f"{run.duration_seconds:.1f} s" if run.duration_seconds is not None else ""
    cells = [
        html.escape(started),
        notebook,
        status,
        duration,
        html.escape(run.key_results()),
        _details(run.record.get("parameters") or {}, "parameters"),
        _datasets(run.datasets),
        _commit(run.git),
        _files(run, base),
    ]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _details(values: dict[str, Any], noun: str) -> str:
    if not values:
        return ""
    items = "".join(
        f"<li><code>{html.escape(str(k))} = {html.escape(_cut(repr(v), 120))}</code></li>"
        for k, v in values.items()
    )
    return f"<details><summary>{len(values)} {noun}</summary><ul>{items}</ul></details>"


def _datasets(datasets: list[dict[str, Any]]) -> str:
    if not datasets:
        return ""
    items = "".join(f"<li>{_dataset(d)}</li>" for d in datasets)
    return f"<details><summary>{len(datasets)} loaded</summary><ul>{items}</ul></details>"


def _dataset(provenance: dict[str, Any]) -> str:
    name = provenance.get("catalog_name") or provenance.get("ref") or provenance.get("source")
    text = f"<code>{html.escape(str(name))}</code>"
    if isinstance(rows := provenance.get("rows"), int):
        text += f" {rows:,} rows"
    if content_hash := provenance.get("content_hash"):
        text += f" <small>md5 {html.escape(str(content_hash)[:12])}</small>"
    return text


def _commit(git: dict[str, Any]) -> str:
    commit = git.get("commit")
    if not commit:
        return ""
    dirty = " <small>(uncommitted changes)</small>" if git.get("dirty") else ""
    return f"<code title='{html.escape(commit)}'>{html.escape(commit[:10])}</code>{dirty}"


def _files(run: RunEntry, base: Path) -> str:
    links = [
        f"<a href='{_href(run.run_dir / name, base)}'>{html.escape(name)}</a>"
        for name in ("run.json", "results.json")
        if (run.run_dir / name).is_file()
    ]
    return " ".join(links)


def _href(target: Path, base: Path) -> str:
    relative = os.path.relpath(os.path.abspath(target), base)
    return html.escape(quote(Path(relative).as_posix()))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
