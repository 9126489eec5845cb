"""Plain Python pipelines: functions stepped through one at a time, every result kept.

Each function's name is the name of its result, and its parameters name the results (or the
pipeline inputs) it needs — the convention of Hamilton and of Kedro's node inputs::

    def clean(raw): ...
    def features(clean, params): ...
    pipeline = FunctionPipeline([clean, features])
    run = pipeline.start(raw=frame, params={"window": 7})
    run.step()                  # runs `clean`; run["clean"] is its result
    run.run_to("features")      # every intermediate stays in run.results
    run.rerun("clean", fixed_clean)   # swap in a fixed function, invalidate what depends on it

A step that raises is recorded (stage name, exception, the column it quotes) and the original
exception is raised again, so ``%debug`` opens in the step's own frames.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import polars as pl

from mlops_notebooks._protocol import Result, check_kind, lookup
from mlops_notebooks.errors import InvalidInputError, MlopsNotebooksError
from mlops_notebooks.pipeline.failures import find_column

__all__ = ["FunctionPipeline", "FunctionRun", "StepFailedError", "StepRecord"]

DUPLICATE_STEP = "two steps are called {name!r}: each function's name must be unique"
MISSING_INPUT = "step {step!r} needs {missing}, which neither an earlier step nor the inputs give"
NOT_CALLABLE = "steps must be functions, got {value!r}"


class StepFailedError(MlopsNotebooksError, RuntimeError):
    """Raised by :meth:`FunctionRun.raise_for_failure` when a step failed."""


@dataclass(frozen=True)
class StepRecord:
    """What happened to one step: state, duration, a summary of its result or its error."""

    name: str
    state: str
    duration_seconds: float | None = None
    result: str = ""
    exception: str = ""
    message: str = ""
    column: str | None = None


class FunctionPipeline:
    """An ordered list of functions wired by parameter names; see the module docstring.

    Parameters
    ----------
    steps : sequence of callables
        In run order; a function's parameters name earlier results or pipeline inputs
        (parameters with defaults may be left unwired).
    """

    def __init__(self, steps: Sequence[Callable[..., Any]]) -> None:
        self.steps: dict[str, Callable[..., Any]] = {}
        for function in steps:
            if not callable(function):
                raise InvalidInputError(NOT_CALLABLE.format(value=function))
            name = function.__name__
            if name in self.steps:
                raise InvalidInputError(DUPLICATE_STEP.format(name=name))
            self.steps[name] = function

    def needs(self, name: str) -> list[str]:
        """The result or input names step ``name`` reads (its parameters without defaults)."""
        function = lookup(self.steps, name, what="step")
        signature = inspect.signature(function)
        return [
            p.name
            for p in signature.parameters.values()
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]

    def edges(self) -> list[tuple[str, str]]:
        """``(producer, consumer)`` between steps."""
        return [
            (need, name) for name in self.steps for need in self.needs(name) if need in self.steps
        ]

    def start(self, **inputs: Any) -> FunctionRun:
        """A new run with these pipeline inputs; nothing runs yet."""
        for position, name in enumerate(self.steps):
            available = set(inputs) | set(list(self.steps)[:position])
            missing = [need for need in self.needs(name) if need not in available]
            if missing:
                raise InvalidInputError(MISSING_INPUT.format(step=name, missing=", ".join(missing)))
        return FunctionRun(self, inputs)


class FunctionRun(Result):
    """A run of a :class:`FunctionPipeline`, stepped by hand; ``results`` keeps every output."""

    report_title: ClassVar[str] = "Function pipeline run"
    plot_kinds: ClassVar[tuple[str, ...]] = ("graph",)

    def __init__(self, pipeline: FunctionPipeline, inputs: dict[str, Any]) -> None:
        self.pipeline = pipeline
        self.inputs = dict(inputs)
        self.results: dict[str, Any] = {}
        self.records: dict[str, StepRecord] = {
            name: StepRecord(name, "pending") for name in pipeline.steps
        }

    def __getitem__(self, name: str) -> Any:
        """The result of step ``name`` (or a pipeline input)."""
        return lookup({**self.inputs, **self.results}, name, what="result")

    @property
    def next_step(self) -> str | None:
        """The first step not done yet, or ``None`` when all are."""
        return next((n for n, r in self.records.items() if r.state != "done"), None)

    def step(self, *, reraise: bool = True) -> StepRecord:
        """Run the next step and keep its result.

        A step that raises is recorded as failed; the exception is raised again unchanged
        (``%debug`` then opens in the step's frames) unless ``reraise=False``.
        """
        name = self.next_step
        if name is None:
            raise InvalidInputError("every step is done: use rerun(name) to run one again")
        return self._run(name, reraise=reraise)

    def run_to(self, name: str, *, reraise: bool = True) -> StepRecord:
        """Run every step up to and including ``name``; return its record."""
        lookup(self.pipeline.steps, name, what="step")
        record = self.records[name]
        while self.records[name].state != "done":
            record = self.step(reraise=reraise)
            if record.state == "failed":
                return record
        return self.records[name]

    def run_all(self, *, reraise: bool = True) -> FunctionRun:
        """Run the remaining steps; return ``self``."""
        while self.next_step is not None:
            if self.step(reraise=reraise).state == "failed":
                break
        return self

    def rerun(
        self, name: str, function: Callable[..., Any] | None = None, *, reraise: bool = True
    ) -> StepRecord:
        """Run step ``name`` again on the kept inputs, optionally as a new ``function``.

        Results of the steps after it are dropped (they may depend on it) and marked pending.
        """
        lookup(self.pipeline.steps, name, what="step")
        if function is not None:
            self.pipeline.steps[name] = function
        names = list(self.pipeline.steps)
        for later in names[names.index(name) :]:
            self.results.pop(later, None)
            self.records[later] = StepRecord(later, "pending")
        return self._run(name, reraise=reraise)

    def arguments(self, name: str) -> dict[str, Any]:
        """The keyword arguments step ``name`` gets: Kedro's ``%load_node`` for functions."""
        available = {**self.inputs, **self.results}
        return {need: available[need] for need in self.pipeline.needs(name) if need in available}

    def raise_for_failure(self) -> FunctionRun:
        """Return ``self``, or raise :class:`StepFailedError` naming the failed step."""
        failed = [r for r in self.records.values() if r.state == "failed"]
        if failed:
            r = failed[0]
            column = f" (column {r.column!r})" if r.column else ""
            raise StepFailedError(f"step {r.name!r} failed: {r.exception}: {r.message}{column}")
        return self

    def _run(self, name: str, *, reraise: bool) -> StepRecord:
        function = self.pipeline.steps[name]
        started = time.perf_counter()
        try:
            value = function(**self.arguments(name))
        except Exception as error:
            message = str(error).splitlines()[0] if str(error) else ""
            self.records[name] = StepRecord(
                name,
                "failed",
                time.perf_counter() - started,
                exception=type(error).__name__,
                message=message,
                column=find_column(message)
                or (str(error.args[0]) if isinstance(error, KeyError) and error.args else None),
            )
            if reraise:
                raise
            return self.records[name]
        self.results[name] = value
        self.records[name] = StepRecord(
            name, "done", time.perf_counter() - started, result=_summary(value)
        )
        return self.records[name]

    def to_polars(self) -> pl.DataFrame:
        """One row per step: state, duration, result summary, error."""
        records = list(self.records.values())
        return pl.DataFrame(
            {
                "step": [r.name for r in records],
                "state": [r.state for r in records],
                "seconds": [r.duration_seconds for r in records],
                "result": [r.result for r in records],
                "error": [f"{r.exception}: {r.message}" if r.exception else "" for r in records],
                "column": [r.column for r in records],
            },
            schema={
                "step": pl.String,
                "state": pl.String,
                "seconds": pl.Float64,
                "result": pl.String,
                "error": pl.String,
                "column": pl.String,
            },
        )

    def to_dict(self) -> dict[str, Any]:
        """The step table (results themselves are not serialised)."""
        return {"steps": self.to_polars(), "inputs": sorted(self.inputs)}

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """The steps as a graph, coloured by state."""
        from mlops_notebooks.pipeline.graph import draw_nodes

        check_kind(kind, self.plot_kinds, what="run plot kind")
        states = {name: record.state for name, record in self.records.items()}
        return draw_nodes(list(self.records), self.pipeline.edges(), states, ax=ax, title="Steps")


def _summary(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None and not callable(shape):
        return f"{type(value).__name__} {tuple(shape)}"
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"
