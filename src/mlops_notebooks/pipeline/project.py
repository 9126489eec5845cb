"""The pipeline as data: ``dvc.yaml``, ``dvc.lock`` and ``params.yaml`` read into typed objects.

Only DVC's stable, documented file formats are read here (no ``dvc.repo.Repo`` internals), so the
model does not break between DVC releases. Paths are kept relative to the folder of ``dvc.yaml``,
as DVC prints them when run there.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl

from mlops_notebooks._protocol import Result, lookup
from mlops_notebooks.pipeline.errors import NotADvcProjectError
from mlops_notebooks.pipeline.values import flatten

if TYPE_CHECKING:
    from mlops_notebooks.pipeline.compare import OutputComparison
    from mlops_notebooks.pipeline.debug import DebugRun
    from mlops_notebooks.pipeline.diffs import ChangeExplanation, ValueDiff
    from mlops_notebooks.pipeline.inputs import StageInputs
    from mlops_notebooks.pipeline.run import StageRun
    from mlops_notebooks.pipeline.status import PipelineStatus

Backend = Literal["pandas", "polars"]

__all__ = ["LockedStage", "ParamRef", "Pipeline", "Stage", "flatten", "open_pipeline"]

NOT_A_PROJECT = "{path} is not inside a DVC project (no .dvc folder above it): run  dvc init  there"
NO_DVC_YAML = "no dvc.yaml in {path}: pass the folder that holds the pipeline's dvc.yaml"
MANY_DVC_YAML = "{path} holds several pipelines ({found}): pass the folder of the one you mean"
BAD_DVC_YAML = "{path} is not a valid dvc.yaml: {reason}"
TEMPLATED = "stage {name!r} in {path} uses foreach/matrix templating, which is not supported yet"
_SKIP = {".git", ".dvc", ".venv", "node_modules", "__pycache__"}
_OWNER = "_folder_owner"
_SELECTION = "_stage_selection"


@dataclass(frozen=True)
class ParamRef:
    """A parameter a stage declares: ``key`` (dotted; may name a whole section) in ``file``."""

    file: str
    key: str


@dataclass(frozen=True)
class LockedStage:
    """What ``dvc.lock`` recorded for a stage at its last run.

    Attributes
    ----------
    cmd : tuple of str
        The command(s) that ran.
    deps, outs : mapping of str to str
        Path → md5 of each dependency and output.
    params : mapping of str to mapping
        Parameter file → {declared key: value}.
    """

    cmd: tuple[str, ...]
    deps: Mapping[str, str]
    outs: Mapping[str, str]
    params: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Stage:
    """One stage of ``dvc.yaml``; paths relative to the pipeline folder.

    Attributes
    ----------
    name : str
    cmd : tuple of str
        Its command(s), run in ``wdir``.
    wdir : str
        Working directory relative to the pipeline folder (``"."`` by default).
    deps, outs, metrics, plots : tuple of str
        Dependencies, outputs, metric files and plot files.
    params : tuple of ParamRef
    locked : LockedStage or None
        The ``dvc.lock`` record, ``None`` when the stage never ran.
    """

    name: str
    cmd: tuple[str, ...]
    wdir: str
    deps: tuple[str, ...]
    outs: tuple[str, ...]
    metrics: tuple[str, ...]
    plots: tuple[str, ...]
    params: tuple[ParamRef, ...]
    frozen: bool = False
    always_changed: bool = False
    description: str = ""
    locked: LockedStage | None = None

    @property
    def outputs(self) -> tuple[str, ...]:
        """Every file the stage writes: outs, metrics and plots."""
        return self.outs + self.metrics + self.plots


@dataclass(frozen=True)
class Pipeline(Result):
    """A DVC pipeline read from its files; see :func:`open_pipeline`.

    Attributes
    ----------
    root : Path
        The repository root (holds ``.dvc``).
    folder : Path
        The folder of ``dvc.yaml``; stage paths are relative to it.
    stages : tuple of Stage
        In ``dvc.yaml`` order.
    params : mapping of str to dict
        Current content of every parameter file the stages use.
    """

    root: Path
    folder: Path
    stages: tuple[Stage, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    report_title: ClassVar[str] = "DVC pipeline"
    plot_kinds: ClassVar[tuple[str, ...]] = ("graph",)

    @property
    def names(self) -> tuple[str, ...]:
        """Stage names in ``dvc.yaml`` order."""
        return tuple(stage.name for stage in self.stages)

    def stage(self, name: str) -> Stage:
        """The stage called ``name``; :class:`UnknownNameError` lists close matches."""
        stage: Stage = lookup({s.name: s for s in self.stages}, name, what="stage")
        return stage

    def edges(self) -> list[tuple[str, str, str]]:
        """``(producer, consumer, path)`` for each dependency that another stage writes."""
        producers = {out: stage.name for stage in self.stages for out in stage.outputs}
        found = []
        for stage in self.stages:
            for dep in stage.deps:
                producer = _producer(dep, producers)
                if producer is not None and producer != stage.name:
                    found.append((producer, stage.name, dep))
        return found

    def upstream(self, name: str) -> list[str]:
        """Every stage ``name`` depends on, directly or not, in pipeline order."""
        self.stage(name)
        parents: dict[str, set[str]] = {}
        for producer, consumer, _ in self.edges():
            parents.setdefault(consumer, set()).add(producer)
        seen: set[str] = set()
        todo = [name]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return [stage for stage in self.names if stage in seen]

    def downstream(self, name: str) -> list[str]:
        """Every stage that depends on ``name``, directly or not, in pipeline order."""
        self.stage(name)
        return [other for other in self.names if name in self.upstream(other)]

    def producer_of(self, path: str) -> str | None:
        """The stage that writes ``path`` (a file or a file inside an output folder), if any."""
        return _producer(
            _normal(path), {out: stage.name for stage in self.stages for out in stage.outputs}
        )

    def path(self, relative: str) -> Path:
        """Absolute path of a pipeline-relative path."""
        return self.folder / relative

    def to_polars(self) -> pl.DataFrame:
        """One row per stage: command, dependencies, outputs, parameters, metrics, plots."""
        return pl.DataFrame(
            {
                "stage": list(self.names),
                "command": [" && ".join(s.cmd) for s in self.stages],
                "deps": [", ".join(s.deps) for s in self.stages],
                "outs": [", ".join(s.outs) for s in self.stages],
                "params": [", ".join(p.key for p in s.params) for s in self.stages],
                "metrics": [", ".join(s.metrics) for s in self.stages],
                "plots": [", ".join(s.plots) for s in self.stages],
                "locked": [s.locked is not None for s in self.stages],
            },
            schema_overrides={"locked": pl.Boolean},
        )

    def to_dict(self) -> dict[str, Any]:
        """Every stage with its paths, parameters and locked hashes."""
        from dataclasses import asdict

        return {
            "root": str(self.root),
            "folder": str(self.folder),
            "stages": [asdict(stage) for stage in self.stages],
            "params": dict(self.params),
        }

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """The stage graph (no status colours; ``status().plot()`` colours it)."""
        from mlops_notebooks._protocol import check_kind
        from mlops_notebooks.pipeline.graph import draw_graph

        check_kind(kind, self.plot_kinds, what="pipeline plot kind")
        return draw_graph(self, {}, ax=ax)

    def __iter__(self) -> Iterator[Stage]:
        return iter(self.stages)

    def reload(self) -> Pipeline:
        """The pipeline read again from its files (after a run or an edit)."""
        reread = open_pipeline(self.folder, stages=self.__dict__.get(_SELECTION))
        return _keep_alive(reread, self.__dict__.get(_OWNER))

    def status(self) -> PipelineStatus:
        """Which stages are stale, and why (``dvc status --json`` made readable)."""
        from mlops_notebooks.pipeline.status import status

        return status(self.reload())

    def run_stage(self, name: str, *, upstream: bool = False, force: bool = False) -> StageRun:
        """Run stage ``name`` with ``dvc repro`` (``upstream=True``: its stale parents too)."""
        from mlops_notebooks.pipeline.run import run_stage

        return run_stage(self.reload(), name, upstream=upstream, force=force)

    def debug_stage(self, name: str, *, reraise: bool = True) -> DebugRun:
        """Run stage ``name``'s Python script in this process (``%debug`` works after it)."""
        from mlops_notebooks.pipeline.debug import debug_stage

        return debug_stage(self, name, reraise=reraise)

    def load_stage_inputs(
        self, name: str, *, rev: str | None = None, backend: Backend = "pandas"
    ) -> StageInputs:
        """Every data input of stage ``name``, loaded, with its parameters."""
        from mlops_notebooks.pipeline.inputs import load_stage_inputs

        return load_stage_inputs(self.reload(), name, rev=rev, backend=backend)

    def load_output(
        self, target: str, *, rev: str | None = None, backend: Backend = "pandas"
    ) -> Any:
        """A data output (path, or a stage's first) at the workspace or revision ``rev``."""
        from mlops_notebooks.pipeline.inputs import load_output

        return load_output(self, target, rev=rev, backend=backend)

    def compare_output(
        self, target: str, rev_a: str, rev_b: str | None = None, *, key: str | None = None
    ) -> OutputComparison:
        """Schema, row-count, drift and by-key row changes of an output between revisions."""
        from mlops_notebooks.pipeline.compare import compare_output

        return compare_output(self, target, rev_a, rev_b, key=key)

    def params_diff(self, rev_a: str, rev_b: str | None = None) -> ValueDiff:
        """``dvc params diff --json`` between two revisions (default ``rev_b``: workspace)."""
        from mlops_notebooks.pipeline.diffs import params_diff

        return params_diff(self, rev_a, rev_b)

    def metrics_diff(self, rev_a: str, rev_b: str | None = None) -> ValueDiff:
        """``dvc metrics diff --json`` between two revisions (default ``rev_b``: workspace)."""
        from mlops_notebooks.pipeline.diffs import metrics_diff

        return metrics_diff(self, rev_a, rev_b)

    def explain_changes(self, rev_a: str, rev_b: str | None = None) -> ChangeExplanation:
        """Each metric change with the parameter, code and data changes upstream of it."""
        from mlops_notebooks.pipeline.diffs import explain_changes

        return explain_changes(self.reload(), rev_a, rev_b)


def open_pipeline(
    path: str | os.PathLike[str] = ".", *, stages: Sequence[str] | None = None
) -> Pipeline:
    """Read a DVC pipeline: its stages, their locked hashes and current parameters.

    Parameters
    ----------
    path : path-like, default "."
        A ``dvc.yaml`` file, the folder that holds it, or a folder with exactly one ``dvc.yaml``
        up to two levels below (the repository root of this project finds ``examples/``).
    stages : sequence of str, optional
        Read only these stages (the others are not parsed, so a templated stage elsewhere in
        ``dvc.yaml`` does not get in the way).

    Returns
    -------
    Pipeline

    Raises
    ------
    NotADvcProjectError
        No ``.dvc`` folder at or above ``path``, no ``dvc.yaml``, several, or a malformed one.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import open_pipeline
    >>> pipeline = open_pipeline("examples")  # this project's example pipeline, read only
    >>> pipeline.stage("train").deps
    ('src/train.py', 'src/features.py', 'data/processed/reference.parquet')
    >>> pipeline.upstream("predict")
    ['extract', 'prepare', 'train']
    """
    dvc_yaml = _find_dvc_yaml(Path(path).expanduser().resolve())
    folder = dvc_yaml.parent
    root = _dvc_root(folder)
    if root is None:
        raise NotADvcProjectError(NOT_A_PROJECT.format(path=path))
    document = _read_yaml(dvc_yaml)
    locks = (
        (_read_yaml(folder / "dvc.lock").get("stages") or {})
        if (folder / "dvc.lock").exists()
        else {}
    )
    raw = document.get("stages")
    if not isinstance(raw, dict):
        raise NotADvcProjectError(BAD_DVC_YAML.format(path=dvc_yaml, reason="no stages"))
    if stages is not None:
        raw = {name: lookup(raw, name, what="stage") for name in stages}
    parsed = tuple(_stage(name, spec, locks.get(name), dvc_yaml) for name, spec in raw.items())
    files = sorted({ref.file for stage in parsed for ref in stage.params})
    params = {name: _read_yaml(folder / name) for name in files if (folder / name).exists()}
    pipeline = Pipeline(root=root, folder=folder, stages=parsed, params=params)
    if stages is not None:  # reload() reads the same stages again
        object.__setattr__(pipeline, _SELECTION, tuple(stages))
    return _keep_alive(pipeline, None if isinstance(path, str | Path) else path)


def _keep_alive(pipeline: Pipeline, owner: object) -> Pipeline:
    """Hold the object that owns the pipeline's folder (a sandbox) as long as the pipeline lives.

    A :class:`~mlops_notebooks.pipeline.sandbox.Sandbox` removes its folder when it is collected,
    so ``open_pipeline(make_sandbox())`` must keep it; the reference stays outside the fields.
    """
    if owner is not None:
        object.__setattr__(pipeline, _OWNER, owner)
    return pipeline


def _find_dvc_yaml(path: Path) -> Path:
    if path.is_file():
        if path.name != "dvc.yaml":
            raise NotADvcProjectError(NO_DVC_YAML.format(path=path))
        return path
    if not path.is_dir():
        raise NotADvcProjectError(NOT_A_PROJECT.format(path=path))
    if (path / "dvc.yaml").is_file():
        return path / "dvc.yaml"
    if _dvc_root(path) is None:
        raise NotADvcProjectError(NOT_A_PROJECT.format(path=path))
    found = [
        candidate
        for pattern in ("*/dvc.yaml", "*/*/dvc.yaml")
        for candidate in sorted(path.glob(pattern))
        if not _SKIP.intersection(candidate.relative_to(path).parts)
    ]
    if not found:
        raise NotADvcProjectError(NO_DVC_YAML.format(path=path))
    if len(found) > 1:
        shown = ", ".join(str(p.relative_to(path)) for p in found)
        raise NotADvcProjectError(MANY_DVC_YAML.format(path=path, found=shown))
    return found[0]


def _dvc_root(folder: Path) -> Path | None:
    return next((f for f in (folder, *folder.parents) if (f / ".dvc").is_dir()), None)


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise NotADvcProjectError(BAD_DVC_YAML.format(path=path, reason=reason)) from None
    return document if isinstance(document, dict) else {}


def _stage(name: str, spec: Any, lock: Any, dvc_yaml: Path) -> Stage:
    if not isinstance(spec, dict) or "cmd" not in spec:
        if isinstance(spec, dict) and ({"foreach", "matrix"} & set(spec)):
            raise NotADvcProjectError(TEMPLATED.format(name=name, path=dvc_yaml))
        raise NotADvcProjectError(BAD_DVC_YAML.format(path=dvc_yaml, reason=f"stage {name!r}"))
    wdir = _normal(str(spec.get("wdir", ".")))
    cmd = spec["cmd"]
    return Stage(
        name=name,
        cmd=tuple(cmd) if isinstance(cmd, list) else (str(cmd),),
        wdir=wdir,
        deps=_paths(spec.get("deps"), wdir),
        outs=_paths(spec.get("outs"), wdir),
        metrics=_paths(spec.get("metrics"), wdir),
        plots=_paths(spec.get("plots"), wdir),
        params=_params(spec.get("params"), wdir),
        frozen=bool(spec.get("frozen", False)),
        always_changed=bool(spec.get("always_changed", False)),
        description=str(spec.get("desc", "")),
        locked=_locked(lock, wdir) if isinstance(lock, dict) else None,
    )


def _paths(entries: Any, wdir: str) -> tuple[str, ...]:
    """Paths of a deps/outs list whose items are strings or ``{path: options}`` mappings."""
    paths = []
    for entry in entries or []:
        for item in entry if isinstance(entry, dict) else [entry]:
            paths.append(_normal(posixpath.join(wdir, str(item))))
    return tuple(paths)


def _params(entries: Any, wdir: str) -> tuple[ParamRef, ...]:
    refs = []
    for entry in entries or []:
        if isinstance(entry, dict):
            for file, keys in entry.items():
                for key in keys or []:
                    refs.append(ParamRef(_normal(posixpath.join(wdir, str(file))), str(key)))
        else:
            refs.append(ParamRef(_normal(posixpath.join(wdir, "params.yaml")), str(entry)))
    return tuple(refs)


def _locked(lock: dict[str, Any], wdir: str) -> LockedStage:
    def hashes(key: str) -> dict[str, str]:
        return {
            _normal(posixpath.join(wdir, str(item["path"]))): str(item.get("md5", ""))
            for item in lock.get(key) or []
            if isinstance(item, dict) and "path" in item
        }

    cmd = lock.get("cmd", "")
    params = {
        _normal(posixpath.join(wdir, str(file))): dict(values or {})
        for file, values in (lock.get("params") or {}).items()
    }
    return LockedStage(
        cmd=tuple(cmd) if isinstance(cmd, list) else (str(cmd),),
        deps=hashes("deps"),
        outs=hashes("outs"),
        params=params,
    )


def _normal(path: str) -> str:
    return posixpath.normpath(path.replace(os.sep, "/")).rstrip("/")


def _producer(path: str, producers: Mapping[str, str]) -> str | None:
    """The stage writing ``path`` itself or an output folder that contains it."""
    if path in producers:
        return producers[path]
    return next((name for out, name in producers.items() if path.startswith(out + "/")), None)
