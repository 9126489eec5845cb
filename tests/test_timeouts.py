"""The per-test time limit: configured, longer for notebook tests, and enforced."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import NOTEBOOK_TIMEOUT_SECONDS

ROOT = Path(__file__).parents[1]


def test_every_test_has_a_limit(request: pytest.FixtureRequest) -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    assert settings["ini_options"]["timeout"] == 180
    assert request.config.getini("timeout") == "180"
    assert request.node.get_closest_marker("timeout") is None  # the default applies


@pytest.mark.slow
def test_slow_tests_get_the_longer_limit(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("timeout").args == (NOTEBOOK_TIMEOUT_SECONDS,)


def test_a_hung_test_fails_instead_of_blocking(tmp_path: Path) -> None:
    (tmp_path / "test_hangs.py").write_text(
        "import time\n\ndef test_hangs():\n    time.sleep(60)\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "timeout=1",
         str(tmp_path / "test_hangs.py")],
        capture_output=True, text=True, timeout=50, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout
    assert "Timeout (>1.0s)" in done.stdout
