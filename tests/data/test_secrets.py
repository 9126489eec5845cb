"""Tests of mlops_notebooks.data.secrets: ${VAR} filling, .env, masking and scrubbing."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_notebooks.data.secrets import (
    MASK,
    MISSING_VARIABLE,
    SecretValues,
    environment,
    mask_url,
    references,
    substitute,
)
from mlops_notebooks.errors import SecretError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql+psycopg://analyst:pw123@127.0.0.1:5432/shop",
         "postgresql+psycopg://analyst:***@127.0.0.1:5432/shop"),
        ("mysql://u:p%40ss@db/x?ssl=1", "mysql://u:***@db/x?ssl=1"),
        ("s3://bucket/key.parquet", "s3://bucket/key.parquet"),
        ("https://user@host/x.csv", "https://user@host/x.csv"),
        ("see a://x:y@h and b://z:w@k", "see a://x:***@h and b://z:***@k"),
    ],
)  # fmt: skip
def test_mask_url_hides_only_the_password(text: str, expected: str) -> None:
    assert mask_url(text) == expected


def test_substitute_fills_nested_values_and_remembers_them() -> None:
    secrets = SecretValues()
    value = {"url": "x://u:${PW}@h/${DB}", "opts": [{"k": "${DB}"}], "n": 3}
    filled = substitute(value, {"PW": "hunter22", "DB": "shop"}, secrets)
    assert filled == {"url": "x://u:hunter22@h/shop", "opts": [{"k": "shop"}], "n": 3}
    assert secrets.values == {"hunter22", "shop"}
    assert secrets.scrub("failed for hunter22 on shop") == f"failed for {MASK} on {MASK}"


def test_missing_variable_names_the_variable_not_a_value() -> None:
    with pytest.raises(SecretError) as info:
        substitute("a ${NOPE_VAR} b", {"OTHER": "value123"}, SecretValues(), dotenv="/x/.env")
    assert str(info.value) == MISSING_VARIABLE.format(name="NOPE_VAR", dotenv="/x/.env")
    assert "value123" not in str(info.value)


def test_literal_url_password_is_remembered_as_secret() -> None:
    secrets = SecretValues()
    substitute("postgresql://u:literalpw@h/db", {}, secrets)
    assert secrets.scrub("error: literalpw rejected") == f"error: {MASK} rejected"


def test_dotenv_fills_but_never_overrides_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("FROM_FILE=file-value\nBOTH=file-loses\n")
    monkeypatch.setenv("BOTH", "environment-wins")
    monkeypatch.delenv("FROM_FILE", raising=False)
    env = environment(dotenv)
    assert env["FROM_FILE"] == "file-value"
    assert env["BOTH"] == "environment-wins"
    import os

    assert "FROM_FILE" not in os.environ  # read, never exported


def test_references_lists_variable_names() -> None:
    assert references({"a": "${X}", "b": ["${Y} ${X}"], "c": 1}) == ["X", "Y", "X"]


def test_short_values_are_not_scrubbed() -> None:
    secrets = SecretValues()
    secrets.add("1")
    assert secrets.scrub("row 1") == "row 1"
