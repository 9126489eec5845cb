"""DVC-tracked data: ``dvc://PATH?rev=REV&repo=REPO`` read through :class:`dvc.api.DVCFileSystem`.

``PATH`` is relative to the repository root. ``rev`` is any git revision (tag, branch, commit);
without it the workspace version is read. ``repo`` is a local path or a git URL; by default the
catalog's folder for catalog entries, else the working directory. A file whose object is in
the repository's local cache is read from there as a local file (polars scans it natively);
data missing from the local cache is streamed from the DVC remote.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from mlops_notebooks.data.formats import FileSet, detect_format, reader_for, split_compression
from mlops_notebooks.data.lockfiles import dvc_root
from mlops_notebooks.data.sources import (
    Scan,
    SourceRequest,
    data_files,
    one_line,
    register_source,
)
from mlops_notebooks.errors import DataSourceError, InvalidInputError, require

__all__ = ["DvcRef", "dvc_source", "parse_dvc_url"]

BAD_DVC_URL = "invalid DVC ref {url!r}: use dvc://PATH?rev=REV&repo=REPO (rev and repo optional)"
NOT_A_REPO = "{repo} is not a DVC repository (run  dvc init  there, or fix repo=)"
UNKNOWN_REV = "unknown git revision {rev!r} in {repo}: check the tag, branch or commit"
NOT_TRACKED = "{path} is not tracked by DVC or git in {repo} at revision {rev}"
CANNOT_OPEN_REPO = "cannot open DVC repository {repo}: {reason}"
FETCH_FAILED = "cannot fetch {path} at {rev} from the DVC remote of {repo}: {reason}"


class DvcRef:
    """The parts of a ``dvc://`` URL."""

    def __init__(self, path: str, rev: str | None, repo: str | None) -> None:
        self.path, self.rev, self.repo = path, rev, repo


def parse_dvc_url(url: str, base_dir: Path | None = None) -> DvcRef:
    """Split ``dvc://PATH?rev=REV&repo=REPO``; a relative local ``repo`` starts at ``base_dir``."""
    body = url[len("dvc://") :] if url.lower().startswith("dvc://") else url
    path, _, query = body.partition("?")
    params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=False).items()}
    if not path.strip("/") or set(params) - {"rev", "repo"}:
        raise InvalidInputError(BAD_DVC_URL.format(url=url))
    repo = params.get("repo")
    if repo is None and base_dir is not None:
        repo = str(base_dir)
    elif repo is not None and _is_local(repo):
        local = Path(repo).expanduser()
        repo = str(local if local.is_absolute() or base_dir is None else base_dir / local)
    return DvcRef(path=path.strip("/"), rev=params.get("rev"), repo=repo)


@register_source("dvc")
def dvc_source(request: SourceRequest) -> Scan:
    """Read a DVC-tracked file or folder at a git revision."""
    require("dvc.api", "dvc")
    ref = parse_dvc_url(request.url, request.base_dir)
    filesystem = _filesystem(ref)
    repo_shown = ref.repo or os.getcwd()
    rev_shown = ref.rev or "workspace"
    try:
        info = filesystem.info(ref.path)
    except FileNotFoundError:
        raise DataSourceError(
            NOT_TRACKED.format(path=ref.path, repo=repo_shown, rev=rev_shown)
        ) from None
    except Exception as err:
        raise _repo_error(err, ref) from None
    if info.get("type") == "directory":
        paths = data_files(sorted(filesystem.find(ref.path)), request.url)
    else:
        paths = [ref.path]
    file_format = request.format or detect_format(paths[0])
    compression = split_compression(paths[0])[1]
    cached = _cached_object(filesystem, info) if len(paths) == 1 else None
    if cached is not None:  # the cache's copy, read-only: scanned natively, nothing left open
        files = FileSet((cached,), None, compression)
    else:
        hive = info.get("type") == "directory"
        files = FileSet(tuple(paths), filesystem, compression, hive=hive)
    try:  # text formats are fetched here; Parquet/Arrow stay lazy (columns pushed down)
        frame = reader_for(file_format)(files, request.options)
    except InvalidInputError:
        raise
    except Exception as err:
        reason = one_line(err)
        raise DataSourceError(
            FETCH_FAILED.format(path=ref.path, rev=rev_shown, repo=repo_shown, reason=reason)
        ) from err
    return Scan(
        frame=frame,
        resolved=f"dvc://{ref.path} @ {repo_shown}",
        format=file_format,
        dvc_rev=_revision(filesystem, ref.rev),
        content_hash=_content_hash(info),
    )


def _cached_object(filesystem: Any, info: dict[str, Any]) -> str | None:
    """The local cache file holding a DVC-tracked file's content, when it is there."""
    md5 = (info.get("dvc_info") or {}).get("md5")
    if info.get("type") != "file" or not md5 or str(md5).endswith(".dir"):
        return None
    try:
        path = str(filesystem.repo.cache.local.oid_to_path(md5))
    except Exception:  # a remote repository, or another cache layout: read through DVC
        return None
    return path if os.path.isfile(path) else None


def _filesystem(ref: DvcRef) -> Any:
    from dvc.api import DVCFileSystem

    if _is_local(ref.repo):
        folder = Path(ref.repo or os.getcwd()).resolve()
        if not (folder / ".dvc").is_dir() and dvc_root(folder) is None:
            raise DataSourceError(NOT_A_REPO.format(repo=ref.repo or folder))
    try:
        return DVCFileSystem(ref.repo, rev=ref.rev)
    except Exception as err:
        raise _repo_error(err, ref) from None


def _is_local(repo: str | None) -> bool:
    return repo is None or ("://" not in repo and not repo.startswith("git@"))


def _repo_error(err: Exception, ref: DvcRef) -> DataSourceError:
    """Map DVC's and scmrepo's exceptions (raised on open or on first access) to one line."""
    repo_shown = ref.repo or os.getcwd()
    name, text = type(err).__name__, str(err).lower()
    if "rev" in name.lower() or "revision" in text:
        return DataSourceError(UNKNOWN_REV.format(rev=ref.rev, repo=repo_shown))
    if (
        "notdvcrepo" in name.lower()
        or "not a git repository" in text
        or "notgitrepo" in name.lower()
    ):
        return DataSourceError(NOT_A_REPO.format(repo=repo_shown))
    return DataSourceError(CANNOT_OPEN_REPO.format(repo=repo_shown, reason=one_line(err)))


def _revision(filesystem: Any, rev: str | None) -> str:
    """``"<rev> (<commit>)"``, or ``"workspace"`` when no revision was asked for."""
    if rev is None:
        return "workspace"
    try:
        commit = filesystem.repo.scm.resolve_rev(rev)
    except Exception:  # a remote repo may not expose its scm; the name is still useful
        return rev
    return rev if commit.startswith(rev) else f"{rev} ({commit[:12]})"


def _content_hash(info: dict[str, Any]) -> str | None:
    dvc_info = info.get("dvc_info") or {}
    for key in ("md5", "etag", "checksum"):
        if dvc_info.get(key):
            return f"{key}:{dvc_info[key]}"
    return None
