"""The chapters as files: each .ipynb has its py:percent twin, saying the same thing.

nbval (`pytest --nbval notebooks`) re-executes the notebooks; these tests check what it
cannot: that a reviewed .py twin and the .ipynb a learner opens have not drifted apart, that
the stored outputs are there and free of TensorFlow's C++ log lines, and that no notebook
re-writes a helper that mnist_helpers provides.
"""

import ast
import re
from pathlib import Path

import jupytext
import pytest
from IPython.core.inputtransformer2 import TransformerManager

import mnist_helpers

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
TF_LOG_LINE = re.compile(r"^[IWEF]\d{4} |oneDNN|absl::InitializeLog|cpu_feature_guard", re.M)


def cells(path: Path) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in jupytext.read(path).cells]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_and_its_py_percent_twin_say_the_same(notebook: Path) -> None:
    twin = notebook.with_suffix(".py")
    assert twin.is_file(), f"{twin.name} is missing: run `jupytext --sync {notebook}`"
    assert cells(notebook) == cells(twin), (
        f"{notebook.name} and {twin.name} differ: run jupytext --sync"
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_stored_with_clean_outputs(notebook: Path) -> None:
    code_cells = [cell for cell in jupytext.read(notebook).cells if cell.cell_type == "code"]
    assert any(cell.outputs for cell in code_cells), f"{notebook.name} has no stored outputs"
    for cell in code_cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            assert not TF_LOG_LINE.search(text), f"TensorFlow log line stored in {notebook.name}"
            assert output.get("output_type") != "error", f"{notebook.name} stores an error"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_does_not_rewrite_a_helper(notebook: Path) -> None:
    # IPython turns magics (%matplotlib inline) into plain Python, so ast can parse every cell.
    to_python = TransformerManager().transform_cell
    code = [cell.source for cell in jupytext.read(notebook).cells if cell.cell_type == "code"]
    source = "\n".join(to_python(cell) for cell in code)
    defined = {
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
    }
    assert not defined & set(mnist_helpers.__all__), f"{notebook.name} re-defines a helper"
