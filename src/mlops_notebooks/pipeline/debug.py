"""Run a Python stage's script inside the kernel, so ``%debug`` and its variables are at hand.

``debug_stage`` does what DVC would do for the stage — the same ``argv``, the same working
directory — but in this process, with :mod:`runpy`. When the script raises, the exception
propagates unchanged: IPython's ``%debug`` opens a post-mortem debugger in the stage's own frames.
With ``reraise=False`` the error is returned instead, with the local variables of the innermost
frame of the stage's code.

The script writes its outputs like ``dvc repro`` would, but ``dvc.lock`` is not updated: run the
stage with :func:`run_stage` (or ``dvc commit``) once it works.
"""

from __future__ import annotations

import os
import re
import runpy
import shlex
import sys
import time
import traceback as traceback_module
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from mlops_notebooks._protocol import Result
from mlops_notebooks.pipeline.errors import NotPythonStageError

if TYPE_CHECKING:
    from mlops_notebooks.pipeline.project import Pipeline

__all__ = ["DebugRun", "debug_stage", "python_command"]

NOT_PYTHON = (
    "stage {name!r} runs `{cmd}`, not a Python script: debug_stage needs a command like "
    "`python SCRIPT [ARGS]` or `python -m MODULE [ARGS]` (use run_stage for other commands)"
)
_PYTHON = re.compile(r"^python(?:\d+(?:\.\d+)?)?(?:\.exe)?$")


@dataclass(frozen=True)
class DebugRun(Result):
    """A stage script run in the kernel.

    Attributes
    ----------
    stage : str
    argv : tuple of str
        ``sys.argv`` the script saw (``argv[0]`` is the script or module).
    cwd : Path
        The working directory it ran in.
    duration_seconds : float
    namespace : dict
        The script's global variables after the run (modules and dunders left out).
    exception : BaseException or None
        The error, when run with ``reraise=False`` and the script raised.
    traceback : str
        Its formatted traceback.
    error_locals : dict
        Local variables of the innermost frame in the stage's own code at the error.
    error_frame : str
        ``file:line in function`` of that frame.
    function_locals : dict
        Function name → its local variables when it last returned, for every function of the
        stage's own code (``main`` included), so a successful run can be inspected too.
    """

    stage: str
    argv: tuple[str, ...]
    cwd: Path
    duration_seconds: float
    namespace: dict[str, Any] = field(repr=False)
    exception: BaseException | None = None
    traceback: str = ""
    error_locals: dict[str, Any] = field(default_factory=dict, repr=False)
    error_frame: str = ""
    function_locals: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    report_title: ClassVar[str] = "Stage run in the kernel"

    @property
    def ok(self) -> bool:
        """True when the script finished without an exception."""
        return self.exception is None

    def to_polars(self) -> pl.DataFrame:
        """The variables to inspect: at the error when it failed, else the script's globals."""
        if self.exception is not None:
            variables = self.error_locals
        else:
            variables = {**self.namespace, **self.function_locals.get("main", {})}
        return pl.DataFrame(
            {
                "variable": list(variables),
                "type": [type(v).__name__ for v in variables.values()],
                "value": [_summary(v) for v in variables.values()],
            },
            schema={"variable": pl.String, "type": pl.String, "value": pl.String},
        )

    def to_dict(self) -> dict[str, Any]:
        """Run facts and the variable table (values summarised as text)."""
        return {
            "stage": self.stage,
            "argv": list(self.argv),
            "cwd": str(self.cwd),
            "duration_seconds": self.duration_seconds,
            "ok": self.ok,
            "exception": repr(self.exception) if self.exception is not None else None,
            "error_frame": self.error_frame,
            "traceback": self.traceback,
            "variables": self.to_polars(),
        }

    def _html_body(self) -> str:
        from mlops_notebooks._render import frame_to_html, paragraph, section

        if self.exception is None:
            head = f"{' '.join(self.argv)} finished in {self.duration_seconds:.1f} s in {self.cwd}"
            return paragraph(head) + section("Global variables", frame_to_html(self.to_polars()))
        message = str(self.exception).splitlines()[0] if str(self.exception) else ""
        head = f"{type(self.exception).__name__}: {message}"
        return (
            paragraph(f"stage {self.stage!r} raised {head}")
            + paragraph(f"at {self.error_frame}")
            + section("Local variables at the error", frame_to_html(self.to_polars()))
        )


def python_command(pipeline: Pipeline, name: str) -> tuple[list[str], bool]:
    """``(argv, is_module)`` of a Python stage, or :class:`NotPythonStageError`."""
    stage = pipeline.stage(name)
    shown = " && ".join(stage.cmd)
    if len(stage.cmd) != 1:
        raise NotPythonStageError(NOT_PYTHON.format(name=name, cmd=shown))
    try:
        words = shlex.split(stage.cmd[0])
    except ValueError:
        raise NotPythonStageError(NOT_PYTHON.format(name=name, cmd=shown)) from None
    if not words or not _PYTHON.match(Path(words[0]).name):
        raise NotPythonStageError(NOT_PYTHON.format(name=name, cmd=shown))
    rest = words[1:]
    while rest and rest[0].startswith("-") and rest[0] != "-m":
        rest = rest[1:]  # interpreter flags such as -u or -O
    if rest[:1] == ["-m"] and len(rest) > 1:
        return rest[1:], True
    if not rest or not rest[0].endswith(".py"):
        raise NotPythonStageError(NOT_PYTHON.format(name=name, cmd=shown))
    return rest, False


def debug_stage(pipeline: Pipeline, name: str, *, reraise: bool = True) -> DebugRun:
    """Run stage ``name``'s Python script in this process, as DVC would run it.

    Parameters
    ----------
    pipeline : Pipeline
    name : str
        A stage whose command is ``python SCRIPT [ARGS]`` or ``python -m MODULE [ARGS]``.
    reraise : bool, default True
        Let the script's exception propagate (then ``%debug`` opens the post-mortem debugger
        in its frames). With False, return it in the result with the local variables at the
        error.

    Returns
    -------
    DebugRun
        The script's globals (``.namespace``) after a successful run.

    Raises
    ------
    NotPythonStageError
        The stage's command is not a Python script or module.
    UnknownNameError
        No stage called ``name``.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, open_pipeline
    >>> from mlops_notebooks.pipeline.debug import debug_stage
    >>> pipeline = open_pipeline(make_sandbox(fault="raise"))  # train.learning_rate set to 0
    >>> run = debug_stage(pipeline, "train", reraise=False)  # reraise=True: then %debug
    >>> type(run.exception).__name__, run.error_frame.endswith("train.py:48 in main")
    ('InvalidParameterError', True)
    >>> run.error_locals["params"]["learning_rate"]
    0
    """
    argv, is_module = python_command(pipeline, name)
    cwd = (pipeline.folder / pipeline.stage(name).wdir).resolve()
    saved = (os.getcwd(), sys.argv[:], sys.path[:], set(sys.modules))
    namespace: dict[str, Any] = {}
    recorder = _LocalsRecorder(cwd)
    started = time.perf_counter()
    previous_profiler = sys.getprofile()
    try:
        os.chdir(cwd)
        sys.argv = list(argv)
        sys.path.insert(0, str(cwd if is_module else (cwd / argv[0]).parent))
        sys.setprofile(recorder)
        if is_module:
            namespace = runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
        else:
            namespace = runpy.run_path(str(cwd / argv[0]), run_name="__main__")
    except BaseException as error:
        sys.setprofile(previous_profiler)
        if reraise or isinstance(error, KeyboardInterrupt):
            raise
        return _failed(name, argv, cwd, time.perf_counter() - started, error)
    finally:
        sys.setprofile(previous_profiler)
        _restore(saved, pipeline.folder)
    return DebugRun(
        stage=name,
        argv=tuple(argv),
        cwd=cwd,
        duration_seconds=time.perf_counter() - started,
        namespace=_public(namespace),
        function_locals=recorder.locals,
    )


class _LocalsRecorder:
    """A profile hook keeping the locals of the stage's own functions when they return."""

    def __init__(self, folder: Path) -> None:
        self.folder = str(folder) + os.sep
        self.locals: dict[str, dict[str, Any]] = {}

    def __call__(self, frame: Any, event: str, arg: Any) -> None:
        if event == "return" and frame.f_code.co_filename.startswith(self.folder):
            name = frame.f_code.co_name
            if not name.startswith("<"):
                self.locals[name] = _public(dict(frame.f_locals))


def _failed(
    name: str, argv: list[str], cwd: Path, duration: float, error: BaseException
) -> DebugRun:
    frames = [
        (frame, line)
        for frame, line in traceback_module.walk_tb(error.__traceback__)
        if Path(frame.f_code.co_filename).resolve().is_relative_to(cwd)
    ]
    frame_locals: dict[str, Any] = {}
    where = ""
    if frames:
        frame, line = frames[-1]
        frame_locals = _public(dict(frame.f_locals))
        where = f"{frame.f_code.co_filename}:{line} in {frame.f_code.co_name}"
    return DebugRun(
        stage=name,
        argv=tuple(argv),
        cwd=cwd,
        duration_seconds=duration,
        namespace={},
        exception=error,
        traceback="".join(traceback_module.format_exception(error)),
        error_locals=frame_locals,
        error_frame=where,
    )


def _restore(saved: tuple[str, list[str], list[str], set[str]], folder: Path) -> None:
    """Put back cwd, argv and sys.path; forget modules imported from the pipeline's code."""
    cwd, argv, path, modules = saved
    os.chdir(cwd)
    sys.argv = argv
    sys.path[:] = path
    for name in set(sys.modules) - modules:
        file = getattr(sys.modules[name], "__file__", None)
        if file and Path(file).resolve().is_relative_to(folder.resolve()):
            del sys.modules[name]


def _public(namespace: dict[str, Any]) -> dict[str, Any]:
    import types

    return {
        key: value
        for key, value in namespace.items()
        if not key.startswith("__") and not isinstance(value, types.ModuleType)
    }


def _summary(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None and not callable(shape):
        return f"shape {tuple(shape)}"
    text = repr(value)
    return text if len(text) <= 120 else text[:119] + "…"
