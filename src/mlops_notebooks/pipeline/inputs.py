"""Load a stage's inputs and outputs through the data layer, at the workspace or a git revision.

``load_stage_inputs`` is the DVC analogue of Kedro's ``%load_node``: every data dependency of a
stage, loaded, with its parameters, ready to step through the stage's code in a notebook.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import quote

import polars as pl

from mlops_notebooks._protocol import Result, lookup
from mlops_notebooks.pipeline import _commands
from mlops_notebooks.pipeline.failures import DATA_SUFFIXES
from mlops_notebooks.pipeline.values import flatten

if TYPE_CHECKING:
    from mlops_notebooks.pipeline.project import Pipeline

__all__ = ["StageInputs", "data_ref", "load_output", "load_stage_inputs"]

NO_DATA_OUTPUT = "stage {name!r} writes no data file this package can load ({outs})"
Backend = Literal["pandas", "polars"]


@dataclass(frozen=True)
class StageInputs(Result, Mapping[str, Any]):
    """A stage's inputs: data frames by path (or by unique file stem), parameters, other files.

    Index it like a dict: ``inputs["data/processed/reference.parquet"]`` or ``inputs["reference"]``.

    Attributes
    ----------
    stage : str
    rev : str or None
        Git revision the inputs were read at (``None``: the workspace).
    frames : dict of str to DataFrame
        Each data dependency, loaded.
    params : dict
        Parameters the stage declares, flattened (``train.max_iter``), at the same revision.
    files : tuple of str
        Other dependencies (code, models): paths relative to the pipeline folder.
    """

    stage: str
    rev: str | None
    frames: dict[str, Any] = field(repr=False)
    params: dict[str, Any]
    files: tuple[str, ...]
    report_title: ClassVar[str] = "Stage inputs"

    def __getitem__(self, key: str) -> Any:
        if key in self.frames:
            return self.frames[key]
        stems: dict[str, list[str]] = {}
        for path in self.frames:
            stems.setdefault(PurePosixPath(path).name.split(".")[0], []).append(path)
        if len(stems.get(key, ())) == 1:
            return self.frames[stems[key][0]]
        return lookup(self.frames, key, what=f"input of stage {self.stage!r}")

    def __iter__(self) -> Iterator[str]:
        return iter(self.frames)

    def __len__(self) -> int:
        return len(self.frames)

    def to_polars(self) -> pl.DataFrame:
        """One row per dependency: input, kind, rows, columns."""
        rows = [
            {"input": path, "kind": "data", "rows": len(frame), "columns": len(frame.columns)}
            for path, frame in self.frames.items()
        ]
        rows += [
            {"input": path, "kind": "file", "rows": None, "columns": None} for path in self.files
        ]
        return pl.DataFrame(
            rows,
            schema={"input": pl.String, "kind": pl.String, "rows": pl.Int64, "columns": pl.Int64},
        )

    def to_dict(self) -> dict[str, Any]:
        """The input table, parameters and revision (frames themselves are not serialised)."""
        return {
            "stage": self.stage,
            "rev": self.rev,
            "inputs": self.to_polars(),
            "params": self.params,
        }


def data_ref(pipeline: Pipeline, path: str, rev: str | None = None) -> str:
    """The data-layer ref of a pipeline path: the file itself, or ``dvc://…?rev=`` at ``rev``."""
    absolute = pipeline.path(path)
    if rev is None:
        return str(absolute)
    _commands.resolve_revision(rev, pipeline.root)
    relative = absolute.resolve().relative_to(pipeline.root.resolve()).as_posix()
    return (
        f"dvc://{relative}?repo={quote(str(pipeline.root), safe='/')}&rev={quote(rev, safe='~^/')}"
    )


def load_output(
    pipeline: Pipeline,
    target: str,
    *,
    rev: str | None = None,
    columns: list[str] | None = None,
    backend: Backend = "pandas",
) -> Any:
    """Load a stage's data output (or any tracked file) at the workspace or a git revision.

    Parameters
    ----------
    pipeline : Pipeline
    target : str
        A path relative to the pipeline folder, or a stage name (its first data output).
    rev : str, optional
        Git revision (tag, branch, commit, ``HEAD~1``); default the workspace.
    columns : list of str, optional
        Columns to read.
    backend : {"pandas", "polars"}, default "pandas"

    Raises
    ------
    UnknownRevisionError
        ``rev`` does not exist.
    UnknownNameError
        ``target`` is neither a stage nor a path of the pipeline (close matches listed).

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, open_pipeline
    >>> from mlops_notebooks.pipeline.inputs import load_output
    >>> pipeline = open_pipeline(make_sandbox())
    >>> path = "data/model_outputs/predictions_current.parquet"
    >>> before = load_output(pipeline, path, rev="v1", backend="polars")
    >>> after = load_output(pipeline, path, backend="polars")  # the workspace, at v3
    >>> before.shape == after.shape, before["flight_id"].equals(after["flight_id"])
    (True, True)
    >>> before["predicted_probability"].equals(after["predicted_probability"])
    False
    """
    from mlops_notebooks.data import load

    path = resolve_output(pipeline, target)
    return load(data_ref(pipeline, path, rev), columns=columns, backend=backend)


def resolve_output(pipeline: Pipeline, target: str) -> str:
    """A pipeline path for ``target``: itself, or the first data output of the stage it names."""
    if target in pipeline.names:
        outs = [out for out in pipeline.stage(target).outs if out.endswith(DATA_SUFFIXES)]
        if not outs:
            shown = ", ".join(pipeline.stage(target).outs) or "no outs"
            from mlops_notebooks.errors import InvalidInputError

            raise InvalidInputError(NO_DATA_OUTPUT.format(name=target, outs=shown))
        return outs[0]
    known = {p for stage in pipeline.stages for p in (*stage.deps, *stage.outputs)}
    if target in known or pipeline.path(target).exists():
        return target
    candidates = dict.fromkeys(
        [*pipeline.names, *sorted(p for p in known if p.endswith(DATA_SUFFIXES))]
    )
    lookup(candidates, target, what="stage or output")
    return target


def load_stage_inputs(
    pipeline: Pipeline, name: str, *, rev: str | None = None, backend: Backend = "pandas"
) -> StageInputs:
    """Load every data input of stage ``name`` through the data layer (Kedro's ``%load_node``).

    Parameters
    ----------
    pipeline : Pipeline
    name : str
        The stage.
    rev : str, optional
        Read the inputs and parameters as they were at this git revision.
    backend : {"pandas", "polars"}, default "pandas"

    Returns
    -------
    StageInputs
        ``inputs["reference"]`` is a frame; ``inputs.params`` the stage's parameters.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, open_pipeline
    >>> from mlops_notebooks.pipeline.inputs import load_stage_inputs
    >>> inputs = load_stage_inputs(open_pipeline(make_sandbox()), "train")
    >>> inputs["reference"].shape, inputs.params["train.max_iter"]
    ((160678, 29), 50)
    >>> inputs.files
    ('src/train.py', 'src/features.py')
    """
    from mlops_notebooks.data import load

    stage = pipeline.stage(name)
    frames = {
        dep: load(data_ref(pipeline, dep, rev), backend=backend)
        for dep in stage.deps
        if dep.endswith(DATA_SUFFIXES)
    }
    files = tuple(dep for dep in stage.deps if dep not in frames)
    params: dict[str, Any] = {}
    for ref in stage.params:
        document = (
            pipeline.params.get(ref.file, {})
            if rev is None
            else _params_at(pipeline, ref.file, rev)
        )
        params.update(
            {
                k: v
                for k, v in flatten(document).items()
                if k == ref.key or k.startswith(ref.key + ".")
            }
        )
    return StageInputs(stage=name, rev=rev, frames=frames, params=params, files=files)


def _params_at(pipeline: Pipeline, file: str, rev: str) -> dict[str, Any]:
    import yaml

    relative = pipeline.path(file).resolve().relative_to(pipeline.root.resolve()).as_posix()
    shown = _commands.git(
        ["show", f"{_commands.resolve_revision(rev, pipeline.root)}:{relative}"],
        pipeline.root,
        check=False,
    )
    document = yaml.safe_load(shown.stdout) if shown.returncode == 0 else {}
    return document if isinstance(document, dict) else {}
