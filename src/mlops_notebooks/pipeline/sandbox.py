"""A throw-away git+DVC copy of the example flights pipeline, with a real history to explore.

:func:`make_sandbox` copies ``examples/`` (the chosen stages only) into a fresh git repository,
reuses the outputs already in the project's DVC cache, and commits three revisions:

* ``v1`` — the pipeline as it is;
* ``v2`` — a parameter change: ``train.max_iter`` 200 → 50 (``train`` and ``predict`` rerun);
* ``v3`` — a feature change: the model no longer sees the origin weather (``src/features.py``).

The first build takes a few tens of seconds (two model fits); it is kept in a cache folder and
later sandboxes are copies of it (a fraction of a second). :func:`inject_fault` breaks a sandbox
on purpose, for practice.

A sandbox is a :class:`Sandbox`: use it where a path is expected, and as a context manager. A
folder :func:`make_sandbox` created itself is removed by :meth:`Sandbox.cleanup`, at the end of a
``with`` block, when the object is garbage-collected or when the interpreter exits, whichever
comes first (like :class:`tempfile.TemporaryDirectory`); a folder the caller named is never removed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import weakref
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Literal, get_args

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.pipeline import _commands
from mlops_notebooks.pipeline.project import Pipeline, open_pipeline

__all__ = [
    "FLIGHT_STAGES",
    "Fault",
    "Sandbox",
    "inject_fault",
    "make_sandbox",
    "sandbox_cache",
    "sandbox_source",
]

FLIGHT_STAGES = ("extract", "prepare", "train", "predict")
MARKER = ".mlops-sandbox"
CACHE_VARIABLE = "MLOPS_NOTEBOOKS_SANDBOX_CACHE"
RECIPE_VERSION = "1"
#: Cached templates unused for this long are removed when another one is built (seconds).
TEMPLATE_MAX_AGE = 7 * 24 * 3600
Fault = Literal["raise", "schema"]
WEATHER_FEATURES = (
    "temp",
    "dewp",
    "humid",
    "wind_dir",
    "wind_speed",
    "wind_gust",
    "precip",
    "pressure",
    "visib",
)
NOT_EMPTY = "sandbox folder {path} exists and is not empty: pass a new or empty folder"
NOT_SANDBOX = "{path} is not a sandbox made by make_sandbox(): faults are only injected there"
BAD_FAULT = "fault must be one of {valid}, got {value!r}"
RECIPE_FAILED = "cannot apply the sandbox change to {path}: {what} not found"


def sandbox_source() -> Path:
    """The ``examples/`` folder of this project (next to ``catalog.yaml``)."""
    from mlops_notebooks.project import find_project_root

    root = find_project_root() or Path(__file__).resolve().parents[3]
    return root / "examples"


def sandbox_cache() -> Path:
    """Where built sandboxes are kept: ``$MLOPS_NOTEBOOKS_SANDBOX_CACHE``, else in the tmp folder.

    Point the variable at a cached folder on CI to skip the first build (two model fits).
    """
    configured = os.environ.get(CACHE_VARIABLE)
    return (
        Path(configured) if configured else Path(tempfile.gettempdir()) / "mlops-notebooks-sandbox"
    )


class Sandbox(os.PathLike[str]):
    """A sandbox folder made by :func:`make_sandbox`, with the lifetime of this object.

    Pass it wherever a path is expected (``open_pipeline(sandbox)``, ``sandbox / "params.yaml"``).
    When :func:`make_sandbox` created the folder itself (``owned``), :meth:`cleanup`, the end of
    a ``with`` block, garbage collection of this object or interpreter exit removes it, whichever
    comes first. A pipeline opened on the sandbox keeps it alive. A folder the caller named is
    never removed.

    Attributes
    ----------
    path : pathlib.Path
        The sandbox folder (``dvc.yaml`` at its top).
    owned : bool
        Whether the folder is removed with this object.
    """

    def __init__(self, path: Path, *, owned: bool) -> None:
        self.path = path
        self.owned = owned
        self._finalizer = (
            weakref.finalize(self, _remove_folder, path, os.getpid()) if owned else None
        )

    def cleanup(self) -> None:
        """Remove the folder now if this sandbox owns it (again: nothing happens)."""
        if self._finalizer is not None:
            self._finalizer()

    @property
    def removed(self) -> bool:
        """Whether :meth:`cleanup` (or garbage collection) has removed the folder."""
        return self._finalizer is not None and not self._finalizer.alive

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.cleanup()

    def __fspath__(self) -> str:
        return str(self.path)

    def __truediv__(self, other: str | os.PathLike[str]) -> Path:
        return self.path / other

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"Sandbox({str(self.path)!r}, owned={self.owned})"


def _remove_folder(path: Path, creator: int) -> None:
    """Remove a sandbox folder; a forked child never removes its parent's sandboxes."""
    if os.getpid() == creator:
        shutil.rmtree(path, ignore_errors=True)


def make_sandbox(
    path: str | os.PathLike[str] | None = None,
    *,
    source: str | os.PathLike[str] | None = None,
    stages: Sequence[str] = FLIGHT_STAGES,
    fault: Fault | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Sandbox:
    """Create a git+DVC sandbox of the example pipeline with revisions ``v1``, ``v2``, ``v3``.

    Parameters
    ----------
    path : path-like, optional
        New (or empty) folder for the sandbox, never removed by the sandbox; default a fresh
        temporary folder, removed with the returned :class:`Sandbox` (see there).
    source : path-like, optional
        The pipeline to copy (default this project's ``examples/``); its DVC cache is reused.
    stages : sequence of str, default FLIGHT_STAGES
        Stages to copy; other stages of the source ``dvc.yaml`` are left out.
    fault : {"raise", "schema"}, optional
        Break the sandbox's workspace on purpose (see :func:`inject_fault`).
    cache_dir : path-like, optional
        Where built sandboxes are kept for reuse; default ``$MLOPS_NOTEBOOKS_SANDBOX_CACHE``,
        else ``mlops-notebooks-sandbox`` in the temporary folder.

    Returns
    -------
    Sandbox
        The sandbox folder, with ``dvc.yaml`` at its top, checked out at ``v3``.

    Raises
    ------
    InvalidInputError
        ``path`` exists and is not empty, or ``fault`` is unknown.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, open_pipeline
    >>> with make_sandbox() as sandbox:
    ...     open_pipeline(sandbox).names
    ('extract', 'prepare', 'train', 'predict')
    >>> sandbox.removed, sandbox.path.exists()
    (True, False)
    """
    if fault is not None and fault not in get_args(Fault):
        raise InvalidInputError(BAD_FAULT.format(valid=list(get_args(Fault)), value=fault))
    owned = path is None
    if path is None:
        target = Path(tempfile.mkdtemp(prefix="mlops-sandbox-"))
    else:
        target = Path(path)
        if target.exists() and any(target.iterdir()):
            raise InvalidInputError(NOT_EMPTY.format(path=target))
    try:
        pipeline = open_pipeline(source if source is not None else sandbox_source(), stages=stages)
        stage_names = list(pipeline.names)
        template = _template(pipeline, stage_names, cache_dir)
        if target.exists():
            target.rmdir()
        shutil.copytree(template, target, symlinks=True, ignore=shutil.ignore_patterns("tmp"))
        if fault is not None:
            inject_fault(target, fault)
    except BaseException:
        if owned:
            shutil.rmtree(target, ignore_errors=True)
        raise
    return Sandbox(target, owned=owned)


def inject_fault(path: str | os.PathLike[str], fault: Fault) -> Pipeline:
    """Break a sandbox's workspace on purpose (not committed), to practise finding the cause.

    ``"raise"`` sets ``train.learning_rate`` to 0, so the ``train`` stage raises scikit-learn's
    parameter error. ``"schema"`` makes ``prepare`` rename its ``distance`` column, so
    ``prepare`` succeeds and ``train`` then fails on the missing column.

    Returns
    -------
    Pipeline
        The broken sandbox's pipeline (it keeps a :class:`Sandbox` alive).

    Raises
    ------
    InvalidInputError
        ``path`` is not a sandbox, or ``fault`` is unknown.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import inject_fault, make_sandbox
    >>> broken = inject_fault(make_sandbox(), "raise")
    >>> broken.status().stale
    ['train', 'predict']
    """
    folder = Path(path)
    if not (folder / MARKER).is_file():
        raise InvalidInputError(NOT_SANDBOX.format(path=folder))
    if fault == "raise":
        _edit(
            folder / "params.yaml", r"(\n\s+learning_rate:\s*)[0-9.]+", r"\g<1>0", "learning_rate"
        )
    elif fault == "schema":
        _edit(
            folder / "src" / "prepare.py",
            r'\n(\s+)"distance",\n',
            '\n\\1pl.col("distance").alias("distance_miles"),\n',
            '"distance" in the select',
        )
    else:
        raise InvalidInputError(BAD_FAULT.format(valid=list(get_args(Fault)), value=fault))
    return open_pipeline(path)


def _template(
    pipeline: Pipeline, stages: list[str], cache_dir: str | os.PathLike[str] | None
) -> Path:
    """The cached, fully built sandbox for this source state (built once)."""
    base = Path(cache_dir) if cache_dir else sandbox_cache()
    key = _fingerprint(pipeline, stages)
    done = base / key
    if (done / MARKER).is_file():
        os.utime(done / MARKER)  # last used: stale templates are pruned by age
        return done
    base.mkdir(parents=True, exist_ok=True)
    _prune_templates(base, keep=key)
    building = Path(tempfile.mkdtemp(prefix=f"{key}.building-", dir=base))
    try:
        _build(pipeline, stages, building)
        try:
            building.rename(done)
        except OSError:  # built concurrently by another process: keep theirs
            shutil.rmtree(building, ignore_errors=True)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return done


def _prune_templates(base: Path, *, keep: str, max_age: float = TEMPLATE_MAX_AGE) -> list[Path]:
    """Remove cached templates (of older states of the project) unused for ``max_age`` s."""
    import time

    removed = []
    for marker in base.glob(f"*/{MARKER}"):
        folder = marker.parent
        if folder.name != keep and time.time() - marker.stat().st_mtime > max_age:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _fingerprint(pipeline: Pipeline, stages: list[str]) -> str:
    """Changes only with what the sandbox copies: the chosen stages, their lock, params, code."""
    import dataclasses
    import json

    digest = hashlib.sha256(f"{RECIPE_VERSION}\n{','.join(stages)}\n".encode())
    specs = [dataclasses.asdict(pipeline.stage(name)) for name in stages]
    digest.update(json.dumps(specs, sort_keys=True, default=str).encode())
    for param_file in sorted({ref.file for name in stages for ref in pipeline.stage(name).params}):
        path = pipeline.folder / param_file
        digest.update(path.read_bytes() if path.is_file() else b"-")
    for code in _code_files(pipeline, stages):
        digest.update(code.as_posix().encode() + (pipeline.folder / code).read_bytes())
    return digest.hexdigest()[:16]


def _code_files(pipeline: Pipeline, stages: list[str]) -> list[Path]:
    """Dependencies no stage writes, plus the Python files next to code dependencies."""
    produced = {out for stage in pipeline.stages for out in stage.outputs}
    files: set[Path] = set()
    for name in stages:
        for dep in pipeline.stage(name).deps:
            if dep in produced or not (pipeline.folder / dep).is_file():
                continue
            files.add(Path(dep))
            if dep.endswith(".py"):
                files.update(
                    p.relative_to(pipeline.folder)
                    for p in (pipeline.folder / dep).parent.glob("*.py")
                )
    return sorted(files)


def _build(pipeline: Pipeline, stages: list[str], folder: Path) -> None:
    _commands.git(["init", "-q", "-b", "main"], folder)
    # the sandbox's own settings, so a user's signing or hooks setup cannot break its commits
    for key, value in (
        ("user.name", "mlops-notebooks sandbox"),
        ("user.email", "sandbox@localhost"),
        ("commit.gpgsign", "false"),
        ("tag.gpgsign", "false"),
        ("core.hooksPath", ".git/no-hooks"),
    ):
        _commands.git(["config", key, value], folder)
    _commands.dvc(["init", "-q"], folder)
    _commands.dvc(["config", "core.analytics", "false"], folder)
    _copy_pipeline(pipeline, stages, folder)
    _copy_cache(pipeline, stages, folder)
    (folder / MARKER).write_text("made by mlops_notebooks.pipeline.make_sandbox\n")
    _ignore_outputs(open_pipeline(folder), folder)
    _commands.dvc(["checkout", "-q"], folder, check=False)  # whatever the cache holds
    _commit(folder, "v1", "v1: the example pipeline as it is")
    _edit(folder / "params.yaml", r"(\n\s+max_iter:\s*)200\b", r"\g<1>50", "max_iter: 200")
    _commit(folder, "v2", "v2: train.max_iter 200 -> 50")
    pattern = r'\n\s+"(?:' + "|".join(WEATHER_FEATURES) + r')",(?=\n)'
    _edit(folder / "src" / "features.py", pattern, "", "the weather features")
    _commit(folder, "v3", "v3: the model no longer sees the origin weather")


def _copy_pipeline(pipeline: Pipeline, stages: list[str], folder: Path) -> None:
    import yaml

    source = pipeline.folder
    document = yaml.safe_load((source / "dvc.yaml").read_text(encoding="utf-8"))
    document["stages"] = {name: document["stages"][name] for name in stages}
    (folder / "dvc.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    lock_file = source / "dvc.lock"
    if lock_file.is_file():
        lock = yaml.safe_load(lock_file.read_text(encoding="utf-8"))
        kept = {k: v for k, v in (lock.get("stages") or {}).items() if k in stages}
        lock["stages"] = kept
        (folder / "dvc.lock").write_text(yaml.safe_dump(lock, sort_keys=False))
    files = {Path(ref.file) for name in stages for ref in pipeline.stage(name).params}
    for relative in sorted(files | set(_code_files(pipeline, stages))):
        if (source / relative).is_file():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / relative, folder / relative)


def _ignore_outputs(pipeline: Pipeline, folder: Path) -> None:
    """Git-ignore every output as ``dvc repro`` would (``dvc checkout`` does not)."""
    by_folder: dict[Path, list[str]] = {}
    for stage in pipeline.stages:
        for out in stage.outputs:
            relative = Path(out)
            by_folder.setdefault(relative.parent, []).append(f"/{relative.name}")
    for parent, names in by_folder.items():
        (folder / parent).mkdir(parents=True, exist_ok=True)
        (folder / parent / ".gitignore").write_text("\n".join(sorted(names)) + "\n")


def _copy_cache(pipeline: Pipeline, stages: list[str], folder: Path) -> None:
    """Copy the cached objects of the locked outputs, so nothing is recomputed for ``v1``."""
    source = pipeline.root / ".dvc" / "cache" / "files" / "md5"
    target = folder / ".dvc" / "cache" / "files" / "md5"
    for name in stages:
        locked = pipeline.stage(name).locked
        for md5 in locked.outs.values() if locked else ():
            _copy_object(source, target, md5)


def _copy_object(source: Path, target: Path, md5: str) -> None:
    import json

    if len(md5) < 3:
        return
    relative = Path(md5[:2]) / md5[2:]
    if not (source / relative).is_file():
        return
    (target / relative).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / relative, target / relative)
    if md5.endswith(".dir"):
        for entry in json.loads((source / relative).read_text()):
            _copy_object(source, target, str(entry.get("md5", "")))


def _commit(folder: Path, tag: str, message: str) -> None:
    _commands.dvc(["repro", "-q"], folder)
    _commands.git(["add", "-A"], folder)
    _commands.git(["commit", "-q", "-m", message], folder)
    _commands.git(["tag", tag], folder)


def _edit(file: Path, pattern: str, replacement: str, what: str) -> None:
    text = file.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, replacement, text)
    if count == 0:
        raise InvalidInputError(RECIPE_FAILED.format(path=file, what=what))
    file.write_text(changed, encoding="utf-8")
