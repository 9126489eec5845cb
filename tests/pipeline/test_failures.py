"""Reading exceptions and column names out of stage logs."""

from __future__ import annotations

import pytest

from mlops_notebooks.pipeline.failures import find_column, parse_exception

LOG = """Running stage 'train':
> python src/train.py
Traceback (most recent call last):
  File "src/train.py", line 3, in <module>
    frame["delay"]
KeyError: 'delay'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "src/train.py", line 5, in <module>
    raise ValueError("column 'delay' is missing")
ValueError: column 'delay' is missing
ERROR: failed to reproduce 'train': failed to run: python src/train.py, exited with 1
"""


def test_last_traceback_wins():
    name, message, traceback = parse_exception(LOG)
    assert (name, message) == ("ValueError", "column 'delay' is missing")
    assert traceback.startswith("Traceback") and traceback.endswith("is missing")


def test_no_traceback_falls_back_to_dvc_error():
    assert parse_exception("ERROR: failed to reproduce 'x': boom\n") == (
        "",
        "failed to reproduce 'x': boom",
        "",
    )


@pytest.mark.parametrize(
    ("message", "column"),
    [
        ('unable to find column "distance"; valid columns: ["a"]', "distance"),
        ("'distance'", "distance"),
        ("\"None of [Index(['distance'], dtype='str')] are in the [columns]\"", "distance"),
        ("columns named 'x' are missing", "x"),
        ("something else", None),
    ],
)
def test_find_column(message, column):
    assert find_column(message) == column
