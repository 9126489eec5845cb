"""Sentiment model evaluation: compare approaches, find where and why each fails.

Public API::

    from mlops_notebooks import sentiment
    texts = sentiment.load_texts("movie-reviews")
    predictions = sentiment.predict_examples(texts, label_names=["negative", "positive"])
    data = sentiment.join_predictions(texts, predictions, models=..., probabilities=...)
    sentiment.evaluate_models(data)        # metrics with bootstrap intervals, calibration
    sentiment.compare_models(data)         # McNemar + paired bootstrap per pair
    sentiment.error_slices(data)           # words and phrases where errors concentrate
    sentiment.find_label_issues(data)      # likely mislabeled texts (cleanlab)
    sentiment.compare_texts(ref, current)  # text drift

Heavy libraries (scikit-learn, statsmodels, cleanlab, VADER, matplotlib) load on first use.
"""

from __future__ import annotations

from mlops_notebooks.sentiment.compare import (
    PAIRED_METRICS,
    agreement,
    compare_models,
    evaluate_models,
    mcnemar_test,
    paired_bootstrap,
    register_paired_metric,
    wins_and_losses,
)
from mlops_notebooks.sentiment.datasets import (
    EXAMPLE_TEXTS,
    MOVIE_REVIEW_LABELS,
    load_movie_reviews,
    load_texts,
    register_example,
)
from mlops_notebooks.sentiment.inputs import TextPredictions, join_predictions
from mlops_notebooks.sentiment.label_issues import (
    cross_validated_probabilities,
    find_label_issues,
)
from mlops_notebooks.sentiment.models import (
    APPROACHES,
    Approach,
    Fold,
    approach_columns,
    load_predictions,
    predict_examples,
    register_approach,
    tfidf_logistic_regression,
    vader_lexicon,
)
from mlops_notebooks.sentiment.results import (
    Agreement,
    ErrorBreakdown,
    LabelIssues,
    ModelComparison,
    ModelEvaluations,
    SampleTable,
    TextDrift,
    TokenSlices,
    WinsLosses,
)
from mlops_notebooks.sentiment.text_drift import compare_texts
from mlops_notebooks.sentiment.text_errors import (
    TERM_CATEGORIES,
    error_slices,
    errors_by,
    most_confident_errors,
    register_term_category,
    sample_table,
)

__all__ = [
    "APPROACHES",
    "EXAMPLE_TEXTS",
    "MOVIE_REVIEW_LABELS",
    "PAIRED_METRICS",
    "TERM_CATEGORIES",
    "Agreement",
    "Approach",
    "ErrorBreakdown",
    "Fold",
    "LabelIssues",
    "ModelComparison",
    "ModelEvaluations",
    "SampleTable",
    "TextDrift",
    "TextPredictions",
    "TokenSlices",
    "WinsLosses",
    "agreement",
    "approach_columns",
    "compare_models",
    "compare_texts",
    "cross_validated_probabilities",
    "error_slices",
    "errors_by",
    "evaluate_models",
    "find_label_issues",
    "join_predictions",
    "load_movie_reviews",
    "load_predictions",
    "load_texts",
    "mcnemar_test",
    "most_confident_errors",
    "paired_bootstrap",
    "predict_examples",
    "register_approach",
    "register_example",
    "register_paired_metric",
    "register_term_category",
    "sample_table",
    "tfidf_logistic_regression",
    "vader_lexicon",
    "wins_and_losses",
]
