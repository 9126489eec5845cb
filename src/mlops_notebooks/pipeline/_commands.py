"""Run ``dvc`` and ``git`` as subprocesses: DVC's Python API has no status, repro or diff.

Every command runs with the pipeline folder (where ``dvc.yaml`` lives) as its working directory,
so the paths DVC prints are relative to it, like the paths in ``dvc.yaml``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_notebooks.pipeline.errors import DvcCommandError, UnknownRevisionError

__all__ = ["Completed", "dvc", "dvc_json", "git", "resolve_revision"]

COMMAND_FAILED = "{command} failed (exit {code}): {reason}"
UNKNOWN_REVISION = "unknown git revision {rev!r} in {repo}: check the tag, branch or commit"


@dataclass(frozen=True)
class Completed:
    """A finished command: its arguments, exit status, output and wall-clock duration."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration_seconds: float


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(DVC_NO_ANALYTICS="1", DO_NOT_TRACK="1", PYTHONUNBUFFERED="1")
    # A stage's `python` must be the interpreter running us (the project's environment).
    bin_dir = str(Path(sys.executable).parent)
    environment["PATH"] = bin_dir + os.pathsep + environment.get("PATH", "")
    return environment


def run(args: list[str], cwd: Path, *, check: bool = True) -> Completed:
    """Run ``args`` in ``cwd``; raise :class:`DvcCommandError` on a non-zero exit when ``check``."""
    import time

    started = time.perf_counter()
    process = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, env=_environment(), check=False
    )
    done = Completed(
        args=tuple(args),
        returncode=process.returncode,
        stdout=process.stdout,
        stderr=process.stderr,
        duration_seconds=time.perf_counter() - started,
    )
    if check and process.returncode != 0:
        raise command_error(done)
    return done


def command_error(done: Completed) -> DvcCommandError:
    """A one-line :class:`DvcCommandError` naming the command and DVC's own error line."""
    lines = [line.strip() for line in (done.stderr + "\n" + done.stdout).splitlines()]
    errors = [line for line in lines if line.startswith("ERROR")]
    reason = (errors or [line for line in lines if line] or ["no output"])[-1]
    shown = " ".join(done.args[2:] if done.args[1:3] == ("-m", "dvc") else done.args)
    return DvcCommandError(
        COMMAND_FAILED.format(command=f"`{shown}`", code=done.returncode, reason=reason),
        command=done.args,
        returncode=done.returncode,
    )


def dvc(args: list[str], cwd: Path, *, check: bool = True) -> Completed:
    """Run ``python -m dvc ARGS`` with the running interpreter (the DVC installed with us)."""
    return run([sys.executable, "-m", "dvc", *args], cwd, check=check)


def dvc_json(args: list[str], cwd: Path) -> Any:
    """Run a ``dvc ... --json`` command and parse its output (``{}`` for empty output)."""
    done = dvc([*args, "--json"], cwd)
    text = done.stdout.strip()
    return json.loads(text) if text else {}


def git(args: list[str], cwd: Path, *, check: bool = True) -> Completed:
    """Run ``git ARGS`` in ``cwd``."""
    return run(["git", *args], cwd, check=check)


def resolve_revision(rev: str, cwd: Path) -> str:
    """The full commit id of ``rev``; :class:`UnknownRevisionError` when git does not know it."""
    if not isinstance(rev, str) or not rev.strip() or rev.startswith("-"):
        raise UnknownRevisionError(UNKNOWN_REVISION.format(rev=rev, repo=cwd))
    done = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd, check=False)
    if done.returncode != 0:
        raise UnknownRevisionError(UNKNOWN_REVISION.format(rev=rev, repo=cwd))
    return done.stdout.strip()
