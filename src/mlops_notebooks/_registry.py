"""Registries that fill lazily: the built-in entries are added on first use, not at import.

Importing a package therefore costs nothing (no scikit-learn or fairlearn import); the first
lookup, iteration or registration loads the defaults. A lookup of an unknown name raises
:class:`~mlops_notebooks.errors.UnknownNameError` listing the valid names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import TypeVar

from mlops_notebooks.errors import UnknownNameError

__all__ = ["Registry"]

V = TypeVar("V")


class Registry(MutableMapping[str, V]):
    """A name → entry mapping whose defaults are loaded by ``load_defaults`` on first use.

    Parameters
    ----------
    what : str
        What an entry is, for error messages (``"metric"``, ``"drift method"``).
    load_defaults : callable, optional
        Called once with the registry; registers the built-in entries.

    Example
    -------
    >>> colours = Registry("colour", lambda r: r.update(red="#f00"))
    >>> colours["red"]
    '#f00'
    """

    def __init__(self, what: str, load_defaults: Callable[[Registry[V]], None] | None = None):
        self.what = what
        self._entries: dict[str, V] = {}
        self._load_defaults = load_defaults

    def _loaded(self) -> dict[str, V]:
        if self._load_defaults is not None:
            load, self._load_defaults = self._load_defaults, None
            user_entries, self._entries = self._entries, {}
            load(self)
            self._entries.update(user_entries)  # a user's entry replaces a default
        return self._entries

    def __getitem__(self, name: str) -> V:
        entries = self._loaded()
        try:
            return entries[name]
        except KeyError:
            raise UnknownNameError(name, tuple(entries), what=self.what) from None

    def __setitem__(self, name: str, value: V) -> None:
        (self._entries if self._load_defaults is not None else self._loaded())[name] = value

    def __delitem__(self, name: str) -> None:
        del self._loaded()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __contains__(self, name: object) -> bool:
        return name in self._loaded()

    def __repr__(self) -> str:
        return f"Registry({self.what!r}, {sorted(self._loaded())})"
