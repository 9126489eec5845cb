"""SQL databases through SQLAlchemy: a URL, a query and bound parameters from the catalog.

Parameters are always bound by the driver (``:name`` placeholders), never formatted into the
SQL text. A row ``limit`` is applied while fetching (``fetchmany``) so the query text is never
rewritten. Reader ``options`` of the catalog entry are passed to
:func:`sqlalchemy.create_engine` (for example ``connect_args: {connect_timeout: 5}``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from mlops_notebooks.data.sources import Scan, SourceRequest, register_source
from mlops_notebooks.errors import DataSourceError, InvalidInputError, require

__all__ = ["SQL_SCHEMES", "sql_source"]

SQL_SCHEMES = (
    "sqlite",
    "postgresql",
    "postgres",
    "mysql",
    "mariadb",
    "mssql",
    "oracle",
    "duckdb",
    "snowflake",
    "redshift",
    "bigquery",
)
NO_QUERY = (
    "SQL source {url} needs a query: put it in a catalog entry with 'query:' "
    "(and 'params:' for bound values)"
)
BAD_URL = "invalid database URL {url}: {reason}"
SQLITE_MISSING = "SQLite database file not found: {path}"
WRONG_PASSWORD = (
    "authentication failed for {url}: check the user and the password variable "
    "the catalog entry references"
)
UNREACHABLE = "cannot connect to database {url}: is the server running and reachable? ({reason})"
QUERY_FAILED = "query on {url} failed: {reason}"

_AUTH_MARKERS = ("password authentication failed", "access denied", "authentication failed")


@register_source(*SQL_SCHEMES)
def sql_source(request: SourceRequest) -> Scan:
    """Run the request's query with its bound parameters and return the rows."""
    require("sqlalchemy", "sql")
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

    shown = request.secrets.scrub(request.url)
    if not request.query:
        raise InvalidInputError(NO_QUERY.format(url=shown))
    try:
        url = _absolute_sqlite(sa.make_url(request.url), request.base_dir)
        engine = sa.create_engine(url, **dict(request.options))
    except (ArgumentError, NoSuchModuleError, ImportError, TypeError) as err:
        reason = request.secrets.scrub(" ".join(str(err).split()))
        raise InvalidInputError(BAD_URL.format(url=shown, reason=reason)) from None
    try:
        with engine.connect() as connection:
            result = connection.execute(sa.text(request.query), dict(request.params))
            names = list(result.keys())
            rows = result.fetchall() if request.limit is None else result.fetchmany(request.limit)
    except DBAPIError as err:
        raise _database_error(err, shown, request) from None
    except SQLAlchemyError as err:
        reason = request.secrets.scrub(_first_line(str(err)))
        raise DataSourceError(QUERY_FAILED.format(url=shown, reason=reason)) from None
    finally:
        engine.dispose()
    frame = pl.DataFrame(
        [tuple(row) for row in rows], schema=names, orient="row", infer_schema_length=None
    )
    return Scan(
        frame=frame.lazy(),
        resolved=request.url,
        format="sql",
        query=request.query,
        limited=request.limit is not None,
    )


def _absolute_sqlite(url: Any, base_dir: Path | None) -> Any:
    """Make a relative SQLite path relative to the catalog's folder, and require the file."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return url
    path = Path(url.database).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        raise DataSourceError(SQLITE_MISSING.format(path=path))
    return url.set(database=str(path))


def _database_error(err: Any, shown: str, request: SourceRequest) -> DataSourceError:
    original = str(getattr(err, "orig", None) or err)
    reason = request.secrets.scrub(_first_line(original))
    lowered = original.lower()
    if any(marker in lowered for marker in _AUTH_MARKERS):
        return DataSourceError(WRONG_PASSWORD.format(url=shown))
    if err.connection_invalidated or _is_connect_error(lowered):
        return DataSourceError(UNREACHABLE.format(url=shown, reason=reason))
    return DataSourceError(QUERY_FAILED.format(url=shown, reason=reason))


def _is_connect_error(message: str) -> bool:
    markers = ("connection refused", "could not connect", "timeout", "connection failed")
    return any(marker in message for marker in markers)


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "unknown error"
    return " ".join(line.split())[:300]
