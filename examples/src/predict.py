"""Stage `predict`: model outputs for the January–June hold-out and for July–December.

Each output row keeps the features and the true label next to the predicted probability and
label, so notebooks can analyse errors, bias and problem segments directly.
"""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import polars as pl
import yaml
from features import TARGET, holdout_mask, to_model_input
from sklearn.metrics import accuracy_score, roc_auc_score

OUT = Path("data/model_outputs")


def predict(bundle: dict, frame: pl.DataFrame, split: str) -> pl.DataFrame:
    probability = bundle["model"].predict_proba(to_model_input(frame))[:, 1]
    return frame.with_columns(
        pl.Series("predicted_probability", probability),
        pl.Series("predicted_delayed", probability >= 0.5),
        pl.lit(split).alias("split"),
    )


def main() -> None:
    params = yaml.safe_load(Path("params.yaml").read_text())["train"]
    bundle = joblib.load("models/model.joblib")
    reference = pl.read_parquet("data/processed/reference.parquet")
    holdout = reference.filter(holdout_mask(reference, params["holdout_fraction"], params["seed"]))
    outputs = {
        "holdout": predict(bundle, holdout, "holdout"),
        "current": predict(bundle, pl.read_parquet("data/processed/current.parquet"), "current"),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    metrics = {}
    for split, frame in outputs.items():
        frame.write_parquet(OUT / f"predictions_{split}.parquet")
        metrics[split] = {
            "rows": frame.height,
            "roc_auc": round(
                float(roc_auc_score(frame[TARGET], frame["predicted_probability"])), 4
            ),
            "accuracy": round(float(accuracy_score(frame[TARGET], frame["predicted_delayed"])), 4),
        }
    Path("metrics").mkdir(exist_ok=True)
    Path("metrics/predict.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(metrics)


if __name__ == "__main__":
    main()
