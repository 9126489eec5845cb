"""The trajectory table: one row per environment step, in long format (see ``docs/rl.md``).

Required columns: ``episode``, ``step``, ``action``, ``reward``. Optional, with fixed meaning:
``agent``, ``seed``, ``task``, ``time``, ``price``, ``position``, ``terminated``, ``truncated``,
``obs_*`` (observation features), ``reward_*`` (reward components), ``info_*`` (other ``info``
values). :class:`Trajectory` validates a frame against this schema once; every analysis takes a
``Trajectory`` (or anything :func:`as_trajectory` accepts: a frame or a data ref).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._protocol import Result
from mlops_notebooks.errors import InvalidInputError

__all__ = [
    "EPISODE_KEYS",
    "REQUIRED",
    "EmptyTrajectoryError",
    "MissingColumnError",
    "Trajectory",
    "TrajectoryError",
    "as_trajectory",
    "load_trajectories",
]

REQUIRED = ("episode", "step", "action", "reward")
#: Columns that identify one episode of one agent.
EPISODE_KEYS = ("agent", "task", "seed", "episode")
#: Internal column numbering episodes in table order (window functions over one integer key
#: are much faster than over the four key columns).
EPISODE_ID = "_episode_id"
OPTIONAL_DEFAULTS: dict[str, Any] = {"agent": "agent", "task": "default", "seed": 0}
NUMERIC = ("step", "reward", "price", "position")


class TrajectoryError(InvalidInputError):
    """A trajectory table does not follow the schema."""


class MissingColumnError(TrajectoryError):
    """A column an analysis needs is absent; ``column`` names it.

    Attributes
    ----------
    column : str
        The missing column.
    """

    def __init__(self, column: str, *, needed_for: str, available: Sequence[str] = ()) -> None:
        shown = ", ".join(list(available)[:12])
        super().__init__(
            f"the trajectory has no {column!r} column, which {needed_for} needs "
            f"(columns: {shown}); record it or rename your column to {column!r}"
        )
        self.column = column


class EmptyTrajectoryError(TrajectoryError):
    """A trajectory, or one of its episodes, has no steps."""


@dataclass(frozen=True, eq=False)
class Trajectory(Result):
    """A validated trajectory table (polars), one row per step, sorted by episode and step.

    Attributes
    ----------
    frame : polars.DataFrame
        The table; ``agent``, ``task`` and ``seed`` are always present (filled with defaults).

    Examples
    --------
    >>> trajectory = Trajectory.from_frame(
    ...     {"episode": [0, 0], "step": [0, 1], "action": [1, 0], "reward": [0.0, 1.0]})
    >>> trajectory.n_steps
    2
    """

    frame: pl.DataFrame
    report_title = "Trajectory"

    @classmethod
    def from_frame(
        cls, data: FrameLike | Mapping[str, Any], *, rename: Mapping[str, str] | None = None
    ) -> Trajectory:
        """Validate ``data`` (pandas, polars, a dict of columns or a data ref) as a trajectory.

        Parameters
        ----------
        data : frame, mapping or data ref
            The steps. Extra columns are kept.
        rename : mapping, optional
            Old → schema names, for tables written by other tools (``{"ep": "episode"}``).

        Raises
        ------
        MissingColumnError
            A required column is absent; the message names it.
        EmptyTrajectoryError
            The table has no rows.
        """
        frame = pl.DataFrame(dict(data)) if isinstance(data, Mapping) else to_polars(data)
        return cls._checked(frame, rename=rename, ordered=False)

    @classmethod
    def _checked(
        cls, frame: pl.DataFrame, *, rename: Mapping[str, str] | None = None, ordered: bool
    ) -> Trajectory:
        """Validate ``frame``; ``ordered`` says its rows already follow episode keys and step."""
        if rename:
            frame = frame.rename(dict(rename))
        schema = frame.schema  # built once: each call makes a new mapping
        for column in REQUIRED:
            if column not in schema:
                raise MissingColumnError(
                    column, needed_for="every analysis", available=frame.columns
                )
        if frame.height == 0:
            raise EmptyTrajectoryError("the trajectory has no steps: record at least one episode")
        missing = [pl.lit(v).alias(c) for c, v in OPTIONAL_DEFAULTS.items() if c not in schema]
        if missing:
            frame = frame.with_columns(missing)
            schema = frame.schema
        if schema["agent"] != pl.String or schema["task"] != pl.String:
            frame = frame.with_columns(
                pl.col("agent").cast(pl.String), pl.col("task").cast(pl.String)
            )
        for column in NUMERIC:
            if column in schema and not schema[column].is_numeric():
                raise TrajectoryError(f"column {column!r} must be numeric, not {schema[column]}")
        if ordered:
            return cls(frame)
        return cls(frame.sort([*EPISODE_KEYS, "step"], maintain_order=True))

    # -- facts -----------------------------------------------------------------------------------
    @property
    def n_steps(self) -> int:
        """Number of recorded steps."""
        return self.frame.height

    @property
    def agents(self) -> list[str]:
        """Agent names in first-seen order."""
        return self.frame.get_column("agent").unique(maintain_order=True).to_list()

    @property
    def observation_features(self) -> list[str]:
        """The ``obs_*`` columns."""
        return [c for c in self.frame.columns if c.startswith("obs_")]

    @property
    def reward_components(self) -> list[str]:
        """The ``reward_*`` columns."""
        return [c for c in self.frame.columns if c.startswith("reward_")]

    def require(self, *columns: str, needed_for: str) -> None:
        """Raise :class:`MissingColumnError` for the first of ``columns`` that is absent."""
        for column in columns:
            if column not in self.frame.columns:
                raise MissingColumnError(
                    column, needed_for=needed_for, available=self.frame.columns
                )

    def select_agents(self, *agents: str) -> Trajectory:
        """The steps of ``agents`` only; an unknown name raises ``UnknownNameError``."""
        from mlops_notebooks.errors import UnknownNameError

        for agent in agents:
            if agent not in self.agents:
                raise UnknownNameError(agent, tuple(self.agents), what="agent")
        return Trajectory(self.frame.filter(pl.col("agent").is_in(list(agents))))

    def episodes(self) -> pl.DataFrame:
        """One row per episode: keys, steps, total reward, terminated/truncated at the end."""
        aggregations = [pl.len().alias("steps"), pl.col("reward").sum().alias("total_reward")]
        return (
            self.frame.group_by(list(EPISODE_KEYS), maintain_order=True)
            .agg(aggregations)
            .sort(list(EPISODE_KEYS))
        )

    # -- protocol --------------------------------------------------------------------------------
    def to_polars(self) -> pl.DataFrame:
        return self.frame

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_steps": self.n_steps,
            "agents": self.agents,
            "columns": self.frame.columns,
            "episodes": self.episodes().to_dicts(),
        }

    def _html_body(self) -> str:
        from mlops_notebooks._render import frame_to_html, paragraph

        summary = paragraph(
            f"{self.n_steps:,} steps, {self.episodes().height:,} episodes, agents: "
            f"{', '.join(self.agents)}; columns: {', '.join(self.frame.columns)}"
        )
        return summary + frame_to_html(self.episodes())


def with_episode_id(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (sorted by episode keys and step) with the :data:`EPISODE_ID` column."""
    if EPISODE_ID in frame.columns:
        return frame
    starts = pl.any_horizontal([pl.col(k).ne_missing(pl.col(k).shift(1)) for k in EPISODE_KEYS])
    return frame.with_columns(starts.cum_sum().cast(pl.UInt32).alias(EPISODE_ID))


def as_trajectory(data: Trajectory | FrameLike | Mapping[str, Any]) -> Trajectory:
    """``data`` if it is a :class:`Trajectory`, else :meth:`Trajectory.from_frame` of it."""
    return data if isinstance(data, Trajectory) else Trajectory.from_frame(data)


def load_trajectories(
    ref: str | Sequence[str], *, rename: Mapping[str, str] | None = None, **load_options: Any
) -> Trajectory:
    """Load one or more trajectory tables through :func:`mlops_notebooks.data.load`.

    Parameters
    ----------
    ref : str or sequence of str
        Data refs: catalog names, Parquet/CSV paths or globs, URLs, ``dvc://`` refs.
    rename : mapping, optional
        Column renames for tables written by other tools.
    **load_options
        Passed to ``load`` (``columns``, ``limit``, ``rev``, …).

    Examples
    --------
    >>> trajectory = load_trajectories("rl_trajectories_googl")
    >>> trajectory.agents
    ['buy_and_hold', 'momentum', 'q_learning', 'random']
    """
    from mlops_notebooks.data import load

    refs = [ref] if isinstance(ref, str) else list(ref)
    if not refs:
        raise TrajectoryError("no trajectory refs given: pass a catalog name or a file path")
    frames = [load(r, backend="polars", **load_options) for r in refs]
    frame = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    return Trajectory.from_frame(frame, rename=rename)
