"""Every pipeline result follows the protocol: to_frame, to_dict/to_json, save_html, HTML."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from mlops_notebooks.pipeline import (
    FunctionPipeline,
    load_stage_inputs,
    metrics_diff,
    open_pipeline,
    params_diff,
    pipeline_status,
)


def double(x):
    return x * 2


@pytest.fixture(scope="module")
def results(shared):
    return {
        "pipeline": shared,
        "status": shared.status(),
        "params": shared.params_diff("v1", "v2"),
        "explanation": shared.explain_changes("v1", "v2"),
        "inputs": shared.load_stage_inputs("train"),
        "run": shared.run_stage("extract"),
        "functions": FunctionPipeline([double]).start(x=2).run_all(),
        "comparison": shared.compare_output(
            "data/model_outputs/predictions_current.parquet", "v1", "v2"
        ),
        "debug": shared.debug_stage("extract"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "pipeline",
        "status",
        "params",
        "explanation",
        "inputs",
        "run",
        "functions",
        "comparison",
        "debug",
    ],
)
def test_protocol(results, name, tmp_path):
    result = results[name]
    assert isinstance(result.to_frame(), pd.DataFrame)
    assert result.to_frame().shape[0] == result.to_polars().height > 0
    text = result.to_json(tmp_path / "result.json")
    assert json.loads(text) == json.loads((tmp_path / "result.json").read_text())
    page = result.save_html(tmp_path / "result.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert result._repr_html_().startswith("<div")


def test_module_level_functions_take_a_path(shared):
    folder = shared.folder
    assert pipeline_status(project=folder).stale == []
    assert (
        params_diff("v1", "v2", project=folder).to_dict()
        == shared.params_diff("v1", "v2").to_dict()
    )
    assert metrics_diff("v2", "v3", project=shared).to_dict()["changes"]
    assert (
        load_stage_inputs("train", project=folder, backend="polars")["reference"].height > 100_000
    )


def test_selected_stages_only(shared):
    pipeline = open_pipeline(shared.folder, stages=["prepare", "train"])
    assert pipeline.names == ("prepare", "train")
    assert pipeline.edges() == [("prepare", "train", "data/processed/reference.parquet")]


def test_every_pipeline_result_type_is_covered(results):
    """``tests/test_protocol.py`` leaves the pipeline types to this module: cover them all."""
    import inspect

    from mlops_notebooks import pipeline
    from mlops_notebooks._protocol import Result

    public = {
        name
        for name in pipeline.__all__
        if inspect.isclass(value := getattr(pipeline, name)) and issubclass(value, Result)
    }
    assert {type(result).__name__ for result in results.values()} == public
