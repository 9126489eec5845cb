"""Run one stage, or every stale stage up to one, with ``dvc repro``; keep the log and failure."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks.errors import MlopsNotebooksError
from mlops_notebooks.pipeline._commands import _environment
from mlops_notebooks.pipeline.failures import StageFailure, diagnose, without_tracebacks

if TYPE_CHECKING:
    from mlops_notebooks.pipeline.project import Pipeline

__all__ = ["StageFailedError", "StageRun", "run_stage"]

_RUNNING = re.compile(r"^Running stage '([^']+)'")
_SKIPPED = re.compile(r"^Stage '([^']+)' (?:didn't change|is cached), skipping")
_FAILED = re.compile(r"failed to reproduce '([^']+)'")


class StageFailedError(MlopsNotebooksError, RuntimeError):
    """A stage run by :func:`run_stage` failed; ``failure`` holds the details.

    Attributes
    ----------
    failure : StageFailure or None
    """

    def __init__(self, message: str, *, failure: StageFailure | None) -> None:
        super().__init__(message)
        self.failure = failure


@dataclass(frozen=True)
class StageRun(Result):
    """What running a stage did: the stages run and skipped, log, duration, exit status.

    Attributes
    ----------
    pipeline : Pipeline
        The pipeline as read after the run (new ``dvc.lock`` hashes).
    target : str
        The stage asked for.
    command : tuple of str
        The ``dvc repro`` command line.
    returncode : int
    duration_seconds : float
    log : str
        Everything DVC and the stages printed (stdout and stderr, interleaved).
    ran, skipped : tuple of str
        Stages DVC ran, and stages it found up to date.
    failure : StageFailure or None
        Set when a stage failed.
    """

    pipeline: Pipeline
    target: str
    command: tuple[str, ...]
    returncode: int
    duration_seconds: float
    log: str
    ran: tuple[str, ...]
    skipped: tuple[str, ...]
    failure: StageFailure | None
    report_title: ClassVar[str] = "Stage run"
    plot_kinds: ClassVar[tuple[str, ...]] = ("graph",)

    @property
    def ok(self) -> bool:
        """True when the command exited 0."""
        return self.returncode == 0

    def raise_for_failure(self) -> StageRun:
        """Return ``self``, or raise :class:`StageFailedError` with the failure in one line."""
        if not self.ok:
            text = self.failure.text() if self.failure else f"dvc repro exited {self.returncode}"
            raise StageFailedError(text, failure=self.failure)
        return self

    def to_polars(self) -> pl.DataFrame:
        """One row per stage of the pipeline: what the run did with it."""
        failed = self.failure.stage if self.failure else None
        return pl.DataFrame(
            {
                "stage": list(self.pipeline.names),
                "outcome": [self._outcome(name, failed) for name in self.pipeline.names],
            }
        )

    def _outcome(self, name: str, failed: str | None) -> str:
        if name == failed:
            return "failed"
        if name in self.ran:
            return "ran"
        return "up to date" if name in self.skipped else ""

    def to_dict(self) -> dict[str, Any]:
        """Everything the run recorded; the failure's inputs as row objects."""
        failure = None
        if self.failure is not None:
            failure = {
                "stage": self.failure.stage,
                "exception": self.failure.exception,
                "message": self.failure.message,
                "column": self.failure.column,
                "culprits": self.failure.culprits,
                "traceback": self.failure.traceback,
                "inputs": self.failure.inputs,
                "params": self.failure.params,
            }
        return {
            "target": self.target,
            "command": list(self.command),
            "returncode": self.returncode,
            "ok": self.ok,
            "duration_seconds": self.duration_seconds,
            "ran": list(self.ran),
            "skipped": list(self.skipped),
            "failure": failure,
            "log": self.log,
        }

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """The stage graph coloured by what the run did (ran, failed, up to date)."""
        from mlops_notebooks.pipeline.graph import draw_graph

        check_kind(kind, self.plot_kinds, what="run plot kind")
        states = {row["stage"]: row["outcome"] for row in self.to_polars().iter_rows(named=True)}
        return draw_graph(self.pipeline, states, ax=ax)

    def _html_body(self) -> str:
        import html

        from mlops_notebooks._render import frame_to_html, paragraph, section, truncate

        verdict = "succeeded" if self.ok else f"FAILED (exit {self.returncode})"
        body = paragraph(
            f"{' '.join(self.command)} {verdict} in {self.duration_seconds:.1f} s; "
            f"ran: {', '.join(self.ran) or 'nothing'}; "
            f"up to date: {', '.join(self.skipped) or 'none'}"
        )
        if self.failure is not None:
            where = self.failure.frames(str(self.pipeline.folder))
            body += section("Failure", paragraph(self.failure.text()))
            if where:
                body += section(
                    "Where, in the stage's code",
                    "<pre>" + html.escape("\n".join(where)) + "</pre>",
                )
            body += section("Inputs of the failing stage", frame_to_html(self.failure.inputs))
            params = ", ".join(f"{k} = {v!r}" for k, v in self.failure.params.items())
            body += paragraph(f"Parameters: {params or 'none'}")
        # tracebacks are summarised above; the log keeps what the stages printed
        tail = "\n".join(without_tracebacks(self.log).splitlines()[-40:])
        return body + section("Log (last lines)", f"<pre>{html.escape(truncate(tail, 6000))}</pre>")


def run_stage(
    pipeline: Pipeline, name: str, *, upstream: bool = False, force: bool = False
) -> StageRun:
    """Run stage ``name`` with ``dvc repro`` and capture what happened.

    Parameters
    ----------
    pipeline : Pipeline
    name : str
        The stage.
    upstream : bool, default False
        Also run every stale stage it depends on (``dvc repro NAME``); by default only this
        stage runs (``dvc repro --single-item NAME``).
    force : bool, default False
        Run even when DVC finds the stage up to date (``--force``).

    Returns
    -------
    StageRun
        Check ``.ok``, or call ``.raise_for_failure()``. On failure ``.failure`` names the stage,
        the exception, the column it quotes and the inputs the stage had.

    Raises
    ------
    UnknownNameError
        No stage called ``name`` (close matches listed).

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, open_pipeline
    >>> from mlops_notebooks.pipeline.run import run_stage
    >>> pipeline = open_pipeline(make_sandbox(fault="raise"))  # train.learning_rate set to 0
    >>> run = run_stage(pipeline, "train")
    >>> run.ok, run.ran, run.failure.stage, run.failure.exception
    (False, ('train',), 'train', 'InvalidParameterError')
    >>> run.failure.params["train.learning_rate"]
    0
    """
    pipeline.stage(name)
    args = ["repro", name] if upstream else ["repro", "--single-item", name]
    if force:
        args.append("--force")
    command = (sys.executable, "-m", "dvc", *args)
    started = time.perf_counter()
    process = subprocess.run(
        list(command),
        cwd=pipeline.folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_environment(),
        check=False,
    )
    duration = time.perf_counter() - started
    log = process.stdout
    lines = log.splitlines()
    ran = tuple(m.group(1) for line in lines if (m := _RUNNING.match(line)))
    skipped = tuple(m.group(1) for line in lines if (m := _SKIPPED.match(line)))
    after = pipeline.reload()
    failure = None
    if process.returncode != 0:
        failed = next((m.group(1) for line in lines if (m := _FAILED.search(line))), None)
        failed = (failed or (ran[-1] if ran else name)).rsplit(":", 1)[-1]
        failure = diagnose(after, failed, log)
    return StageRun(
        pipeline=after,
        target=name,
        command=("dvc", *args),
        returncode=process.returncode,
        duration_seconds=duration,
        log=log,
        ran=ran,
        skipped=skipped,
        failure=failure,
    )
