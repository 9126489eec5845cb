"""Join labelled texts with model predictions by id and validate them once, in one place.

Labels may be any label set (binary, negative/neutral/positive, …). Gold and predicted labels
are given either as label names or as integer codes into ``label_names``; every model's
probabilities are one column per label (in ``label_names`` order), or, for a binary label set,
one column holding the probability of the second label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import polars as pl

from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks._render import frame_to_html, paragraph
from mlops_notebooks.errors import InvalidInputError, UnknownNameError

from ._text import word_count_expression

__all__ = ["PROBABILITY_TOLERANCE", "TextPredictions", "join_predictions"]

PROBABILITY_TOLERANCE = 1e-3

MISSING_COLUMN = "{role} column {name!r} is not in the {frame} data; available: {available}"
MISSING_VALUES = "{role} column {name!r} has {count} missing values; drop or fill them first"
DUPLICATE_IDS = "{frame} ids in {name!r} are not unique ({count} duplicates, e.g. {examples})"
IDS_DO_NOT_MATCH = (
    "ids do not match: {n_missing} texts have no prediction (e.g. {missing}) and "
    "{n_extra} predictions have no text (e.g. {extra}); join the same examples by id"
)
LABELS_OUTSIDE_SET = (
    "{role} {name!r} holds labels outside the label set {label_names}: {values}; "
    "use label names or integer codes 0..{last}"
)
TOO_FEW_LABELS = "label_names needs at least two labels, got {label_names}"
DUPLICATE_LABELS = "label_names must be unique, got {label_names}"
NO_MODELS = "pass at least one model: models={{'name': 'predicted label column'}}"
PROBABILITY_COLUMNS = (
    "model {model!r} needs one probability column per label {label_names} "
    "(or one column for the second label of a binary set), got {columns}"
)
PROBABILITIES_OUT_OF_RANGE = (
    "probabilities of model {model!r} must lie in [0, 1]; {count} values fall outside"
)
PROBABILITIES_NOT_SUMMING = (
    "probabilities of model {model!r} must sum to one per row; {count} rows deviate by more "
    "than {tolerance} (largest deviation {worst:.3g})"
)
EMPTY = "no texts to evaluate"
UNKNOWN_SOURCE = "unknown source {source!r}; the texts' sources are {known}"


@dataclass(frozen=True, eq=False)
class TextPredictions(Result):
    """Labelled texts and every model's predictions, validated and aligned row by row.

    Attributes
    ----------
    table : polars.DataFrame
        ``id, text, label, source, n_words``; ``label`` holds label names, ``source`` may be
        null when the data has no source column.
    label_names : tuple of str
        The label set, in code order.
    y_true : numpy.ndarray of int, shape (n_texts,)
        Gold label codes.
    predicted : dict of str to numpy.ndarray of int
        Predicted label codes per model.
    probabilities : dict of str to numpy.ndarray or None
        ``(n_texts, n_labels)`` class probabilities per model, when given.
    """

    table: pl.DataFrame
    label_names: tuple[str, ...]
    y_true: np.ndarray
    predicted: dict[str, np.ndarray]
    probabilities: dict[str, np.ndarray | None]

    plot_kinds: ClassVar[tuple[str, ...]] = ("labels",)
    report_title: ClassVar[str] = "Labelled texts and predictions"

    @property
    def models(self) -> tuple[str, ...]:
        """Model names, in the order they were given."""
        return tuple(self.predicted)

    @property
    def n_texts(self) -> int:
        """How many labelled texts there are."""
        return self.table.height

    def check_model(self, model: str) -> None:
        """Raise :class:`UnknownNameError` (listing the models) unless ``model`` is known."""
        if model not in self.predicted:
            raise UnknownNameError(model, self.models, what="model")

    def correct(self, model: str) -> np.ndarray:
        """Boolean array: did ``model`` predict the gold label?"""
        self.check_model(model)
        return self.predicted[model] == self.y_true

    def confidence(self, model: str) -> np.ndarray:
        """Probability ``model`` gave its predicted label (NaN without probabilities)."""
        self.check_model(model)
        probabilities = self.probabilities[model]
        if probabilities is None:
            return np.full(self.n_texts, np.nan)
        return probabilities[np.arange(self.n_texts), self.predicted[model]]

    def gold_probability(self, model: str) -> np.ndarray:
        """Probability ``model`` gave the gold label (NaN without probabilities)."""
        self.check_model(model)
        probabilities = self.probabilities[model]
        if probabilities is None:
            return np.full(self.n_texts, np.nan)
        return probabilities[np.arange(self.n_texts), self.y_true]

    def texts(self, source: str | None = None) -> pl.Series:
        """The texts, or only those whose ``source`` equals ``source``."""
        if source is None:
            return self.table["text"]
        known = self.table["source"].drop_nulls().unique().sort().to_list()
        if source not in known:
            raise UnknownNameError(
                source,
                tuple(map(str, known)),
                message=UNKNOWN_SOURCE.format(source=source, known=known),
            )
        return self.table.filter(pl.col("source") == source)["text"]

    def label_series(self, model: str) -> pl.Series:
        """Predicted label names of ``model``."""
        self.check_model(model)
        names = np.asarray(self.label_names, dtype=object)
        return pl.Series(model, names[self.predicted[model]], dtype=pl.String)

    def subset(self, mask: np.ndarray) -> TextPredictions:
        """The rows where boolean ``mask`` is true."""
        return TextPredictions(
            table=self.table.filter(pl.Series(mask)),
            label_names=self.label_names,
            y_true=self.y_true[mask],
            predicted={m: p[mask] for m, p in self.predicted.items()},
            probabilities={
                m: None if p is None else p[mask] for m, p in self.probabilities.items()
            },
        )

    def to_polars(self) -> pl.DataFrame:
        """One row per text: the table plus each model's label and confidence."""
        columns: list[pl.Series] = []
        for model in self.models:
            columns.append(self.label_series(model).alias(f"{model} label"))
            columns.append(pl.Series(f"{model} confidence", self.confidence(model)))
        return self.table.with_columns(columns)

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Texts per label: the gold labels next to each model's predicted labels."""
        from mlops_notebooks._render import figure_of, new_axes

        check_kind(kind, self.plot_kinds, what="predictions plot kind")
        axis = new_axes(ax, (7, 4))
        series = {"gold": self.y_true, **self.predicted}
        width = 0.8 / len(series)
        positions = np.arange(len(self.label_names))
        for index, (name, codes) in enumerate(series.items()):
            counts = np.bincount(codes, minlength=len(self.label_names))
            offset = (index - (len(series) - 1) / 2) * width
            axis.bar(positions + offset, counts, width, label=name)
        axis.set_xticks(positions, list(self.label_names))
        axis.set_ylabel("texts")
        axis.set_title("Gold and predicted labels")
        axis.legend(fontsize="small")
        return figure_of(axis)

    def to_dict(self) -> dict[str, Any]:
        """Counts, labels and models as plain values."""
        return {
            "n_texts": self.n_texts,
            "label_names": list(self.label_names),
            "models": list(self.models),
            "label_counts": dict(
                zip(
                    self.label_names,
                    np.bincount(self.y_true, minlength=len(self.label_names)).tolist(),
                    strict=True,
                )
            ),
        }

    def _html_body(self) -> str:
        summary = (
            f"{self.n_texts:,} labelled texts; labels {list(self.label_names)}; "
            f"models {list(self.models)}"
        )
        return paragraph(summary) + frame_to_html(self.to_polars(), max_rows=5)


def join_predictions(
    texts: FrameLike,
    predictions: FrameLike | None = None,
    *,
    models: Mapping[str, str],
    probabilities: Mapping[str, str | Sequence[str]] | None = None,
    label_names: Sequence[Any] | None = None,
    id_column: str = "id",
    text_column: str = "text",
    label_column: str = "label",
    source_column: str | None = None,
    probability_tolerance: float = PROBABILITY_TOLERANCE,
    allow_extra_predictions: bool = False,
) -> TextPredictions:
    """Join labelled texts with model predictions by id and validate everything.

    Parameters
    ----------
    texts : pandas/polars DataFrame or data ref
        One row per example: ``id_column``, ``text_column``, ``label_column`` and optionally
        ``source_column`` (domain, data set, channel, …).
    predictions : pandas/polars DataFrame or data ref, optional
        One row per example with ``id_column`` and the model columns; ``None`` when the model
        columns are in ``texts``.
    models : mapping of str to str
        Model name -> column of its predicted labels (names or integer codes).
    probabilities : mapping of str to str or sequence of str, optional
        Model name -> its probability columns, one per label in ``label_names`` order; for a
        binary label set one column may hold the probability of the second label.
    label_names : sequence, optional
        The label set in code order, e.g. ``["negative", "positive"]``. Default: the sorted
        distinct gold labels.
    id_column, text_column, label_column : str
    source_column : str, optional
    probability_tolerance : float, default 1e-3
        How far a row's probabilities may sum from one.
    allow_extra_predictions : bool, default False
        Ignore predictions whose id has no text (for example when the texts are a sample).
        A text without a prediction is always an error.

    Returns
    -------
    TextPredictions

    Raises
    ------
    InvalidInputError
        Missing columns or values, duplicate ids, ids that do not match between texts and
        predictions, labels outside the label set, probabilities outside [0, 1] or not summing
        to one.

    Examples
    --------
    >>> import polars as pl
    >>> texts = pl.DataFrame({"id": [1, 2, 3], "text": ["a great film", "a dull plot", "not bad"],
    ...                       "label": ["positive", "negative", "positive"]})
    >>> predictions = pl.DataFrame({"id": [3, 1, 2],
    ...                             "lexicon_label": ["negative", "positive", "negative"]})
    >>> data = join_predictions(texts, predictions, models={"lexicon": "lexicon_label"},
    ...                         label_names=["negative", "positive"])
    >>> data.correct("lexicon").tolist()
    [True, True, False]
    """
    if not models:
        raise InvalidInputError(NO_MODELS)
    frame = _joined(texts, predictions, id_column, allow_extra_predictions)
    gold = frame[_require(frame, label_column, "label", "texts")]
    names = _label_names(gold, label_names)
    y_true = _encode(gold, names, "gold labels")
    columns: dict[str, pl.Series] = {
        "id": frame[id_column].alias("id"),
        "text": _no_nulls(frame, _require(frame, text_column, "text", "texts"), "text"),
        "label": pl.Series("label", np.asarray(names, dtype=object)[y_true], dtype=pl.String),
    }
    source = (
        None if source_column is None else frame[_require(frame, source_column, "source", "texts")]
    )
    columns["source"] = (
        pl.Series("source", [None] * frame.height, dtype=pl.String)
        if source is None
        else source.cast(pl.String).alias("source")
    )
    table = pl.DataFrame(columns).with_columns(n_words=word_count_expression("text"))
    predicted, probs = {}, {}
    for model, column in models.items():
        series = frame[_require(frame, column, f"model {model!r} label", "predictions")]
        predicted[model] = _encode(series, names, f"predicted labels of {model!r}")
        spec = None if probabilities is None else probabilities.get(model)
        probs[model] = _probabilities(frame, model, spec, names, probability_tolerance)
    return TextPredictions(
        table=table,
        label_names=names,
        y_true=y_true,
        predicted=predicted,
        probabilities=probs,
    )


def _joined(
    texts: FrameLike, predictions: FrameLike | None, id_column: str, allow_extra: bool
) -> pl.DataFrame:
    text_frame = to_polars(texts, name="texts")
    _require(text_frame, id_column, "id", "texts")
    _check_unique(text_frame, id_column, "texts")
    if text_frame.height == 0:
        raise InvalidInputError(EMPTY)
    if predictions is None:
        return text_frame
    prediction_frame = to_polars(predictions, name="predictions")
    _require(prediction_frame, id_column, "id", "predictions")
    _check_unique(prediction_frame, id_column, "predictions")
    key = "__join_id__"
    left = text_frame.with_columns(pl.col(id_column).cast(pl.String).alias(key))
    right = (
        prediction_frame.drop(
            [c for c in prediction_frame.columns if c in text_frame.columns and c != id_column]
        )
        .with_columns(pl.col(id_column).cast(pl.String).alias(key))
        .drop(id_column)
    )
    missing = left.join(right, on=key, how="anti")[key]
    extra = right.join(left, on=key, how="anti")[key]
    if allow_extra:
        extra = extra.head(0)
    if missing.len() or extra.len():
        raise InvalidInputError(
            IDS_DO_NOT_MATCH.format(
                n_missing=missing.len(),
                missing=missing.head(3).to_list(),
                n_extra=extra.len(),
                extra=extra.head(3).to_list(),
            )
        )
    return left.join(right, on=key, how="left", maintain_order="left").drop(key)


def _require(frame: pl.DataFrame, name: str, role: str, where: str) -> str:
    if name not in frame.columns:
        raise InvalidInputError(
            MISSING_COLUMN.format(role=role, name=name, frame=where, available=frame.columns[:20])
        )
    return name


def _check_unique(frame: pl.DataFrame, column: str, where: str) -> None:
    duplicated = frame.filter(pl.col(column).is_duplicated())[column].unique(maintain_order=True)
    if duplicated.len():
        raise InvalidInputError(
            DUPLICATE_IDS.format(
                frame=where,
                name=column,
                count=duplicated.len(),
                examples=duplicated.head(3).to_list(),
            )
        )


def _no_nulls(frame: pl.DataFrame, column: str, role: str) -> pl.Series:
    series = frame[column]
    if series.null_count():
        raise InvalidInputError(
            MISSING_VALUES.format(role=role, name=column, count=series.null_count())
        )
    return series.cast(pl.String).alias(role)


def _label_names(gold: pl.Series, label_names: Sequence[Any] | None) -> tuple[str, ...]:
    if label_names is None:
        names = tuple(str(v) for v in gold.drop_nulls().unique().sort().to_list())
    else:
        names = tuple(str(v) for v in label_names)
    if len(names) < 2:
        raise InvalidInputError(TOO_FEW_LABELS.format(label_names=list(names)))
    if len(set(names)) != len(names):
        raise InvalidInputError(DUPLICATE_LABELS.format(label_names=list(names)))
    return names


def _encode(series: pl.Series, names: tuple[str, ...], role: str) -> np.ndarray:
    """Codes of ``series``: a value equal to a label name, else an integer code 0..K-1."""
    if series.null_count():
        raise InvalidInputError(
            MISSING_VALUES.format(role=role, name=series.name, count=series.null_count())
        )
    mapping = {name: code for code, name in enumerate(names)}
    codes = series.cast(pl.String).replace_strict(mapping, default=None, return_dtype=pl.Int64)
    if series.dtype.is_integer():
        raw = pl.col("raw")
        codes = (
            pl.DataFrame({"codes": codes, "raw": series.cast(pl.Int64)})
            .select(pl.coalesce("codes", pl.when(raw.is_between(0, len(names) - 1)).then(raw)))
            .to_series()
        )
    bad = series.filter(codes.is_null())
    if bad.len():
        raise InvalidInputError(
            LABELS_OUTSIDE_SET.format(
                role=role,
                name=series.name,
                label_names=list(names),
                values=bad.unique().sort().head(5).to_list(),
                last=len(names) - 1,
            )
        )
    return codes.to_numpy().astype(np.int64)


def _probabilities(
    frame: pl.DataFrame,
    model: str,
    spec: str | Sequence[str] | None,
    names: tuple[str, ...],
    tolerance: float,
) -> np.ndarray | None:
    if spec is None:
        return None
    columns = [spec] if isinstance(spec, str) else list(spec)
    if len(columns) != len(names) and not (len(names) == 2 and len(columns) == 1):
        raise InvalidInputError(
            PROBABILITY_COLUMNS.format(model=model, label_names=list(names), columns=columns)
        )
    for column in columns:
        _require(frame, column, f"model {model!r} probability", "predictions")
        if frame[column].null_count():
            raise InvalidInputError(
                MISSING_VALUES.format(
                    role="probability", name=column, count=frame[column].null_count()
                )
            )
    matrix = frame.select(pl.col(columns).cast(pl.Float64)).to_numpy()
    if len(columns) == 1:
        matrix = np.column_stack([1.0 - matrix[:, 0], matrix[:, 0]])
    outside = int(((matrix < 0) | (matrix > 1) | np.isnan(matrix)).sum())
    if outside:
        raise InvalidInputError(PROBABILITIES_OUT_OF_RANGE.format(model=model, count=outside))
    deviation = np.abs(matrix.sum(axis=1) - 1.0)
    if (deviation > tolerance).any():
        raise InvalidInputError(
            PROBABILITIES_NOT_SUMMING.format(
                model=model,
                count=int((deviation > tolerance).sum()),
                tolerance=tolerance,
                worst=float(deviation.max()),
            )
        )
    return matrix
