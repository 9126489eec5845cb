from __future__ import annotations

import itertools
import mmap

import gymnasium as gym
import numpy as np
import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.rl import (
    BuyAndHoldAgent,
    RandomAgent,
    TrajectoryRecorder,
    as_policy,
    make_trading_env,
    record_episodes,
    trading_components,
)

from .conftest import RandomWalkEnv


def test_records_every_step_with_info_and_components(walk_env, tmp_path):
    path = tmp_path / "walk.parquet"
    trajectory = record_episodes(
        walk_env, RandomAgent(seed=1), episodes=3, seed=5, agent="r", path=path
    )
    frame = trajectory.frame
    assert frame.height == 3 * (200 - 3)
    assert frame["seed"].unique().sort().to_list() == [5, 6, 7]
    assert {
        "obs_0",
        "obs_1",
        "obs_2",
        "price",
        "position",
        "reward_move",
        "reward_cost",
        "info_note",
    } <= set(frame.columns)
    # components reported in info add up to the reward
    np.testing.assert_allclose(frame["reward_move"] + frame["reward_cost"], frame["reward"])
    assert frame.filter(pl.col("step") == 196)["truncated"].all()
    assert pl.read_parquet(path).equals(frame)


def test_observation_is_the_one_the_action_was_chosen_from(walk_env):
    seen = []

    def policy(observation):
        seen.append(np.array(observation))
        return 1

    frame = record_episodes(walk_env, policy).frame
    np.testing.assert_allclose(frame.select("obs_0", "obs_1", "obs_2").to_numpy(), np.stack(seen))


def test_aliased_observations_are_copied():
    env = RandomWalkEnv(flaw="alias")
    seen = []
    frame = record_episodes(env, lambda o: seen.append(o.copy()) or 0).frame
    np.testing.assert_allclose(frame["obs_0"].to_numpy(), np.stack(seen)[:, 0])


def test_anytrading_columns_and_time():
    env = make_trading_env("googl", start=100, end=160)
    frame = record_episodes(
        env, BuyAndHoldAgent(), reward_components=trading_components(0.01)
    ).frame
    prices = env.unwrapped.prices
    assert frame["price"].to_list() == pytest.approx(prices[31:].astype(float).tolist())
    assert frame["position"].to_list() == [1.0] * frame.height
    assert frame["time"].dtype == pl.Datetime("us")
    assert frame["reward"].dtype == pl.Float64  # gym-anytrading returns int 0 or a float
    assert frame["obs_last_0"][0] == pytest.approx(float(prices[30]))
    # first step pays the fee of going long; then only price moves
    assert frame["reward_trading_cost"].to_list()[:2] == [-0.01, 0.0]
    assert frame["reward_price_move"][1] == pytest.approx(float(prices[32] / prices[31] - 1))


def test_stats_summary_for_large_flat_observations():
    env = gym.make("CartPole-v1")
    wide = gym.wrappers.TransformObservation(
        env, lambda o: np.tile(o, 10), gym.spaces.Box(-np.inf, np.inf, (40,))
    )
    frame = record_episodes(wide, RandomAgent(seed=0), max_steps=5).frame
    assert {"obs_mean", "obs_std", "obs_min", "obs_max"} <= set(frame.columns)
    assert frame.height == 5 and frame["truncated"][-1]


def test_flush_keeps_every_step(walk_env, monkeypatch):
    import mlops_notebooks.rl.recorder as recorder

    monkeypatch.setattr(recorder, "BUFFER_ROWS", 64)
    frame = record_episodes(walk_env, RandomAgent(seed=0), episodes=2).frame
    assert frame.height == 2 * 197
    assert frame.group_by("episode").agg(pl.col("step").max())["step"].to_list() == [196, 196]


class Sb3Like:
    """What stable-baselines3's predict returns: (array action, state)."""

    def predict(self, observation, state=None, episode_start=None, deterministic=False):
        return np.array(1), None


def test_policy_duck_typing(walk_env):
    assert as_policy(Sb3Like())(None) == np.array(1)
    frame = record_episodes(walk_env, Sb3Like()).frame
    assert frame["action"].unique().to_list() == [1]
    with pytest.raises(InvalidInputError, match="predict"):
        as_policy(42)


def test_step_before_reset_is_refused(walk_env):
    with pytest.raises(InvalidInputError, match="reset"):
        TrajectoryRecorder(walk_env).step(0)


def test_forex_positions_are_signed_and_times_parsed():
    env = make_trading_env("eurusd", end=200)
    frame = record_episodes(env, RandomAgent(seed=3)).frame
    assert set(frame["position"].unique()) == {-1.0, 1.0}  # forex: short is a real short
    assert frame["time"].dtype == pl.Datetime("us")
    assert frame["time"].is_sorted() and frame["time"][0].year == 2017


# -- the gym-anytrading fast path: observations and info rebuilt from the environment ---------


def _per_step(monkeypatch):
    """Make new recorders record observations and info step by step (no adapter rebuild)."""
    import mlops_notebooks.rl.adapters as adapters

    monkeypatch.setattr(adapters.AnyTradingAdapter, "keeps_history", False)


@pytest.mark.parametrize("dataset", ["googl", "eurusd"])
def test_rebuilt_columns_equal_those_recorded_step_by_step(dataset, monkeypatch):
    import mlops_notebooks.rl.recorder as recorder

    monkeypatch.setattr(recorder, "BUFFER_ROWS", 97)  # flushes in the middle of episodes
    monkeypatch.setattr(recorder, "EPISODE_FLUSH_ROWS", 150)

    def record():
        env = TrajectoryRecorder(make_trading_env(dataset, end=400), agent="r")
        agent = RandomAgent(seed=2)
        for episode in range(3):
            observation, _ = env.reset(seed=10 + episode)
            for step in itertools.count():
                observation, _, terminated, truncated, _ = env.step(agent.predict(observation)[0])
                if step % 61 == 60:
                    env.flush()  # mid-episode, as trajectory() would
                if terminated or truncated:
                    break
        return env

    fast = record()
    assert fast._from_env  # the adapter rebuilt observations and info
    _per_step(monkeypatch)
    slow = record()
    assert not slow._from_env
    expected = slow.trajectory().frame
    assert {"info_total_reward", "info_total_profit", "info_position", "obs_last_0"} <= set(
        expected.columns
    )
    assert fast.trajectory().frame.equals(expected)


class _ScaledObservations(gym.Wrapper):
    """Observations that are not gym-anytrading's windows: the recorder must copy them."""

    def reset(self, **kwargs):
        observation, info = self.env.reset(**kwargs)
        return observation * 2, info

    def step(self, action):
        observation, *rest = self.env.step(action)
        return (observation * 2, *rest)


def test_an_observation_the_adapter_cannot_rebuild_is_recorded_per_step():
    seen = []

    def policy(observation):
        seen.append(observation[-1].copy())
        return 1

    env = _ScaledObservations(make_trading_env("googl", start=100, end=160))
    recorder = TrajectoryRecorder(env)
    observation, _ = recorder.reset(seed=0)
    done = False
    while not done:
        observation, _, terminated, truncated, _ = recorder.step(policy(observation))
        done = terminated or truncated
    assert not recorder._from_env
    frame = recorder.trajectory().frame
    np.testing.assert_allclose(frame["obs_last_0"].to_numpy(), np.stack(seen)[:, 0])
    assert frame["info_total_profit"].null_count() == 0


def test_stepping_the_environment_behind_the_recorders_back_is_refused():
    env = make_trading_env("googl", start=100, end=200)
    recorder = TrajectoryRecorder(env)
    recorder.reset(seed=0)
    recorder.step(1)
    env.step(0)  # not recorded, but kept in the environment's history
    recorder.step(1)
    with pytest.raises(InvalidInputError, match="history"):
        recorder.trajectory()


def test_the_fast_path_keeps_no_python_container_per_step():
    import gc

    recorder = TrajectoryRecorder(make_trading_env("googl"))
    recorder.reset(seed=0)
    recorder.step(1)
    gc.collect()
    before = len(gc.get_objects())
    for step in range(1_000):
        recorder.step(step % 2)
    # the environment itself keeps nothing per step either; a tuple or dict per step would
    # show as about a thousand new tracked objects
    assert len(gc.get_objects()) - before < 50


def test_truncation_marked_after_a_flush_and_tables_sorted_by_seed(walk_env, monkeypatch):
    import mlops_notebooks.rl.recorder as recorder

    monkeypatch.setattr(recorder, "EPISODE_FLUSH_ROWS", 1)
    env = TrajectoryRecorder(walk_env)
    for seed in (7, 3):  # seeds out of order: the table is sorted by seed
        env.reset(seed=seed)
        for _ in range(5):
            env.step(1)
        env.flush()
        env.mark_truncated()
    frame = env.trajectory().frame
    assert frame["seed"].to_list() == [3] * 5 + [7] * 5
    assert frame.filter(pl.col("truncated"))["step"].to_list() == [4, 4]


@pytest.mark.parametrize("dataset", ["walk", "googl"])
def test_components_see_the_observation_the_action_was_chosen_from(dataset, walk_env):
    env = walk_env if dataset == "walk" else make_trading_env("googl", start=100, end=160)
    chosen = []

    def policy(observation):
        chosen.append(np.asarray(observation, dtype=float).ravel()[-1])
        return 1

    frame = record_episodes(
        env, policy, reward_components={"seen": lambda view: float(view.observation[-1])}
    ).frame
    np.testing.assert_allclose(frame["reward_seen"].to_numpy(), chosen)


class _MixedDtypes(gym.Env):
    """Observations alternate between float64 and float32 arrays, and a plain list."""

    observation_space = gym.spaces.Box(-10.0, 10.0, (2,), np.float64)
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.array([0.0, 0.5]), {}

    def step(self, action):
        self.t += 1
        values = [self.t + 0.25, -self.t]
        observation = [np.array(values), np.array(values, np.float32), values][self.t % 3]
        return observation, 1.0, False, self.t >= 9, {"t": self.t}


def test_observations_of_another_dtype_or_type_are_converted_not_misread():
    frame = record_episodes(_MixedDtypes(), lambda observation: 0).frame
    expected = [[0.0, 0.5]] + [[t + 0.25, -t] for t in range(1, 9)]
    np.testing.assert_allclose(frame.select("obs_0", "obs_1").to_numpy(), expected)
    assert frame["info_t"].to_list() == list(range(1, 10))


def test_a_continuous_one_dimensional_action_reaches_the_environment_as_an_array():
    # Pendulum indexes its action (u[0]); it used to be turned into a float before the step
    trajectory = record_episodes(
        gym.make("Pendulum-v1"),
        lambda observation: np.array([0.5], dtype=np.float32),
        episodes=1,
        max_steps=20,
    )
    assert trajectory.frame["action"].dtype == pl.Float64
    assert trajectory.frame["action"].to_list() == [0.5] * 20
    # a 0-d array (stable-baselines3 on a discrete space) is recorded as an integer
    walk = record_episodes(gym.make("CartPole-v1"), lambda o: np.array(1), max_steps=5)
    assert walk.frame["action"].dtype == pl.Int64


def _has_store() -> bool:
    from mlops_notebooks.rl import recorder

    return recorder._steprec is not None


needs_store = pytest.mark.skipif(not _has_store(), reason="the compiled store is not built")


def _record_googl(actions, dataset="googl"):
    return _record_generic(lambda: make_trading_env(dataset, end=600), actions)


def test_the_compiled_store_is_built():
    # pip install -e . compiles it wherever a C compiler is; without one the recorder works,
    # only slower, so a build that failed despite a compiler must fail here instead
    import shutil
    import sysconfig

    from mlops_notebooks.rl import recorder

    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}): the recorder records in Python")
    assert recorder._steprec is not None


@needs_store
@pytest.mark.parametrize("dataset", ["googl", "eurusd"])
def test_the_compiled_store_records_what_python_records(dataset, monkeypatch):
    import mlops_notebooks.rl.recorder as recorder

    monkeypatch.setattr(recorder, "STORE_FLUSH_ROWS", 100)  # flushes between episodes
    actions = np.random.default_rng(3).integers(0, 2, 600).tolist()
    compiled = _record_googl(actions, dataset)
    assert type(compiled.__dict__.get("step")).__name__ == "Store"  # C steps, no Python frame
    frame = compiled.trajectory().frame
    monkeypatch.setattr(recorder, "_steprec", None)
    python = _record_googl(actions, dataset)
    assert python._store is None and python._from_env
    expected = python.trajectory().frame
    assert expected.height > 3 * 100
    assert frame.equals(expected)


@needs_store
def test_a_value_the_store_cannot_hold_hands_recording_back_to_python(monkeypatch):
    import mlops_notebooks.rl.recorder as recorder

    # numpy integers from step 50 on: the store takes only Python ints, so it hands the step
    # (already taken by the environment) and the rest of the recording to the Python path
    actions: list = np.random.default_rng(4).integers(0, 2, 600).tolist()
    actions[50:] = [np.int64(a) for a in actions[50:]]
    mixed = _record_googl(actions)
    assert mixed._store is None and "step" not in mixed.__dict__
    frame = mixed.trajectory().frame
    monkeypatch.setattr(recorder, "_steprec", None)
    expected = _record_googl(actions).trajectory().frame
    assert frame["action"].dtype == pl.Int64
    assert frame.equals(expected)


@needs_store
def test_the_store_reads_numbers_as_python_does():
    from mlops_notebooks.rl import _steprec

    def read(value):  # as the store reads a reward and a 'd' info value (one C function)
        raw = _steprec.read_column([value], 0, 1, "d", None, np.float32)
        return None if raw is None else np.frombuffer(raw, np.float64)[0]

    for value in (np.float32(0.1), np.float32(-3.0e38), np.float64(0.1), 0.1, 7, -(2**53) - 1):
        assert read(value) == float(value)
    assert np.isnan(read(np.float32("nan")))
    for value in ("1.0", None, True, np.int64(3), np.float16(1.0)):
        assert read(value) is None  # not stored: the Python path takes the step


@needs_store
def test_read_column_reads_history_lists_or_refuses():
    from gym_anytrading.envs import Positions

    from mlops_notebooks.rl import _steprec

    floats = [0.0, np.float32(1.25), np.float64(-2.5), 3, np.float32(7.0)]
    raw = _steprec.read_column(floats, 1, 4, "d", None, np.float32)
    assert np.frombuffer(raw, np.float64).tolist() == [1.25, -2.5, 3.0]
    members = tuple(Positions)
    positions = [Positions.Long, Positions.Short, Positions.Long]
    raw = _steprec.read_column(positions, 0, 3, "e", members, np.float32)
    assert [members[i] for i in np.frombuffer(raw, np.uint8)] == positions
    assert np.frombuffer(
        _steprec.read_column([True, False], 0, 2, "?", None, np.float32), bool
    ).tolist() == [True, False]
    assert np.frombuffer(
        _steprec.read_column([5, -6], 0, 2, "q", None, np.float32), np.int64
    ).tolist() == [5, -6]
    # a value of another type: None, and the recorder converts the column as Python does
    assert _steprec.read_column([1.0, "x"], 0, 2, "d", None, np.float32) is None
    assert _steprec.read_column([Positions.Long, None], 0, 2, "e", members, np.float32) is None
    assert _steprec.read_column([2**70], 0, 1, "q", None, np.float32) is None
    with pytest.raises(IndexError):
        _steprec.read_column([1.0], 0, 2, "d", None, np.float32)
    # into the rows of a column from ``at`` on (several lists, one column), and no further
    column = np.zeros(5)
    assert _steprec.read_column(floats, 3, 5, "d", None, np.float32, column, 1) is column
    assert _steprec.read_column([9.5], 0, 1, "d", None, np.float32, column, 4) is column
    assert column.tolist() == [0.0, 3.0, 7.0, 0.0, 9.5]
    flags = np.zeros(2, dtype=bool)
    _steprec.read_column([True], 0, 1, "?", None, np.float32, flags, 1)
    assert flags.tolist() == [False, True]
    with pytest.raises(IndexError):
        _steprec.read_column(floats, 0, 2, "d", None, np.float32, column, 4)
    with pytest.raises(ValueError, match="kind"):
        _steprec.read_column([], 0, 0, "z", None, np.float32)
    with pytest.raises(BufferError):  # read-only memory is refused, not written
        _steprec.read_column([1.0], 0, 1, "d", None, np.float32, b"12345678", 0)


@needs_store
def test_a_recorder_with_its_store_is_garbage_collected():
    # recorder → store → bound methods of the recorder: a cycle only the collector can free,
    # which it can only if the store reports what it holds (tp_traverse)
    import gc
    import weakref

    env = make_trading_env("googl", start=100, end=160)
    recorder = TrajectoryRecorder(env)
    recorder.reset(seed=0)
    for _ in range(5):
        recorder.step(1)
    assert type(recorder.__dict__.get("step")).__name__ == "Store"
    alive = weakref.ref(recorder)
    del recorder
    gc.collect()
    assert alive() is None


class _CountingEnv(gym.Env):
    """Any environment: float32 observations, ``info`` with a float, an int and a bool, and
    from step 30 on one more key."""

    observation_space = gym.spaces.Box(-np.inf, np.inf, (3,), np.float32)
    action_space = gym.spaces.Discrete(3)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return self.np_random.normal(size=3).astype(np.float32), {}

    def step(self, action):
        self.t += 1
        info = {"level": float(self.t) / 3, "count": self.t, "even": self.t % 2 == 0}
        if self.t >= 30:
            info["late"] = np.float32(self.t)
        observation = self.np_random.normal(size=3).astype(np.float32)
        return observation, float(action) - 1.0, self.t >= 70, False, info


def _record_generic(make, actions, episodes=3):
    """Three seeded episodes of ``actions`` through a recorder of ``make()``."""
    env = TrajectoryRecorder(make(), agent="r")
    for episode in range(episodes):
        env.reset(seed=episode)
        for action in actions:
            _, _, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                break
    return env


@needs_store
@pytest.mark.parametrize(
    "make",
    [_CountingEnv, lambda: gym.make("CartPole-v1"), "per_step_googl"],
    ids=["info_gains_a_key", "cartpole", "googl_step_by_step"],
)
def test_the_store_records_any_environment_as_python_does(make, monkeypatch):
    import mlops_notebooks.rl.recorder as recorder

    monkeypatch.setattr(recorder, "BUFFER_ROWS", 97)  # flushes in the middle of episodes
    if make == "per_step_googl":
        _per_step(monkeypatch)
        make = lambda: make_trading_env("googl", end=400)  # noqa: E731
    actions = np.random.default_rng(5).integers(0, 2, 400).tolist()
    compiled = _record_generic(make, actions)
    assert compiled._store is not None and not compiled._from_env  # observations copied in C
    frame = compiled.trajectory().frame
    monkeypatch.setattr(recorder, "_steprec", None)
    expected = _record_generic(make, actions).trajectory().frame
    assert frame.equals(expected)


@needs_store
def test_the_store_hands_an_episode_back_with_the_observation_it_was_given(monkeypatch):
    import mlops_notebooks.rl.recorder as recorder

    actions: list = np.random.default_rng(6).integers(0, 3, 70).tolist()
    actions[20:] = [np.int64(a) for a in actions[20:]]  # not Python ints from step 20 on
    mixed = _record_generic(_CountingEnv, actions, episodes=2)
    assert mixed._store is None
    frame = mixed.trajectory().frame
    monkeypatch.setattr(recorder, "_steprec", None)
    expected = _record_generic(_CountingEnv, actions, episodes=2).trajectory().frame
    assert {"info_level", "info_count", "info_even", "obs_0"} <= set(frame.columns)
    assert frame.equals(expected)


class _RebuiltUntilEpisode(gym.Wrapper):
    """gym-anytrading's observations, scaled from the given episode on (not rebuilt then)."""

    def __init__(self, env, episode):
        super().__init__(env)
        self.episode, self.resets = episode, 0

    def _scale(self, observation):
        return observation * 2 if self.resets > self.episode else observation

    def reset(self, **kwargs):
        self.resets += 1
        observation, info = self.env.reset(**kwargs)
        return self._scale(observation), info

    def step(self, action):
        observation, *rest = self.env.step(action)
        return (self._scale(observation), *rest)


def test_an_environment_that_stops_being_rebuilt_records_each_episode_from_its_reset():
    seen = []

    def policy(observation):
        seen.append(observation[-1].copy())
        return len(seen) % 2

    env = _RebuiltUntilEpisode(make_trading_env("googl", start=100, end=140), episode=1)
    frame = record_episodes(env, policy, episodes=3).frame
    np.testing.assert_allclose(frame["obs_last_0"].to_numpy(), np.stack(seen)[:, 0])


@needs_store
def test_history_values_the_store_cannot_read_are_converted_as_python_does(monkeypatch):
    from gym_anytrading.envs import StocksEnv

    import mlops_notebooks.rl.recorder as recorder

    class Labelled(StocksEnv):
        """total_profit becomes a label from tick 150 on (gym-anytrading keeps it in history)."""

        def _get_info(self):
            info = super()._get_info()
            if self._current_tick >= 150:
                info["total_profit"] = f"{info['total_profit']:.3f}"
            return info

    def make():
        prices = make_trading_env("googl").unwrapped.df
        return Labelled(df=prices, window_size=30, frame_bound=(100, 260))

    monkeypatch.setattr(recorder, "STORE_FLUSH_ROWS", 100)
    monkeypatch.setattr(recorder, "EPISODE_FLUSH_ROWS", 100)  # the same chunks both ways
    actions = np.random.default_rng(7).integers(0, 2, 200).tolist()
    compiled = _record_generic(make, actions)
    assert compiled._store is not None and compiled._from_env
    frame = compiled.trajectory().frame
    monkeypatch.setattr(recorder, "_steprec", None)
    expected = _record_generic(make, actions).trajectory().frame
    assert expected["info_total_profit"].dtype == pl.String  # floats and labels, as Python keeps
    assert frame.equals(expected)


def test_episode_seed_and_step_columns_are_expanded_from_segments():
    from mlops_notebooks.rl.recorder import _expand

    # episode, seed, first step, rows: a mid-episode continuation, an empty segment, a seed of
    # None (-1), and values far apart (the running sum wraps around and comes back exactly)
    segments = [(0, 7, 0, 3), (0, 7, 3, 2), (1, -1, 0, 0), (2, -1, 0, 4), (3, 2**62, 5, 1)]
    n = sum(s[3] for s in segments)
    out = [np.full(n, -99, dtype=np.int64) for _ in range(3)]
    _expand(segments, *out)
    lengths = [s[3] for s in segments]
    for column, values in zip(
        out, ([s[0] for s in segments], [s[1] for s in segments]), strict=False
    ):
        assert column.tolist() == np.repeat(values, lengths).tolist()
    assert out[2].tolist() == [0, 1, 2, 3, 4, 0, 1, 2, 3, 5]


def test_computed_columns_share_one_block_aligned_for_huge_pages():
    from mlops_notebooks.rl.recorder import _HUGE_PAGE, _Block

    small = _Block(10, 3)
    a, b = small.new(np.int64), small.new(np.float64)
    assert np.shares_memory(small._memory, a) and np.shares_memory(small._memory, b)
    assert a.dtype == np.int64 and b.dtype == np.float64 and len(a) == len(b) == 10
    small.new(np.int64)
    extra = small.new(np.int64)  # the block is full: a column of its own
    assert not np.shares_memory(small._memory, extra) and len(extra) == 10
    rows = _HUGE_PAGE // 8  # 2 MB per column: whole huge pages from a 2 MB boundary
    large = _Block(rows, 2)
    first = large.new(np.datetime64(0, "us").dtype)
    assert first.dtype == np.dtype("datetime64[us]") and np.shares_memory(first, large._memory)
    if hasattr(mmap, "MADV_HUGEPAGE"):  # Linux: cut at a 2 MB boundary
        assert first.ctypes.data % _HUGE_PAGE == 0
    part = np.arange(3.0)
    assert large.join([part]) is part  # one part: as it is
    joined = large.join([np.arange(rows // 2, dtype=np.int64)] * 2)
    assert np.shares_memory(joined, large._memory) and joined[rows // 2] == 0
    assert large.join([np.ones(2, np.float32), np.ones(1, np.float32)]).tolist() == [1.0] * 3


def test_market_arrays_are_read_again_when_the_environment_replaces_them():
    env = make_trading_env("googl", start=100, end=160)
    first = record_episodes(env, BuyAndHoldAgent()).frame
    inner = env.unwrapped
    inner.prices = inner.prices * 2  # a new array: the cached one must not be used
    second = record_episodes(env, BuyAndHoldAgent()).frame
    np.testing.assert_allclose(second["price"].to_numpy(), 2 * first["price"].to_numpy())
