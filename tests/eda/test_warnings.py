"""Warning rules: each fires on its planted case with the threshold it used; registry works."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlops_notebooks.eda import WARNING_RULES, WarningThresholds, profile, register_warning
from mlops_notebooks.eda.warnings import DUPLICATE_RULE, ProfileWarning
from mlops_notebooks.errors import InvalidInputError


def _codes(
    frame: pd.DataFrame, **thresholds: float
) -> dict[tuple[str, str | None], ProfileWarning]:
    result = profile(frame, correlations=False, thresholds=WarningThresholds(**thresholds))  # type: ignore[arg-type]
    return {(w.code, w.column): w for w in result.warnings}


def test_each_rule_fires_on_its_planted_column(rng: np.random.Generator) -> None:
    n = 200
    frame = pd.DataFrame(
        {
            "gappy": np.where(rng.random(n) < 0.5, np.nan, 1.0) + rng.normal(size=n),
            "almost": ["a"] * 197 + ["b"] * 3,
            "many": [f"v{i % 80}" for i in range(n)],
            "skewed": rng.lognormal(0, 1.2, n),
            "fine": rng.normal(size=n),
        }
    )
    found = _codes(frame)
    assert found[("high_missing", "gappy")].threshold == 0.2
    assert found[("near_constant", "almost")].value == pytest.approx(0.985)
    assert found[("high_cardinality", "many")].value == 80
    assert found[("skewed", "skewed")].threshold == 2.0
    assert not [key for key in found if key[1] == "fine"]


def test_thresholds_are_configurable() -> None:
    frame = pd.DataFrame({"x": [1.0, None, 3.0, 4.0, 5.0]})  # 20 % missing
    assert ("high_missing", "x") not in _codes(frame)
    assert ("high_missing", "x") in _codes(frame, missing_share=0.1)


def test_custom_rule_registers_and_duplicate_code_is_rejected() -> None:
    @register_warning("negative_price_test")
    def _negative(column, thresholds):  # type: ignore[no-untyped-def]
        if column.name == "price" and column.numeric and column.numeric.negatives:
            return ProfileWarning("negative_price_test", "price", "below zero", 1, 0)
        return None

    try:
        assert ("negative_price_test", "price") in _codes(pd.DataFrame({"price": [1.0, -2.0]}))
        with pytest.raises(InvalidInputError) as error:
            register_warning("negative_price_test")(_negative)
        assert str(error.value) == DUPLICATE_RULE.format(code="negative_price_test")
    finally:
        WARNING_RULES.pop("negative_price_test")
