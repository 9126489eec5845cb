"""Read a notebook's ``parameters`` cell and check values against it before execution.

The cell is parsed with :mod:`ast` (never executed): every top-level ``name = literal`` is a
parameter whose type is the type of its default; a comment on the same line is its help text.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlops_notebooks.errors import NotebookError, ParameterError

__all__ = ["Parameter", "coerce_value", "find_parameters_cell", "parse_parameters", "resolve"]

PARAMETERS_TAG = "parameters"

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True)
class Parameter:
    """One parameter declared in a notebook's ``parameters`` cell.

    Attributes
    ----------
    name : str
        Variable name.
    default : Any
        The default value, evaluated as a Python literal.
    type_name : str
        ``"str"``, ``"int"``, ``"float"``, ``"bool"``, ``"list"``, ``"dict"`` or ``"None"``.
    help : str
        The comment written after the assignment, if any.
    """

    name: str
    default: Any
    type_name: str
    help: str = ""


def find_parameters_cell(notebook: Any) -> int:
    """Return the index of the cell tagged ``parameters``.

    Raises
    ------
    NotebookError
        When no code cell carries the tag (papermill would only warn).
    """
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return index
    raise NotebookError(
        "the notebook has no code cell tagged 'parameters': tag the first code cell "
        "(View > Cell Toolbar > Tags in Jupyter) so runs can set its values"
    )


def parse_parameters(notebook: Any) -> dict[str, Parameter]:
    """Return the parameters declared in ``notebook`` (an ``nbformat`` node), in order.

    Raises
    ------
    NotebookError
        When there is no ``parameters`` cell, or a default is not a Python literal.
    """
    source = notebook.cells[find_parameters_cell(notebook)].source
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise NotebookError(f"the parameters cell is not valid Python: {err.msg}") from err
    comments = _comments_by_line(source)
    parameters: dict[str, Parameter] = {}
    for node in tree.body:
        target, value = _assignment(node)
        if target is None or value is None:
            continue
        try:
            default = ast.literal_eval(value)
        except ValueError as err:
            raise NotebookError(
                f"parameter {target!r} must default to a literal (str, number, bool, None, "
                "list or dict) so runs can override it"
            ) from err
        parameters[target] = Parameter(
            name=target,
            default=default,
            type_name=type(default).__name__ if default is not None else "None",
            help=comments.get(node.lineno, ""),
        )
    return parameters


def _assignment(node: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Name):
            return target.id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    return None, None


def _comments_by_line(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string.lstrip("#").strip()
    except tokenize.TokenError:
        pass
    return comments


def coerce_value(parameter: Parameter, value: Any) -> Any:
    """Convert ``value`` to the type of ``parameter``'s default.

    Strings (from ``-p NAME VALUE``) are parsed; values already typed (from a YAML parameters
    file) are checked. ``None`` defaults accept any YAML value.

    Raises
    ------
    ParameterError
        When the value cannot represent the expected type.
    """
    kind = parameter.type_name
    try:
        if kind == "None":
            return _yaml_scalar(value) if isinstance(value, str) else value
        if kind == "str":
            if isinstance(value, list | dict):
                raise ValueError("expected a string")
            return value if isinstance(value, str) else str(value)
        if kind == "bool":
            return _to_bool(value)
        if kind == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError("expected an integer")
            return int(value)
        if kind == "float":
            if isinstance(value, bool):
                raise ValueError("expected a number")
            return float(value)
        if kind in {"list", "tuple"}:
            return _to_list(value)
        if kind == "dict":
            parsed = _yaml_scalar(value) if isinstance(value, str) else value
            if not isinstance(parsed, dict):
                raise ValueError("expected a mapping such as {a: 1}")
            return parsed
    except (TypeError, ValueError) as err:
        raise ParameterError(
            f"parameter {parameter.name!r} expects {kind} (default {parameter.default!r}); "
            f"cannot use {value!r}: {err}",
            name=parameter.name,
        ) from err
    return value


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("expected true or false")


def _to_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        parsed = _yaml_scalar(value)
        if isinstance(parsed, list):
            return parsed
        return [_yaml_scalar(item.strip()) for item in value.split(",") if item.strip()]
    raise ValueError("expected a list such as a,b or [a, b]")


def _yaml_scalar(text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def resolve(
    declared: Mapping[str, Parameter],
    *sources: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Merge parameter sources in order (later wins) and check them against ``declared``.

    Parameters
    ----------
    declared : mapping of str to Parameter
        What the notebook accepts, from :func:`parse_parameters`.
    *sources : mapping of str to Any
        Overrides, lowest priority first (for the CLI: parameters file, then ``-p``).

    Returns
    -------
    overrides : dict
        The coerced values that differ from the notebook, to inject.
    effective : dict
        Every parameter with the value the run will use.

    Raises
    ------
    ParameterError
        For an unknown name (the message lists the valid names) or a value of the wrong type.
    """
    overrides: dict[str, Any] = {}
    for source in sources:
        for name, value in source.items():
            if name not in declared:
                valid = tuple(declared)
                raise ParameterError(
                    f"unknown parameter {name!r}; valid parameters: {', '.join(valid) or 'none'}",
                    name=name,
                    valid=valid,
                )
            overrides[name] = coerce_value(declared[name], value)
    effective = {name: p.default for name, p in declared.items()} | overrides
    return overrides, effective
