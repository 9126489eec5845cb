"""compare_commits' arithmetic, table and output parsing, on fake timings (no git, no runs)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "compare_commits.py"


@pytest.fixture(scope="module")
def cc() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_commits", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["compare_commits"] = module
    spec.loader.exec_module(module)
    return module


def test_summarize_medians_mins_ratios_and_noise(cc: ModuleType) -> None:
    summary = cc.summarize([10.0, 12.0, 11.0], [9.0, 9.5, 10.0])
    assert summary["before"]["median"] == 11.0
    assert summary["before"]["min"] == 10.0
    assert summary["after"]["median"] == 9.5
    assert summary["ratio_median"] == pytest.approx(9.5 / 11.0)
    assert summary["ratio_min"] == pytest.approx(0.9)
    # Noise: the wider relative range of the two sides, here before's (12 - 10) / 11.
    assert summary["noise"] == pytest.approx(2 / 11)
    assert summary["verdict"] == "same"  # 13.6 % faster but within 18 % noise
    assert summary["before"]["samples"] == [10.0, 12.0, 11.0]
    # Round by round: 9/10, 9.5/12, 10/11; after lower in every round.
    assert summary["ratio_paired"] == pytest.approx(0.9)
    assert summary["after_higher"] == "0/3"


@pytest.mark.parametrize(
    ("after", "verdict"),
    [([12.0, 12.1, 12.2], "worse"), ([8.0, 8.1, 8.2], "better"), ([10.1, 10.0, 9.9], "same")],
)
def test_verdict_beyond_noise(cc: ModuleType, after: list[float], verdict: str) -> None:
    assert cc.summarize([10.0, 10.1, 9.9], after)["verdict"] == verdict


def test_mann_whitney_p_value_separates_disjoint_samples(cc: ModuleType) -> None:
    disjoint = cc.summarize([1.0, 1.1, 1.2, 1.3, 1.4], [2.0, 2.1, 2.2, 2.3, 2.4])
    assert disjoint["p_value"] == pytest.approx(2 / 252)  # exact two-sided, 5 vs 5
    single = cc.summarize([1.0], [2.0])
    assert single["p_value"] is None
    assert single["verdict"] == "n/a"


def test_summarize_needs_samples(cc: ModuleType) -> None:
    with pytest.raises(ValueError, match="at least one sample"):
        cc.summarize([], [1.0])


def test_format_table_rows(cc: ModuleType) -> None:
    before = cc.Samples("old", "a" * 40)
    after = cc.Samples("new", "b" * 40)
    for value in (2.0, 2.2, 2.1):
        before.add({"wall_s": value, "only_before": 1.0})
    for value in (3.0, 3.1, 3.2):
        after.add({"wall_s": value})
    lines = cc.format_table(before, after).splitlines()
    assert lines[0] == "before = old (aaaaaaaaa), after = new (bbbbbbbbb); ratio = after / before"
    assert len(lines) == 3  # title, header, wall_s; a figure missing on one side is left out
    cells = lines[2].split()
    assert cells[0] == "wall_s"
    assert [float(c) for c in cells[1:8]] == [2.1, 2.0, 3.1, 3.0, 1.476, 1.5, 1.5]
    assert cells[8] == "3/3"
    assert cells[-1] == "worse"


# One line as each benchmark prints it (copied from their f-strings).
OUTPUTS = {
    "segments": "find_segments: rows=1,000,000 features=10 tested=2,311 seconds=12.57 "
    "peak_rss_mb=539 planted_in_top3=True budget=60s/4096MB within_budget=True",
    "evaluate": "evaluate: rows=1,000,000 resamples=1000 seconds=8.25 peak_rss_mb=612 "
    "budget_seconds=30 within_budget=True",
    "drift": "N= 1,000,000  ours    2.31 s     801 MB\n"
    "  whole process: --json 3.40 s, --json --html 3.90 s (1.15x; bound 1.2x)",
    "profile": "whole process (best of runs; interpreter start, imports and writing included):\n"
    "  mlops-nb profile --json              4.10 s\n"
    "  mlops-nb profile --json --html       4.60 s  (1.12x the --json time; bound 1.2x)\n"
    "in process, correlation rows: 100000\n"
    "mlops-notebooks profile:     3.20 s  peak 1.25 GiB",
    "load": "full read, polars           0.210   0.230  1.10x          1.08x     900     950  120\n"
    "full read, pandas            0.500   0.520  1.04x          1.02x    1900    1950  120\n"
    "5 columns, polars            0.050   0.052  1.04x          1.00x     200     210  120\n"
    "200k-row sample, polars      0.220   0.230  1.05x          1.05x     900     950  120",
    "sentiment_notebook": "notebook sentiment_model_evaluation_details (sample_size=0): 95.3 s "
    "(within the 180 s budget)",
    "cli_help": "",
}


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_every_preset_reads_its_benchmark_output(cc: ModuleType, name: str) -> None:
    values = cc.extract(cc.PRESETS[name].metrics, OUTPUTS[name])
    expected = {
        "segments": {"in_process_s": 12.57, "peak_rss_mb": 539.0},
        "evaluate": {"in_process_s": 8.25, "peak_rss_mb": 612.0},
        "drift": {"in_process_s": 2.31, "peak_rss_mb": 801.0, "cli_json_s": 3.4,
                  "cli_json_html_s": 3.9},
        "profile": {"cli_json_s": 4.1, "cli_json_html_s": 4.6, "in_process_s": 3.2,
                    "peak_gib": 1.25},
        "sentiment_notebook": {"notebook_s": 95.3},
        "cli_help": {},
    }  # fmt: skip
    if name == "load":
        assert values["polars_direct_s"] == 0.21
        assert values["pandas_load_s"] == 0.52
        assert values["columns_ratio"] == 1.04
        assert values["sample_ratio"] == 1.05
        assert values["pandas_load_peak_mb"] == 1950
        assert values["sample_imports_mb"] == 120
        assert len(values) == 28
    else:
        assert values == expected[name]


def test_extract_fails_loudly_when_output_changed(cc: ModuleType) -> None:
    with pytest.raises(SystemExit, match="no match"):
        cc.extract(cc.PRESETS["segments"].metrics, "find_segments: seconds=n/a")


def test_parse_args_splits_options_and_command(cc: ModuleType) -> None:
    args, command = cc.parse_args(["A", "B", "--rounds", "3", "--", "python", "-V"])
    assert (args.before, args.after, args.rounds, command) == ("A", "B", 3, ["python", "-V"])
    args, command = cc.parse_args(["A", "B", "--preset", "load"])
    assert (args.preset, command) == ("load", [])


@pytest.mark.parametrize(
    "argv",
    [
        ["A", "B"],
        ["A", "B", "--preset", "load", "--", "x"],
        ["A", "B", "--preset", "load", "--rounds", "0"],
    ],
)
def test_parse_args_rejects(cc: ModuleType, argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        cc.parse_args(argv)


def test_markdown_table_from_saved_comparisons(cc: ModuleType) -> None:
    result = {
        "preset": "evaluate",
        "command": ["python", "bench.py"],
        "figures": {"wall_s": cc.summarize([4.0, 5.0, 6.0], [2.0, 2.5, 3.0])},
    }
    lines = cc.markdown_table([result]).splitlines()
    assert lines[0].startswith("| benchmark | figure |")
    assert lines[2] == (
        "| evaluate | wall_s | 5 (4) | 2.5 (2) | 0.50 (0.50) | 0.50 | 0/3 | 40% | 0.10 | better |"
    )


def test_run_order_alternates_which_side_goes_first(cc: ModuleType) -> None:
    sides = ["before", "after"]
    rounds = [cc.run_order(sides, n, "abba") for n in (1, 2, 3, 4)]
    assert rounds == [sides, ["after", "before"], sides, ["after", "before"]]
    assert cc.run_order(sides, 2, "ab") == sides


def test_changes_within_the_tolerance_are_the_same(cc: ModuleType) -> None:
    # Peak memory: no noise at all, and a 1.3 % rise is still "same" under the 2 % default.
    assert cc.summarize([538.0, 538.0, 538.0], [545.0, 545.0, 545.0])["verdict"] == "same"
    assert cc.summarize([538.0, 538.0], [545.0, 545.0], tolerance=0.0)["verdict"] == "worse"


@pytest.mark.parametrize("name", ["nothing.parquet", "weights_1000.parquet"])
def test_write_data_refuses_names_without_a_recipe(cc: ModuleType, name: str) -> None:
    with pytest.raises(SystemExit, match="no recipe"):
        cc.write_data(name)
