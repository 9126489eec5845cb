"""Execute a notebook with papermill into a timestamped report folder.

Layout of one run::

    <output_dir>/<notebook>/<UTC timestamp>/
        <notebook>.ipynb      the executed notebook (partly executed if a cell failed)
        <notebook>.html       self-contained HTML report
        parameters.yaml       every parameter with the value the run used
        results.json          the values the notebook recorded with ``record(name, value)``
        run.json              the run's record: notebook, parameters, status, start, duration,
                              failing cell, versions, git commit, provenance of loaded data

The folder is built under a hidden temporary name and renamed when complete, so a reader never
sees a half-written run; a failed run is renamed too, keeping its partial report for debugging.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from mlops_notebooks._io import write_text_atomic
from mlops_notebooks.errors import ExecutionFailedError
from mlops_notebooks.runner.kernel import check_kernel, ensure_kernel
from mlops_notebooks.runner.notebooks import read_notebook, resolve_notebook
from mlops_notebooks.runner.parameters import parse_parameters, resolve
from mlops_notebooks.runner.report import export_html
from mlops_notebooks.runner.run_info import (
    RUN_RECORD_FILE,
    RunStart,
    git_state,
    run_environment,
    write_run_record,
)

__all__ = ["DEFAULT_OUTPUT_DIR", "RUN_RECORD_FILE", "RunResult", "run_notebook"]

DEFAULT_OUTPUT_DIR = "reports"

logger = logging.getLogger(__name__)
START_TIMEOUT_SECONDS = 300  # kernels can take over a minute to start on a loaded machine


@dataclass(frozen=True)
class RunResult:
    """Where a notebook run wrote its outputs, and with which parameters.

    Attributes
    ----------
    notebook : pathlib.Path
        The source notebook.
    output_dir : pathlib.Path
        The run's folder.
    executed_notebook, html_report, parameters_file : pathlib.Path
        The files in it.
    parameters : dict
        Every parameter with the value used.
    kernel_name : str
        The Jupyter kernel that executed it.
    duration_seconds : float
        Wall time of the execution, export included.
    run_record : pathlib.Path or None
        The run's ``run.json``.
    results : dict
        The values the notebook recorded with ``record(name, value)``.
    datasets : tuple of dict
        Provenance of every data set the notebook loaded, in load order.
    started_at : str
        UTC start time, ISO 8601.
    """

    notebook: Path
    output_dir: Path
    executed_notebook: Path
    html_report: Path
    parameters_file: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    kernel_name: str = ""
    duration_seconds: float = 0.0
    run_record: Path | None = None
    results: dict[str, Any] = field(default_factory=dict)
    datasets: tuple[dict[str, Any], ...] = ()
    started_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable summary of the run."""
        return {
            "notebook": str(self.notebook),
            "output_dir": str(self.output_dir),
            "executed_notebook": str(self.executed_notebook),
            "html_report": str(self.html_report),
            "parameters_file": str(self.parameters_file),
            "parameters": self.parameters,
            "kernel_name": self.kernel_name,
            "duration_seconds": self.duration_seconds,
            "run_record": str(self.run_record) if self.run_record else None,
            "results": self.results,
            "datasets": list(self.datasets),
            "started_at": self.started_at,
        }

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(
            f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>"
            for k, v in self.to_dict().items()
            if k not in ("parameters", "results", "datasets")
        )
        return f"<table>{rows}</table>"


def run_notebook(
    notebook: str | os.PathLike[str],
    *,
    parameters: Mapping[str, Any] | None = None,
    parameters_file: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] = DEFAULT_OUTPUT_DIR,
    no_input: bool = False,
    kernel_name: str | None = None,
    progress: bool = False,
) -> RunResult:
    """Execute ``notebook`` with papermill and write the executed copy and an HTML report.

    Parameters
    ----------
    notebook : str or path-like
        A name from the project's ``notebooks/`` folder or a path to an ``.ipynb`` file.
    parameters : mapping, optional
        Overrides for the ``parameters`` cell; string values are parsed to the default's type.
        They take precedence over ``parameters_file``.
    parameters_file : path-like, optional
        A YAML mapping of parameter overrides.
    output_dir : path-like, default "reports"
        Root of the report folders.
    no_input : bool, default False
        Hide code in the HTML report.
    kernel_name : str, optional
        Jupyter kernel; default a kernel for the running interpreter (installed if needed).
    progress : bool, default False
        Show papermill's per-cell progress bar on stderr.

    Returns
    -------
    RunResult

    Raises
    ------
    NotebookNotFoundError
        When ``notebook`` does not resolve.
    ParameterError
        For an unknown parameter (listing the valid ones) or a value of the wrong type —
        before any kernel starts.
    UnknownNameError
        For a ``kernel_name`` that is not installed (listing those that are).
    ExecutionFailedError
        When a cell raises, or the kernel dies while running one. The partly executed
        notebook, its HTML and ``run.json`` (status ``failed``, with the failing cell) are kept.

    Examples
    --------
    Executing a whole notebook is too slow for a doctest (tests/runner runs real ones):

    >>> result = run_notebook("data_exploration_mlops", parameters={"sample_size": "5000"},
    ...                       output_dir="reports")  # doctest: +SKIP
    >>> result.html_report  # doctest: +SKIP
    PosixPath('reports/data_exploration_mlops/20261127T120000Z/data_exploration_mlops.html')
    """
    source = resolve_notebook(notebook)
    declared = parse_parameters(read_notebook(source))
    from_file = _read_parameters_file(parameters_file) if parameters_file else {}
    overrides, effective = resolve(declared, from_file, dict(parameters or {}))
    kernel = check_kernel(kernel_name) if kernel_name else ensure_kernel()

    final_dir = _new_run_dir(Path(output_dir) / source.stem)
    work_dir = final_dir.with_name(f".{final_dir.name}.partial")
    work_dir.mkdir(parents=True)
    executed = work_dir / source.name
    html = work_dir / f"{source.stem}.html"
    params_file = work_dir / "parameters.yaml"
    _write_parameters(params_file, effective)

    run = RunStart(
        source=source,
        work_dir=work_dir,
        final_dir=final_dir,
        parameters=effective,
        kernel=kernel,
        no_input=no_input,
        started_at=datetime.now(UTC),
        git=git_state(source.parent),  # the code the run starts from, before a cell can change it
    )
    error, duration = _execute_run(run, executed, html, overrides, progress)
    record = write_run_record(run, duration, error)
    result = RunResult(
        notebook=source,
        output_dir=final_dir,
        executed_notebook=final_dir / executed.name,
        html_report=final_dir / html.name,
        parameters_file=final_dir / params_file.name,
        parameters=effective,
        kernel_name=kernel,
        duration_seconds=record["duration_seconds"],
        run_record=final_dir / RUN_RECORD_FILE,
        results=record["results"],
        datasets=tuple(record["datasets"]),
        started_at=record["started_at"],
    )
    if error is not None:
        raise _failure_error(error, result)
    return result


def _execute_run(
    run: RunStart, executed: Path, html: Path, overrides: dict[str, Any], progress: bool
) -> tuple[dict[str, Any] | None, float]:
    """Execute and export; return the failing cell (or ``None``) and the wall time."""
    started = time.perf_counter()
    try:
        with run_environment(run.work_dir):
            failure = _execute(run.source, executed, overrides, run.kernel, progress)
        export_html(executed, html, no_input=run.no_input)
    except Exception as err:  # the kernel died (or never started): keep what there is
        _fail_on_crash(run, err, executed, html, time.perf_counter() - started)
    error = _failure_info(failure, executed) if failure is not None else None
    return error, time.perf_counter() - started


def _fail_on_crash(
    run: RunStart, err: Exception, executed: Path, html: Path, duration: float
) -> NoReturn:
    crash = _crash_info(err, executed)
    _export_partial(executed, html, run.no_input)
    write_run_record(run, duration, crash)
    if crash["cell_index"] is None:
        raise err
    report = run.final_dir / html.name
    raise ExecutionFailedError(
        f"the kernel stopped in cell {crash['cell_index'] + 1} of {run.source.name}: "
        f"{crash['ename']}: {crash['evalue']}",
        **crash,
        output_notebook=str(run.final_dir / executed.name),
        html_report=str(report) if report.exists() else None,
    ) from err


def _execute(
    source: Path, executed: Path, overrides: dict[str, Any], kernel: str, progress: bool
) -> Any:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=overrides,
            kernel_name=kernel,
            cwd=str(source.parent),
            progress_bar=progress,
            log_output=False,
            start_timeout=START_TIMEOUT_SECONDS,
            # The kernel's own log lines ("running over TCP without encryption" on a loopback
            # kernel, "KeyboardInterrupt caught" at shutdown) would otherwise interleave with our
            # one-line messages; errors in cells still reach the notebook and the exit code.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as err:
        return err
    return None


def _failure_info(err: Any, executed: Path) -> dict[str, Any]:
    """The failing cell as the notebook's author sees it (index in the source notebook)."""
    notebook = read_notebook(executed)
    # papermill counts its error banner and injected-parameters cell; the author sees neither.
    injected_before = sum(
        1
        for cell in notebook.cells[1 : err.cell_index + 1]
        if "injected-parameters" in cell.metadata.get("tags", [])
    )
    return {
        "cell_index": err.cell_index - injected_before,
        "execution_count": err.exec_count,
        "ename": err.ename,
        "evalue": str(err.evalue),
    }


def _crash_info(err: Exception, executed: Path) -> dict[str, Any]:
    """The cell that was running when the kernel stopped (``cell_index`` None if none ran)."""
    info: dict[str, Any] = {
        "cell_index": None,
        "execution_count": None,
        "ename": type(err).__name__,
        "evalue": " ".join(str(err).split()),
    }
    if not executed.is_file():
        return info
    cells = read_notebook(executed).cells
    started = [
        index
        for index, cell in enumerate(cells)
        if cell.cell_type == "code" and cell.metadata.get("papermill", {}).get("start_time")
    ]
    if started:
        last = started[-1]
        injected = sum(
            "injected-parameters" in cell.metadata.get("tags", []) for cell in cells[: last + 1]
        )
        info["cell_index"] = last - injected
    return info


def _export_partial(executed: Path, html: Path, no_input: bool) -> None:
    if not executed.is_file():
        return
    try:
        export_html(executed, html, no_input=no_input)
    except Exception:  # the run already failed; its notebook is kept either way
        logger.warning("could not export %s to HTML", executed, exc_info=True)


def _failure_error(error: dict[str, Any], result: RunResult) -> ExecutionFailedError:
    evalue = " ".join(error["evalue"].split())
    return ExecutionFailedError(
        f"cell {error['cell_index'] + 1} (In [{error['execution_count']}]) of "
        f"{result.notebook.name} raised {error['ename']}: {evalue}",
        cell_index=error["cell_index"],
        execution_count=error["execution_count"],
        ename=error["ename"],
        evalue=error["evalue"],
        output_notebook=str(result.executed_notebook),
        html_report=str(result.html_report),
    )


def _new_run_dir(parent: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = parent / stamp
    suffix = 2
    while candidate.exists() or candidate.with_name(f".{candidate.name}.partial").exists():
        candidate = parent / f"{stamp}-{suffix}"
        suffix += 1
    return candidate


def _read_parameters_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    import yaml

    from mlops_notebooks.errors import InvalidInputError

    file = Path(path)
    if not file.is_file():
        raise InvalidInputError(f"parameters file not found: {file}")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise InvalidInputError(f"parameters file {file} is not valid YAML: {err}") from err
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInputError(f"parameters file {file} must hold a mapping of name: value")
    return {str(k): v for k, v in data.items()}


def _write_parameters(path: Path, parameters: Mapping[str, Any]) -> None:
    import yaml

    write_text_atomic(path, yaml.safe_dump(dict(parameters), sort_keys=False, allow_unicode=True))
