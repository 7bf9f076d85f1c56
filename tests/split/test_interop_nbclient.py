"""nbclient executes a notebook on our kernel, as ``jupyter nbconvert --execute`` and papermill do.

The notebook (nbformat v4) has a markdown cell, a ``print``, a rich display
from ``legacy_shell.display``, a result, and an error cell; nbclient starts
the kernel from the ``legacy-shell`` kernelspec, runs every code cell, records
the outputs in the notebook, and shuts the kernel down.
"""

from __future__ import annotations

from collections.abc import Iterator

import nbformat
import pytest
from interop_helpers import KERNEL_NAME, JupyterWorld, jupyter_world
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat import v4

TIMEOUT = 60


@pytest.fixture(scope="module")
def world() -> Iterator[JupyterWorld]:
    with jupyter_world() as w:
        yield w


def small_notebook(*, with_error: bool = True) -> nbformat.NotebookNode:
    cells = [
        v4.new_markdown_cell("# A small notebook"),
        v4.new_code_cell("print('hello from the kernel')"),
        v4.new_code_cell(
            "from legacy_shell.display import HTML, display\ndisplay(HTML('<b>bold</b>'))"
        ),
        v4.new_code_cell("6 * 7"),
    ]
    if with_error:
        cells.append(v4.new_code_cell("1 / 0"))
        cells.append(v4.new_code_cell("print('after the error')"))
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "legacy-shell"}
    return nb


def test_nbclient_runs_every_cell_and_records_the_outputs(world: JupyterWorld) -> None:
    nb = small_notebook()
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=TIMEOUT, allow_errors=True)
    client.execute()

    markdown, printed, shown, result, error, after = nb.cells
    assert "outputs" not in markdown
    assert printed.outputs == [
        {"output_type": "stream", "name": "stdout", "text": "hello from the kernel\n"}
    ]
    (display,) = shown.outputs
    assert display.output_type == "display_data"
    assert display.data["text/html"] == "<b>bold</b>"
    assert "text/plain" in display.data
    (value,) = result.outputs
    assert value.output_type == "execute_result"
    assert value.data["text/plain"] == "42"
    assert value.execution_count == result.execution_count == 3
    (err,) = error.outputs
    assert err.output_type == "error"
    assert err.ename == "ZeroDivisionError"
    assert any("ZeroDivisionError" in line for line in err.traceback)
    assert after.outputs[0].text == "after the error\n"
    assert nb.metadata.language_info.name == "python"
    nbformat.validate(nb)


def test_nbclient_stops_at_an_error_cell_without_allow_errors(world: JupyterWorld) -> None:
    nb = small_notebook()
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=TIMEOUT)
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        client.execute()
    assert nb.cells[-1].outputs == []  # never ran
    assert client.km is None or not client.km.is_alive()  # type: ignore[attr-defined]


def test_the_kernel_is_gone_after_execute(world: JupyterWorld) -> None:
    nb = small_notebook(with_error=False)
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=TIMEOUT)
    with client.setup_kernel():
        km = client.km
        assert km is not None
        process = km.provisioner.process  # type: ignore[union-attr]
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    assert process.poll() is not None, "nbclient's kernel outlived setup_kernel()"
    assert nb.cells[3].outputs[0].data["text/plain"] == "42"
