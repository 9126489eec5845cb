"""Frequency strings (``"6h"``, ``"1d"``, ``"1w"``, ``"1mo"``), parsed in one place.

Every public ``frequency=`` argument goes through :func:`parse_frequency`: the same grammar (a
positive count and a polars duration unit), the same typed error, everywhere.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mlops_notebooks.errors import FrequencyError

__all__ = ["BAD_FREQUENCY", "UNITS", "Frequency", "parse_frequency"]

#: Units polars' ``dt.truncate`` and ``datetime_range`` understand, in the package's wording.
UNITS = ("ns", "us", "ms", "s", "m", "h", "d", "w", "mo", "q", "y")
BAD_FREQUENCY = (
    "frequency {value!r} is not a time step: use a count and a unit, such as '6h', '1d', '1w', "
    "'1mo', '1q' or '1y' (units: {units})"
)
_PATTERN = re.compile(r"^([1-9][0-9]*)(ns|us|ms|s|m|h|d|w|mo|q|y)$")


class Frequency(NamedTuple):
    """A parsed frequency: ``every`` units of ``unit``; ``text`` is the polars duration."""

    every: int
    unit: str
    text: str


def parse_frequency(value: object) -> Frequency:
    """Parse a frequency string such as ``"1d"`` or ``"3mo"``.

    Raises
    ------
    FrequencyError
        ``value`` is not a positive count followed by one of :data:`UNITS`.

    Example
    -------
    >>> parse_frequency("3mo")
    Frequency(every=3, unit='mo', text='3mo')
    """
    text = value.strip().lower() if isinstance(value, str) else ""
    match = _PATTERN.match(text)
    if match is None:
        raise FrequencyError(BAD_FREQUENCY.format(value=value, units=", ".join(UNITS)))
    return Frequency(int(match.group(1)), match.group(2), text)
