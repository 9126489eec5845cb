"""Old keyword names keep working for one release, with a :class:`DeprecationWarning`.

The public API uses one name per idea (``seed``, ``n_bootstrap``, ``top_k``, ``target``,
``prediction``, ``probabilities``, ``features``, ``frequency``; see ``docs/protocol.md``).
:func:`renamed` maps the old names onto the new ones::

    @renamed(random_state="seed", top="top_k")
    def analyse(data, *, seed: int = 0, top_k: int = 10) -> ...: ...

    analyse(data, random_state=1)  # DeprecationWarning, runs with seed=1
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from mlops_notebooks.errors import InvalidInputError

__all__ = ["BOTH_NAMES", "RENAMED", "moved_to_keyword", "renamed", "warn_renamed"]

F = TypeVar("F", bound=Callable[..., Any])

RENAMED = (
    "{where}: {old!r} is deprecated and will be removed in the next release; use {new!r} instead"
)
BOTH_NAMES = "{where}: pass {new!r} only ({old!r} is its deprecated old name)"
MOVED = (
    "{where}({keyword}) is deprecated and will be removed in the next release; "
    "use {method}({keyword}=...)"
)


def warn_renamed(where: str, old: str, new: str, *, stacklevel: int = 3) -> None:
    """Emit the :class:`DeprecationWarning` for a renamed parameter or value."""
    warnings.warn(RENAMED.format(where=where, old=old, new=new), DeprecationWarning, stacklevel)


def renamed(**old_to_new: str) -> Callable[[F], F]:
    """Accept each old keyword name for its new one, with a :class:`DeprecationWarning`.

    Parameters
    ----------
    **old_to_new : str
        Old keyword name → new keyword name.

    Raises
    ------
    InvalidInputError
        Both the old and the new name were passed.

    Example
    -------
    >>> @renamed(top="top_k")
    ... def head(*, top_k: int = 3) -> int:
    ...     return top_k
    >>> head(top_k=5)
    5
    """

    def decorate(function: F) -> F:
        where = function.__qualname__

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise InvalidInputError(BOTH_NAMES.format(where=where, old=old, new=new))
                    warn_renamed(where, old, new)
                    kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def moved_to_keyword(
    kind: Any, value: Any, choices: Any, *, where: str, keyword: str, stacklevel: int = 3
) -> tuple[Any, Any]:
    """``plot(name)`` of an old signature, where ``name`` is now ``plot(keyword=name)``.

    When ``kind`` is one of ``choices`` and ``value`` was not given, warn and return
    ``(None, kind)``; otherwise return ``(kind, value)`` unchanged.

    Example
    -------
    >>> moved_to_keyword("bars", None, ("auc",), where="Report.plot", keyword="metric")
    ('bars', None)
    """
    if value is None and kind is not None and kind in choices:
        method = where.rsplit(".", 1)[-1]
        message = MOVED.format(where=where, keyword=keyword, method=method)
        warnings.warn(message, DeprecationWarning, stacklevel)
        return None, kind
    return kind, value
