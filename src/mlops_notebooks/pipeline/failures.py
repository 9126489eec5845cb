"""Read a failed stage's log: the exception, its message, the offending column, the inputs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from mlops_notebooks.pipeline.values import flatten

if TYPE_CHECKING:
    from mlops_notebooks.pipeline.project import Pipeline

__all__ = ["StageFailure", "diagnose", "parse_exception", "without_tracebacks"]

_FRAME = re.compile(r'^\s+File "([^"]+)", line (\d+), in (.+)$')
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")
_COLUMN_PATTERNS = (
    re.compile(r"""column[s]?\s+(?:named\s+)?["'`]([^"'`]+)["'`]""", re.IGNORECASE),
    re.compile(r"""^["'`]([^"'`]+)["'`]\s+not found""", re.IGNORECASE),
    re.compile(r"""^\[?["']([^"']+)["']\]?(?: not in index)?$"""),
    re.compile(r"""None of \[Index\(\[["']([^"']+)["']"""),
)
DATA_SUFFIXES = (".parquet", ".csv", ".tsv", ".json", ".jsonl", ".feather", ".arrow", ".ipc")


@dataclass(frozen=True)
class StageFailure:
    """Why a stage failed, read from its log, with the inputs it had.

    Attributes
    ----------
    stage : str
        The stage that failed.
    exception : str
        Exception class, without its module (``ColumnNotFoundError``).
    message : str
        First line of the exception message.
    column : str or None
        The column the error names, when it names one.
    traceback : str
        The last traceback printed by the stage's command.
    inputs : polars.DataFrame
        One row per dependency: ``input``, ``kind`` (code, data, model, …), ``exists``, ``rows``,
        ``columns``, ``has_column`` (whether it holds ``column``), ``had_column_at_head``.
    params : dict
        The parameters the stage declares, with their current values.
    """

    stage: str
    exception: str
    message: str
    column: str | None
    traceback: str
    inputs: pl.DataFrame = field(repr=False)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def culprits(self) -> list[str]:
        """Inputs that held ``column`` at the last commit and no longer do."""
        if self.column is None or self.inputs.is_empty():
            return []
        lost = self.inputs.filter(pl.col("had_column_at_head") & ~pl.col("has_column"))
        return lost["input"].to_list()

    def frames(self, folder: str = "") -> list[str]:
        """``file:line in function`` of each traceback frame in the pipeline's own code.

        Library frames are left out: the last line is where the stage's code called the
        failing library. ``folder`` (the pipeline folder) keeps only frames under it.
        """
        found = []
        lines = self.traceback.splitlines()
        for index, line in enumerate(lines):
            match = _FRAME.match(line)
            if match and "site-packages" not in match.group(1) and folder in match.group(1):
                code = lines[index + 1].strip() if index + 1 < len(lines) else ""
                file = match.group(1).removeprefix(folder).lstrip("/")
                found.append(f"{file}:{match.group(2)} in {match.group(3)}: {code}")
        return found

    def text(self) -> str:
        """The failure in one line."""
        column = f" (column {self.column!r})" if self.column else ""
        lost = f"; {', '.join(self.culprits)} lost it" if self.culprits else ""
        message = self.message if len(self.message) <= 160 else self.message[:159] + "…"
        return f"stage {self.stage!r} failed: {self.exception}: {message}{column}{lost}"


def parse_exception(log: str) -> tuple[str, str, str]:
    """``(exception class, first message line, traceback)`` of the last traceback in ``log``."""
    lines = log.splitlines()
    starts = [
        i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")
    ]
    if not starts:
        errors = [line for line in lines if line.startswith("ERROR")]
        return "", (errors[-1].removeprefix("ERROR:").strip() if errors else ""), ""
    block = lines[starts[-1] :]
    for offset, line in enumerate(block[1:], start=1):
        if line and not line[0].isspace():
            match = _EXCEPTION_LINE.match(line)
            if match:
                name = match.group(1).rsplit(".", 1)[-1]
                return name, (match.group(2) or "").strip(), "\n".join(block[: offset + 1])
    return "", "", "\n".join(block)


def without_tracebacks(log: str) -> str:
    """``log`` with each traceback block replaced by its last line (the exception)."""
    kept: list[str] = []
    inside = False
    for line in log.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            inside = True
            continue
        if inside and (not line or line[0].isspace()):
            continue
        inside = False
        kept.append(line)
    return "\n".join(kept)


def find_column(message: str) -> str | None:
    """The column name an error message quotes (polars, pandas, pyarrow, scikit-learn wording)."""
    for pattern in _COLUMN_PATTERNS:
        match = pattern.search(message.strip())
        if match:
            return match.group(1)
    return None


def diagnose(pipeline: Pipeline, stage_name: str, log: str) -> StageFailure:
    """Build the :class:`StageFailure` of ``stage_name`` from the command's ``log``."""
    exception, message, traceback = parse_exception(log)
    column = find_column(message) if message else None
    stage = pipeline.stage(stage_name)
    params: dict[str, Any] = {}
    for ref in stage.params:
        params.update(_select(flatten(pipeline.params.get(ref.file, {})), ref.key))
    return StageFailure(
        stage=stage_name,
        exception=exception,
        message=message,
        column=column,
        traceback=traceback,
        inputs=_inputs(pipeline, stage.deps, column),
        params=params,
    )


def _select(flat: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in flat.items() if k == key or k.startswith(key + ".")}


def _inputs(pipeline: Pipeline, deps: tuple[str, ...], column: str | None) -> pl.DataFrame:
    rows = []
    for dep in deps:
        path = pipeline.path(dep)
        names = _columns(str(path)) if path.is_file() and dep.endswith(DATA_SUFFIXES) else None
        before = _columns_at_head(pipeline, dep) if column and names is not None else None
        rows.append(
            {
                "input": dep,
                "kind": _kind(dep),
                "exists": path.exists(),
                "columns": len(names) if names is not None else None,
                "has_column": bool(column and names and column in names),
                "had_column_at_head": bool(column and before and column in before),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "input": pl.String,
            "kind": pl.String,
            "exists": pl.Boolean,
            "columns": pl.Int64,
            "has_column": pl.Boolean,
            "had_column_at_head": pl.Boolean,
        },
    )


def _kind(path: str) -> str:
    if path.endswith(DATA_SUFFIXES):
        return "data"
    if path.endswith((".py", ".ipynb", ".sh", ".R", ".r", ".sql")):
        return "code"
    if path.endswith((".joblib", ".pkl", ".pickle", ".pt", ".onnx", ".h5", ".bin")):
        return "model"
    return "file"


def _columns(ref: str, rev: str | None = None) -> list[str] | None:
    from mlops_notebooks.data import load

    try:
        frame = load(ref, limit=1, backend="polars", rev=rev)
    except Exception:  # an unreadable input is reported as such, not raised again
        return None
    return list(frame.columns)


def _columns_at_head(pipeline: Pipeline, dep: str) -> list[str] | None:
    return _columns(str(pipeline.path(dep)), rev="HEAD")
