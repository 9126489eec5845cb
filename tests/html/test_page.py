"""The page: header with provenance, version and time; contents linking every section."""

from __future__ import annotations

import re

from mlops_notebooks import __version__
from mlops_notebooks._html.page import fragment, page, section
from mlops_notebooks._render import dumps, jsonable


def test_contents_link_every_section_with_unique_ids() -> None:
    body = section("Columns", "<p>a</p>") + section("Columns", "<p>b</p>") + section("A & B", "")
    text = page("Report <1>", body)
    ids = re.findall(r"<h2 id='([^']+)'>", text)
    assert ids == ["columns", "columns-2", "a-b"]
    assert re.findall(r"<a href='#([^']+)'>", text) == ids
    assert "<title>Report &lt;1&gt;</title>" in text


def test_no_contents_without_sections() -> None:
    text = page("Plain", "<p>x</p>")
    assert "<nav class='mlnb-toc'" not in text and "mlnb-layout mlnb-single" in text


def test_header_shows_provenance_version_and_is_offline() -> None:
    record = {
        "role": "reference",
        "source": "data/<ref>.parquet",
        "rows": 12345,
        "columns": 5,
        "content_hash": "md5:abc",
        "loaded_at": "2026-01-02T03:04:05.123+00:00",
    }
    text = page("Drift", section("S", ""), provenance=[record], description="What it shows.")
    header = text[text.index("<header") : text.index("</header>")]
    assert "<b>reference</b>" in header and "data/&lt;ref&gt;.parquet" in header
    assert "12,345 × 5" in header and "md5:abc" in header
    assert "2026-01-02 03:04:05 UTC" in header
    assert f"mlops-notebooks {__version__}" in header and "What it shows." in header
    assert "<script" not in text and "http" not in text.replace("http://www.w3.org", "")
    assert "@media print" in text


def test_missing_content_hash_is_said() -> None:
    text = page("P", "", provenance=[{"source": "f.csv", "rows": 1, "content_hash": None}])
    assert "not recorded (not tracked by DVC)" in text
    streamed = page("P", "", provenance=[{"source": "logs/", "engine": "stream"}])
    assert "not recorded (read by the stream engine, not through the data layer)" in streamed


def test_fragment_carries_the_stylesheet_scoped_to_mlnb() -> None:
    text = fragment("<p>x</p>")
    assert text.startswith("<div class='mlnb mlnb-result'><style>")
    rules = re.findall(r"}([^{}@]+){", text)
    assert all(".mlnb" in selector for selector in rules if selector.strip())


def test_one_json_policy() -> None:
    import datetime as dt
    from pathlib import Path

    import numpy as np
    import polars as pl

    value = {
        "nan": float("nan"),
        "inf": np.float64("inf"),
        "int": np.int64(3),
        "when": dt.date(2026, 1, 2),
        "path": Path("a/b"),
        "tuple": (1, 2),
        "set": {"b", "a"},
        "frame": pl.DataFrame({"x": [1.0, None]}),
        "text": "température",
    }
    assert jsonable(value) == {
        "nan": None,
        "inf": None,
        "int": 3,
        "when": "2026-01-02",
        "path": "a/b",
        "tuple": [1, 2],
        "set": ["a", "b"],
        "frame": [{"x": 1.0}, {"x": None}],
        "text": "température",
    }
    assert dumps({"x": float("nan")}, indent=None) == '{"x": null}'
    assert "température" in dumps(value)


def test_numpy_scalars_become_builtin_numbers_and_non_finite_become_null() -> None:
    import numpy as np

    from mlops_notebooks._render import jsonable

    values = jsonable([np.float64(1.5), np.int64(3), np.float32("inf"), np.float64("nan")])
    assert values == [1.5, 3, None, None]
    assert [type(v) for v in values[:2]] == [float, int]
