"""A known secret must never appear in any message, log, file, HTML or provenance record.

The password of the PostgreSQL role is put in the environment only; everything the data layer
produces around it — results, provenance, HTML, CLI output, error messages and their
tracebacks, log records, files written from provenance — is searched for it.
"""

from __future__ import annotations

import json
import logging
import traceback
from pathlib import Path
from typing import Literal

import pytest

from mlops_notebooks._io import write_text_atomic
from mlops_notebooks.cli.main import main as cli_main
from mlops_notebooks.data import list_catalog, load, load_dataset
from mlops_notebooks.errors import MlopsNotebooksError

from .conftest import PG_PASSWORD, PostgresServer, free_port

# One xdist worker owns the servers, so each starts once per run.
pytestmark = [pytest.mark.server, pytest.mark.xdist_group("data-servers")]

TOKEN = "tok-9f8e7d6c5b4a"
BACKENDS: tuple[Literal["pandas"], Literal["polars"]] = ("pandas", "polars")


@pytest.fixture
def leak_catalog(postgres_server: PostgresServer, tmp_path: Path) -> Path:
    url = postgres_server.url
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "datasets:\n"
        f"  orders:\n    layer: raw\n    source: {url}\n"
        "    query: SELECT * FROM orders WHERE amount > :low\n    params: {low: 10}\n"
        f"  bad_query:\n    source: {url}\n    query: SELECT * FROM nowhere\n"
        f"  bad_db:\n    source: {url.rsplit('/', 1)[0]}/no_such_db\n    query: SELECT 1\n"
        "  down:\n"
        f"    source: postgresql+psycopg://analyst:${{PG_PASSWORD}}@127.0.0.1:{free_port()}/x\n"
        "    query: SELECT 1\n"
        "  token_in_path:\n    source: memory://${API_TOKEN}/missing.csv\n"
        "  token_in_scheme:\n    source: ${API_TOKEN}://host/x.csv\n"
    )
    return catalog


def test_no_secret_anywhere(
    leak_catalog: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PG_PASSWORD", PG_PASSWORD)
    monkeypatch.setenv("API_TOKEN", TOKEN)
    produced: list[str] = []
    out = tmp_path / "out"
    with caplog.at_level(logging.DEBUG):
        for backend in BACKENDS:
            dataset = load_dataset("orders", catalog=leak_catalog, backend=backend)
            assert dataset.provenance.rows == 33  # planted: amounts 1.5 i > 10 for i >= 7
            produced += [dataset.to_json(), dataset._repr_html_(), repr(dataset.provenance)]
            write_text_atomic(out / f"provenance_{backend}.json", dataset.to_json())
            write_text_atomic(out / f"dataset_{backend}.html", dataset._repr_html_())
        frame = load("orders", catalog=leak_catalog)
        produced.append(json.dumps(frame.attrs["provenance"]))
        catalog = list_catalog(leak_catalog)
        produced += [
            catalog._repr_html_(),
            catalog.to_frame().to_csv(),
            json.dumps(catalog.to_dict()),
        ]
        for name in ("bad_query", "bad_db", "down", "token_in_path", "token_in_scheme"):
            with pytest.raises(MlopsNotebooksError) as info:
                load(name, catalog=leak_catalog)
            produced.append(str(info.value))
            produced.append("".join(traceback.format_exception(info.value)))
        for args in (["catalog", "--catalog", str(leak_catalog)], ["catalog", "--json",
                     "--catalog", str(leak_catalog)]):  # fmt: skip
            assert cli_main(args) == 0
    captured = capsys.readouterr()
    produced += [captured.out, captured.err]
    produced += [record.getMessage() for record in caplog.records]
    produced += [path.read_text() for path in out.rglob("*") if path.is_file()]
    produced += [
        p.read_text(errors="replace")
        for p in tmp_path.rglob("*")
        if p.is_file() and p.suffix in {".json", ".html", ".log", ".yaml"}
    ]
    for secret in (PG_PASSWORD, TOKEN):
        leaks = [text[:200] for text in produced if secret in text]
        assert not leaks, f"secret leaked into: {leaks}"
    messages = " ".join(produced)
    assert "memory://***/missing.csv" in messages  # the token was scrubbed, not dropped
    assert "analyst:***@127.0.0.1" in messages


@pytest.mark.notebook
def test_no_secret_in_an_executed_notebook_report_or_parameters_file(
    leak_catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from mlops_notebooks.errors import ExecutionFailedError
    from mlops_notebooks.runner import run_notebook

    monkeypatch.setenv("PG_PASSWORD", PG_PASSWORD)
    monkeypatch.setenv("API_TOKEN", TOKEN)
    monkeypatch.setenv("MLOPS_NB_CATALOG", str(leak_catalog))
    parameters = new_code_cell('ref = "orders"')
    parameters.metadata["tags"] = ["parameters"]
    cells = [
        parameters,
        new_code_cell(
            "from mlops_notebooks.data import list_catalog, load_dataset\n"
            "orders = load_dataset(ref)\norders"
        ),
        new_code_cell("list_catalog()"),
        new_code_cell("print(orders.provenance.to_json())"),
        new_code_cell("load_dataset('down')"),  # fails: the traceback lands in the report
    ]
    notebook = tmp_path / "leaky.ipynb"
    nbformat.write(
        new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                           "display_name": "Python 3"}}),
        notebook,
    )  # fmt: skip
    with pytest.raises(ExecutionFailedError) as info:
        run_notebook(notebook, parameters={"ref": "orders"}, output_dir=tmp_path / "reports")
    assert "DataSourceError" in str(info.value)
    produced = [str(info.value)]
    run_dir = Path(info.value.html_report or "").parent
    files = sorted(p for p in run_dir.iterdir() if p.is_file())
    assert [p.name for p in files] == [
        "leaky.html",
        "leaky.ipynb",
        "parameters.yaml",
        "results.json",
        "run.json",
    ]
    produced += [p.read_text() for p in files]
    assert "analyst:***@127.0.0.1" in produced[2]  # the report shows the masked source
    run_record = json.loads((run_dir / "run.json").read_text())
    assert run_record["status"] == "failed"
    assert [d["rows"] for d in run_record["datasets"]] == [33]  # the load that worked
    assert "analyst:***@127.0.0.1" in run_record["datasets"][0]["source"]
    for secret in (PG_PASSWORD, TOKEN):
        assert not [p.name for p, text in zip(files, produced[1:], strict=True) if secret in text]
        assert secret not in produced[0]
