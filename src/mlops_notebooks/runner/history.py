"""Past runs: read every run folder's ``run.json`` under a reports folder, newest first.

``mlops-nb run`` writes ``<reports>/<notebook>/<UTC timestamp>/run.json``; :func:`history`
collects them into a :class:`RunHistory`, which lists the runs with their key results and writes
``<reports>/index.html`` (:func:`write_index`), a page that links every run's report and works
offline. Run folders from before ``run.json`` existed are listed too, with status ``unknown``.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from mlops_notebooks._protocol import Result
from mlops_notebooks.errors import InvalidInputError, UnknownNameError
from mlops_notebooks.runner.execute import DEFAULT_OUTPUT_DIR, RUN_RECORD_FILE

if TYPE_CHECKING:
    import polars as pl

__all__ = ["INDEX_FILE", "RunEntry", "RunHistory", "history", "write_index"]

INDEX_FILE = "index.html"
NO_REPORTS_DIR = (
    "no reports folder {path}: run `mlops-nb run NOTEBOOK` first, or pass the folder the runs "
    "were written to (--reports-dir / reports_dir=)"
)
_STAMP = "%Y%m%dT%H%M%SZ"
_MAX_KEY_RESULTS = 6

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunEntry:
    """One past run, read from its ``run.json``.

    Attributes
    ----------
    notebook : str
        Notebook name (file name without ``.ipynb``).
    run_dir : pathlib.Path
        The run's folder.
    status : {"ok", "failed", "unknown"}
        ``unknown`` for folders without a readable ``run.json``.
    started_at : datetime or None
        UTC start time.
    duration_seconds : float or None
        Wall time of the run.
    html_report : pathlib.Path or None
        The run's HTML report, if it exists.
    record : dict
        The whole ``run.json`` (empty when there is none).
    """

    notebook: str
    run_dir: Path
    status: str
    started_at: datetime | None
    duration_seconds: float | None
    html_report: Path | None
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def results(self) -> dict[str, Any]:
        """The values the notebook recorded with ``record(name, value)``."""
        return dict(self.record.get("results") or {})

    @property
    def error(self) -> dict[str, Any] | None:
        """The failing cell (``cell_index``, ``ename``, ``evalue``), or ``None``."""
        error = self.record.get("error")
        return dict(error) if error else None

    @property
    def git(self) -> dict[str, Any]:
        """``commit`` and ``dirty`` of the project when the run started (``None`` if unknown)."""
        return dict(self.record.get("git") or {"commit": None, "dirty": None})

    @property
    def datasets(self) -> list[dict[str, Any]]:
        """Provenance (source, content hash, rows, …) of each data set the run loaded."""
        return list(self.record.get("datasets") or [])

    def key_results(self, limit: int = _MAX_KEY_RESULTS) -> str:
        """The recorded results as one short line (``name=value, …``).

        Examples
        --------
        >>> entry = RunEntry("drift", Path("."), "ok", None, 1.0, None,
        ...                  {"results": {"share": 0.3333333, "columns": ["a", "b"]}})
        >>> entry.key_results()
        'share=0.3333, columns=[2 items]'
        """
        items = [f"{name}={_short(value)}" for name, value in self.results.items()]
        if len(items) > limit:
            items = [*items[:limit], f"(+{len(items) - limit} more)"]
        return ", ".join(items)

    def to_dict(self) -> dict[str, Any]:
        """The run as plain values: where it is, its status and key facts, and its record."""
        return {
            "notebook": self.notebook,
            "run_dir": str(self.run_dir),
            "status": self.status,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "duration_seconds": self.duration_seconds,
            "html_report": str(self.html_report) if self.html_report else None,
            "results": self.results,
            "error": self.error,
            "git": self.git,
            "record": self.record,
        }


@dataclass(frozen=True)
class RunHistory(Result):
    """Past runs under a reports folder, newest first.

    Attributes
    ----------
    reports_dir : pathlib.Path
        The folder that was read.
    runs : tuple of RunEntry
        Newest first.
    """

    report_title: ClassVar[str] = "Run history"

    reports_dir: Path
    runs: tuple[RunEntry, ...] = ()

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def notebooks(self) -> tuple[str, ...]:
        """The notebooks that have runs, sorted."""
        return tuple(sorted({run.notebook for run in self.runs}))

    def of(self, notebook: str) -> RunHistory:
        """Only the runs of ``notebook``.

        Raises
        ------
        UnknownNameError
            When ``notebook`` has no run here; the message lists those that do.
        """
        if notebook not in self.notebooks:
            raise UnknownNameError(notebook, self.notebooks, what="notebook with runs")
        kept = tuple(run for run in self.runs if run.notebook == notebook)
        return RunHistory(reports_dir=self.reports_dir, runs=kept)

    @property
    def numeric_results(self) -> tuple[str, ...]:
        """Names of the recorded results that hold a number, oldest first: what ``plot`` draws."""
        names: dict[str, None] = {}
        for run in reversed(self.runs):
            names.update((name, None) for name, value in run.results.items() if _is_number(value))
        return tuple(names)

    @property
    def plot_kinds(self) -> tuple[str, ...]:  # type: ignore[override]
        """What ``plot(kind)`` accepts: the names of the recorded numbers."""
        return self.numeric_results

    def trend(self, name: str) -> dict[str, list[tuple[datetime, float]]]:
        """Per notebook, ``(started_at, value)`` of each run that recorded ``name``, oldest first.

        Raises
        ------
        UnknownNameError
            When no run recorded a number under ``name``; the message lists those that did.
        """
        if name not in self.numeric_results:
            raise UnknownNameError(name, self.numeric_results, what="numeric recorded result")
        points: dict[str, list[tuple[datetime, float]]] = {}
        for run in reversed(self.runs):
            value: Any = run.results.get(name)
            if _is_number(value) and run.started_at is not None:
                points.setdefault(run.notebook, []).append((run.started_at, float(value)))
        return points

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """A recorded number over the runs, one line per notebook.

        Parameters
        ----------
        kind : str, optional
            The recorded result to draw (see ``numeric_results``); default the first one.
        ax : matplotlib Axes, optional
            Draw into this Axes instead of a new figure.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from mlops_notebooks._render import figure_of, new_axes

        name = kind if kind is not None else next(iter(self.numeric_results), "")
        points = self.trend(name)
        axes = new_axes(ax, size=(8, 3.5))
        for notebook, values in points.items():
            times, numbers = zip(*values, strict=True)
            axes.plot(times, numbers, marker="o", label=notebook)
        axes.set_title(f"{name} over runs")
        axes.set_xlabel("run start (UTC)")
        axes.set_ylabel(name)
        if len(points) > 1:
            axes.legend()
        figure = figure_of(axes)
        figure.autofmt_xdate()
        return figure

    def to_polars(self) -> pl.DataFrame:
        """One row per run: start, notebook, status, duration, key results, commit, report."""
        import polars as pl

        return pl.DataFrame(
            {
                "started_at": [run.started_at for run in self.runs],
                "notebook": [run.notebook for run in self.runs],
                "status": [run.status for run in self.runs],
                "duration_seconds": [run.duration_seconds for run in self.runs],
                "results": [run.key_results() for run in self.runs],
                "git_commit": [run.git.get("commit") for run in self.runs],
                "git_dirty": [run.git.get("dirty") for run in self.runs],
                "html_report": [str(run.html_report or "") for run in self.runs],
            },
            schema={
                "started_at": pl.Datetime("ms", "UTC"),
                "notebook": pl.String,
                "status": pl.String,
                "duration_seconds": pl.Float64,
                "results": pl.String,
                "git_commit": pl.String,
                "git_dirty": pl.Boolean,
                "html_report": pl.String,
            },
        )

    def to_dict(self) -> dict[str, Any]:
        """The reports folder and every run's :meth:`RunEntry.to_dict`, newest first."""
        return {"reports_dir": str(self.reports_dir), "runs": [r.to_dict() for r in self.runs]}

    def _html_body(self) -> str:
        from mlops_notebooks.runner.history_html import history_body

        return history_body(self, Path.cwd())

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the history page atomically, linking reports relative to ``path``'s folder."""
        from mlops_notebooks._io import write_text_atomic
        from mlops_notebooks.runner.history_html import history_page

        target = Path(path)
        return write_text_atomic(target, history_page(self, target.parent))


def history(
    reports_dir: str | os.PathLike[str] = DEFAULT_OUTPUT_DIR, *, notebook: str | None = None
) -> RunHistory:
    """Read every run under ``reports_dir``, newest first.

    Parameters
    ----------
    reports_dir : path-like, default "reports"
        The ``--output-dir`` of ``mlops-nb run``.
    notebook : str, optional
        Only this notebook's runs.

    Returns
    -------
    RunHistory

    Raises
    ------
    InvalidInputError
        When ``reports_dir`` is not a folder.
    UnknownNameError
        When ``notebook`` has no run; the message lists the notebooks that have.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as reports:  # "reports" by default
    ...     runs = history(reports)
    >>> len(runs), runs.to_frame().columns[:4].tolist()
    (0, ['started_at', 'notebook', 'status', 'duration_seconds'])
    """
    folder = Path(reports_dir)
    if not folder.is_dir():
        raise InvalidInputError(NO_REPORTS_DIR.format(path=folder))
    runs = [
        entry
        for notebook_dir in _visible_dirs(folder)
        for run_dir in _visible_dirs(notebook_dir)
        if (entry := _read_entry(run_dir)) is not None
    ]
    runs.sort(key=_newest_first, reverse=True)
    found = RunHistory(reports_dir=folder, runs=tuple(runs))
    return found.of(notebook) if notebook is not None else found


def write_index(reports_dir: str | os.PathLike[str] = DEFAULT_OUTPUT_DIR) -> Path:
    """Write ``<reports_dir>/index.html`` linking every run's report (atomically); return it.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as reports:
    ...     write_index(reports).name
    'index.html'
    """
    folder = Path(reports_dir)
    return history(folder).save_html(folder / INDEX_FILE)


def _visible_dirs(folder: Path) -> list[Path]:
    # Hidden folders hold runs still being written (".<stamp>.partial").
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _read_entry(run_dir: Path) -> RunEntry | None:
    record = _read_record(run_dir / RUN_RECORD_FILE)
    if record is None:
        reports = sorted(run_dir.glob("*.html"))
        if not reports:
            return None  # not a run folder
        return RunEntry(
            notebook=run_dir.parent.name,
            run_dir=run_dir,
            status="unknown",
            started_at=_stamp_time(run_dir.name),
            duration_seconds=None,
            html_report=reports[0],
        )
    html_name = (record.get("files") or {}).get("html_report") or f"{record.get('notebook')}.html"
    html_report = run_dir / html_name
    return RunEntry(
        notebook=str(record.get("notebook") or run_dir.parent.name),
        run_dir=run_dir,
        status=str(record.get("status") or "unknown"),
        started_at=_iso_time(record.get("started_at")) or _stamp_time(run_dir.name),
        duration_seconds=record.get("duration_seconds"),
        html_report=html_report if html_report.is_file() else None,
        record=record,
    )


def _read_record(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        logger.warning("skipped the unreadable run record %s: %s", path, err)
        return None
    return record if isinstance(record, dict) else None


def _iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _stamp_time(name: str) -> datetime | None:
    try:  # "20261130T200102Z" or, for a second run in the same second, "20261130T200102Z-2"
        return datetime.strptime(name.split("-")[0], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def _newest_first(entry: RunEntry) -> tuple[datetime, str]:
    return (entry.started_at or datetime.min.replace(tzinfo=UTC), entry.run_dir.name)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _short(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value if len(value) <= 40 else value[:39] + "…"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}"
    return str(value)
