"""``mlops-nb evaluate`` and ``mlops-nb segments`` end to end (in process)."""

from __future__ import annotations

import json

import numpy as np

from mlops_notebooks.cli.main import main
from tests.cli.conftest import run_evaluate
from tests.evaluation.conftest import binary_frame


def test_evaluate_command(rng, tmp_path, capsys):
    code = run_evaluate(
        rng, tmp_path, "--json", str(tmp_path / "e.json"), "--html", str(tmp_path / "e.html")
    )
    assert code == 0
    printed = capsys.readouterr().out.splitlines()
    payload = json.loads((tmp_path / "e.json").read_text())
    accuracy = payload["metrics"][0]
    assert accuracy["metric"] == "accuracy"
    assert printed[1] == (
        f"{'accuracy':<20} {accuracy['value']:>9.4f}   "
        f"[{accuracy['ci_low']:.4f}, {accuracy['ci_high']:.4f}]"
    )
    assert any(
        line.startswith("origin: 3 groups, demographic parity difference ") for line in printed
    )
    assert payload["bias"]["summary"][0]["grouping"] == "origin"
    assert (tmp_path / "e.html").read_text().startswith("<!DOCTYPE html>")


def test_evaluate_bad_input_exits_2(rng, tmp_path, capsys):
    path = tmp_path / "outputs.parquet"
    binary_frame(rng, 100).write_parquet(path)
    code = main(["evaluate", str(path), "--target", "target", "--prediction", "origin"])
    assert code == 2
    assert "never occur in the target" in capsys.readouterr().err


def test_segments_command(rng, tmp_path, capsys):
    frame = binary_frame(rng, 5000)
    bad = (frame["origin"] == "EWR").to_numpy()
    wrong = rng.random(frame.height) < np.where(bad, 0.5, 0.1)
    frame = frame.with_columns(error=wrong.astype(float))
    path = tmp_path / "scores.parquet"
    frame.write_parquet(path)
    code = main(
        [
            "segments",
            str(path),
            "--score",
            "error",
            "--features",
            "origin,carrier,hour",
            "--top-k",
            "3",
            "--json",
            str(tmp_path / "s.json"),
        ]
    )
    assert code == 0
    assert 'origin == "EWR"' in capsys.readouterr().out
    assert json.loads((tmp_path / "s.json").read_text())["segments"][0]["rank"] == 1
