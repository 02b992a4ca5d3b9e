"""The site's language switch, build side: each prose block of a page is marked with its language.

A chapter is one bilingual notebook: English prose, then the same in Chinese, the Chinese
paragraph opening with `**中文：**`; headings read `English · 中文`. This Sphinx extension reads
which language each block is in, and marks it (`lang="en"` or `lang="zh"` in the HTML), so that
`_static/language.js` and `_static/language.css` can show English, 中文 or both:

- a paragraph that opens with the marker is Chinese; the marker itself is marked `lang-marker`
  (shown with both languages, where it tells the two apart; hidden in 中文 only, where it says
  nothing);
- any other block (paragraph, list, list item, quote, admonition) is Chinese or English by the
  share of Han characters among its letters (code spans and math not counted); a block with both
  in similar amounts is split into its parts, or else stays shown in every mode;
- a heading, or any paragraph, of the form `English · 中文` is split into its two sides, and so
  is a paragraph of English sentences followed by Chinese ones (a summary's list item);
- table cells are only split that way: a whole cell never hides, it would blank a column (the
  glossary's term columns stay, its meanings switch);
- code cells, their outputs, figures, math, a row of links (under each chapter's title) and the
  API reference's signatures are never marked.

A page with no Chinese block (the API reference) marks nothing: the switch leaves it whole.
"""

import re

from docutils import nodes
from script_share import HAN, han_share, language_of
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

MARKER = "中文："
SEPARATOR = " · "
CHINESE_SIDE_FROM = 0.15  # The Chinese side of `English · 中文`, the other side being English.
# Left to the notebook as it is: code and outputs, math, figures, signatures, raw HTML.
NEVER_MARKED = (
    nodes.literal_block,
    nodes.math_block,
    nodes.image,
    nodes.figure,
    nodes.raw,
    nodes.comment,
    nodes.target,
    nodes.substitution_definition,
    addnodes.desc,
    addnodes.index,
    addnodes.toctree,
)
NOT_PROSE = (nodes.literal, nodes.math, nodes.raw)


def prose_text(node: nodes.Node) -> str:
    """The node's text without inline code and math: `from_logits` is neither language."""
    if isinstance(node, nodes.Text):
        return str(node)
    if isinstance(node, NOT_PROSE):
        return ""
    return "".join(prose_text(child) for child in node.children)


def opens_with_marker(paragraph: nodes.Element) -> nodes.Element | None:
    """The paragraph's leading `**中文：**`, if it has one."""
    first = next((child for child in paragraph.children if child.astext()), None)
    if isinstance(first, nodes.strong) and first.astext().strip() == MARKER:
        return first
    return None


def only_links(paragraph: nodes.Element) -> bool:
    """A row of links (`Open in Colab · View source on GitHub · Download notebook`)."""
    links = (nodes.reference, nodes.raw)
    return all(isinstance(c, links) or not c.astext().strip(" ·\n") for c in paragraph.children)


def mark(node: nodes.Element, language: str) -> None:
    node["classes"].append(f"language-{language}")  # docutils writes it as lang="...".


def side_languages(before: list, after: list, separator: str) -> list[str | None]:
    """The languages of two sides of a paragraph. Across ` · ` a short Chinese side with English
    names in it still counts (`什么是 logits？`, `all-reduce 的代价`) when the other is English."""
    texts = ["".join(prose_text(node) for node in side) for side in (before, after)]
    languages = [language_of(text) for text in texts]
    if separator and languages.count("en") == 1:
        other = 1 - languages.index("en")
        if (han_share(texts[other]) or 0) >= CHINESE_SIDE_FROM:
            languages[other] = "zh"
    return languages


def wrap_sides(element: nodes.Element, before: list, after: list, separator: str) -> bool:
    """Replace `element`'s children by an English and a Chinese span, if the two sides are those
    two languages (in either order); else leave it and return False. A chapter's number
    (`1. The dataset · 数据集`) stays outside both: it belongs to either title."""
    sides = side_languages(before, after, separator)
    if set(sides) != {"en", "zh"}:
        return False
    number = CHAPTER_NUMBER.match(before[0]) if isinstance(before[0], nodes.Text) else None
    element.children = []
    if number:
        element.append(nodes.Text(number.group(0)))
        before = [nodes.Text(before[0][number.end() :]), *before[1:]]
    for side, language in zip((before, after), sides, strict=True):
        kept = [node for node in side if not isinstance(node, nodes.Text) or node]  # No "".
        span = nodes.inline("", "", *kept)
        mark(span, language)
        element.append(span)
        if separator and side is before:
            element.append(nodes.inline(separator, separator, classes=["lang-sep"]))
    return True


def split_sides(element: nodes.Element) -> bool:
    """Split `English · 中文` inside `element` into two marked spans; True if it did."""
    for index, child in enumerate(element.children):
        if isinstance(child, nodes.Text) and SEPARATOR in child:
            before_text, after_text = str(child).split(SEPARATOR, 1)
            before = [*element.children[:index], nodes.Text(before_text)]
            after = [nodes.Text(after_text), *element.children[index + 1 :]]
            return wrap_sides(element, before, after, SEPARATOR)
        if isinstance(child, (nodes.inline, nodes.strong, nodes.emphasis)) and split_sides(child):
            return True
    return False


CHAPTER_NUMBER = re.compile(r"\d+\. ")
SENTENCE_END = re.compile(r"[.!?:;)]\s+")


def split_at_chinese(element: nodes.Element) -> bool:
    """Split `English sentences. 中文句子。` (a summary's list item) where the Chinese begins:
    after the last English sentence that ends before the first Han character."""
    children = element.children
    first = next((i for i, child in enumerate(children) if HAN.search(prose_text(child))), None)
    if first is None:
        return False
    for index in range(first, -1, -1):
        child = children[index]
        if not isinstance(child, nodes.Text):
            continue
        text = str(child)
        limit = HAN.search(text).start() if index == first else len(text)
        ends = [match.end() for match in SENTENCE_END.finditer(text[:limit])]
        if ends:
            before = [*children[:index], nodes.Text(text[: ends[-1]])]
            after = [nodes.Text(text[ends[-1] :]), *children[index + 1 :]]
            return wrap_sides(element, before, after, "")
    return False


class Marking:
    """The marks one page would get; applied only if the page has both languages."""

    def __init__(self) -> None:
        self.blocks: list[tuple[nodes.Element, str]] = []

    def block(self, node: nodes.Element) -> None:
        if isinstance(node, NEVER_MARKED) or "cell" in node.get("classes", []):
            return
        if isinstance(node, nodes.section):
            for child in node.children:
                if isinstance(child, nodes.title):
                    split_sides(child)
                else:
                    self.block(child)
            return
        if isinstance(node, nodes.table):
            for entry in node.findall(nodes.entry):
                for paragraph in entry.findall(nodes.paragraph):
                    split_sides(paragraph)
            return
        if isinstance(node, nodes.paragraph) and only_links(node):
            return  # The links row under a chapter's title serves every reader.
        if isinstance(node, nodes.paragraph):
            marker = opens_with_marker(node)
            if marker is not None:
                marker["classes"].append("lang-marker")
                self.blocks.append((node, "zh"))
                return
        language = language_of(prose_text(node))
        if language:
            self.blocks.append((node, language))
        elif isinstance(node, nodes.TextElement):
            split_sides(node) or split_at_chinese(node)
        else:
            for child in node.children:
                if isinstance(child, nodes.Element):
                    self.block(child)


class MarkLanguages(SphinxTransform):
    """Runs on every page as it is read, before its titles go into the tables of contents."""

    # Late, after myst's own transforms, and before DoctreeReadEvent (880), when Sphinx copies the
    # titles into the tables of contents, which then switch too.
    default_priority = 875

    def apply(self) -> None:
        marking = Marking()
        for child in self.document.children:
            if isinstance(child, nodes.Element):
                marking.block(child)
        if {language for _, language in marking.blocks} == {"en", "zh"}:
            for node, language in marking.blocks:
                mark(node, language)


def setup(app) -> dict:
    app.add_transform(MarkLanguages)
    app.add_js_file("language.js")  # In the page's head, not deferred: no flash of both.
    app.add_css_file("language.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
