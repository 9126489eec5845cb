from __future__ import annotations

import nbformat
import pytest

from mlops_notebooks.errors import NotebookError, ParameterError
from mlops_notebooks.runner.parameters import (
    Parameter,
    coerce_value,
    parse_parameters,
    resolve,
)

from .conftest import write_notebook


@pytest.fixture
def declared(tmp_path):
    path = write_notebook(tmp_path / "n.ipynb", title="T", body=[])
    return parse_parameters(nbformat.read(path, as_version=4))


def test_parse_reads_names_defaults_types_and_help(declared):
    assert list(declared) == [
        "greeting",
        "repeat",
        "ratio",
        "verbose",
        "columns",
        "options",
        "anything",
    ]
    assert declared["greeting"] == Parameter("greeting", "hello", "str", "what to say")
    assert declared["repeat"].type_name == "int"
    assert declared["repeat"].help == "how many times"
    assert declared["ratio"].type_name == "float"
    assert declared["verbose"].type_name == "bool"
    assert declared["columns"].default == ["a", "b"]
    assert declared["options"].type_name == "dict"
    assert declared["anything"].type_name == "None"


def test_missing_parameters_tag_is_an_error(tmp_path):
    path = write_notebook(tmp_path / "n.ipynb", title="T", body=[], tagged=False)
    with pytest.raises(NotebookError, match="no code cell tagged 'parameters'"):
        parse_parameters(nbformat.read(path, as_version=4))


def test_non_literal_default_is_an_error(tmp_path):
    path = write_notebook(tmp_path / "n.ipynb", title="T", body=[])
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[1].source = "import os\nroot = os.getcwd()"
    with pytest.raises(NotebookError, match="'root' must default to a literal"):
        parse_parameters(notebook)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("greeting", "bonjour", "bonjour"),
        ("greeting", "42", "42"),
        ("repeat", "7", 7),
        ("ratio", "0.25", 0.25),
        ("ratio", "3", 3.0),
        ("verbose", "true", True),
        ("verbose", "No", False),
        ("verbose", "1", True),
        ("columns", "x,y", ["x", "y"]),
        ("columns", "[x, y, 3]", ["x", "y", 3]),
        ("options", "{a: 1}", {"a": 1}),
        ("anything", "3", 3),
        ("anything", "null", None),
        ("anything", "text", "text"),
    ],
)
def test_string_values_are_parsed_to_the_default_type(declared, name, text, expected):
    value = coerce_value(declared[name], text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("repeat", "seven"),
        ("repeat", "1.5"),
        ("repeat", True),
        ("ratio", "fast"),
        ("verbose", "maybe"),
        ("options", "[1, 2]"),
        ("greeting", [1]),
    ],
)
def test_values_of_the_wrong_type_are_rejected(declared, name, value):
    with pytest.raises(ParameterError, match=f"parameter '{name}' expects"):
        coerce_value(declared[name], value)


def test_typed_values_from_a_file_are_checked_not_reparsed(declared):
    assert coerce_value(declared["repeat"], 3) == 3
    assert coerce_value(declared["ratio"], 2) == 2.0
    assert coerce_value(declared["columns"], ["z"]) == ["z"]


def test_unknown_parameter_lists_the_valid_names(declared):
    with pytest.raises(ParameterError) as info:
        resolve(declared, {"no_such_param": "1"})
    assert str(info.value) == (
        "unknown parameter 'no_such_param'; valid parameters: "
        "greeting, repeat, ratio, verbose, columns, options, anything"
    )
    assert info.value.valid == tuple(declared)


def test_later_sources_override_earlier_ones(declared):
    overrides, effective = resolve(declared, {"repeat": 3, "ratio": 0.1}, {"repeat": "5"})
    assert overrides == {"repeat": 5, "ratio": 0.1}
    assert effective["repeat"] == 5
    assert effective["greeting"] == "hello"
