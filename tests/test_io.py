"""Atomic writes: content, mode and no leftovers."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mlops_notebooks._io import write_bytes_atomic, write_text_atomic


def test_atomic_write_replaces_content_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "report.json"
    write_text_atomic(target, "first")
    write_bytes_atomic(target, b"second")
    assert target.read_text() == "second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]


def test_atomic_write_gives_the_mode_of_a_plain_open(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "index.html", "<p>x</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
