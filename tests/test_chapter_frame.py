"""Every chapter opens with the same frame: the links row under its title, then the setup cell.

The frame is written by docs/chapter_frame.py from the repository URL in pyproject.toml; these
tests fail when a chapter lacks it or holds a stale copy (run `python docs/chapter_frame.py`).
"""

import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "docs"))

import chapter_frame  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_links_row_sits_under_the_title(notebook: Path) -> None:
    title = jupytext.read(notebook).cells[0].source.split("\n")
    assert title[0].startswith("# "), f"{notebook.name} does not open with its title"
    assert title[2] == chapter_frame.links_line(notebook), (
        f"{notebook.name}: links row missing or stale: run python docs/chapter_frame.py"
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_first_code_cell_is_the_setup_cell_and_prints_nothing(notebook: Path) -> None:
    code = [cell for cell in jupytext.read(notebook).cells if cell.cell_type == "code"]
    assert code[0].source == chapter_frame.setup_cell(), (
        f"{notebook.name}: setup cell missing or stale: run python docs/chapter_frame.py"
    )
    assert code[0].outputs == [], f"{notebook.name}: the setup cell printed something"


def test_links_point_at_the_repository_in_pyproject() -> None:
    line = chapter_frame.links_line(ROOT / "notebooks" / "01_dataset.ipynb")
    repository = chapter_frame.repository_url().removeprefix("https://github.com/")
    assert f"colab.research.google.com/github/{repository}/blob/main/notebooks/01_dataset" in line
    assert f"github.com/{repository}/blob/main/notebooks/01_dataset.ipynb" in line
    assert f"raw.githubusercontent.com/{repository}/main/notebooks/01_dataset.ipynb" in line
    assert f"git+https://github.com/{repository}" in chapter_frame.setup_cell()
