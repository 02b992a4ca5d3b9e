"""Sphinx configuration of the course site: `./run.sh docs` builds it into docs/_build/html.

The source directory is the repository root, so the chapters are read where they live
(notebooks/NN_*.ipynb, never copied) and each page's path is the notebook's path in the
repository, which is what the "Open in Colab" links need. The pages show the outputs stored in
the notebooks, which strict nbval checks against a fresh run of the same commit: executing every
chapter again here would only repeat that run. bilingual.py marks each block's language for the
site's language switch; notebook_download.py makes "Download notebook" download.
"""

import json
import os
import re
import sys
from importlib.metadata import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT))  # autodoc imports mnist_helpers from this checkout.
sys.path.insert(0, str(ROOT / "docs"))  # This folder's extensions and chapter_frame.py.

# No network at build time, and the site must show what the notebooks show: the sample.
os.environ["MNIST_SOURCE"] = "sample"

# The one place that says where the repository is published is pyproject.toml's [project.urls];
# chapter_frame.py reads it, and writes the chapters' links and setup cells from it too.
from bilingual import SEPARATOR, language_of  # noqa: E402
from chapter_frame import BRANCH, COLAB_URL, colab_link, repository_url  # noqa: E402

PROJECT = metadata("mnist-helpers")
REPOSITORY_URL = repository_url()

project = "MNIST with TensorFlow"
author = "The mnist-tutorials authors"
copyright = "the mnist-tutorials authors, MIT licence"
release = PROJECT["Version"]
language = "en"

# The docstrings are short prose, no Google or NumPy sections: plain autodoc reads them as they
# are (napoleon would read "Softmax of the logits: ..." on a property as a type).
extensions = ["myst_nb", "sphinx.ext.autodoc", "mathml", "bilingual", "notebook_download"]

root_doc = "docs/index"
include_patterns = ["docs/*.md", "notebooks/*.ipynb"]
exclude_patterns = ["docs/_build", "**/.ipynb_checkpoints"]

# Strict: `-W -n` turns every unresolved reference into an error. The package's signatures also
# name types of Python and of NumPy, Matplotlib, Keras and TensorFlow, whose inventories
# (intersphinx) would need the network: those stay unlinked.
nitpicky = True
EXTERNAL = (
    r"(argparse|os|pathlib|collections|typing|np|numpy|matplotlib|keras|tf|tensorflow)(\..*)?"
)
nitpick_ignore_regex = [(r"py:.*", EXTERNAL)]

# Docstrings write `name` in Markdown's sense: show it as code, not as a title reference.
default_role = "code"
autodoc_member_order = "bysource"
autodoc_typehints = "signature"

# The stored outputs, as nbval has checked them (`./run.sh test` executes every chapter and
# compares); CI builds the site from the same commit after that check.
nb_execution_mode = "off"
# One block per cell and stream, as Jupyter shows it, however the kernel happened to flush.
nb_merge_streams = True

myst_enable_extensions = ["dollarmath"]
# Jupyter writes math as $...$ and $$...$$; mathml.py renders it without a script from a CDN.
html_math_renderer = "mathml"
html_static_path = ["_static"]
html_css_files = ["mathml.css"]
templates_path = ["_templates"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
html_favicon = "favicon.svg"  # Without one, browsers ask for /favicon.ico and log a 404.
html_extra_path = ["_redirect"]  # /index.html sends a visitor to docs/index.html.
# Without a default, the theme's script logs "Got invalid theme mode" on a first visit.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {"colab_url": COLAB_URL},
    # The language switch (English, 中文, both) before the theme's own buttons, on every page.
    "article_header_end": ["language-switch.html", "article-header-buttons.html"],
}


def plain(paragraph: str) -> str:
    """A paragraph as one table cell's text: not wholly bold, links reduced to their text (their
    targets are relative to the notebook), no HTML tags, no `|`."""
    paragraph = re.sub(r"^\*\*(.+)\*\*$", r"\1", paragraph.strip())
    paragraph = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", paragraph)
    return re.sub(r"<[^>]+>", "", paragraph).strip().replace("|", r"\|")


def chapter_summary(notebook: Path) -> tuple[str, str]:
    """The chapter's title (its `# ` heading) and the sentence or paragraph that says its result.

    A keras-io style `**Description:**` line wins; otherwise the first paragraph of prose (the
    chapters open with their result in bold under the title), followed by its Chinese (the next
    paragraph, when it is Chinese) as `English · 中文`, which the language switch splits.
    """
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    markdown = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    title = re.search(r"^# (.+)$", markdown, re.M)
    description = re.search(r"\*\*Description:\*\*(.+)", markdown)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", markdown)]
    # Not prose: headings, images, HTML, tables, quotes, lists, code, lines that start with a link.
    prose = [p for p in paragraphs if p and not re.match(r"[#!<|>\-`\[]|[*+] |\d+\. ", p)]
    if description:
        summary = plain(description.group(1))
    elif len(prose) > 1 and language_of(prose[1]) == "zh" and language_of(prose[0]) == "en":
        summary = f"{plain(prose[0])}{SEPARATOR}{plain(prose[1])}"
    else:
        summary = plain((prose or [""])[0])
    return (title.group(1).strip() if title else notebook.stem), summary


def chapter_link(title: str, docname: str) -> str:
    """A link to the chapter; a title `English · 中文` is two links, one per language."""
    texts = title.replace("`", "").split(SEPARATOR, 1)  # A {doc} role's text holds no code span.
    return SEPARATOR.join(f"{{doc}}`{text} <{docname}>`" for text in texts)


def chapters_markdown() -> str:
    """The landing page's table of chapters and its toctree, from notebooks/*.ipynb in order."""
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not notebooks:
        return "*No chapter is in `notebooks/` yet.* · *`notebooks/` 里还没有章节。*"
    rows = ["| Chapter · 章节 | What it reaches · 本章结果 | Run it · 运行 |", "|---|---|---|"]
    entries = []
    for notebook in notebooks:
        title, summary = chapter_summary(notebook)
        docname = f"/notebooks/{notebook.stem}"
        run = f"[Open in Colab]({colab_link(notebook)})"
        rows.append(f"| {chapter_link(title, docname)} | {summary} | {run} |")
        entries.append(docname)
    toctree = ["```{toctree}", ":caption: Chapters", ":hidden:", "", *entries, "```"]
    return "\n".join(rows + [""] + toctree)


CHAPTERS_MARKER = "<!-- chapters: table and toctree made by docs/conf.py -->"


def insert_chapters(app, docname: str, source: list[str]) -> None:
    if docname == root_doc:
        if CHAPTERS_MARKER not in source[0]:
            raise RuntimeError(f"{root_doc}.md lost its marker line {CHAPTERS_MARKER!r}")
        source[0] = source[0].replace(CHAPTERS_MARKER, chapters_markdown())


def setup(app) -> None:
    app.connect("source-read", insert_chapters)
