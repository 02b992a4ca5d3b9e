"""The frame every chapter shares: its row of links under the title and its setup cell.

Both are written from one fact, the repository URL in pyproject.toml's [project.urls], read from
the package's installed metadata (./run.sh reinstalls the package when pyproject.toml changes).
A notebook cannot read that file when it opens in Colab, so the URL is copied into each chapter
by this script, and tests/test_chapter_frame.py fails when a copy differs from what it would
write. The docs site (docs/conf.py) builds its Colab links with the same functions.

    python docs/chapter_frame.py              # write the frame into every chapter (both twins)
    python docs/chapter_frame.py NOTEBOOK...  # only these (.ipynb or .py)

Writing keeps every stored output: the links are markdown, and the setup cell prints nothing
where the package is installed.
"""

import re
import sys
from importlib.metadata import metadata
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BRANCH = "main"
COLAB_URL = "https://colab.research.google.com"
# Jupytext keeps these cell metadata in the .py twins: tags (nbval-ignore-output, solution,
# hide-cell) and Jupyter's collapsed state of the hidden solutions.
CELL_METADATA_FILTER = "tags,jupyter,-all"
LINKS_LINE = re.compile(r"^\[Open in Colab\]\(.*$", re.M)
SETUP_FIRST_LINE = "# Setup: make the course's helpers, `mnist_helpers`, importable here."


def repository_url() -> str:
    """The repository's URL, from pyproject.toml's [project.urls] Repository."""
    urls = dict(entry.split(", ", 1) for entry in metadata("mnist-helpers").get_all("Project-URL"))
    return urls["Repository"].rstrip("/")


def _repository_path() -> str:
    return repository_url().removeprefix("https://github.com/")


def colab_link(notebook: Path) -> str:
    """Colab opens a notebook straight from its path in the public repository."""
    path = notebook.resolve().relative_to(ROOT).with_suffix(".ipynb").as_posix()
    return f"{COLAB_URL}/github/{_repository_path()}/blob/{BRANCH}/{path}"


def download_link(notebook: Path) -> str:
    """The notebook's file in the repository, as Colab and GitHub readers reach it.

    The site (docs/notebook_download.py) replaces this link with the copy it serves itself: a
    browser downloads a file on a click only from the page's own origin.
    """
    path = notebook.resolve().relative_to(ROOT).with_suffix(".ipynb").as_posix()
    return f"https://raw.githubusercontent.com/{_repository_path()}/{BRANCH}/{path}"


def links_line(notebook: Path) -> str:
    """The row under each chapter's title: Open in Colab, View source, Download notebook."""
    path = notebook.resolve().relative_to(ROOT).with_suffix(".ipynb").as_posix()
    source = f"{repository_url()}/blob/{BRANCH}/{path}"
    return (
        f"[Open in Colab]({colab_link(notebook)}) · [View source on GitHub]({source}) · "
        f"[Download notebook]({download_link(notebook)})"
    )


def setup_cell() -> str:
    """The first code cell of every chapter: import the package, installing it where missing.

    It calls pip the way `%pip install` does (`sys.executable -m pip`, into this kernel's
    environment): an indented `%pip` under `if` would not survive Jupytext's round trip to the
    .py twin, which comments such a magic out and never restores it.
    """
    return "\n".join(
        [
            SETUP_FIRST_LINE,
            "# Where it is missing (Colab, a fresh kernel), pip installs it from the course's",
            "# repository, or from MNIST_HELPERS_INSTALL if set (a path, a wheel or a URL).",
            "# It comes before TensorFlow: it imports TensorFlow without its C++ start-up lines.",
            "try:",
            "    import mnist_helpers",
            "except ModuleNotFoundError:",
            "    import os",
            "    import subprocess",
            "    import sys",
            "",
            f'    course_repository = "git+{repository_url()}"',
            '    requirement = os.environ.get("MNIST_HELPERS_INSTALL", course_repository)',
            '    pip_install = [sys.executable, "-m", "pip", "install", "--quiet", requirement]',
            "    subprocess.run(pip_install, check=True)",
            "    import mnist_helpers",
        ]
    )


def frame(notebook_path: Path, notebook) -> None:
    """Put the links row under the title and the setup cell first among the code cells."""
    title_cell = notebook.cells[0]
    if title_cell.cell_type != "markdown" or not title_cell.source.startswith("# "):
        raise SystemExit(f"{notebook_path.name}: the first cell must be the '# ' title")
    links = links_line(notebook_path)
    if LINKS_LINE.search(title_cell.source):
        title_cell.source = LINKS_LINE.sub(lambda _: links, title_cell.source, count=1)
    else:
        title, _, rest = title_cell.source.partition("\n")
        title_cell.source = f"{title}\n\n{links}\n{rest}".rstrip()

    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if code_cells and code_cells[0].source.startswith(SETUP_FIRST_LINE):
        code_cells[0].source = setup_cell()
    else:
        first_code = notebook.cells.index(code_cells[0]) if code_cells else len(notebook.cells)
        notebook.cells.insert(first_code, nbformat.v4.new_code_cell(setup_cell()))
    notebook.metadata.setdefault("jupytext", {})["cell_metadata_filter"] = CELL_METADATA_FILTER


def write_frame(path: Path) -> None:
    ipynb = path.with_suffix(".ipynb")
    notebook = jupytext.read(ipynb)
    frame(ipynb, notebook)
    jupytext.write(notebook, ipynb)
    jupytext.write(notebook, ipynb.with_suffix(".py"), fmt="py:percent")


if __name__ == "__main__":
    paths = [Path(arg) for arg in sys.argv[1:]] or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        write_frame(path)
        print(f"framed {path.with_suffix('.ipynb').name}")
