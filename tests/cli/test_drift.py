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


# --------------------------------------------------------------------------- inferred roles

# Real flights: a row id, the scheduled hour as a timestamp, its month and day, and two features.
ROLE_COLUMNS = ["id", "time_hour", "month", "day", "carrier", "distance"]


@pytest.fixture(scope="module")
def periods(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """First half of January as reference; second half of February as current, as is and with
    ``distance`` up by a quarter (a planted drift in a real feature)."""
    import polars as pl

    from tests.eda.conftest import nyc_flights

    flights = nyc_flights().select(ROLE_COLUMNS)
    month, day = pl.col("month"), pl.col("day")
    folder = tmp_path_factory.mktemp("periods")
    frames = {
        "reference": flights.filter((month == 1) & (day <= 15)),
        "current": flights.filter((month == 2) & (day >= 14)),
    }
    frames["planted"] = frames["current"].with_columns(pl.col("distance") * 1.25)
    paths = {}
    for name, frame in frames.items():
        paths[name] = str(folder / f"{name}.parquet")
        frame.write_parquet(paths[name], row_group_size=5_000)
    return paths


EXCLUDED = {
    "id": "identifier: unique per row",
    "time_hour": "time column",
    "month": "calendar part of time_hour",
    "day": "calendar part of time_hour",
}
EXCLUSION_LINE = (
    "Left out by inferred role: id (identifier: unique per row); time_hour (time column); "
    "month, day (calendar part of time_hour). --all-columns compares them."
)


def test_all_columns_counts_the_calendar_as_drift(periods, capsys) -> None:  # type: ignore[no-untyped-def]
    # The old behaviour: month and day differ by construction, 2 of 4 columns: exit 1.
    assert main(["drift", periods["reference"], periods["current"], "--all-columns"]) == 1
    out = capsys.readouterr().out
    assert "Left out" not in out
    assert "DRIFT: 2 of 4 columns drifted" in out
    drifted = {line.split()[0] for line in out.splitlines() if line.endswith("DRIFT")}
    assert drifted == {"month", "day"}


@pytest.mark.parametrize("engine", ["local", "stream"])
def test_id_time_and_calendar_columns_are_left_out(periods, tmp_path, capsys, engine) -> None:  # type: ignore[no-untyped-def]
    out_json, out_html = tmp_path / "drift.json", tmp_path / "drift.html"
    args = [periods["reference"], periods["current"], "--engine", engine]
    code = main(["drift", *args, "--json", str(out_json), "--html", str(out_html)])
    assert code == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == EXCLUSION_LINE
    assert "no dataset drift: 0 of 2 columns drifted" in out
    document = json.loads(out_json.read_text())
    assert document["excluded_columns"] == EXCLUDED
    assert [c["column"] for c in document["columns"]] == ["carrier", "distance"]
    page = out_html.read_text()
    assert "Left out by inferred role (4)" in page
    assert "<tr><td>time_hour</td><td>time column</td></tr>" in page


def test_a_planted_feature_drift_still_fails_the_check(periods, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["drift", periods["reference"], periods["planted"]]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == EXCLUSION_LINE
    assert "DRIFT: 1 of 2 columns drifted" in out
    drifted = [line.split()[0] for line in out.splitlines() if line.endswith("DRIFT")]
    assert drifted == ["distance"]


def test_named_columns_and_config_win_over_the_inference(periods, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    reference, current = periods["reference"], periods["current"]
    assert main(["drift", reference, current, "--columns", "month,carrier"]) == 1
    assert "Left out" not in capsys.readouterr().out
    listed = tmp_path / "listed.yaml"
    listed.write_text("features: [day, distance]\n")
    assert main(["drift", reference, current, "--config", str(listed)]) == 1
    off = tmp_path / "off.yaml"
    off.write_text("exclude_inferred: false\n")
    assert main(["drift", reference, current, "--config", str(off)]) == 1
    assert "Left out" not in capsys.readouterr().out
    # Other settings in a config keep the default exclusion.
    share = tmp_path / "share.yaml"
    share.write_text("drift_share: 0.4\nignore: [carrier]\n")
    assert main(["drift", reference, current, "--config", str(share)]) == 0
    assert "0 of 1 columns drifted" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("exclude_inferred: sometimes\n")
    assert main(["drift", reference, current, "--config", str(bad)]) == 2
    assert "exclude_inferred must be true or false" in capsys.readouterr().err


def test_nothing_left_to_compare_is_bad_input(periods, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    only_time = tmp_path / "only_time.yaml"
    only_time.write_text("ignore: [carrier, distance]\n")
    code = main(["drift", periods["reference"], periods["current"], "--config", str(only_time)])
    assert code == 2
    err = capsys.readouterr().err
    assert "left out as an identifier, time or calendar column" in err and "--all-columns" in err
