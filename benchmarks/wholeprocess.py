"""Whole-process timing: what a user waits for, from typing the command to the prompt.

Interpreter start, imports, reading, computing and writing every output all count. Each command
runs ``repeat`` times in a fresh process; the best wall-clock time is kept (the least disturbed
by other work on a shared machine).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Our CLI from this checkout (not whatever the venv has installed), headless, no telemetry.
OURS_ENV = {
    "PATH": "/usr/bin:/bin",
    "PYTHONPATH": str(ROOT / "src"),
    "MPLBACKEND": "Agg",
    "DO_NOT_TRACK": "1",
    "EVIDENTLY_DISABLE_TELEMETRY": "1",
    "HOME": os.environ.get("HOME", "/tmp"),
}
PEER_ENV = {key: value for key, value in OURS_ENV.items() if key != "PYTHONPATH"}


def time_command(
    argv: Sequence[str],
    *,
    repeat: int = 3,
    env: dict[str, str] | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> float:
    """Best wall-clock seconds of ``argv`` over ``repeat`` fresh runs; fail on other exit codes."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(
            list(argv), capture_output=True, text=True, env=env or OURS_ENV, check=False
        )
        elapsed = time.perf_counter() - started
        if done.returncode not in ok_codes:
            raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr[-3000:]}")
        best = min(best, elapsed)
    return best
