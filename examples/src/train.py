"""Stage `train`: gradient-boosted trees on January–June flights, minus a seeded hold-out."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import polars as pl
import yaml
from features import CATEGORICAL, FEATURES, NUMERIC, TARGET, holdout_mask, to_model_input
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder


def make_model(params: dict) -> Pipeline:
    # Unknown or missing categories become -1, which the trees treat as missing.
    encode = ColumnTransformer(
        [
            (
                "categories",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1
                ),
                CATEGORICAL,
            )
        ],
        remainder="passthrough",
        verbose_feature_names_out=False,
    )
    trees = HistGradientBoostingClassifier(
        max_iter=params["max_iter"],
        learning_rate=params["learning_rate"],
        max_leaf_nodes=params["max_leaf_nodes"],
        categorical_features=[name in CATEGORICAL for name in CATEGORICAL + NUMERIC],
        random_state=params["seed"],
    )
    return Pipeline([("encode", encode), ("trees", trees)])


def main() -> None:
    params = yaml.safe_load(Path("params.yaml").read_text())["train"]
    reference = pl.read_parquet("data/processed/reference.parquet")
    train = reference.filter(~holdout_mask(reference, params["holdout_fraction"], params["seed"]))
    model = make_model(params).fit(to_model_input(train), train[TARGET].to_numpy())
    train_auc = roc_auc_score(train[TARGET], model.predict_proba(to_model_input(train))[:, 1])
    Path("models").mkdir(exist_ok=True)
    joblib.dump({"model": model, "features": FEATURES, "target": TARGET}, "models/model.joblib")
    Path("metrics").mkdir(exist_ok=True)
    metrics = {"train_rows": train.height, "train_roc_auc": round(float(train_auc), 4)}
    Path("metrics/train.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(metrics)


if __name__ == "__main__":
    main()
