"""``mlops-nb drift`` and scripts/check_data_drift.py: exit codes, table, JSON, HTML."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlops_notebooks.cli.main import main
from tests.drift.conftest import PLANTED, make_frame

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def files(tmp_path: Path, rng: np.random.Generator) -> dict[str, str]:
    paths = {
        "ref": tmp_path / "ref.parquet",
        "same": tmp_path / "same.parquet",
        "drifted": tmp_path / "drifted.parquet",
    }
    make_frame(rng, 2000).write_parquet(paths["ref"])
    make_frame(rng, 2000).write_parquet(paths["same"])
    make_frame(rng, 2000, shift=1.0).write_parquet(paths["drifted"])
    return {k: str(v) for k, v in paths.items()}


def test_no_drift_exits_0(files, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["drift", files["ref"], files["same"]]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "column",
        "kind",
        "method",
        "statistic",
        "p_value",
        "threshold",
        "drift",
    ]
    assert "no dataset drift: 0 of 6 columns drifted" in out


def test_drift_exits_1_and_writes_json_and_html(files, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out_json, out_html = tmp_path / "out" / "drift.json", tmp_path / "drift.html"
    code = main(
        ["drift", files["ref"], files["drifted"], "--json", str(out_json), "--html", str(out_html)]
    )
    assert code == 1
    document = json.loads(out_json.read_text())
    assert document["dataset_drift"] is True and document["drift_share"] == 0.5
    assert sorted(document["drifted_columns"]) == sorted(PLANTED)
    assert document["reference"]["ref"] == files["ref"]
    assert document["current"]["rows"] == 2000
    assert out_html.read_text().startswith("<!DOCTYPE html>")
    assert "DRIFT" in capsys.readouterr().out


def test_columns_and_config(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "drift.yaml"
    config.write_text("drift_share: 0.9\nthresholds: {wasserstein: 0.05}\n")
    out_json = tmp_path / "d.json"
    code = main(
        [
            "drift",
            files["ref"],
            files["drifted"],
            "--columns",
            "x_shifted,x_stable",
            "--config",
            str(config),
            "--json",
            str(out_json),
        ]
    )
    document = json.loads(out_json.read_text())
    assert [c["column"] for c in document["columns"]] == ["x_shifted", "x_stable"]
    assert document["columns"][0]["threshold"] == 0.05
    assert code == 0 and document["drift_share"] == 0.9  # 1 of 2 drifted < 0.9


def test_bad_input_exits_2(files, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["drift", files["ref"], str(tmp_path / "missing.parquet")]) == 2
    assert main(["drift", files["ref"], files["same"], "--columns", "nope"]) == 2
    err = capsys.readouterr().err
    assert "columns ['nope'] are not in both reference and current" in err


def test_script_calls_the_same_code(files) -> None:  # type: ignore[no-untyped-def]
    script = ROOT / "scripts" / "check_data_drift.py"
    done = subprocess.run(
        [sys.executable, str(script), files["ref"], files["drifted"]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "DRIFT: 3 of 6 columns drifted" in done.stdout
