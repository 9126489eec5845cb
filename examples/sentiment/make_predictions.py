"""Write the sentiment example to Parquet: the labelled reviews and the approaches' predictions.

The notebook ``sentiment_model_evaluation_details`` trains the example approaches itself when
``predictions_ref`` is empty; this script produces the same predictions once, as files, so the
notebook can be fed the way a real project feeds it (texts and predictions as data refs).

Usage, from the repository root::

    python examples/sentiment/make_predictions.py
    mlops-nb run sentiment_model_evaluation_details -p texts_ref movie_reviews \\
        -p predictions_ref sentiment_predictions

Writes ``examples/data/sentiment/reviews.parquet`` (id, text, label, source) and
``predictions.parquet`` (id and, per approach, ``<name>_label`` and ``<name>_prob_<label>``),
each atomically.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import polars as pl

from mlops_notebooks import sentiment

OUT = Path("examples/data/sentiment")


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Write through a temporary file in the same folder, then rename: never a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    frame.write_parquet(partial)
    os.replace(partial, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    reviews = sentiment.load_movie_reviews()
    predictions = sentiment.predict_examples(
        reviews, label_names=sentiment.MOVIE_REVIEW_LABELS, seed=args.seed
    )
    write_parquet(reviews, args.out / "reviews.parquet")
    write_parquet(predictions, args.out / "predictions.parquet")
    print(f"wrote {reviews.height:,} reviews and their predictions to {args.out}")


if __name__ == "__main__":
    main()
