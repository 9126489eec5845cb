"""Benchmark ``mlops_notebooks.drift.compare`` against Evidently's ``DataDriftPreset``.

Both tools read the same generated Parquet files (``benchmarks/datagen.py``: reference seed 0,
current seed 1 with ``--shift 0.1``), N rows each × 26 columns, and compare them with the same
default methods (normalized Wasserstein for numeric columns, Jensen–Shannon for categorical
ones above 1,000 rows). Each run happens in its own subprocess so peak memory (max RSS) is the
tool's own; time covers reading and comparing, not importing.

Beside it, the *whole process* a user waits for: ``mlops-nb drift REF CUR --json`` and
``... --json --html`` (interpreter start, imports, reading, comparing, writing; best of
``--repeat``), and an Evidently script that runs the preset and saves its HTML.

Usage (serialise heavy runs on the shared machine)::

    flock /tmp/mlops-bench.lock .venv/bin/python benchmarks/bench_drift.py \\
        --rows 100000 1000000 10000000 --evidently-max-rows 1000000 --out /tmp/drift.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from wholeprocess import OURS_ENV, PEER_ENV, time_command  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
OURS_PYTHON = ROOT / ".venv" / "bin" / "python"
EVIDENTLY_PYTHON = ROOT / ".venv-bench" / "bin" / "python"

OURS = """
import json, resource, sys, time
from mlops_notebooks.drift import compare
import polars as pl
started = time.perf_counter()
report = compare(pl.read_parquet(sys.argv[1]), pl.read_parquet(sys.argv[2]))
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "share": report.share_of_drifted_columns,
    "values": {c.column: c.statistic for c in report.columns if c.statistic is not None},
    "methods": {c.column: c.method for c in report.columns if c.method}}))
"""

EVIDENTLY = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
started = time.perf_counter()
reference, current = pd.read_parquet(sys.argv[1]), pd.read_parquet(sys.argv[2])
snapshot = Report([DataDriftPreset()]).run(current, reference)
seconds = time.perf_counter() - started
metrics = snapshot.dict()["metrics"]
values = {m["config"]["column"]: m["value"] for m in metrics
          if m["config"]["type"].endswith("ValueDrift")}
share = next(m["value"]["share"] for m in metrics if "DriftedColumnsCount" in m["config"]["type"])
print(json.dumps({"seconds": seconds,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "share": share, "values": values}))
"""


EVIDENTLY_HTML = """
import sys, warnings
warnings.simplefilter("ignore")
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
reference, current = pd.read_parquet(sys.argv[1]), pd.read_parquet(sys.argv[2])
Report([DataDriftPreset()]).run(current, reference).save_html(sys.argv[3])
"""


def whole_process(reference: Path, current: Path, *, repeat: int, peer: bool) -> dict[str, float]:
    """Seconds of each whole command: ours --json, ours --json --html, Evidently to HTML."""
    cli = str(ROOT / ".venv" / "bin" / "mlops-nb")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        json_only = [cli, "drift", str(reference), str(current), "--json", str(out / "d.json")]
        html = [*json_only, "--html", str(out / "d.html")]
        times = {
            "json": time_command(json_only, repeat=repeat, ok_codes=(0, 1)),
            "json_html": time_command(html, repeat=repeat, ok_codes=(0, 1)),
        }
        if peer:
            argv = [str(EVIDENTLY_PYTHON), "-c", EVIDENTLY_HTML, str(reference), str(current)]
            times["evidently_html"] = time_command(
                [*argv, str(out / "evidently.html")], repeat=1, env=PEER_ENV
            )
    return times


def whole_process_line(times: dict[str, float]) -> str:
    """One printable line of whole-process times and the --html overhead ratio."""
    line = (
        f"  whole process: --json {times['json']:.2f} s, --json --html {times['json_html']:.2f} s"
        f" ({times['json_html'] / times['json']:.2f}x; bound 1.2x)"
    )
    if "evidently_html" in times:
        line += (
            f" | evidently to HTML {times['evidently_html']:.2f} s"
            f" ({times['evidently_html'] / times['json_html']:.1f}x slower)"
        )
    return line


def data_files(rows: int) -> tuple[Path, Path]:
    """Generate (once) and return the reference and current Parquet files for ``rows``."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from datagen import write

    reference = DATA / f"drift_ref_{rows}.parquet"
    current = DATA / f"drift_cur_{rows}.parquet"
    if not reference.exists():
        write(rows, 0, 0.0, reference)
    if not current.exists():
        write(rows, 1, 0.1, current)
    return reference, current


def run(python: Path, code: str, reference: Path, current: Path) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter and return the JSON it prints."""
    env = OURS_ENV if python == OURS_PYTHON else PEER_ENV
    done = subprocess.run(
        [str(python), "-c", code, str(reference), str(current)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def agreement(ours: dict[str, object], theirs: dict[str, object]) -> dict[str, float]:
    """Largest absolute difference of per-column statistics, and share of equal decisions."""
    mine, other = ours["values"], theirs["values"]
    assert isinstance(mine, dict) and isinstance(other, dict)
    common = [c for c in mine if c in other]
    differences = [abs(mine[c] - other[c]) for c in common]
    same = [(mine[c] >= 0.1) == (other[c] >= 0.1) for c in common]
    return {
        "columns": len(common),
        "max_abs_difference": max(differences),
        "same_decisions": sum(same) / len(same),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--evidently-max-rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, help="also write the results as JSON")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each whole command")
    args = parser.parse_args()
    results = []
    for rows in args.rows:
        reference, current = data_files(rows)
        ours = run(OURS_PYTHON, OURS, reference, current)
        entry: dict[str, object] = {"rows": rows, "ours": ours}
        if rows <= args.evidently_max_rows and EVIDENTLY_PYTHON.exists():
            theirs = run(EVIDENTLY_PYTHON, EVIDENTLY, reference, current)
            entry["evidently"] = theirs
            entry["speedup"] = theirs["seconds"] / ours["seconds"]  # type: ignore[operator]
            entry["memory_ratio"] = ours["peak_mb"] / theirs["peak_mb"]
            entry["agreement"] = agreement(ours, theirs)
        entry["whole_process"] = whole_process(
            reference,
            current,
            repeat=args.repeat,
            peer=rows <= args.evidently_max_rows and EVIDENTLY_PYTHON.exists(),
        )
        results.append(entry)
        print(summary_line(entry), flush=True)
        print(whole_process_line(entry["whole_process"]), flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        for entry in results:
            for tool in ("ours", "evidently"):
                if isinstance(entry.get(tool), dict):
                    entry[tool] = {k: v for k, v in entry[tool].items() if k != "methods"}  # type: ignore[union-attr]
        args.out.write_text(json.dumps(results, indent=2) + "\n")


def summary_line(entry: dict[str, object]) -> str:
    """One printable line per size."""
    ours = entry["ours"]
    assert isinstance(ours, dict)
    line = f"N={entry['rows']:>10,}  ours {ours['seconds']:7.2f} s {ours['peak_mb']:7.0f} MB"
    theirs = entry.get("evidently")
    if isinstance(theirs, dict):
        line += (
            f" | evidently {theirs['seconds']:7.2f} s {theirs['peak_mb']:7.0f} MB"
            f" | {entry['speedup']:.1f}x faster, {entry['memory_ratio']:.2f} of its memory"
            f" | agreement {entry['agreement']}"
        )
    return line


if __name__ == "__main__":
    main()
