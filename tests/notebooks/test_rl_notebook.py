"""Execute the RL notebook on the example trajectories (GOOGL, from the DVC stage) and, recording
afresh, on the S&P 500 with its 2008 crash as a named scenario."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from mlops_notebooks.runner import run_notebook

ROOT = Path(__file__).parents[2]
NOTEBOOK = ROOT / "notebooks" / "rl_agent_behavior_analysis.ipynb"
PLOT_CELL = re.compile(r"\.plot\(")

pytestmark = [pytest.mark.notebook, pytest.mark.slow]


def _outputs(result: Any) -> tuple[nbformat.NotebookNode, str, str]:
    """The executed notebook, the text a reader sees (outputs without an image), the HTML."""
    notebook = nbformat.read(result.executed_notebook, as_version=4)
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts.append(output.get("text", ""))
            if not any(key.startswith("image/") for key in data):
                texts.extend(json.dumps(v) for k, v in data.items() if k.startswith("text/"))
    return notebook, "\n".join(texts), Path(result.html_report).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def googl(tmp_path_factory):
    if not (ROOT / "examples" / "data" / "rl" / "trajectories_googl.parquet").exists():
        pytest.fail(
            "example trajectories missing: run `dvc repro examples/dvc.yaml` (make pipeline)"
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = run_notebook(NOTEBOOK, output_dir=tmp_path_factory.mktemp("googl"))
    return _outputs(result)


@pytest.fixture(scope="module")
def sp500(tmp_path_factory):
    parameters = {
        "trajectories": "",
        "dataset": "sp500",
        "seeds": 2,
        "tasks": 3,
        "start": 0.4,
        "scenarios": {"crash 2008": ["2008-09-15", "2009-03-09"]},
        "n_bootstrap": 500,
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = run_notebook(
            NOTEBOOK, parameters=parameters, output_dir=tmp_path_factory.mktemp("sp500")
        )
    return _outputs(result)


def test_findings_on_the_real_environment(googl):
    _, text, _ = googl
    assert "Traceback" not in text
    # the check_env finding on gym-anytrading 2.0 + gymnasium 1.4, with its evidence
    assert "share an object" in text
    assert "observation_memory" in text
    for agent in ("random", "buy_and_hold", "momentum", "q_learning"):
        assert agent in text
    assert "earnings jump, Jul 2015" in text
    assert "stratified-bootstrap" in text


def test_second_data_set_with_a_crash_scenario(sp500):
    _, text, _ = sp500
    assert "Traceback" not in text
    assert "crash 2008" in text
    # the evaluation windows are named by their dates; the first one spans the crash
    assert re.search(r"200[5-8]-\d\d-\d\d\.\.20(09|10)-", text)


@pytest.mark.parametrize("run", ["googl", "sp500"])
def test_every_figure_is_embedded(run, request):
    notebook, text, html = request.getfixturevalue(run)
    assert "<Figure size" not in text
    assert "<Figure size" not in html
    for cell in notebook.cells:
        if cell.cell_type == "code" and PLOT_CELL.search(cell.source):
            images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
            assert len(images) == 1, cell.source
