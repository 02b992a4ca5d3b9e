"""Math as MathML written at build time: the pages need no MathJax from a CDN to show formulas.

Sphinx's default renderer loads MathJax from the network when a page has math, so an offline
reader, and the offline browser check, would see raw LaTeX and a failed script. Browsers render
MathML natively; docutils converts LaTeX to it. A formula docutils cannot convert is a build
warning (so an error under `-W`), shown as its LaTeX source.
"""

import html

from docutils import nodes
from docutils.utils.math import MathError, latex2mathml
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)


def to_mathml(node: nodes.Element, latex: str, block: bool) -> str:
    try:
        return latex2mathml.tex2mathml(latex, as_block=block)
    except MathError as error:
        logger.warning("cannot render math %r as MathML: %s", latex, error, location=node)
        return f"<code>{html.escape(latex)}</code>"


def visit_math(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(to_mathml(node, node.astext(), block=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, "Link to this equation")
        self.body.append("</span>")
    # As with MathJax in Sphinx: blank lines separate equations, `\\` breaks an equation's lines.
    for equation in filter(str.strip, node.astext().split("\n\n")):
        if r"\\" in equation and r"\begin" not in equation:
            equation = rf"\begin{{aligned}}{equation}\end{{aligned}}"
        self.body.append(to_mathml(node, equation, block=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app) -> dict:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
