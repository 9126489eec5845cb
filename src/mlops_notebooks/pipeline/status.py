"""Which stages are stale, and why: ``dvc status --json`` made readable.

DVC names what changed (a dependency file, a parameter key, the command, an output); this module
adds what it does not print: the old and new value of each changed parameter (``dvc.lock`` against
the parameter file), whether a changed file is code, and which stages are stale only because a
stage upstream of them is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl

from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks.pipeline import _commands
from mlops_notebooks.pipeline.values import flatten

if TYPE_CHECKING:
    from mlops_notebooks.pipeline.project import Pipeline, Stage

__all__ = ["CODE_SUFFIXES", "PipelineStatus", "Reason", "StageStatus", "status"]

ReasonKind = Literal[
    "changed dependency",
    "changed parameter",
    "changed code",
    "changed command",
    "missing output",
    "changed output",
    "upstream stale",
    "never ran",
    "other",
]
State = Literal["up to date", "changed", "stale upstream", "never ran", "frozen", "failed"]
CODE_SUFFIXES = (".py", ".ipynb", ".sh", ".r", ".jl", ".sql", ".js", ".scala")


@dataclass(frozen=True)
class Reason:
    """One reason a stage is stale.

    Attributes
    ----------
    kind : str
        ``"changed dependency"``, ``"changed parameter"``, ``"changed code"``,
        ``"changed command"``, ``"missing output"``, ``"changed output"``,
        ``"upstream stale"``, ``"never ran"`` or ``"other"``.
    path : str or None
        The file (dependency, output, parameter file) or, for ``"upstream stale"``, the stage.
    detail : str
        DVC's own word: ``modified``, ``deleted``, ``new``, ``not in cache``, …
    parameter : str or None
        Dotted parameter name for a changed parameter.
    old, new : Any
        Recorded (``dvc.lock``) and current value of the parameter.
    declared : str or None
        The parameter key as ``dvc.yaml`` declares it (``train`` for ``train.max_iter``).
    """

    kind: ReasonKind
    path: str | None = None
    detail: str = ""
    parameter: str | None = None
    old: Any = None
    new: Any = None
    declared: str | None = None

    def text(self) -> str:
        """The reason as one sentence."""
        if self.kind == "changed parameter" and self.parameter is None:
            return f"parameter file {self.path} {self.detail}"
        if self.kind == "changed parameter":
            return f"parameter {self.parameter} changed: {_show(self.old)} → {_show(self.new)}"
        if self.kind == "upstream stale":
            return f"upstream stage {self.path} is stale"
        if self.kind == "missing output":
            return f"output {self.path} is missing"
        if self.kind in ("changed command", "never ran", "other"):
            return self.detail or self.kind
        return f"{self.kind.removeprefix('changed ')} {self.path} {self.detail}"


@dataclass(frozen=True)
class StageStatus:
    """A stage's state and the reasons for it."""

    name: str
    state: State
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class PipelineStatus(Result):
    """Every stage's state with its reasons; ``plot()`` draws the graph coloured by state.

    Attributes
    ----------
    pipeline : Pipeline
    stages : tuple of StageStatus
        In pipeline order.
    reported : dict
        ``dvc status --json`` exactly as DVC printed it.
    """

    pipeline: Pipeline
    stages: tuple[StageStatus, ...]
    reported: Mapping[str, Any]
    report_title: ClassVar[str] = "Pipeline status"
    plot_kinds: ClassVar[tuple[str, ...]] = ("graph",)

    @property
    def stale(self) -> list[str]:
        """Stages that ``dvc repro`` would run, in pipeline order."""
        return [
            s.name for s in self.stages if s.state in ("changed", "stale upstream", "never ran")
        ]

    @property
    def states(self) -> dict[str, str]:
        """Stage name → state."""
        return {s.name: s.state for s in self.stages}

    def stage(self, name: str) -> StageStatus:
        """The status of stage ``name``."""
        self.pipeline.stage(name)
        return next(s for s in self.stages if s.name == name)

    def to_polars(self) -> pl.DataFrame:
        """One row per reason (one row for a stage without any): stage, state, kind, path, …"""
        rows = []
        for stage in self.stages:
            for reason in stage.reasons or (None,):
                rows.append(
                    {
                        "stage": stage.name,
                        "state": stage.state,
                        "kind": reason.kind if reason else "",
                        "path": reason.path if reason else None,
                        "parameter": reason.parameter if reason else None,
                        "old": _show(reason.old) if reason and reason.parameter else None,
                        "new": _show(reason.new) if reason and reason.parameter else None,
                        "why": reason.text() if reason else "",
                    }
                )
        return pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String) if rows else None)

    def to_dict(self) -> dict[str, Any]:
        """States, reasons (with raw parameter values) and DVC's own report."""
        from dataclasses import asdict

        return {
            "stale": self.stale,
            "stages": [asdict(stage) for stage in self.stages],
            "reported": dict(self.reported),
        }

    def to_dvc(self) -> dict[str, Any]:
        """The reasons DVC reported, rebuilt in the shape of ``dvc status --json``."""
        return {
            stage.name: _as_dvc(stage.reasons)
            for stage in self.stages
            if any(r.kind not in ("upstream stale",) for r in stage.reasons)
            and stage.state != "frozen"
        }

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """The stage graph, each stage coloured by its state."""
        from mlops_notebooks.pipeline.graph import draw_graph

        check_kind(kind, self.plot_kinds, what="status plot kind")
        return draw_graph(self.pipeline, self.states, ax=ax)

    def _html_body(self) -> str:
        from mlops_notebooks._render import figure_to_img_tag, frame_to_html, paragraph

        stale = ", ".join(self.stale) or "none"
        return (
            paragraph(f"Stale stages (dvc repro would run them): {stale}")
            + figure_to_img_tag(self.plot())
            + frame_to_html(self.to_polars())
        )


def status(pipeline: Pipeline) -> PipelineStatus:
    """Run ``dvc status --json`` and explain each stale stage.

    Parameters
    ----------
    pipeline : Pipeline
        From :func:`~mlops_notebooks.pipeline.open_pipeline`.

    Returns
    -------
    PipelineStatus

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, open_pipeline
    >>> from mlops_notebooks.pipeline.status import status
    >>> sandbox = make_sandbox()
    >>> status(open_pipeline(sandbox)).stale  # a new sandbox is up to date
    []
    >>> script = sandbox / "src" / "prepare.py"
    >>> _ = script.write_text(script.read_text() + "# edited", encoding="utf-8")
    >>> report = status(open_pipeline(sandbox))
    >>> report.states
    {'extract': 'up to date', 'prepare': 'changed', 'train': 'stale upstream',
     'predict': 'stale upstream'}
    >>> [reason.text() for reason in report.stage("prepare").reasons]
    ['code src/prepare.py modified']
    """
    reported = _commands.dvc_json(["status", "dvc.yaml"], pipeline.folder)
    reported = {_stage_name(key): value for key, value in (reported or {}).items()}
    direct = {
        stage.name: _reasons(stage, reported.get(stage.name) or [], pipeline)
        for stage in pipeline.stages
    }
    results = []
    for stage in pipeline.stages:
        reasons = direct[stage.name]
        state: State = "changed" if reasons else "up to date"
        if stage.locked is None:
            state, reasons = "never ran", (*reasons, Reason("never ran", detail="never ran"))
        elif stage.frozen:
            state = "frozen"
        else:
            stale_parents = [p for p in pipeline.upstream(stage.name) if direct[p]]
            if stale_parents:
                reasons = (*reasons, *(Reason("upstream stale", path=p) for p in stale_parents))
                state = state if state == "changed" else "stale upstream"
        results.append(StageStatus(stage.name, state, tuple(reasons)))
    return PipelineStatus(pipeline=pipeline, stages=tuple(results), reported=reported)


def _stage_name(key: str) -> str:
    """DVC prefixes stages of another folder's dvc.yaml with its path (``dvc.yaml:train``)."""
    return key.rsplit(":", 1)[-1]


def _reasons(stage: Stage, entries: list[Any], pipeline: Pipeline) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    for entry in entries:
        if isinstance(entry, str):
            kind: ReasonKind = "changed command" if entry == "changed command" else "other"
            reasons.append(Reason(kind, detail=entry))
            continue
        for group, changes in (entry or {}).items():
            for path, detail in (changes or {}).items():
                reasons.extend(_change(stage, group, path, detail, pipeline))
    return tuple(reasons)


def _change(stage: Stage, group: str, path: str, detail: Any, pipeline: Pipeline) -> list[Reason]:
    if isinstance(detail, dict):  # a parameter file: {declared key: word}
        return [
            r
            for key, word in detail.items()
            for r in _param_changes(stage, path, key, word, pipeline)
        ]
    word = str(detail)
    if group == "changed deps" and path in {ref.file for ref in stage.params}:
        # the whole parameter file is new or gone (a stage that never ran)
        return [Reason("changed parameter", path=path, detail=word)]
    if group == "changed outs":
        kind: ReasonKind = "missing output" if word == "deleted" else "changed output"
    elif path.lower().endswith(CODE_SUFFIXES) or any(path in command for command in stage.cmd):
        kind = "changed code"
    else:
        kind = "changed dependency"
    return [Reason(kind, path=path, detail=word)]


def _param_changes(
    stage: Stage, file: str, key: str, word: str, pipeline: Pipeline
) -> list[Reason]:
    """One reason per changed leaf under the declared ``key`` (``train`` → ``train.max_iter``)."""
    locked = (stage.locked.params.get(file, {}) if stage.locked else {}).get(key)
    current = _get(pipeline.params.get(file, {}), key)
    old, new = flatten(locked, key), flatten(current, key)
    leaves = [
        name
        for name in sorted(set(old) | set(new))
        if old.get(name, _MISSING) != new.get(name, _MISSING)
    ]
    if not leaves:
        return [
            Reason(
                "changed parameter",
                path=file,
                detail=str(word),
                parameter=key,
                old=locked,
                new=current,
                declared=key,
            )
        ]
    return [
        Reason(
            "changed parameter",
            path=file,
            detail=str(word),
            parameter=name,
            old=old.get(name),
            new=new.get(name),
            declared=key,
        )
        for name in leaves
    ]


class _Missing:
    pass


_MISSING = _Missing()


def _get(document: Mapping[str, Any], dotted: str) -> Any:
    value: Any = document
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _as_dvc(reasons: tuple[Reason, ...]) -> list[Any]:
    deps: dict[str, Any] = {}
    outs: dict[str, Any] = {}
    words: list[Any] = []
    for reason in reasons:
        if reason.kind == "changed parameter" and reason.path and reason.declared is None:
            deps[reason.path] = reason.detail
        elif reason.kind == "changed parameter" and reason.path:
            declared = deps.setdefault(reason.path, {})
            declared[reason.declared or str(reason.parameter)] = reason.detail
        elif reason.kind in ("changed dependency", "changed code") and reason.path:
            deps[reason.path] = reason.detail
        elif reason.kind in ("missing output", "changed output") and reason.path:
            outs[reason.path] = reason.detail
        elif reason.kind in ("changed command", "other"):
            words.append(reason.detail)
    shaped: list[Any] = list(words)
    if deps:
        shaped.append({"changed deps": deps})
    if outs:
        shaped.append({"changed outs": outs})
    return shaped


def _show(value: Any) -> str:
    return json.dumps(value, default=str) if not isinstance(value, str) else value
