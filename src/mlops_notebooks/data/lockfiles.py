"""Content hashes of DVC-tracked local files, read from ``dvc.lock`` and ``.dvc`` files.

Reading a tracked file from the workspace does not need DVC itself; its recorded md5 is
reported in the provenance when the file on disk still has the recorded size (a cheap check
that the workspace copy is the version DVC recorded).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["dvc_root", "recorded_hash"]


def dvc_root(path: Path) -> Path | None:
    """The nearest folder above ``path`` that holds a ``.dvc`` folder, or ``None``."""
    return next((folder for folder in path.parents if (folder / ".dvc").is_dir()), None)


def recorded_hash(path: str | Path) -> str | None:
    """``"md5:<hash>"`` recorded by DVC for the local file ``path``, or ``None``.

    Looks in ``<file>.dvc`` and in every ``dvc.lock`` between the file and the DVC root.
    Never raises: a missing or unreadable lock file simply gives ``None``.
    """
    file = Path(path).resolve()
    root = dvc_root(file)
    if root is None or not file.is_file():
        return None
    size = file.stat().st_size
    for out in _outs(file, root):
        if out["path"] == file and out.get("size") == size and out.get("md5"):
            return f"md5:{out['md5']}"
    return None


def _outs(file: Path, root: Path) -> Iterator[dict[str, Any]]:
    single = file.with_name(file.name + ".dvc")
    if single.is_file():
        for out in _load(single).get("outs") or []:
            yield _anchored(out, single.parent)
    folder = file.parent
    while True:
        lock = folder / "dvc.lock"
        if lock.is_file():
            for stage in (_load(lock).get("stages") or {}).values():
                for out in (stage or {}).get("outs") or []:
                    yield _anchored(out, folder)
        if folder == root or folder == folder.parent:
            return
        folder = folder.parent


def _anchored(out: Any, base: Path) -> dict[str, Any]:
    if not isinstance(out, dict) or "path" not in out:
        return {"path": None}
    return {**out, "path": (base / str(out["path"])).resolve()}


def _load(path: Path) -> dict[str, Any]:
    import yaml

    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError):
        return {}
    return document if isinstance(document, dict) else {}


def _safe_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_LOADER = _safe_loader()
