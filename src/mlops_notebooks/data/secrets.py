"""Secrets: fill ``${VARIABLE}`` references from the environment and keep values out of text.

A catalog never holds a secret, only a reference such as ``${PG_PASSWORD}``. References are
filled when an entry is loaded — from the process environment first, then from a ``.env``
file next to the catalog — and every value that was filled in, plus any password found in a
URL, is remembered in a :class:`SecretValues` set so messages and provenance records can be
scrubbed before they leave the library.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlops_notebooks.errors import SecretError

__all__ = [
    "MASK",
    "SecretValues",
    "environment",
    "mask_url",
    "scrubbed_logs",
    "substitute",
]

MASK = "***"
MISSING_VARIABLE = (
    "environment variable {name} is not set: export it or add it to {dotenv} "
    "(never write the value into the catalog)"
)

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# scheme://user:password@host — the password is everything between the first ':' of the
# user-info part and the last '@' before the host.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/?#@\s]*:)(?P<pw>[^@\s]*)@")
# Values shorter than this are not scrubbed from text: masking "1" everywhere hides nothing.
_MIN_SECRET_LENGTH = 3


@dataclass
class SecretValues:
    """The secret values met while resolving one data source; used to scrub text."""

    values: set[str] = field(default_factory=set)

    def add(self, value: str) -> None:
        """Remember ``value`` as secret (ignored when too short to be meaningful)."""
        if len(value) >= _MIN_SECRET_LENGTH:
            self.values.add(value)

    def update(self, values: Iterable[str]) -> None:
        """Remember every value in ``values``."""
        for value in values:
            self.add(value)

    def scrub(self, text: str) -> str:
        """Return ``text`` with URL passwords and every remembered value replaced by ``***``."""
        text = mask_url(text)
        for value in sorted(self.values, key=len, reverse=True):
            text = text.replace(value, MASK)
        return text


class _ScrubFilter(logging.Filter):
    """Rewrite a log record's message with the secrets scrubbed out."""

    def __init__(self, secrets: SecretValues) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = self.secrets.scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


@contextmanager
def scrubbed_logs(secrets: SecretValues) -> Iterator[None]:
    """Scrub ``secrets`` from every log record emitted inside the block.

    Libraries the data layer calls (fsspec, SQLAlchemy, botocore, …) log paths and URLs at
    DEBUG level; a filter on every installed handler keeps filled-in secrets out of them.
    """
    if not secrets.values:
        yield
        return
    handlers = set(logging.getLogger().handlers)
    if logging.lastResort is not None:  # prints warnings when no handler is configured
        handlers.add(logging.lastResort)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            handlers.update(logger.handlers)
    scrub = _ScrubFilter(secrets)
    for handler in handlers:
        handler.addFilter(scrub)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(scrub)


def mask_url(text: str) -> str:
    """Replace the password of every ``scheme://user:password@host`` in ``text`` with ``***``.

    Examples
    --------
    >>> mask_url("postgresql://analyst:s3cret@127.0.0.1:5432/shop")
    'postgresql://analyst:***@127.0.0.1:5432/shop'
    """
    return _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}@" if m["pw"] else m[0], text)


def url_passwords(text: str) -> list[str]:
    """Return the passwords written in the user-info part of URLs in ``text``."""
    return [m["pw"] for m in _URL_PASSWORD.finditer(text) if m["pw"]]


def environment(dotenv: Path | None) -> dict[str, str]:
    """Return the variables available for ``${VAR}`` references.

    The real environment wins over the ``.env`` file, which is read but never exported.
    """
    values: dict[str, str] = {}
    if dotenv is not None and dotenv.is_file():
        from dotenv import dotenv_values

        values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
    values.update(os.environ)
    return values


def substitute(
    value: Any, env: Mapping[str, str], secrets: SecretValues, *, dotenv: str = ".env"
) -> Any:
    """Return ``value`` (str, list or dict, nested) with every ``${VAR}`` filled from ``env``.

    Every filled-in value is added to ``secrets``; so is any password written in a URL.

    Raises
    ------
    SecretError
        Naming the first variable that ``env`` does not define.
    """
    if isinstance(value, str):
        return _substitute_text(value, env, secrets, dotenv)
    if isinstance(value, Mapping):
        return {key: substitute(item, env, secrets, dotenv=dotenv) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [substitute(item, env, secrets, dotenv=dotenv) for item in value]
    return value


def _substitute_text(text: str, env: Mapping[str, str], secrets: SecretValues, dotenv: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match[1]
        if name not in env:
            raise SecretError(MISSING_VARIABLE.format(name=name, dotenv=dotenv))
        secrets.add(env[name])
        return env[name]

    filled = _REFERENCE.sub(fill, text)
    secrets.update(url_passwords(filled))
    return filled


def references(value: Any) -> list[str]:
    """Return the variable names referenced as ``${VAR}`` anywhere in ``value``."""
    if isinstance(value, str):
        return _REFERENCE.findall(value)
    if isinstance(value, Mapping):
        return [name for item in value.values() for name in references(item)]
    if isinstance(value, list | tuple):
        return [name for item in value for name in references(item)]
    return []
