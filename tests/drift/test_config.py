"""DriftConfig: YAML settings for compare()."""

from __future__ import annotations

import pytest

from mlops_notebooks.drift import DriftConfig, check_drift, compare, load_config
from mlops_notebooks.drift.config import CONFIG_KEYS, NOT_A_MAPPING, UNKNOWN_KEYS
from mlops_notebooks.errors import InvalidInputError


def test_load_config_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "drift.yaml"
    path.write_text(
        "drift_share: 0.3\ncorrection: bh\nignore: [flight]\nmethods: {distance: psi}\n"
        "kind_methods: {categorical: chisquare}\nthresholds: {psi: 0.2}\n"
    )
    config = load_config(path)
    assert config == DriftConfig(
        drift_share=0.3,
        correction="bh",
        ignore=("flight",),
        methods={"distance": "psi"},
        kind_methods={"categorical": "chisquare"},
        thresholds={"psi": 0.2},
    )
    assert config.to_kwargs()["drift_share"] == 0.3


def test_unknown_keys_and_non_mapping(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text("drift_shar: 0.3\n")
    with pytest.raises(InvalidInputError) as err:
        load_config(path)
    assert str(err.value) == UNKNOWN_KEYS.format(names=["drift_shar"], valid=list(CONFIG_KEYS))
    path.write_text("- a\n- b\n")
    with pytest.raises(InvalidInputError) as err:
        load_config(path)
    assert str(err.value) == NOT_A_MAPPING.format(path=path)
    with pytest.raises(InvalidInputError, match="cannot read drift config"):
        load_config(tmp_path / "missing.yaml")


def test_check_drift_leaves_out_inferred_columns_unless_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import polars as pl

    from tests.eda.conftest import nyc_flights

    flights = nyc_flights().select("id", "time_hour", "month", "day", "carrier", "distance")
    reference = flights.filter(pl.col("month") == 1)
    current = flights.filter(pl.col("month") == 2)
    report = check_drift(reference, current)
    assert list(report.excluded_columns) == ["id", "time_hour", "month", "day"]
    assert [c.column for c in report.columns] == ["carrier", "distance"]
    assert check_drift(reference, current, all_columns=True).excluded_columns == {}
    assert "month" in [c.column for c in check_drift(reference, current, all_columns=True).columns]
    # A column given its own method is the user's choice: it is compared.
    kept = compare(reference, current, exclude_inferred=True, methods={"month": "psi"})
    assert "month" not in kept.excluded_columns and kept["month"].method == "psi"
    # The library's compare keeps its old default: every column.
    assert compare(reference, current).excluded_columns == {}
    assert DriftConfig.from_dict({"exclude_inferred": False}).exclude_inferred is False
    assert DriftConfig().exclude_inferred is True
