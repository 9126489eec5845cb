"""Record every step of any gymnasium environment into a trajectory table (Parquet).

:class:`TrajectoryRecorder` is a ``gymnasium.Wrapper``. Per step it appends the action and the
reward to lists, and the observation's bytes (or its latest row's) and ``info``'s scalar values
unless the environment keeps them itself (gym-anytrading); it keeps no Python container per step.
Where it can, a compiled store (``rl/_steprec.c``) takes the step instead: it steps the
environment and writes the action, the reward, ``info``'s numbers and the observation's bytes
into C arrays, with no Python frame per step (for gym-anytrading, ``info`` is read from the
environment's history at each flush and observations are rebuilt). The table is built once, by
``trajectory()``, so recording stays cheap next to the environment's own step.
:func:`record_episodes` runs a policy — anything with ``predict(observation)`` (a
stable-baselines3 model works as-is) or a callable — for seeded episodes through the recorder.
"""

from __future__ import annotations

import contextlib
import functools
import mmap
import os
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import polars as pl

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.rl.adapters import EnvAdapter, adapter_for
from mlops_notebooks.rl.schema import Trajectory

try:  # the hot path in C (optional: without a compiler the recorder records in Python)
    from mlops_notebooks.rl import _steprec
except ImportError:  # pragma: no cover - exercised by tests that hide it
    _steprec = None  # type: ignore[assignment]

__all__ = ["Policy", "StepView", "TrajectoryRecorder", "as_policy", "record_episodes"]

Policy = Any  # an object with predict(observation) -> action or (action, state), or a callable
#: A reward component: an ``info`` key, or a function of the step.
RewardComponent = str | Callable[["StepView"], float]

MAX_FEATURES = 16
#: Steps buffered before they are turned into columns, at the latest.
BUFFER_ROWS = 65_536
#: At an episode's end, buffers of at least this many steps are turned into columns, while their
#: values are still in the CPU cache (converting tens of thousands of cold Python objects later
#: costs several times more per value).
EPISODE_FLUSH_ROWS = 16_384
#: The same for steps held by the compiled store (already converted; a flush only copies
#: them): flushing smaller blocks reuses the store's memory instead of touching new pages.
STORE_FLUSH_ROWS = 4_096


class StepView:
    """What a user-defined reward component sees of one step."""

    __slots__ = ("action", "env", "info", "observation", "reward")

    def __init__(
        self, env: gym.Env, observation: Any, action: Any, reward: float, info: dict
    ) -> None:
        self.env, self.observation, self.action, self.reward, self.info = (
            env,
            observation,
            action,
            reward,
            info,
        )


class _Segment:
    """The rows of one episode inside the current buffer."""

    __slots__ = (
        "episode",
        "first_step",
        "history",
        "history_start",
        "row_start",
        "row_stop",
        "seed",
    )

    def __init__(
        self,
        episode: int,
        seed: int,
        first_step: int,
        row_start: int,
        history: dict | None = None,
        history_start: int = 0,
    ) -> None:
        self.episode, self.seed, self.first_step = episode, seed, first_step
        self.row_start, self.row_stop = row_start, -1
        self.history, self.history_start = history, history_start


class _Chunk:
    """One flush: the buffered steps' values, converted to arrays."""

    __slots__ = (
        "ends",
        "from_env",
        "infos",
        "n",
        "observations",
        "reward_dicts",
        "segments",
        "values",
    )

    def __init__(
        self,
        n: int,
        segments: list[tuple[int, int, int, int]],
        ends: dict[int, tuple[bool, bool]],
        from_env: bool,
        values: dict[str, Any],
        observations: np.ndarray | None,
        infos: dict[str, Any],
        reward_dicts: dict[str, np.ndarray],
    ) -> None:
        self.n, self.segments, self.ends, self.from_env = n, segments, ends, from_env
        self.values, self.observations = values, observations
        self.infos, self.reward_dicts = infos, reward_dicts

    def layout(self) -> tuple[Any, ...]:
        """What must agree for chunks to be concatenated column by column."""
        width = None if self.observations is None else self.observations.shape[1]
        kinds = tuple((k, _kind(v)) for part in (self.values, self.infos) for k, v in part.items())
        return self.from_env, width, kinds, tuple(self.reward_dicts)


def _kind(values: Any) -> str:
    """numpy arrays of one kind concatenate; anything else goes through polars."""
    return values.dtype.kind if isinstance(values, np.ndarray) else "series"


def _runs(chunks: Sequence[_Chunk]) -> list[list[_Chunk]]:
    """Consecutive chunks of the same layout, grouped (their columns are joined once)."""
    runs: list[list[_Chunk]] = []
    for chunk in chunks:
        if runs and runs[-1][0].layout() == chunk.layout():
            runs[-1].append(chunk)
        else:
            runs.append([chunk])
    return runs


#: A transparent huge page (x86-64 Linux).
_HUGE_PAGE = 2 << 20


def _column_memory(size: int) -> np.ndarray:
    """``size`` bytes of fresh memory, backed by 2 MB pages where the kernel allows it.

    Writing a table's columns into fresh memory costs a page fault per 4 KB (about 3 µs each
    on a virtual machine, more than computing the columns). A private anonymous mapping
    advised ``MADV_HUGEPAGE`` (Linux) and cut at a 2 MB boundary takes one fault per 2 MB
    instead; elsewhere, or for less than 2 MB, it is an ordinary numpy allocation. The mapping
    is released when the last array viewing it is.
    """
    advise = getattr(mmap, "MADV_HUGEPAGE", None)
    if size < _HUGE_PAGE or advise is None or not hasattr(mmap, "MAP_PRIVATE"):
        return np.empty(size, dtype=np.uint8)
    whole = -(-size // _HUGE_PAGE) * _HUGE_PAGE  # whole huge pages, plus one to align
    mapping = mmap.mmap(-1, whole + _HUGE_PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    with contextlib.suppress(OSError):  # a kernel without transparent huge pages
        mapping.madvise(advise)
    raw = np.frombuffer(mapping, dtype=np.uint8)
    start = -raw.ctypes.data % _HUGE_PAGE
    return raw[start : start + size]


class _Block:
    """The computed columns of a table: 8-byte columns of ``n`` rows cut from one allocation
    (see :func:`_column_memory`). Columns are views: the block lives as long as any of them.
    """

    __slots__ = ("_free", "_memory", "n")

    def __init__(self, n: int, columns: int) -> None:
        raw = _column_memory(8 * n * columns)
        self._memory = raw.view(np.int64).reshape(columns, n) if n and columns else None
        self._free, self.n = 0, n

    def new(self, dtype: Any) -> np.ndarray:
        """A column of the next free slot, as ``dtype`` (8 bytes); a fresh array when full."""
        if self._memory is None or self._free >= len(self._memory):
            return np.empty(self.n, dtype=dtype)
        self._free += 1
        return self._memory[self._free - 1].view(dtype)

    def join(self, parts: Sequence[Any]) -> Any:
        """Parts of one column joined: numpy arrays of one 8-byte dtype into the block, one
        part as it is, others by polars."""
        if len(parts) == 1:
            return parts[0]
        if all(isinstance(part, np.ndarray) for part in parts):
            dtypes = {part.dtype for part in parts}
            if len(dtypes) == 1 and next(iter(dtypes)).itemsize == 8:
                return np.concatenate(parts, out=self.new(parts[0].dtype))
        return _concat(parts)


class TrajectoryRecorder(gym.Wrapper):
    """A wrapper that records each step; :meth:`trajectory` returns them, ``path`` gets Parquet.

    Per step the recorder appends the action and the reward to two lists and keeps no other
    Python object alive, so the garbage collector has nothing new to scan. Observations and
    ``info`` values are recorded per step too (observations as bytes copied when returned,
    immune to later mutation), except for environments that keep them themselves:
    gym-anytrading's environment keeps every ``info`` in ``history`` and builds each observation
    as a window of its ``signal_features``, so the recorder rebuilds observations once per
    flush — after checking, at the start of every episode, that the observation and ``info``
    it was given are the ones it rebuilds (otherwise it records them per step from then on).
    After each episode's checked first step, the instance's ``step`` is a compiled store when
    the step's values fit one (an int action, a numeric reward, ``info`` values that are
    numbers, booleans or enum members, an observation that is an array of the recorded dtype):
    it steps the environment and writes them into C arrays (for gym-anytrading, only the action
    and the reward; each flush reads ``info`` from ``history`` in one C loop per column). A step
    it cannot hold hands that step and the rest of the recording back to the Python path, and
    after each flush the next step's ``info`` keys are compared with the store's; the table is
    the same either way. Without a C compiler at install time the Python path records
    everything.

    Parameters
    ----------
    env : gymnasium.Env
        Any environment. gym-anytrading environments also get ``price``, ``position`` and
        ``time`` columns; others get them from ``info["price"]``/``info["position"]``.
    path : path-like, optional
        Parquet file written (atomically) by :meth:`close`.
    agent, task : str
        Values of the ``agent`` and ``task`` columns.
    reward_components : mapping of str to (info key or callable), optional
        Extra ``reward_<name>`` columns; an ``info["reward_components"]`` dict is always recorded.
    observation_names : sequence of str, optional
        Names of the recorded observation features (default ``0, 1, …``).
    max_observation_features : int, default 16
        Observations with more values are summarised: their latest row (windowed observations),
        else their mean, standard deviation, minimum and maximum.

    Notes
    -----
    ``info`` columns come from the keys of the first step after each flush whose values are
    scalars (numbers, strings, booleans, enums, one-element arrays); a key that first appears
    later is not recorded.

    Examples
    --------
    >>> import gymnasium as gym
    >>> env = TrajectoryRecorder(gym.make("CartPole-v1"), agent="random")
    >>> observation, info = env.reset(seed=0)
    >>> env.step(0)[1]  # the reward, recorded with the step
    1.0
    >>> env.trajectory().n_steps
    1
    """

    # Slots keep attribute access on the hot path fast: with more than 30 attributes an
    # instance dict stops sharing keys with its class and every lookup becomes a dict search.
    __slots__ = (
        "_actions",
        "_adapter",
        "_chunks",
        "_component_plan",
        "_component_values",
        "_components",
        "_dtype",
        "_ends",
        "_episode",
        "_first_row",
        "_from_env",
        "_info_plan",
        "_last_seed",
        "_max_features",
        "_names",
        "_obs",
        "_pending",
        "_rewards",
        "_seeds_ordered",
        "_segment",
        "_segments",
        "_special",
        "_store",
        "_store_layout",
        "_store_ok",
        "_summary_kind",
        "_tail",
        "agent",
        "path",
        "task",
    )

    def __init__(
        self,
        env: gym.Env,
        path: str | os.PathLike[str] | None = None,
        *,
        agent: str = "agent",
        task: str = "default",
        reward_components: Mapping[str, RewardComponent] | None = None,
        observation_names: Sequence[str] | None = None,
        max_observation_features: int = MAX_FEATURES,
    ) -> None:
        super().__init__(env)
        self.path = Path(path) if path is not None else None
        self.agent, self.task = agent, task
        self._components = dict(reward_components or {})
        self._names = list(observation_names) if observation_names is not None else None
        self._max_features = max_observation_features
        self._adapter: EnvAdapter = adapter_for(env)
        # Environments whose adapter rebuilds observations and info from their own state.
        self._from_env = self._adapter.keeps_history
        self._chunks: list[_Chunk] = []
        self._episode = -1
        self._seeds_ordered, self._last_seed = True, -1
        self._summary_kind: str | None = None
        self._dtype: Any = np.float64
        self._pending = b""
        self._segment: _Segment | None = None
        # The step taken instead of the fast path (None: the fast path); the slow one also
        # refuses a step before reset().
        self._special: Callable[[Any], Any] | None = self._step_slow
        self._tail: int | None = None
        self._first_row = -1
        # the compiled store of the hot path (rl/_steprec.c), created at the first fast step
        self._store: Any = None
        # info keys, their kinds, and for enum columns the members and their values
        self._store_layout: tuple[
            list[Any], str, list[tuple[Any, ...] | None], list[np.ndarray | None]
        ] = ([], "", [], [])
        self._store_ok = True
        self._info_plan: list[tuple[str, list[Any]]] | None = None
        self._component_plan: list[tuple[str, list[Any]]] | None = None
        self._reset_buffers()

    # -- gymnasium API ---------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> Any:
        observation, info = self.env.reset(seed=seed, options=options)
        self._close_segment()
        self._unhook()  # the first step of an episode is checked on the slow path
        if self._rows() >= (EPISODE_FLUSH_ROWS if self._store is None else STORE_FLUSH_ROWS):
            self.flush()
        self._episode += 1
        n = self._rows()
        self._segment = _Segment(self._episode, -1 if seed is None else int(seed), 0, n)
        self._seeds_ordered &= self._segment.seed >= self._last_seed
        self._last_seed = self._segment.seed
        self._segments.append(self._segment)
        # the observation the first action is chosen from (rebuilt environments need it too:
        # one that stops being rebuilt at this episode's checks is recorded from it on)
        self._pending = self._encode(observation)
        if self._store is not None and not self._from_env:
            self._give_pending()
        if self._from_env and not self._adapter.rebuilds(self.env, observation, 0):
            self._switch_to_per_step()
        # The first step is checked on the slow path; later steps take the fast one.
        self._first_row = self._rows()
        self._special = self._step_slow
        return observation, info

    def step(self, action: Any) -> Any:
        special = self._special
        if special is not None:  # the first step of an episode, or recording step by step
            return special(action)
        # The hot path, taken only for environments whose adapter rebuilds observations and
        # info (their episodes end with their data), when the compiled store is not installed
        # as the instance's step: two appends, and nothing else stays alive.
        result = self.env.step(action)
        self._actions.append(action)
        self._rewards.append(result[1])
        if result[2] or result[3]:
            self._end_step(result[2], result[3])
        return result

    def _step_slow(self, action: Any) -> Any:
        """A step recorded with per-step work: environments recorded step by step, reward
        components, and the first step of each episode (where the adapter is checked)."""
        if self._episode < 0:
            raise InvalidInputError("call reset() before step(): no episode has started")
        return self._record_slow(action, self.env.step(action))

    def _record_slow(self, action: Any, result: Any) -> Any:
        """Record a step the environment has taken, with the slow path's checks."""
        observation, reward, terminated, truncated, info = result
        if self._from_env and self._rows() == self._first_row:
            if self._adapter.rebuilds(self.env, observation, 1) and self._adapter.info_in_history(
                self.env, info
            ):
                if self._segment is not None:
                    self._segment.history = self._adapter.history(self.env)
            else:
                self._switch_to_per_step()
        if self._store_ok and not self._components and self._by_store(action, result):
            return result
        if not self._from_env:
            self._obs.append(self._pending)
            self._record_info(info)
        if self._components:  # they see the observation the action was chosen from
            self._record_components(action, reward, info)
        if not self._from_env or self._components:
            self._pending = self._encode(observation)
        if self._from_env and not self._components:
            self._special = None
        elif not self._from_env and not self._components and self._info_plan is not None:
            self._special = self._step_copy
        self._actions.append(action)
        self._rewards.append(reward)
        if terminated or truncated or self._rows() >= BUFFER_ROWS:
            self._end_step(terminated, truncated)
        return result

    def _step_copy(self, action: Any) -> Any:
        """Environments recorded step by step: the observation's bytes and ``info``'s values."""
        result = self.env.step(action)
        self._obs.append(self._pending)
        observation, tail = result[0], self._tail
        if (
            tail is not None
            and type(observation) is np.ndarray
            and observation.dtype is self._dtype
        ):
            # a C-order copy; its last row's bytes are its tail (``[0:]`` is the whole copy)
            self._pending = observation.tobytes()[tail:]
        else:
            self._pending = self._encode(observation)
        info = result[4]
        get = info.get
        for key, values in self._info_plan or ():
            values.append(get(key))
        if self._component_plan:
            self._record_parts(info)
        self._actions.append(action)
        self._rewards.append(result[1])
        if result[2] or result[3] or len(self._actions) >= BUFFER_ROWS:
            self._end_step(result[2], result[3])
        return result

    # -- the compiled store (rl/_steprec.c) --------------------------------------------------------
    def _rows(self) -> int:
        """Rows buffered: in the lists, or in the store (one of them is empty)."""
        store = self._store
        return len(self._actions) if store is None else len(self._actions) + len(store)

    def _by_store(self, action: Any, result: Any) -> bool:
        """Record this step, and the episode's later ones, by the compiled store if it can.

        False: the store is not there, or stopped on this step (the Python path records it).
        """
        store = self._store
        if store is not None and not self._from_env:
            layout = self._layout(action, result)
            if layout is None or layout[:3] != self._store_layout[:3]:
                # info keys or types changed after a flush: a store of the new layout takes
                # over, or the Python path if no store can hold them
                self._stop_store()
                self._store_ok, store = layout is not None, None
        if store is None:
            if _steprec is None:
                return False
            store = self._start_store(action, result)
            if store is None:
                return False
        if not store.append(action, result):
            self._stop_store()
            return False
        # the episode's later steps: the store itself, in C (no Python frame per step)
        self._special = None
        self.__dict__["step"] = store
        if result[2] or result[3] or self._rows() >= BUFFER_ROWS:
            self._end_step(result[2], result[3])
        return True

    def _layout(self, action: Any, result: Any) -> Any:
        """The store's layout for a step's action and ``info`` (None: no store can hold them).

        Actions must be ints and the recorded ``info`` values numbers, booleans or enum
        members. Environments recorded step by step record ``info``'s scalars (its
        ``reward_components`` dict keeps them on the Python path); the others record every key.
        """
        info = result[4]
        if type(action) is not int or type(info) is not dict:
            return None
        if not self._from_env and (
            "reward_components" in info or self._summary_kind not in ("full", "last")
        ):
            return None
        keys: list[Any] = []
        kinds: list[str] = []
        members: list[tuple[Any, ...] | None] = []
        tables: list[np.ndarray | None] = []
        for key, value in info.items():
            kind = _store_kind(value)
            if kind is None:
                if self._from_env or _is_scalar(value):
                    return None
                continue  # not a scalar: the Python path does not record it either
            keys.append(key)
            kinds.append(kind)
            enum, table = _enum_table(value.__class__) if kind == "e" else (None, None)
            members.append(None if enum is None else tuple(enum))
            tables.append(table)
        return keys, "".join(kinds), members, tables

    def _start_store(self, action: Any, result: Any) -> Any:
        """A store for this environment's steps, or None when a value would not fit one.

        Environments whose observations and ``info`` the adapter rebuilds get a store of
        actions and rewards (``info`` is read from their history at each flush). The others also
        store ``info``'s values and the recorded part of each observation, when it is a
        C-contiguous array of the recorded dtype.
        """
        layout = self._layout(action, result)
        if layout is None:
            self._store_ok = False
            return None
        if self._actions:
            self.flush()
        assert _steprec is not None
        self._store_layout = layout
        if self._from_env:
            # info values are read from the environment's history at each flush, in one C loop
            # per column
            self._store = _steprec.Store(
                self.env.step, self._end_step, self._misfit, np.float32, BUFFER_ROWS
            )
            return self._store
        keys, kinds, members, _ = layout
        width = len(self._pending)
        observation = result[0]
        if type(observation) is not np.ndarray or observation.dtype != self._dtype:
            self._store_ok = False
            return None
        total = observation.nbytes
        self._store = _steprec.Store(
            self.env.step,
            self._end_step,
            self._misfit,
            np.float32,
            BUFFER_ROWS,
            tuple(keys),
            kinds,
            tuple(members),
            np.empty(0, dtype=self._dtype).data.format,  # as the buffer protocol gives it
            total,
            total - width,
            width,
        )
        self._store.set_pending(self._pending)
        return self._store

    def _give_pending(self) -> None:
        """Hand the store the observation the next action is chosen from (or stop it)."""
        try:
            self._store.set_pending(self._pending)
        except ValueError:  # another observation layout after reset
            self._stop_store()

    def _misfit(self, action: Any, result: Any) -> Any:
        """A step whose values the store cannot hold: record it, and the rest, in Python."""
        self._stop_store(stepped=True)
        return self._record_slow(action, result)

    def _stop_store(self, *, stepped: bool = False) -> None:
        """Flush the store and record in Python from now on.

        ``stepped``: the environment has taken a step that is not recorded yet (its history
        holds one more entry than the recorded rows).
        """
        self._unhook()
        self._store_ok = False
        store = self._store
        if store is not None and len(store):
            self.flush(_stepped=stepped)
        if store is not None and not self._from_env:
            self._pending = store.pending()  # the observation the next action is chosen from
        self._store = None

    def _unhook(self) -> None:
        """Remove the store's ``step`` from the instance (steps go through the class's)."""
        self.__dict__.pop("step", None)

    def _store_columns(
        self, segments: Sequence[_Segment], *, stepped: bool = False
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The store's rows as arrays (action and reward; empties it), and the ``info`` columns
        of ``segments`` read from the environment's history in one C loop per column
        (``stepped``: see :meth:`_stop_store`)."""
        store = self._store
        assert store is not None and _steprec is not None
        n, actions, rewards, observations, stored = store.take()
        values = {
            "action": np.frombuffer(actions, dtype=np.int64),
            "reward": np.frombuffer(rewards, dtype=np.float64),
        }
        columns: dict[str, Any] = {}
        keys, kinds, members, tables = self._store_layout
        if not self._from_env:  # info and observations were stored per step
            for key, kind, table, raw in zip(keys, kinds, tables, stored, strict=True):
                dtype = np.uint8 if table is not None else _STORE_DTYPES[kind]
                column: np.ndarray = np.frombuffer(raw, dtype=dtype)
                columns[str(key)] = column if table is None else table[column]
            values["observations"] = np.frombuffer(observations, dtype=self._dtype).reshape(n, -1)
            return values, columns
        for key, kind, kept, table in zip(keys, kinds, members, tables, strict=True):
            dtype = np.uint8 if table is not None else _STORE_DTYPES[kind]
            column = np.empty(n, dtype=dtype)  # each segment's values read into their rows
            for segment in segments:
                start, row = segment.history_start, segment.row_start
                history = (segment.history or {}).get(key)
                done = None
                if type(history) is list:
                    stop = start + segment.row_stop - row
                    done = _steprec.read_column(
                        history, start, stop, kind, kept, np.float32, column, row
                    )
                if done is None:
                    # a value of another type: the whole flush's info as the Python path has it
                    lists = self._adapter.history_columns(segments, stepped=stepped)
                    return values, _info_columns(lists)
            columns[str(key)] = column if table is None else table[column]
        return values, columns

    def _end_step(self, terminated: Any, truncated: Any) -> None:
        """Note an episode's end, and flush a full buffer."""
        rows = self._rows()
        if terminated or truncated:
            self._ends[rows - 1] = (bool(terminated), bool(truncated))
        if rows >= BUFFER_ROWS:
            self.flush()

    def _switch_to_per_step(self) -> None:
        """Record observations and info per step from now on (the adapter cannot rebuild them)."""
        self._stop_store()
        self.flush()
        self._from_env = False

    def _record_info(self, info: dict) -> None:
        if self._info_plan is None:
            self._info_plan, self._component_plan = _info_plans(info)
        get = info.get
        for key, values in self._info_plan:
            values.append(get(key))
        if self._component_plan:
            self._record_parts(info)

    def _record_parts(self, info: dict) -> None:
        parts = info.get("reward_components")
        parts_get = parts.get if isinstance(parts, dict) else {}.get
        for key, values in self._component_plan or ():
            values.append(parts_get(key))

    def _record_components(self, action: Any, reward: Any, info: dict) -> None:
        before = np.frombuffer(self._pending, dtype=self._dtype)
        view = StepView(self.env, before, action, float(reward), info)
        for name, component in self._components.items():
            value = info.get(component) if isinstance(component, str) else component(view)
            self._component_values[name].append(value)

    def mark_truncated(self) -> None:
        """Mark the last recorded step as truncated (an episode cut by the caller)."""
        n = self._rows()
        if n:
            terminated = self._ends.get(n - 1, (False, False))[0]
            self._ends[n - 1] = (terminated, True)
        elif self._chunks:
            chunk = self._chunks[-1]
            chunk.ends[chunk.n - 1] = (chunk.ends.get(chunk.n - 1, (False, False))[0], True)

    def close(self) -> None:
        """Flush, write ``path`` (when given) and close the environment."""
        if self.path is not None and (self._rows() or self._chunks):
            self.save(self.path)
        super().close()

    # -- output ----------------------------------------------------------------------------------
    def trajectory(self) -> Trajectory:
        """Everything recorded so far, as a validated :class:`Trajectory`."""
        self.flush()
        if not self._chunks:
            from mlops_notebooks.rl.schema import EmptyTrajectoryError

            raise EmptyTrajectoryError("nothing recorded yet: run at least one step")
        parts = [self._columns(run) for run in _runs(self._chunks)]
        frame = _table(parts, agent=self.agent, task=self.task)
        # Rows come in episode order with increasing steps, and agent and task are constant:
        # the table is ordered when the seeds never decrease from one episode to the next.
        return Trajectory._checked(frame, ordered=self._seeds_ordered)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the recorded steps to a Parquet file atomically and return its path."""
        import io

        from mlops_notebooks._io import write_bytes_atomic

        buffer = io.BytesIO()
        self.trajectory().frame.write_parquet(buffer)
        return write_bytes_atomic(path, buffer.getvalue())

    def flush(self, *, _stepped: bool = False) -> None:
        """Convert the buffered steps' Python values into arrays (called automatically).

        Only what came from Python objects is converted here — actions, rewards, ``info``
        values, copied observations — while those objects are still in the CPU cache; the
        columns that follow from step numbers (episode, step, rebuilt observations, price,
        time) and the polars table are built once, by :meth:`trajectory`.
        """
        n = self._rows()
        if n == 0:
            return
        self._close_segment()
        segments = [s for s in self._segments if s.row_stop > s.row_start]
        observations = None
        if self._store is not None and len(self._store):
            if self._actions:  # the store only starts on empty lists, and stops with a flush
                raise RuntimeError("recorder rows split between the store and the lists")
            if self._from_env:
                self._adapter.check_history(segments, stepped=_stepped)
            values, info_columns = self._store_columns(segments, stepped=_stepped)
            observations = values.pop("observations", None)
            infos: Mapping[str, Sequence[Any]] = {}
            if not self._from_env:
                # info columns come from the keys of the first step after a flush: that step
                # goes through the slow path, which keeps the store only if they did not change
                self._unhook()
                self._special = self._step_slow
        else:
            if self._from_env:
                infos = self._adapter.history_columns(segments)
            else:
                infos = {key: values for key, values in self._info_plan or ()}
                observations = self._decode(self._obs)
            values = {"action": _array(self._actions), "reward": _floats(self._rewards)}
            info_columns = _info_columns(infos)
        for name, component in self._component_values.items():
            values[f"reward_{name}"] = _floats(component)
        self._chunks.append(
            _Chunk(
                n,
                [(s.episode, s.seed, s.first_step, s.row_stop - s.row_start) for s in segments],
                self._ends,
                self._from_env,
                values,
                observations,
                info_columns,
                self._reward_dicts(infos),
            )
        )
        self._reset_buffers()

    def _columns(self, run: Sequence[_Chunk]) -> dict[str, Any]:
        """The schema columns of a run of chunks of one layout, in the table's order.

        Computed and joined columns are written into one :class:`_Block`; nothing of a row's
        size is allocated besides it (no per-row temporaries).
        """
        first = run[0]
        n = sum(chunk.n for chunk in run)
        segments = [segment for chunk in run for segment in chunk.segments]
        if first.observations is not None:
            width = first.observations.shape[1]
        elif self._summary_kind == "stats":
            width = 4
        else:  # rebuilt: as many values as the encoded observation has
            width = len(self._pending) // np.dtype(self._dtype).itemsize
        # joined columns take a slot only when there is more than one chunk to join
        joined = len(first.values) + len(first.infos) + len(first.reward_dicts)
        block = _Block(
            n, 3 + width + (joined if len(run) > 1 else 0) + 3
        )  # + price, position, time
        new = block.new
        episode, seed, steps = new(np.int64), new(np.int64), new(np.int64)
        _expand(segments, episode, seed, steps)
        columns: dict[str, Any] = {
            "episode": episode,
            "seed": seed,
            "step": steps,
            "action": block.join([chunk.values["action"] for chunk in run]),
            "reward": block.join([chunk.values["reward"] for chunk in run]),
        }
        flags = np.zeros((2, n), dtype=bool)
        offset = 0
        for chunk in run:
            if chunk.ends:
                rows = np.fromiter(chunk.ends, dtype=np.int64, count=len(chunk.ends))
                flags[:, rows + offset] = np.array(list(chunk.ends.values()), dtype=bool).T
            offset += chunk.n
        columns["terminated"], columns["truncated"] = flags[0], flags[1]
        columns.update(self._observation_columns(run, steps, new))
        for name in first.values:
            if name not in columns:
                columns[name] = block.join([chunk.values[name] for chunk in run])
        infos = {key: block.join([chunk.infos[key] for chunk in run]) for key in first.infos}
        columns.update(self._adapter.columns(self.env, steps, infos, new))
        for key, array in infos.items():
            columns.setdefault(f"info_{key}", array)
        for key in first.reward_dicts:
            name = f"reward_{key}"
            if name not in columns:
                columns[name] = block.join([chunk.reward_dicts[key] for chunk in run])
        return columns

    # -- internals -------------------------------------------------------------------------------
    def _close_segment(self) -> None:
        segment = self._segment
        if segment is not None and segment.row_stop < 0:
            segment.row_stop = self._rows()

    def _reset_buffers(self) -> None:
        self._actions: list[Any] = []
        self._rewards: list[Any] = []
        self._obs: list[bytes] = []
        self._ends: dict[int, tuple[bool, bool]] = {}
        self._component_values: dict[str, list[Any]] = {k: [] for k in self._components}
        self._info_plan = self._component_plan = None
        if self._special is not None:  # the next step rebuilds the info plan
            self._special = self._step_slow
        self._segments: list[_Segment] = []
        open_segment = self._segment
        if open_segment is not None:
            # The episode goes on in the next buffer.
            done = open_segment.row_stop - open_segment.row_start
            self._segment = _Segment(
                open_segment.episode,
                open_segment.seed,
                open_segment.first_step + done,
                0,
                open_segment.history,
                open_segment.history_start + done,
            )
            self._segments.append(self._segment)
            self._first_row = -1 if done else 0

    def _reward_dicts(self, infos: Mapping[str, Sequence[Any]]) -> dict[str, np.ndarray]:
        if self._component_plan is not None and not self._from_env:
            return {key: _floats(values) for key, values in self._component_plan}
        return _component_dicts(infos.get("reward_components"))

    def _encode(self, observation: Any) -> bytes:
        """The recorded part of an observation (all of it, its latest row, or statistics)."""
        if self._summary_kind is None:
            array = np.asarray(observation)
            self._summary_kind = _summary_kind(array, self._max_features)
            numeric = np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
            self._dtype = array.dtype if numeric and self._summary_kind != "stats" else np.float64
            # the bytes of the recorded part at the end of a C-order copy (statistics: none)
            kinds = {"full": 0, "last": -array[-1].nbytes if array.ndim else 0}
            self._tail = kinds.get(self._summary_kind)
        kind = self._summary_kind
        if type(observation) is np.ndarray and observation.dtype == self._dtype:
            array = observation
        else:
            array = np.asarray(observation, dtype=self._dtype)
        if kind == "full":
            return array.tobytes()
        if kind == "last":
            return array[-1].tobytes()
        return _stats(array.astype(np.float64).reshape(1, -1)).tobytes()

    def _decode(self, observations: Sequence[bytes]) -> np.ndarray:
        joined = b"".join(observations)
        width = len(observations[0]) // np.dtype(self._dtype).itemsize
        if len(joined) != len(observations) * len(observations[0]):
            raise InvalidInputError(
                "the observations changed shape or dtype during recording; "
                "record such environments with a fixed observation space"
            )
        return np.frombuffer(joined, dtype=self._dtype).reshape(len(observations), width)

    def _observation_columns(
        self, run: Sequence[_Chunk], steps: np.ndarray, new: Callable[[Any], np.ndarray]
    ) -> dict[str, np.ndarray]:
        """One float64 column per recorded observation value, written into ``new`` columns."""
        kind = self._summary_kind
        values: list[np.ndarray] | None = None
        if run[0].observations is None:  # rebuilt from the environment
            values = self._adapter.observation_columns(self.env, steps, kind == "last", new)
            if values is None:
                rows = self._adapter.observations(self.env, steps, kind == "last", self._dtype)
                if kind == "stats":
                    rows = _stats(rows.astype(np.float64))
        else:
            parts = [chunk.observations for chunk in run if chunk.observations is not None]
            rows = parts[0] if len(parts) == 1 else np.concatenate(parts)
        if values is None:
            # one copy per value, transposed and converted (polars takes each as it is)
            values = []
            for j in range(rows.shape[1]):
                column = new(np.float64)
                column[:] = rows[:, j]
                values.append(column)
        if kind == "stats":
            return {f"obs_{s}": values[i] for i, s in enumerate(("mean", "std", "min", "max"))}
        names = self._names or [str(j) for j in range(len(values))]
        if len(names) != len(values):
            raise InvalidInputError(
                f"observation_names has {len(names)} names but {len(values)} features are recorded"
            )
        prefix = "obs_" if kind == "full" else "obs_last_"
        return {prefix + name: values[j] for j, name in enumerate(names)}


def _expand(
    segments: Sequence[tuple[int, int, int, int]],
    episode: np.ndarray,
    seed: np.ndarray,
    steps: np.ndarray,
) -> None:
    """Fill the per-row episode, seed and step columns of ``segments`` (episode, seed, first
    step, rows) in place: a running sum of per-row increments, nothing else of a row's size."""
    table = np.array(segments, dtype=np.int64).reshape(-1, 4)
    lengths = table[:, 3]
    starts = np.cumsum(lengths) - lengths
    keep = lengths > 0
    table, starts = table[keep], starts[keep]
    last_step = table[:, 2] + table[:, 3] - 1
    for out, values, before in (
        (episode, table[:, 0], table[:, 0]),
        (seed, table[:, 1], table[:, 1]),
        (steps, table[:, 2], last_step),
    ):
        out.fill(1 if out is steps else 0)
        # at each segment's first row, the jump from the previous segment's last value
        jumps = values.copy()
        jumps[1:] -= before[:-1]
        out[starts] = jumps
        np.cumsum(out, out=out)


_STORE_DTYPES = {"d": np.float64, "q": np.int64, "?": np.bool_}


def _store_kind(value: Any) -> str | None:
    """The store's column kind for an ``info`` value, as the Python path would type it."""
    kind = type(value)
    if kind is bool:
        return "?"
    if kind is int:
        return "q"
    if kind is float or kind is np.float64 or kind is np.float32:
        return "d"
    if isinstance(value, Enum) and _enum_table(kind)[1] is not None:  # type: ignore[arg-type]
        return "e"
    return None


def _stats(rows: np.ndarray) -> np.ndarray:
    """Mean, standard deviation, minimum and maximum of each row (float64)."""
    return np.column_stack(
        [rows.mean(axis=1), rows.std(axis=1), rows.min(axis=1), rows.max(axis=1)]
    )


def _info_plans(
    info: Mapping[Any, Any],
) -> tuple[list[tuple[str, list[Any]]], list[tuple[str, list[Any]]]]:
    """Which ``info`` values to keep per step: scalars, and the ``reward_components`` dict.

    Only values that hold no other Python object are kept, so recording allocates nothing the
    garbage collector has to scan.
    """
    plan: list[tuple[str, list[Any]]] = [
        (str(key), []) for key, value in info.items() if _is_scalar(value)
    ]
    parts = info.get("reward_components")
    components: list[tuple[str, list[Any]]] = (
        [(str(k), []) for k in parts] if isinstance(parts, dict) else []
    )
    return plan, components


def _is_scalar(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.size == 1
    return isinstance(value, bool | int | float | str | Enum | np.generic)


def _summary_kind(array: np.ndarray, max_features: int) -> str:
    if array.size <= max_features:
        return "full"
    if array.ndim >= 2 and array.shape[-1] <= max_features:
        return "last"
    return "stats"


def _scalar(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, np.ndarray | np.generic):
        return value.item() if np.size(value) == 1 else value.tolist()
    return value


def _array(values: Sequence[Any]) -> Any:
    """One column from per-step values, typed by its first value.

    Typed, strict polars construction reads Python and numpy scalars at about 10–25 ns each;
    ``np.array`` first discovers a common type by inspecting every numpy scalar, several
    times slower. Small non-negative integers (discrete actions) are read by ``bytes`` at
    about 6 ns each. Numbers and booleans without missing values come back as numpy arrays
    (concatenated cheaply across flushes), other columns as polars Series. A column that does
    not fit the first value's type falls back to polars' inference.
    """
    first = values[0]
    if isinstance(first, Enum):
        return _enum_values(values)
    if isinstance(first, bool | np.bool_):
        dtypes: tuple[Any, ...] = (pl.Boolean,)
    elif isinstance(first, int | np.integer):
        if type(first) is int:
            try:  # ints in 0..255 (bytes raises for anything else: floats, None, -1, 256)
                return np.frombuffer(bytes(values), dtype=np.uint8).astype(np.int64)
            except (TypeError, ValueError):
                pass
        dtypes = (pl.Int64, pl.Float64)
    elif isinstance(first, float | np.floating):
        dtypes = (pl.Float64,)
    elif isinstance(first, str):
        dtypes = (pl.String,)
    else:
        dtypes = ()
    for dtype in dtypes:
        try:
            series = pl.Series(values, dtype=dtype, strict=True)
        except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
            continue
        return series.to_numpy() if series.null_count() == 0 and dtype != pl.String else series
    return pl.Series([_scalar(v) for v in values], strict=False)


def _floats(values: Sequence[Any]) -> np.ndarray:
    """Numbers as float64 (``None`` becomes NaN)."""
    try:
        series = pl.Series(values, dtype=pl.Float64, strict=True)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        return np.asarray(values, dtype=np.float64)
    return series.to_numpy()  # nulls become NaN (an expression here would cost milliseconds)


def _table(parts: Sequence[dict[str, Any]], *, agent: str, task: str) -> pl.DataFrame:
    """One polars table from the columns of each run of chunks (numpy arrays are not copied).

    ``agent`` and ``task`` repeat one value per row: a polars literal would keep it once, but
    expanding it through polars' query engine costs more (about 0.7 ms right after recording)
    than writing the 16-byte string views.
    """
    names = list(parts[0])
    if any(list(part) != names for part in parts):
        # info keys changed between flushes: align columns by name
        frames = [pl.DataFrame(part) for part in parts]
        columns = pl.concat(frames, how="diagonal_relaxed").get_columns()
    else:
        columns = [_series(name, _concat([part[name] for part in parts])) for name in names]
    height = len(columns[0])
    constants = [
        pl.Series(name, [value], dtype=pl.String).new_from_index(0, height)
        for name, value in (("agent", agent), ("task", task))
    ]
    return pl.DataFrame([*constants, *columns])


def _series(name: str, values: Any) -> pl.Series:
    return values.alias(name) if isinstance(values, pl.Series) else pl.Series(name, values)


def _concat(parts: Sequence[Any]) -> Any:
    if len(parts) == 1:
        return parts[0]
    if all(isinstance(part, np.ndarray) for part in parts):
        kinds = {part.dtype.kind for part in parts}
        if len(kinds) == 1 or kinds <= set("biuf"):
            return np.concatenate(parts)
    frames = [pl.Series("v", part).to_frame() for part in parts]  # Series, or numpy arrays
    return pl.concat(frames, how="vertical_relaxed").to_series()


def _enum_values(values: Sequence[Any]) -> Any:
    """The ``value`` of each enum member (``Enum.value`` is a slow property).

    Members are found by their position in the member list, in C loops: ``list.index``
    compares by identity first, and ``bytes`` collects the positions without making an int
    object per value (about a third of the cost of ``np.fromiter``).
    """
    kind: type[Enum] = type(values[0])
    members, table = _enum_table(kind)
    if table is not None:
        try:
            where = np.frombuffer(bytes(map(members.index, values)), dtype=np.uint8)
        except ValueError:  # a value that is not a member (None, another type)
            pass
        else:
            return table[where]
    return pl.Series([_scalar(v) for v in values], strict=False)


@functools.lru_cache(maxsize=64)
def _enum_table(kind: type[Enum]) -> tuple[list[Enum], np.ndarray | None]:
    """An enum's members, and their values as an array (None: not a plain array of ≤256)."""
    members: list[Enum] = list(kind)
    table = np.asarray([member.value for member in members])
    return members, table if table.dtype != object and len(members) <= 256 else None


def _info_columns(infos: Mapping[str, Sequence[Any]]) -> dict[str, Any]:
    """Scalar ``info`` values as columns (enums become their values)."""
    out: dict[str, Any] = {}
    for key, values in infos.items():
        if not values:
            continue
        first = values[0]
        if not _is_scalar(first):
            continue
        out[str(key)] = _array(values)
    return out


def _component_dicts(dicts: Sequence[Any] | None) -> dict[str, np.ndarray]:
    """``reward_<key>`` columns from per-step ``info["reward_components"]`` dicts."""
    if not dicts or not isinstance(dicts[0], dict):
        return {}
    return {
        str(k): np.asarray(
            [d.get(k, np.nan) if isinstance(d, dict) else np.nan for d in dicts], float
        )
        for k in dicts[0]
    }


def as_policy(policy: Policy) -> Callable[[Any], Any]:
    """A function ``observation -> action`` from a policy.

    Accepts an object with ``predict(observation)`` returning an action or an
    ``(action, state)`` tuple (stable-baselines3 style), or a plain callable.

    Raises
    ------
    InvalidInputError
        ``policy`` has no ``predict`` and is not callable.
    """
    predict = getattr(policy, "predict", None)
    if callable(predict):

        def act(observation: Any) -> Any:
            out = predict(observation)
            return out[0] if isinstance(out, tuple) else out

        return act
    if callable(policy):
        return policy
    raise InvalidInputError(
        f"a policy needs predict(observation) or must be callable; got {type(policy).__name__}"
    )


def _plain_action(action: Any) -> Any:
    """A 0-d array action (stable-baselines3's ``predict`` on a discrete space) as a scalar.

    A one-element 1-d array stays an array: a continuous ``Box((1,))`` environment such as
    Pendulum indexes it (the recorder stores it as a number either way).
    """
    if isinstance(action, np.ndarray) and action.ndim == 0:
        return action.item()
    return action


def record_episodes(
    env: gym.Env | Callable[[], gym.Env],
    policy: Policy,
    *,
    episodes: int = 1,
    seed: int = 0,
    agent: str = "agent",
    task: str = "default",
    path: str | os.PathLike[str] | None = None,
    max_steps: int | None = None,
    reward_components: Mapping[str, RewardComponent] | None = None,
    observation_names: Sequence[str] | None = None,
) -> Trajectory:
    """Run ``policy`` for ``episodes`` seeded episodes and return the recorded trajectory.

    Episode ``i`` resets with ``seed + i``; a policy with ``reset(seed=...)`` is reset with
    the same seed, so runs are reproducible.

    Parameters
    ----------
    env : gymnasium.Env or callable returning one
        The environment (or a factory).
    policy : object with ``predict(observation)``, or callable
        A stable-baselines3 model works as-is.
    episodes, seed : int
        Number of episodes and the first reset seed.
    agent, task : str
        Labels written to the ``agent`` and ``task`` columns.
    path : path-like, optional
        Also write the trajectory to this Parquet file.
    max_steps : int, optional
        Stop an episode after this many steps (marked ``truncated``).
    reward_components, observation_names
        See :class:`TrajectoryRecorder`.

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from mlops_notebooks.rl import make_trading_env, RandomAgent
    >>> trajectory = record_episodes(make_trading_env("googl"), RandomAgent(seed=0), episodes=2)
    """
    if episodes < 1:
        raise InvalidInputError(f"episodes must be at least 1, got {episodes}")
    base = env() if callable(env) and not isinstance(env, gym.Env) else env
    recorder = TrajectoryRecorder(
        base,
        agent=agent,
        task=task,
        reward_components=reward_components,
        observation_names=observation_names,
    )
    act = as_policy(policy)
    reset_policy = getattr(policy, "reset", None)
    for episode in range(episodes):
        observation, _ = recorder.reset(seed=seed + episode)
        if callable(reset_policy):
            reset_policy(seed=seed + episode)
        steps = 0
        while True:
            observation, _, terminated, truncated, _ = recorder.step(
                _plain_action(act(observation))
            )
            steps += 1
            if terminated or truncated or (max_steps is not None and steps >= max_steps):
                if max_steps is not None and steps >= max_steps:
                    recorder.mark_truncated()
                break
    trajectory = recorder.trajectory()
    if path is not None:
        recorder.save(path)
    return trajectory
