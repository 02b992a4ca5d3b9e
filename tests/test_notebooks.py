"""The chapters as files: each .ipynb has its py:percent twin, saying the same thing.

nbval (`pytest --nbval notebooks`) re-executes the notebooks; these tests check what it
cannot: that a reviewed .py twin and the .ipynb a learner opens have not drifted apart, that
the stored outputs are there and free of TensorFlow's C++ log lines, that no notebook
re-writes a helper that mnist_helpers provides, that code cells carry no tool comments (tools
read cell tags), and that every chapter ends with exercises whose worked solutions are hidden,
executed (nbval runs them) and checked by an assert (CONTRIBUTING.md).
"""

import ast
import re
from pathlib import Path

import jupytext
import pytest
from IPython.core.inputtransformer2 import TransformerManager

import mnist_helpers

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
TOOL_COMMENT = re.compile(r"#\s*(noqa|NBVAL_)", re.I)
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


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_code_cells_carry_no_tool_comments(notebook: Path) -> None:
    for cell in jupytext.read(notebook).cells:
        if cell.cell_type == "code":
            assert not TOOL_COMMENT.search(cell.source), (
                f"{notebook.name}: a tool comment in a code cell (use a cell tag):\n{cell.source}"
            )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_chapter_ends_with_exercises_and_hidden_worked_solutions(notebook: Path) -> None:
    cells = jupytext.read(notebook).cells
    assert any(c.cell_type == "markdown" and "## Exercises" in c.source for c in cells), (
        f"{notebook.name} has no '## Exercises' section"
    )
    solutions = [c for c in cells if "solution" in c.metadata.get("tags", [])]
    assert 3 <= len(solutions) <= 5, f"{notebook.name}: {len(solutions)} solutions, not 3-5"
    for cell in solutions:
        tags = cell.metadata["tags"]
        assert cell.cell_type == "code", f"{notebook.name}: a solution must be code that runs"
        assert "hide-cell" in tags, f"{notebook.name}: a solution not hidden in the docs site"
        hidden = cell.metadata.get("jupyter", {})
        assert hidden.get("source_hidden") and hidden.get("outputs_hidden"), (
            f"{notebook.name}: a solution not collapsed in Jupyter"
        )
        assert not {"nbval-skip", "skip-execution"} & set(tags), f"{notebook.name}: not run"
        assert re.search(r"^\s*assert\b", cell.source, re.M), (
            f"{notebook.name}: a solution that asserts nothing:\n{cell.source}"
        )
