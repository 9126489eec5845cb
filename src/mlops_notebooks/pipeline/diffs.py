"""Parameter and metric diffs between revisions, and which changes upstream explain each metric.

The diffs are DVC's own (``dvc params diff --json``, ``dvc metrics diff --json``), as tables.
:func:`explain_changes` walks the stage graph up from the stage that writes each changed metric
and lists the parameter, code and data changes between the two revisions on that path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import polars as pl

from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks._render import figure_of, new_axes
from mlops_notebooks.pipeline import _commands

if TYPE_CHECKING:
    from mlops_notebooks.pipeline.project import Pipeline

__all__ = [
    "Cause",
    "ChangeExplanation",
    "ValueDiff",
    "explain_changes",
    "metrics_diff",
    "params_diff",
]

DiffKind = Literal["params", "metrics"]


@dataclass(frozen=True)
class ValueDiff(Result):
    """``dvc params diff`` or ``dvc metrics diff`` between two revisions, as a table.

    Attributes
    ----------
    kind : {"params", "metrics"}
    rev_a, rev_b : str
        ``rev_b`` is ``"workspace"`` when the workspace was compared.
    reported : dict
        DVC's JSON exactly: file → name → {"old", "new", "diff"}.
    """

    kind: DiffKind
    rev_a: str
    rev_b: str
    reported: dict[str, Any]
    report_title: ClassVar[str] = "Changes between revisions"
    plot_kinds: ClassVar[tuple[str, ...]] = ("changes",)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per changed value: file, name, old, new, diff (raw values)."""
        return [
            {"file": file, "name": name, **{k: change.get(k) for k in ("old", "new", "diff")}}
            for file, changes in self.reported.items()
            for name, change in (changes or {}).items()
        ]

    def to_polars(self) -> pl.DataFrame:
        """file, name, old, new (as text, since values may be lists) and diff (numeric)."""
        rows = self.rows()
        return pl.DataFrame(
            {
                "file": [r["file"] for r in rows],
                "name": [r["name"] for r in rows],
                "old": [_text(r["old"]) for r in rows],
                "new": [_text(r["new"]) for r in rows],
                "diff": [_number(r["diff"]) for r in rows],
            },
            schema={
                "file": pl.String,
                "name": pl.String,
                "old": pl.String,
                "new": pl.String,
                "diff": pl.Float64,
            },
        )

    def to_dict(self) -> dict[str, Any]:
        """The revisions and DVC's report."""
        return {
            "kind": self.kind,
            "rev_a": self.rev_a,
            "rev_b": self.rev_b,
            "changes": self.reported,
        }

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Horizontal bars of each numeric change (new − old)."""
        check_kind(kind, self.plot_kinds, what="diff plot kind")
        numeric = [r for r in self.rows() if _number(r["diff"]) is not None]
        ax = new_axes(ax, size=(7, max(2.5, 0.35 * len(numeric) + 1.2)))
        if numeric:
            labels = [f"{r['file']}: {r['name']}" for r in numeric]
            values = [float(r["diff"]) for r in numeric]
            ax.barh(labels, values, color=["#d62728" if v < 0 else "#2ca02c" for v in values])
            ax.axvline(0, color="#333", linewidth=0.8)
            ax.set_xlabel(f"change ({self.rev_a} → {self.rev_b})")
        else:
            ax.text(0.5, 0.5, f"no numeric {self.kind} changed", ha="center", va="center")
            ax.set_axis_off()
        ax.set_title(f"{self.kind}: {self.rev_a} → {self.rev_b}")
        return figure_of(ax)


def params_diff(
    pipeline: Pipeline, rev_a: str, rev_b: str | None = None, *, all: bool = False
) -> ValueDiff:
    """Parameters that differ between ``rev_a`` and ``rev_b`` (default: the workspace).

    Exactly ``dvc params diff --json REV_A [REV_B]``; ``all=True`` adds unchanged ones.

    Raises
    ------
    UnknownRevisionError
        A revision does not exist.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, open_pipeline
    >>> from mlops_notebooks.pipeline.diffs import params_diff
    >>> diff = params_diff(open_pipeline(make_sandbox()), "v1", "v2")
    >>> diff.to_polars().row(0)
    ('params.yaml', 'train.max_iter', '200', '50', -150.0)
    """
    return _diff(pipeline, "params", rev_a, rev_b, ["--all"] if all else [])


def metrics_diff(
    pipeline: Pipeline, rev_a: str, rev_b: str | None = None, *, all: bool = False
) -> ValueDiff:
    """Metrics that differ between ``rev_a`` and ``rev_b`` (default: the workspace).

    Exactly ``dvc metrics diff --json REV_A [REV_B]``; ``all=True`` adds unchanged ones.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, open_pipeline
    >>> from mlops_notebooks.pipeline.diffs import metrics_diff
    >>> diff = metrics_diff(open_pipeline(make_sandbox()), "v1", "v3")
    >>> sorted((row["name"], row["old"], row["new"]) for row in diff.rows())
    [('current.accuracy', 0.7816, 0.7683), ('current.roc_auc', 0.7125, 0.6521),
     ('holdout.accuracy', 0.8034, 0.7595), ('holdout.roc_auc', 0.7838, 0.6841),
     ('train_roc_auc', 0.8354, 0.7092)]
    >>> figure = diff.plot()  # one bar per metric: new - old
    >>> len(figure.axes[0].patches)
    5
    """
    return _diff(pipeline, "metrics", rev_a, rev_b, ["--all"] if all else [])


def _diff(
    pipeline: Pipeline, kind: DiffKind, rev_a: str, rev_b: str | None, extra: list[str]
) -> ValueDiff:
    revisions = [rev_a] + ([rev_b] if rev_b is not None else [])
    for rev in revisions:
        _commands.resolve_revision(rev, pipeline.root)
    reported = _commands.dvc_json([kind, "diff", *extra, *revisions], pipeline.folder)
    return ValueDiff(kind=kind, rev_a=rev_a, rev_b=rev_b or "workspace", reported=reported or {})


@dataclass(frozen=True)
class Cause:
    """A change between two revisions on the path to a metric.

    Attributes
    ----------
    kind : {"parameter", "code", "data", "upstream output"}
        ``data`` is an input no stage writes; ``upstream output`` one that a stage writes.
    name : str
        Parameter name or file path.
    stages : tuple of str
        The stages (on the metric's path) that use it.
    old, new : Any
        Values of a parameter.
    """

    kind: Literal["parameter", "code", "data", "upstream output"]
    name: str
    stages: tuple[str, ...]
    old: Any = None
    new: Any = None

    def text(self) -> str:
        """The cause in a few words."""
        used = ", ".join(self.stages)
        if self.kind == "parameter":
            return f"parameter {self.name}: {_text(self.old)} → {_text(self.new)} ({used})"
        return f"{self.kind} {self.name} changed ({used})"


@dataclass(frozen=True)
class ChangeExplanation(Result):
    """Each changed metric with the changes upstream of it in the stage graph.

    Attributes
    ----------
    metrics, params : ValueDiff
    changed_files : tuple of str
        Files (pipeline-relative) that differ between the revisions: DVC-tracked and git-tracked.
    explained : tuple of (dict, tuple of Cause)
        Each metric change (``file``, ``name``, ``old``, ``new``, ``diff``, ``stage``) and
        its causes.
    """

    metrics: ValueDiff
    params: ValueDiff
    changed_files: tuple[str, ...]
    explained: tuple[tuple[dict[str, Any], tuple[Cause, ...]], ...]
    report_title: ClassVar[str] = "Metric changes and their causes"
    plot_kinds: ClassVar[tuple[str, ...]] = ("changes",)

    def causes_of(self, name: str) -> tuple[Cause, ...]:
        """The causes of metric ``name`` (``file:name`` or the name alone when unique)."""
        from mlops_notebooks._protocol import lookup

        table = {f"{m['file']}:{m['name']}": c for m, c in self.explained}
        short = {m["name"]: c for m, c in self.explained}
        return tuple(lookup({**short, **table}, name, what="changed metric"))

    def to_polars(self) -> pl.DataFrame:
        """One row per changed metric: file, name, old, new, diff, stage, causes."""
        rows = [
            {
                "file": m["file"],
                "name": m["name"],
                "old": _text(m["old"]),
                "new": _text(m["new"]),
                "diff": _number(m["diff"]),
                "stage": m["stage"],
                "causes": "; ".join(c.text() for c in causes) or "no change found upstream",
            }
            for m, causes in self.explained
        ]
        schema = dict.fromkeys(("file", "name", "old", "new"), pl.String)
        schema.update(diff=pl.Float64, stage=pl.String, causes=pl.String)  # type: ignore[arg-type]
        return pl.DataFrame(rows, schema=schema)

    def to_dict(self) -> dict[str, Any]:
        """Both diffs, the changed files and every metric's structured causes."""
        from dataclasses import asdict

        return {
            "metrics": self.metrics.to_dict(),
            "params": self.params.to_dict(),
            "changed_files": list(self.changed_files),
            "explained": [
                {**m, "causes": [asdict(c) for c in causes]} for m, causes in self.explained
            ],
        }

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """The metric changes (see :meth:`ValueDiff.plot`)."""
        check_kind(kind, self.plot_kinds, what="explanation plot kind")
        return self.metrics.plot(ax=ax)


def explain_changes(pipeline: Pipeline, rev_a: str, rev_b: str | None = None) -> ChangeExplanation:
    """Relate each metric change between two revisions to the changes upstream of it.

    For the stage writing each changed metric and every stage it depends on, lists the
    parameters they declare that changed (``dvc params diff``), and their dependencies that
    changed: code and data files (``git diff``, ``dvc diff``).

    Parameters
    ----------
    pipeline : Pipeline
        The graph is read from the current ``dvc.yaml``.
    rev_a : str
    rev_b : str, optional
        Default: the workspace.

    Returns
    -------
    ChangeExplanation

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, open_pipeline
    >>> from mlops_notebooks.pipeline.diffs import explain_changes
    >>> explanation = explain_changes(open_pipeline(make_sandbox()), "v1", "v2")
    >>> [cause.text() for cause in explanation.causes_of("holdout.roc_auc")]
    ['parameter train.max_iter: 200 → 50 (train)',
     'upstream output models/model.joblib changed (predict)']
    >>> "params.yaml" in explanation.changed_files
    True
    """
    metrics = metrics_diff(pipeline, rev_a, rev_b)
    params = params_diff(pipeline, rev_a, rev_b)
    changed = _changed_files(pipeline, rev_a, rev_b)
    explained = []
    for row in metrics.rows():
        stage = pipeline.producer_of(row["file"])
        causes = _causes(pipeline, stage, params, changed) if stage else ()
        explained.append(({**row, "stage": stage}, causes))
    return ChangeExplanation(
        metrics=metrics,
        params=params,
        changed_files=tuple(sorted(changed)),
        explained=tuple(explained),
    )


def _changed_files(pipeline: Pipeline, rev_a: str, rev_b: str | None) -> set[str]:
    revisions = [rev_a] + ([rev_b] if rev_b is not None else [])
    reported = _commands.dvc_json(["diff", *revisions], pipeline.folder) or {}
    files = {
        str(entry.get("path", "")).rstrip("/")
        for group in ("added", "deleted", "modified", "renamed")
        for entry in reported.get(group) or []
        if isinstance(entry, dict)
    }
    tracked = _commands.git(
        ["diff", "--name-only", "--relative", *revisions, "--", "."], pipeline.folder
    )
    return files | {line for line in tracked.stdout.splitlines() if line}


def _causes(
    pipeline: Pipeline, stage: str, params: ValueDiff, changed: set[str]
) -> tuple[Cause, ...]:
    scope = [*pipeline.upstream(stage), stage]
    produced = {out for name in pipeline.names for out in pipeline.stage(name).outputs}
    causes: list[Cause] = []
    for row in params.rows():
        users = tuple(
            name
            for name in scope
            for ref in pipeline.stage(name).params
            if ref.file == row["file"]
            and (row["name"] == ref.key or row["name"].startswith(ref.key + "."))
        )
        if users:
            causes.append(
                Cause("parameter", row["name"], tuple(dict.fromkeys(users)), row["old"], row["new"])
            )
    by_path: dict[str, list[str]] = {}
    for name in scope:
        for dep in pipeline.stage(name).deps:
            if dep in changed or any(path.startswith(dep + "/") for path in changed):
                by_path.setdefault(dep, []).append(name)
    for path, users_of in by_path.items():
        kind: Literal["code", "data", "upstream output"] = (
            "upstream output" if path in produced else "code" if _is_code(path) else "data"
        )
        causes.append(Cause(kind, path, tuple(users_of)))
    order = {"parameter": 0, "code": 1, "data": 2, "upstream output": 3}
    return tuple(sorted(causes, key=lambda c: order[c.kind]))


def _is_code(path: str) -> bool:
    from mlops_notebooks.pipeline.status import CODE_SUFFIXES

    return path.lower().endswith(CODE_SUFFIXES)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
