"""Compare a benchmark between two git revisions, side by side on the same machine.

Each revision is checked out into a temporary ``git worktree add --detach`` (removed afterwards)
that shares this checkout's venv (``.venv``) and generated data (``benchmarks/data``). The
benchmark command then runs with the worktree as its working directory and
``PYTHONPATH=<worktree>/src``, so the venv imports *that revision's* library, CLI and notebooks.
Runs alternate between the revisions for ``--rounds`` rounds — before, after | after, before | …
(``--order abba``, the default, so a load that grows over the session does not always fall on
the same side; ``--order ab`` keeps before first) — each run alone under the shared benchmark
lock (taken around the run and not timed), so both revisions meet the same machine.

Figures, all "lower is better":

* ``wall_s`` — the whole command as a user meets it: interpreter start, imports, reading,
  computing and writing (built in, for every command);
* ``cpu_s`` — user + system CPU seconds of the command's whole process tree (built in; less
  disturbed than wall time by other work on a shared machine, but blind to waiting);
* ``tree_peak_rss_mb`` — the largest resident set of any process in the command's tree
  (``wait4``; built in);
* whatever the benchmark prints, picked out by regular expressions with named groups
  (``--metric``, or a ``--preset``'s own): in-process seconds, whole-process seconds of the
  benchmarks' own whole-process modes, peak memory.

By default the *benchmark scripts* of this checkout are copied over both worktrees
(``--scripts current``), so only the library differs; ``--scripts own`` runs each revision's own
scripts instead.

Usage::

    .venv/bin/python benchmarks/compare_commits.py 345eead a06c894 --preset segments --rounds 5 \\
        --json /tmp/segments.json
    .venv/bin/python benchmarks/compare_commits.py markdown /tmp/segments.json  # a Markdown table
    .venv/bin/python benchmarks/compare_commits.py HEAD~1 HEAD --rounds 7 \\
        --metric 'seconds=(?P<seconds>[0-9.]+)' -- .venv/bin/python benchmarks/bench_evaluate.py
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOCK = Path("/tmp/mlops-bench.lock")
TOLERANCE = 0.02  # relative changes this small are "same"
sys.path.insert(0, str(HERE))
from compare_presets import PRESETS, PY, write_data  # noqa: E402


@dataclass
class Samples:
    """Every figure of one revision, one list entry per round."""

    revision: str
    commit: str
    figures: dict[str, list[float]] = field(default_factory=dict)

    def add(self, values: Mapping[str, float]) -> None:
        """Append one round's figures."""
        for name, value in values.items():
            self.figures.setdefault(name, []).append(value)


def summarize(
    before: Sequence[float], after: Sequence[float], tolerance: float = TOLERANCE
) -> dict[str, Any]:
    """Median, min and spread of each side, the after/before ratios and a verdict.

    The noise is the larger relative range (max - min) / median of the two sides: the run-to-run
    variation of one revision against itself. A change within it is ``same``; beyond it the
    verdict is ``better`` or ``worse`` (every figure is lower-is-better); with a single run on
    either side there is no noise estimate and the verdict is ``n/a``. Changes within
    ``tolerance`` are ``same`` whatever the noise (peak memory can be near-deterministic and still
    move a percent with the allocator).
    """
    if not before or not after:
        raise ValueError("each side needs at least one sample")
    sides = {}
    for name, values in (("before", before), ("after", after)):
        median = statistics.median(values)
        spread = (max(values) - min(values)) / median if median else 0.0
        sides[name] = {"median": median, "min": min(values), "spread": spread}
    b, a = sides["before"], sides["after"]
    ratio = a["median"] / b["median"] if b["median"] else float("nan")
    ratio_min = a["min"] / b["min"] if b["min"] else float("nan")
    noise = max(b["spread"], a["spread"])
    if min(len(before), len(after)) < 2:
        verdict = "n/a"  # no noise estimate from a single run
    elif abs(ratio - 1) <= max(noise, tolerance) or ratio != ratio:
        verdict = "same"
    else:
        verdict = "worse" if ratio > 1 else "better"
    return {
        "before": {**b, "samples": list(before)},
        "after": {**a, "samples": list(after)},
        "ratio_median": ratio,
        "ratio_min": ratio_min,
        "noise": noise,
        "verdict": verdict,
        **_paired(before, after),
        "p_value": _mann_whitney(before, after),
    }


def _paired(before: Sequence[float], after: Sequence[float]) -> dict[str, Any]:
    """Round by round (the i-th run of each side ran next to each other): the median ratio and
    in how many rounds after was higher than before."""
    if len(before) != len(after):
        return {"ratio_paired": None, "after_higher": None}
    ratios = [a / b for a, b in zip(after, before, strict=True) if b]
    higher = sum(a > b for a, b in zip(after, before, strict=True))
    return {
        "ratio_paired": statistics.median(ratios) if ratios else None,
        "after_higher": f"{higher}/{len(before)}",
    }


def _mann_whitney(before: Sequence[float], after: Sequence[float]) -> float | None:
    """Two-sided exact Mann–Whitney U p-value (None without scipy or with one sample a side)."""
    if len(before) < 2 or len(after) < 2:
        return None
    try:
        from scipy.stats import mannwhitneyu
    except ImportError:  # pragma: no cover - scipy is in the venv
        return None
    return float(mannwhitneyu(before, after, alternative="two-sided").pvalue)


def format_table(before: Samples, after: Samples, tolerance: float = TOLERANCE) -> str:
    """The side-by-side table: median and min of each side, ratios, noise and verdict."""
    header = (
        f"{'figure':<24}{'before med':>11}{'min':>9}{'after med':>11}{'min':>9}"
        f"{'ratio':>8}{'(min)':>8}{'paired':>8}{'higher':>8}{'noise':>8}{'p':>7}  verdict"
    )
    title = (
        f"before = {before.revision} ({before.commit[:9]}), "
        f"after = {after.revision} ({after.commit[:9]}); ratio = after / before"
    )
    lines = [title, header]
    for name in before.figures:
        if name not in after.figures:
            continue
        s = summarize(before.figures[name], after.figures[name], tolerance)
        p = "-" if s["p_value"] is None else f"{s['p_value']:.2f}"
        lines.append(
            f"{name:<24}{s['before']['median']:>11.3f}{s['before']['min']:>9.3f}"
            f"{s['after']['median']:>11.3f}{s['after']['min']:>9.3f}"
            f"{s['ratio_median']:>8.3f}{s['ratio_min']:>8.3f}{_number(s['ratio_paired']):>8}"
            f"{s['after_higher'] or '-':>8}{s['noise']:>7.1%}{p:>7}"
            f"  {s['verdict']}"
        )
    return "\n".join(lines)


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def markdown_table(results: Sequence[Mapping[str, Any]]) -> str:
    """A Markdown table of saved comparisons (the JSON ``compare`` returns), one row per figure."""
    lines = [
        "| benchmark | figure | before median (min) | after median (min) | ratio median (min) "
        "| paired ratio | after higher | noise | p | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        label = result.get("label") or result.get("preset") or " ".join(result["command"])
        for name, saved in result["figures"].items():
            tolerance = result.get("tolerance", TOLERANCE)
            s = summarize(saved["before"]["samples"], saved["after"]["samples"], tolerance)
            p = "–" if s["p_value"] is None else f"{s['p_value']:.2f}"
            paired = "–" if s["ratio_paired"] is None else f"{s['ratio_paired']:.2f}"
            lines.append(
                f"| {label} | {name} | {s['before']['median']:.3g} ({s['before']['min']:.3g}) "
                f"| {s['after']['median']:.3g} ({s['after']['min']:.3g}) "
                f"| {s['ratio_median']:.2f} ({s['ratio_min']:.2f}) | {paired} "
                f"| {s['after_higher'] or '–'} | {s['noise']:.0%} | {p} | {s['verdict']} |"
            )
    return "\n".join(lines)


def extract(patterns: Sequence[str], text: str) -> dict[str, float]:
    """Every named group of every pattern, as floats; a pattern that finds nothing is an error."""
    values: dict[str, float] = {}
    for pattern in patterns:
        found = re.search(pattern, text)
        if found is None:
            raise SystemExit(f"no match for {pattern!r} in the benchmark's output:\n{text[-2000:]}")
        values.update({k: float(v) for k, v in found.groupdict().items() if v is not None})
    return values


@contextmanager
def worktree(revision: str, scripts: str, keep: bool = False) -> Iterator[tuple[Path, str]]:
    """Check ``revision`` out into a temporary worktree wired to this checkout's venv and data."""
    commit = _git("rev-parse", "--verify", f"{revision}^{{commit}}").strip()
    folder = Path(tempfile.mkdtemp(prefix=f"compare-{commit[:9]}-"))
    _git("worktree", "add", "--detach", "--quiet", str(folder), commit)
    try:
        (folder / ".venv").symlink_to((ROOT / ".venv").resolve())
        data = HERE / "data"
        data.mkdir(exist_ok=True)
        (folder / "benchmarks").mkdir(exist_ok=True)
        if not (folder / "benchmarks" / "data").exists():
            (folder / "benchmarks" / "data").symlink_to(data)
        if scripts == "current":
            for script in HERE.glob("*.py"):
                shutil.copy2(script, folder / "benchmarks" / script.name)
        subprocess.run(
            [str(folder / PY), "-m", "compileall", "-q", str(folder / "src")],
            check=True,
            env=_env(folder),
        )
        yield folder, commit
    finally:
        if not keep:
            _git("worktree", "remove", "--force", str(folder))
            shutil.rmtree(folder, ignore_errors=True)


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _env(folder: Path) -> dict[str, str]:
    """This environment with the worktree's ``src`` first on the path and no project overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLOPS_NB_")}
    env.update(PYTHONPATH=str(folder / "src"), MPLBACKEND="Agg", DO_NOT_TRACK="1")
    return env


def check_imports(folder: Path) -> str:
    """Fail unless the worktree's library and CLI are the ones imported; return the module path."""
    env = _env(folder)
    code = "import mlops_notebooks; print(mlops_notebooks.__file__)"
    where = subprocess.run(
        [str(folder / PY), "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.strip()
    if not where.startswith(str(folder / "src")):
        raise SystemExit(f"{folder} imports mlops_notebooks from {where}, not its own src")
    for argv in ([PY, "-m", "mlops_notebooks", "--help"], [".venv/bin/mlops-nb", "--help"]):
        done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True)
        if done.returncode != 0 or "usage: mlops-nb" not in done.stdout:
            raise SystemExit(f"{' '.join(argv)} does not work in {folder}:\n{done.stderr[-2000:]}")
    return where


def run_once(
    folder: Path, command: Sequence[str], lock: Path | None, ok_codes: Sequence[int]
) -> tuple[dict[str, float], str]:
    """Run ``command`` once in ``folder``, alone under ``lock``: its wall time, RSS and output."""
    with _locked(lock):
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=folder,
            env=_env(folder),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output = process.stdout.read() if process.stdout else ""
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in ok_codes:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{output[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall_s": elapsed, "cpu_s": cpu, "tree_peak_rss_mb": usage.ru_maxrss / 1024}, output


@contextmanager
def _locked(lock: Path | None) -> Iterator[None]:
    if lock is None:
        yield
        return
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_order(sides: Sequence[Any], round_number: int, order: str) -> list[Any]:
    """The sides in the order of ``round_number`` (1-based).

    ``abba`` runs before-after in odd rounds and after-before in even ones, so a steady change
    of the machine's load over the session (other jobs starting) weighs on both revisions alike;
    ``ab`` always runs before first.
    """
    if order == "abba" and round_number % 2 == 0:
        return list(reversed(sides))
    return list(sides)


def compare(args: argparse.Namespace, command: Sequence[str], patterns: Sequence[str]) -> dict:
    """Alternate the two revisions for ``args.rounds`` rounds; print and return the comparison."""
    with (
        worktree(args.before, args.scripts, args.keep) as (before_dir, before_commit),
        worktree(args.after, args.scripts, args.keep) as (after_dir, after_commit),
    ):
        sides = [
            (before_dir, Samples(args.before, before_commit)),
            (after_dir, Samples(args.after, after_commit)),
        ]
        for folder, samples in sides:
            print(f"{samples.revision} ({samples.commit[:9]}) imports {check_imports(folder)}")
        for round_number in range(1, args.rounds + 1):
            for folder, samples in run_order(sides, round_number, args.order):
                figures, output = run_once(folder, command, args.lock, args.ok_codes)
                figures.update(extract(patterns, output))
                samples.add(figures)
                shown = ", ".join(f"{k}={v:.3f}" for k, v in figures.items())
                print(f"round {round_number} {samples.revision}: {shown}", flush=True)
                if args.verbose:
                    print(output)
    before, after = sides[0][1], sides[1][1]
    print(format_table(before, after, args.tolerance))
    return {
        "command": list(command),
        "rounds": args.rounds,
        "scripts": args.scripts,
        "before": {"revision": before.revision, "commit": before.commit},
        "after": {"revision": after.revision, "commit": after.commit},
        "figures": {
            name: summarize(before.figures[name], after.figures[name], args.tolerance)
            for name in before.figures
            if name in after.figures
        },
    }


def parse_args(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
    """Options before ``--``; the benchmark command after it (unless a preset gives one)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[argv.index("--") + 1 :] if "--" in argv else []
    options = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="the baseline revision (commit, branch, tag)")
    parser.add_argument("after", help="the revision to compare with it")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="a known benchmark command")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    parser.add_argument(
        "--metric", action="append", default=[], help="regex with named groups (repeatable)"
    )
    parser.add_argument(
        "--order",
        choices=("abba", "ab"),
        default="abba",
        help="abba (default): before-after, then after-before, ...; ab: always before first",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=TOLERANCE,
        help=f"relative change always called same (default {TOLERANCE})",
    )
    parser.add_argument("--scripts", choices=("current", "own"), default="current")
    parser.add_argument("--lock", type=Path, default=LOCK, help="flock file held around each run")
    parser.add_argument("--no-lock", dest="lock", action="store_const", const=None)
    parser.add_argument("--ok-codes", type=int, nargs="+", default=[0])
    parser.add_argument("--json", type=Path, help="also write the comparison as JSON here")
    parser.add_argument("--label", help="the benchmark's name in Markdown tables")
    parser.add_argument("--keep", action="store_true", help="keep the worktrees (debugging)")
    parser.add_argument("--verbose", action="store_true", help="print each run's output")
    args = parser.parse_args(options)
    if args.preset and command:
        parser.error("give either --preset or a command after --, not both")
    if not args.preset and not command:
        parser.error("give --preset NAME or a command after --")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args, command


def main(argv: Sequence[str] | None = None) -> None:
    """Run the comparison from the command line."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["markdown"]:
        print(markdown_table([json.loads(Path(f).read_text()) for f in argv[1:]]))
        return
    args, command = parse_args(argv)
    patterns = list(args.metric)
    if args.preset:
        preset = PRESETS[args.preset]
        command = list(preset.command)
        args.ok_codes = sorted({*args.ok_codes, *preset.ok_codes})
        if preset.data:
            write_data(preset.data)
        patterns = [*preset.metrics, *patterns]
        if preset.note:
            print(f"{args.preset}: {preset.note}")
    print(f"command: {' '.join(command)}  ({args.rounds} alternating rounds)")
    result = compare(args, command, patterns)
    result["order"] = args.order
    result["tolerance"] = args.tolerance
    if args.label:
        result["label"] = args.label
    if args.preset:
        result["preset"] = args.preset
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
