"""Status reasons equal what `dvc status --json` reports, with old → new parameter values."""

from __future__ import annotations

import re

from mlops_notebooks.pipeline import open_pipeline
from tests.pipeline.conftest import dvc_json


def _set(path, pattern, replacement):
    text = path.read_text()
    changed = re.sub(pattern, replacement, text)
    assert changed != text
    path.write_text(changed)


def test_clean_pipeline_is_up_to_date(shared):
    report = shared.status()
    assert report.stale == []
    assert set(report.states.values()) == {"up to date"}
    assert report.to_dvc() == dvc_json(shared.folder, "status") == {}


def test_reasons_equal_dvc_status(sandbox):
    _set(sandbox / "params.yaml", r"delay_threshold_minutes: 15", "delay_threshold_minutes: 20")
    _set(sandbox / "params.yaml", r"learning_rate: 0.1", "learning_rate: 0.05")
    (sandbox / "src" / "predict.py").write_text(
        (sandbox / "src" / "predict.py").read_text() + "\n# edited\n"
    )
    (sandbox / "metrics" / "train.json").unlink()
    report = open_pipeline(sandbox).status()

    assert report.to_dvc() == dvc_json(sandbox, "status")
    assert report.stale == ["prepare", "train", "predict"]
    assert report.states == {
        "extract": "up to date",
        "prepare": "changed",
        "train": "changed",
        "predict": "changed",
    }
    prepare = report.stage("prepare").reasons
    assert [(r.kind, r.parameter, r.old, r.new) for r in prepare] == [
        ("changed parameter", "prepare.delay_threshold_minutes", 15, 20)
    ]
    train = {r.kind: r for r in report.stage("train").reasons}
    assert (train["changed parameter"].old, train["changed parameter"].new) == (0.1, 0.05)
    assert train["missing output"].path == "metrics/train.json"
    assert train["upstream stale"].path == "prepare"
    predict = {r.kind: r for r in report.stage("predict").reasons}
    assert predict["changed code"].path == "src/predict.py"
    assert predict["changed code"].text() == "code src/predict.py modified"


def test_parameter_values_equal_dvc_params_diff(sandbox):
    _set(sandbox / "params.yaml", r"max_iter: 50", "max_iter: 75")
    _set(
        sandbox / "params.yaml",
        r"reference_months: \[1, 2, 3, 4, 5, 6\]",
        "reference_months: [1, 2, 3]",
    )
    report = open_pipeline(sandbox).status()
    reported = dvc_json(sandbox, "params", "diff")["params.yaml"]
    found = {
        r.parameter: (r.old, r.new)
        for stage in report.stages
        for r in stage.reasons
        if r.kind == "changed parameter"
    }
    assert set(found) == set(reported)
    for name, (old, new) in found.items():
        assert str(old) == str(reported[name]["old"]) and str(new) == str(reported[name]["new"])


def test_only_downstream_stale_stage_is_marked_upstream(sandbox):
    (sandbox / "src" / "prepare.py").write_text(
        (sandbox / "src" / "prepare.py").read_text() + "\n# edited\n"
    )
    report = open_pipeline(sandbox).status()
    assert report.states["prepare"] == "changed"
    assert report.states["train"] == report.states["predict"] == "stale upstream"
    assert report.to_dvc() == dvc_json(sandbox, "status")
    table = report.to_polars()
    assert table.filter(table["stage"] == "train")["why"].to_list() == [
        "upstream stage prepare is stale"
    ]


def test_changed_command(sandbox):
    dvc_yaml = sandbox / "dvc.yaml"
    dvc_yaml.write_text(
        dvc_yaml.read_text().replace("python src/predict.py", "python src/predict.py --v")
    )
    report = open_pipeline(sandbox).status()
    assert report.to_dvc() == dvc_json(sandbox, "status") == {"predict": ["changed command"]}
    assert report.stage("predict").reasons[0].kind == "changed command"


def test_status_plot_colours_stages(sandbox):
    (sandbox / "src" / "train.py").write_text(
        (sandbox / "src" / "train.py").read_text() + "\n# x\n"
    )
    figure = open_pipeline(sandbox).status().plot()
    texts = {t.get_text(): t for t in figure.axes[0].texts if t.get_text()}
    assert set(texts) == {"extract", "prepare", "train", "predict"}
    colour = texts["train"].get_bbox_patch().get_facecolor()
    from matplotlib.colors import to_rgba

    from mlops_notebooks.pipeline.graph import STATE_COLOURS

    assert colour == to_rgba(STATE_COLOURS["changed"])
    assert texts["extract"].get_bbox_patch().get_facecolor() == to_rgba(STATE_COLOURS["up to date"])


def test_stage_missing_from_the_lock_never_ran(sandbox):
    import yaml

    lock = yaml.safe_load((sandbox / "dvc.lock").read_text())
    del lock["stages"]["predict"]
    (sandbox / "dvc.lock").write_text(yaml.safe_dump(lock))
    report = open_pipeline(sandbox).status()
    assert report.to_dvc() == dvc_json(sandbox, "status")
    assert report.states["predict"] == "never ran"
    assert report.stale == ["predict"]
    kinds = {r.kind for r in report.stage("predict").reasons}
    assert {"never ran", "changed parameter"} <= kinds


def test_a_stage_selection_survives_reload_and_status(sandbox):
    _set(sandbox / "params.yaml", r"max_iter: 50", "max_iter: 75")  # train and predict stale
    pipeline = open_pipeline(sandbox, stages=["prepare", "train"])
    assert pipeline.reload().names == ("prepare", "train")
    assert [stage.name for stage in pipeline.status().stages] == ["prepare", "train"]
    assert pipeline.status().stale == ["train"]
    assert open_pipeline(sandbox).status().stale == ["train", "predict"]
