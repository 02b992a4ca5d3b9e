"""The site's "Download notebook" link downloads the chapter's `.ipynb` instead of opening it.

In the notebook the link goes to the file in the repository (docs/chapter_frame.py writes it),
which Colab, GitHub and Jupyter readers can reach. A browser opens that file as JSON in the tab:
the `download` attribute that would save it instead only works for a file of the page's own
origin. So the site serves each chapter's notebook itself, next to its page
(`notebooks/NN_name.ipynb`, the stored file as it is in the repository), and its link points
there, with `download`.
"""

import html
import shutil
from pathlib import Path

from chapter_frame import NOTEBOOKS, download_link
from docutils import nodes
from sphinx.transforms import SphinxTransform


def site_copy(notebook: Path) -> str:
    """Where the site serves the notebook, relative to the chapter's page (the same folder)."""
    return notebook.name


class DownloadFromTheSite(SphinxTransform):
    default_priority = 870

    def apply(self) -> None:
        source = Path(self.document["source"])
        if source.parent != NOTEBOOKS or source.suffix != ".ipynb":
            return
        repository_file = download_link(source)
        for reference in list(self.document.findall(nodes.reference)):
            if reference.get("refuri") == repository_file:
                href = html.escape(site_copy(source))
                text = html.escape(reference.astext())
                anchor = f'<a class="reference download" href="{href}" download="{href}">{text}</a>'
                reference.replace_self(nodes.raw("", anchor, format="html"))


def copy_notebooks(app, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
            shutil.copyfile(notebook, target / site_copy(notebook))


def setup(app) -> dict:
    app.add_transform(DownloadFromTheSite)
    app.connect("build-finished", copy_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
