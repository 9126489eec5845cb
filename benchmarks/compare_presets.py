"""The benchmarks ``compare_commits.py`` knows by name, and the inputs they need.

Each preset is a command run from a worktree's root and the regular expressions (named groups)
that read its figures from the output. Whole-process presets (``cli_*``) time one ``mlops-nb``
command as a user types it; the others run a ``bench_*.py`` script and read what it prints.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = ".venv/bin/python"
MLOPS_NB = ".venv/bin/mlops-nb"
DATA = "benchmarks/data"
NUMBER = r"[0-9]+(?:\.[0-9]+)?"


@dataclass(frozen=True)
class Preset:
    """A benchmark command (run from the worktree root) and the figures to read from its output."""

    command: tuple[str, ...]
    metrics: tuple[str, ...]
    note: str = ""
    ok_codes: tuple[int, ...] = (0,)
    data: str | None = None  # a file under benchmarks/data that ``write_data`` makes once


def _pattern(label: str, *names: str) -> str:
    """A regex for a ``bench_load`` table row: the label then one named number per column."""
    columns = r"\s+".join(rf"(?P<{n}>{NUMBER})x?" for n in names)
    return re.escape(label) + r"\s+" + columns


def _argv(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PRESETS: dict[str, Preset] = {
    "segments": Preset(
        (PY, "benchmarks/bench_segments.py", "--rows", "1000000"),
        (rf"seconds=(?P<in_process_s>{NUMBER}) peak_rss_mb=(?P<peak_rss_mb>{NUMBER})",),
    ),
    "evaluate": Preset(
        (PY, "benchmarks/bench_evaluate.py", "--rows", "1000000", "--resamples", "1000"),
        (rf"seconds=(?P<in_process_s>{NUMBER}) peak_rss_mb=(?P<peak_rss_mb>{NUMBER})",),
    ),
    "load": Preset(
        (PY, "benchmarks/bench_load.py", "--repeat", "5"),
        tuple(
            _pattern(
                label,
                *(f"{key}_{n}" for n in ("direct_s", "load_s", "ratio", "median_ratio")),
                *(f"{key}_{n}" for n in ("direct_peak_mb", "load_peak_mb", "imports_mb")),
            )
            for label, key in (
                ("full read, polars", "polars"),
                ("full read, pandas", "pandas"),
                ("5 columns, polars", "columns"),
                ("200k-row sample, polars", "sample"),
            )
        ),
        "ratios are load / direct read in the same child (best of --repeat)",
    ),
    "profile": Preset(
        (
            *(PY, "benchmarks/bench_profile.py", "--rows", "1000000", "--skip-peer"),
            *("--whole-process-repeat", "1"),
        ),
        (
            rf"profile --json\s+(?P<cli_json_s>{NUMBER}) s",
            rf"profile --json --html\s+(?P<cli_json_html_s>{NUMBER}) s",
            rf"mlops-notebooks profile:\s+(?P<in_process_s>{NUMBER}) s\s+peak "
            rf"(?P<peak_gib>{NUMBER}) GiB",
        ),
        "whole-process: mlops-nb profile DATA --json [--html]",
    ),
    "drift": Preset(
        (PY, "benchmarks/bench_drift.py", "--rows", "1000000", "--repeat", "1"),
        (
            rf"ours\s+(?P<in_process_s>{NUMBER}) s\s+(?P<peak_rss_mb>{NUMBER}) MB",
            rf"--json (?P<cli_json_s>{NUMBER}) s, --json --html (?P<cli_json_html_s>{NUMBER}) s",
        ),
        "whole-process: mlops-nb drift REF CUR --json [--html]",
    ),
    "sentiment_notebook": Preset(
        (PY, "benchmarks/bench_sentiment_notebook.py"),
        (rf"\(sample_size=0\): (?P<notebook_s>{NUMBER}) s",),
        "the whole notebook through run_notebook: kernel start, training, analyses, HTML",
    ),
    "cli_profile": Preset(
        _argv(f"{MLOPS_NB} profile {DATA}/profile_1000000.parquet --json p.json --html p.html"),
        (),
        "whole process: mlops-nb profile on 1M rows x 26 columns, JSON and HTML written",
        data="profile_1000000.parquet",
    ),
    "cli_drift": Preset(
        _argv(
            f"{MLOPS_NB} drift {DATA}/drift_ref_1000000.parquet {DATA}/drift_cur_1000000.parquet"
            " --json d.json --html d.html"
        ),
        (),
        "whole process: mlops-nb drift on 1M vs 1M rows x 26 columns, JSON and HTML written",
        ok_codes=(0, 1),
        data="drift_cur_1000000.parquet",
    ),
    "cli_evaluate": Preset(
        _argv(
            f"{MLOPS_NB} evaluate {DATA}/evaluate_1000000.parquet --target target"
            " --prediction prediction --probabilities probability --group group"
            " --n-bootstrap 1000 --json e.json --html e.html"
        ),
        (),
        "whole process: mlops-nb evaluate, 1M binary outputs, 1,000 resamples, fairness by group",
        data="evaluate_1000000.parquet",
    ),
    "cli_segments": Preset(
        _argv(
            f"{MLOPS_NB} segments {DATA}/segments_1000000.parquet --score error --top-k 10"
            " --json s.json --html s.html"
        ),
        (),
        "whole process: mlops-nb segments on bench_segments' 1M rows x 10 features",
        data="segments_1000000.parquet",
    ),
    "cli_help": Preset(
        (".venv/bin/mlops-nb", "--help"),
        (),
        "start-up of the CLI (heavy imports must stay lazy)",
    ),
}


def write_data(name: str) -> Path:
    """Generate a preset's input under ``benchmarks/data`` once (same seeds as the benchmarks)."""
    path = HERE / "data" / name
    if path.exists():
        return path
    size = path.stem.rpartition("_")[2]  # drift_cur_10000.parquet: 10,000 rows
    if not size.isdigit():
        raise SystemExit(f"no recipe for benchmarks/data/{name} (expected NAME_ROWS.parquet)")
    rows = int(size)
    sys.path.insert(0, str(HERE))
    import numpy as np
    from datagen import write

    if name.startswith(("profile_", "drift_ref_")):
        write(rows, 0, 0.0, path)
    elif name.startswith("drift_cur_"):
        write_data(f"drift_ref_{rows}.parquet")  # a current file always has its reference
        write(rows, 1, 0.1, path)
    elif name.startswith("evaluate_"):
        from bench_evaluate import make_outputs

        groups = np.array(["a", "b", "c", "d"])[np.random.default_rng(1).integers(0, 4, rows)]
        make_outputs(rows, 0).with_columns(group=groups).write_parquet(path)
    elif name.startswith("segments_"):
        from bench_segments import make_data

        make_data(rows, 0)[0].write_parquet(path)
    else:
        raise SystemExit(f"no recipe for benchmarks/data/{name}")
    return path
