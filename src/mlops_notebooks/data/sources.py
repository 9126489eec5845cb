"""Data sources: turn a ref (path, URL, ``dvc://``, SQL URL) into a polars LazyFrame.

Sources are registered by URL scheme in :data:`SOURCES` (add your own with
:func:`register_source`); a scheme with no registered source falls back to fsspec when fsspec
knows it (``s3``, ``gs``, ``az``, ``https``, ``memory``, …). A path with no scheme is a local
file, folder or glob.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from mlops_notebooks.data.formats import FileSet, detect_format, reader_for, split_compression
from mlops_notebooks.data.secrets import SecretValues
from mlops_notebooks.errors import DataSourceError, DependencyMissingError, InvalidInputError

__all__ = [
    "SOURCES",
    "Scan",
    "SourceRequest",
    "one_line",
    "open_source",
    "register_source",
    "scheme_of",
]

UNKNOWN_SCHEME = (
    "unknown scheme {scheme!r} in {ref!r}: use a local path, an fsspec URL (s3://, gs://, "
    "https://, …), dvc://PATH?rev=REV, a SQL URL in a catalog entry, or a catalog name"
)
FILE_NOT_FOUND = "file not found: {path} (check the path, or the catalog entry's source)"
NO_MATCH = "no files match {path}: check the pattern"
MISSING_PACKAGE = "reading {scheme}:// needs a package that is not installed: {reason}"
CANNOT_OPEN = "cannot open {url}: {reason}"
CANNOT_LIST = "cannot list {url}: {reason}"
READ_FAILED = "cannot read {source} as {format}: {reason}"
EMPTY_DIRECTORY = "folder {path} holds no readable data files ({extensions})"

# Protocols whose servers may not honour range requests: read whole files, not footers.
_STREAM_ONLY = frozenset({"http", "https"})
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://")
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class SourceRequest:
    """Everything a source needs: the URL with secrets filled in, and reader settings."""

    url: str
    format: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    storage_options: Mapping[str, Any] = field(default_factory=dict)
    query: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    base_dir: Path | None = None
    limit: int | None = None
    secrets: SecretValues = field(default_factory=SecretValues)


@dataclass(frozen=True)
class Scan:
    """What a source found: the data (lazy when possible) and facts for provenance.

    ``resolved`` may hold secrets; the loader scrubs it before it is shown anywhere.
    ``limited`` is True when the source already applied ``SourceRequest.limit``.
    """

    frame: pl.LazyFrame
    resolved: str
    format: str
    dvc_rev: str | None = None
    content_hash: str | None = None
    query: str | None = None
    limited: bool = False


Source = Callable[[SourceRequest], Scan]
SOURCES: dict[str, Source] = {}


def register_source(*schemes: str) -> Callable[[Source], Source]:
    """Register a source function for URLs starting with ``<scheme>://``."""

    def decorator(source: Source) -> Source:
        for scheme in schemes:
            SOURCES[scheme.lower()] = source
        return source

    return decorator


def scheme_of(ref: str) -> str | None:
    """Return the lower-cased URL scheme of ``ref``, or ``None`` for a plain path."""
    match = _SCHEME.match(ref)
    return match["scheme"].lower() if match else None


def open_source(request: SourceRequest) -> Scan:
    """Dispatch ``request`` to the source registered for its scheme.

    Raises
    ------
    InvalidInputError
        For a scheme that is neither registered nor known to fsspec.
    """
    scheme = scheme_of(request.url)
    if scheme is None or scheme == "file":
        return local_source(request)
    for key in (scheme, scheme.split("+")[0]):
        if key in SOURCES:
            return SOURCES[key](request)
    import fsspec

    if scheme in fsspec.available_protocols():
        return fsspec_source(request)
    shown = request.secrets.scrub(request.url)
    raise InvalidInputError(UNKNOWN_SCHEME.format(scheme=scheme, ref=shown))


def local_source(request: SourceRequest) -> Scan:
    """Local file, folder of files, or glob; relative paths start at ``base_dir``."""
    raw = request.url.removeprefix("file://")
    path = Path(raw).expanduser()
    if not path.is_absolute() and request.base_dir is not None:
        path = request.base_dir / path
    text = os.fspath(path)
    if _GLOB_CHARS.search(text):
        paths = sorted(p for p in glob.glob(text, recursive=True) if os.path.isfile(p))
        if not paths:
            raise DataSourceError(NO_MATCH.format(path=text))
    elif path.is_dir():
        paths = data_files(sorted(str(p) for p in path.rglob("*") if p.is_file()), text)
    elif path.is_file():
        paths = [text]
    else:
        raise DataSourceError(FILE_NOT_FOUND.format(path=text))
    many = bool(_GLOB_CHARS.search(text)) or path.is_dir()
    scan = _scan_files(paths, None, request, resolved=text, many=many)
    if len(paths) == 1:
        from mlops_notebooks.data.lockfiles import recorded_hash

        scan = dataclasses.replace(scan, content_hash=recorded_hash(paths[0]))
    return scan


def fsspec_source(request: SourceRequest) -> Scan:
    """Any fsspec URL; ``storage_options`` come from the catalog entry (and the environment)."""
    import fsspec

    shown = request.secrets.scrub(request.url)
    try:
        filesystem, path = fsspec.core.url_to_fs(request.url, **request.storage_options)
    except ImportError as err:
        scheme = scheme_of(request.url)
        reason = request.secrets.scrub(one_line(err))
        raise DependencyMissingError(MISSING_PACKAGE.format(scheme=scheme, reason=reason)) from None
    except (OSError, ValueError, TypeError) as err:
        reason = request.secrets.scrub(one_line(err))
        raise DataSourceError(CANNOT_OPEN.format(url=shown, reason=reason)) from None
    try:
        paths = _list_remote(filesystem, path, shown)
    except DataSourceError:
        raise
    except (OSError, ValueError) as err:
        reason = request.secrets.scrub(one_line(err))
        raise DataSourceError(CANNOT_LIST.format(url=shown, reason=reason)) from None
    many = bool(_GLOB_CHARS.search(path)) or len(paths) > 1 or paths[0] != path
    return _scan_files(paths, filesystem, request, resolved=request.url, many=many)


def _list_remote(filesystem: Any, path: str, shown: str) -> list[str]:
    """The files a remote path, folder or glob stands for."""
    if _GLOB_CHARS.search(path):
        paths = sorted(filesystem.glob(path))
        if not paths:
            raise DataSourceError(NO_MATCH.format(path=shown))
        return paths
    if filesystem.isdir(path):
        return data_files(sorted(filesystem.find(path)), shown)
    if filesystem.isfile(path):
        return [path]
    raise DataSourceError(FILE_NOT_FOUND.format(path=shown))


def one_line(err: BaseException, limit: int = 300) -> str:
    """The first line of ``err``'s message, whitespace collapsed and shortened."""
    text = str(err).strip()
    line = " ".join(text.splitlines()[0].split()) if text else type(err).__name__
    return line if len(line) <= limit else line[: limit - 1] + "…"


def data_files(paths: list[str], folder: str) -> list[str]:
    """Files in a folder that carry a known data extension (hidden and ``_`` files skipped)."""
    from mlops_notebooks.data.formats import EXTENSIONS

    def readable(path: str) -> bool:
        name = path.rsplit("/", 1)[-1]
        if name.startswith((".", "_")):
            return False
        stem, _ = split_compression(name.lower())
        return any(stem.endswith(extension) for extension in EXTENSIONS)

    found = [p for p in paths if readable(p)]
    if not found:
        raise DataSourceError(EMPTY_DIRECTORY.format(path=folder, extensions=sorted(EXTENSIONS)))
    return found


def _scan_files(
    paths: list[str], filesystem: Any, request: SourceRequest, *, resolved: str, many: bool
) -> Scan:
    """Read ``paths`` with the request's format; ``many``: they come from a folder or glob."""
    file_format = request.format or detect_format(paths[0])
    compressions = {split_compression(p)[1] for p in paths}
    if len(compressions) > 1:
        raise InvalidInputError(f"files under {resolved} mix compressions; keep one per data set")
    seekable = scheme_of(request.url) not in _STREAM_ONLY
    files = FileSet(tuple(paths), filesystem, compressions.pop(), seekable=seekable, hive=many)
    reader = reader_for(file_format)
    try:
        frame = reader(files, request.options)
    except Exception as err:  # each reader library raises its own types
        reason = request.secrets.scrub(one_line(err))
        source = request.secrets.scrub(resolved)
        message = READ_FAILED.format(source=source, format=file_format, reason=reason)
        raise DataSourceError(message) from (None if request.secrets.values else err)
    if len(paths) > 1:
        resolved = f"{resolved} ({len(paths)} files)"
    return Scan(frame=frame, resolved=resolved, format=file_format)
