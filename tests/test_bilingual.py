"""Every chapter says what it explains in both languages, in full, in the glossary's words.

Three checks: the amount of Chinese; the glossary's terms instead of the variants the chapters
used before (GUIDE "Words", issues 16 and 21); the `**中文：**` marker on every Chinese paragraph
that follows its English one, which readers and the site's language switch rely on.

A full Chinese translation of English prose runs at about 1.45 Chinese characters per English
word; a chapter below 1.2 has left paragraphs, captions, summaries or exercises untranslated.
Only explanatory text counts: code (fenced and inline), links' addresses, math and HTML are
removed from the markdown cells first.
"""

import re
import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "docs"))

from script_share import language_of  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MIN_CHINESE_CHARACTERS_PER_ENGLISH_WORD = 1.2
NOT_PROSE = re.compile(
    r"```.*?```"  # fenced code
    r"|`[^`]*`"  # inline code
    r"|\]\([^)]*\)"  # a link's address (its text stays)
    r"|\$\$.*?\$\$|\$[^$]*\$"  # math
    r"|<[^>]+>",  # HTML tags
    re.S,
)
ENGLISH_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
CHINESE_CHARACTER = re.compile(r"[\u4e00-\u9fff]")


def prose(notebook: Path) -> str:
    cells = jupytext.read(notebook).cells
    return NOT_PROSE.sub(" ", "\n\n".join(c.source for c in cells if c.cell_type == "markdown"))


def chinese_per_english_word(text: str) -> float:
    return len(CHINESE_CHARACTER.findall(text)) / max(1, len(ENGLISH_WORD.findall(text)))


def test_the_measure_counts_words_and_characters_not_code() -> None:
    assert chinese_per_english_word("Two words 两词") == 1.0
    text = "Scale `x_train` by [the rule](https://example.org/a_b) $x/255$ 缩放"
    assert chinese_per_english_word(NOT_PROSE.sub(" ", text)) == 2 / 4


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_chapter_is_translated_in_full(notebook: Path) -> None:
    ratio = chinese_per_english_word(prose(notebook))
    assert ratio >= MIN_CHINESE_CHARACTERS_PER_ENGLISH_WORD, (
        f"{notebook.name}: {ratio:.2f} Chinese characters per English word of explanatory text"
        f" (a full translation is about 1.45; at least {MIN_CHINESE_CHARACTERS_PER_ENGLISH_WORD})"
    )


# The glossary's terms (docs/glossary.md), and the variants that must not appear in a chapter.
GLOSSARY = ROOT / "docs" / "glossary.md"
VARIANTS = {
    r"内置": "自带样本 (the embedded sample)",
    r"卷积神经网络": "卷积网络 (convnet)",
    r"全规约": "全归约 (all-reduce)",
    r"动量": "Adam 的一阶、二阶矩估计 (Adam's moment estimates)",
    r"运行中准确率": "累计准确率 (running accuracy)",
    r"eager ?(循环|模式)": "即时执行 (eager execution): 即时执行的循环",
    r"正确率": "准确率 (accuracy)",
    r"把握|确信": "置信度 (confidence)",
    r"截断": "裁剪 (clip)",
    r"简单训练过的模型": "a phrase that does not read as 'simply trained' (训练了几步的模型)",
}
PREFERRED_TERMS = [
    "自带样本",
    "卷积网络",
    "全归约",
    "Adam 的一阶、二阶矩估计",
    "累计准确率",
    "即时执行",
    "准确率",
    "置信度",
    "裁剪",
    "工作进程",
]
WORKER = "工作进程（worker）"
# "worker" written in Chinese text instead of 工作进程: next to a Han character.
WORKER_IN_CHINESE = re.compile(
    r"[\u4e00-\u9fff][^A-Za-z\n]{0,3}\bworkers?\b|\bworkers?\b[^A-Za-z\n]{0,3}[\u4e00-\u9fff]"
)


def chinese_variants(text: str) -> list[str]:
    """Each variant found in `text`, with what the glossary says to write instead."""
    text = NOT_PROSE.sub(" ", text)
    found = [
        f"{match.group(0)!r}: write {instead}"
        for variant, instead in VARIANTS.items()
        for match in re.finditer(variant, text)
    ]
    found += [
        f"{match.group(0)!r}: write 工作进程 ({WORKER} at first use)"
        for match in WORKER_IN_CHINESE.finditer(text.replace(WORKER, "工作进程"))
    ]
    return found


def test_the_variant_check_finds_each_variant() -> None:
    assert chinese_variants("它返回内置的样本，用卷积神经网络和 eager 循环。") != []
    assert len(chinese_variants("内置 卷积神经网络 全规约 动量 运行中准确率 eager 模式")) == 6
    assert len(chinese_variants("正确率 把握 确信 截断 简单训练过的模型")) == 5
    assert len(chinese_variants("两个 worker 上失败；worker 进程")) == 2
    assert chinese_variants("两个工作进程（worker）之间，`worker.py` 里的 two workers。") == []
    assert (
        chinese_variants("自带样本、卷积网络、全归约、累计准确率、即时执行的循环、置信度、裁剪")
        == []
    )


def test_the_glossary_holds_every_preferred_term() -> None:
    glossary = GLOSSARY.read_text(encoding="utf-8")
    missing = [term for term in PREFERRED_TERMS if term not in glossary]
    assert not missing, f"docs/glossary.md lacks {missing}"
    assert WORKER in glossary, "The glossary does not say how 工作进程 is introduced"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_chapter_uses_the_glossary_terms(notebook: Path) -> None:
    found = chinese_variants(prose(notebook))
    assert not found, f"{notebook.name}: {found}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_worker_is_introduced_at_its_first_use(notebook: Path) -> None:
    text = prose(notebook)
    if "工作进程" in text:
        first = text.index("工作进程")
        assert text.startswith(WORKER, first), f"{notebook.name}: first 工作进程 without (worker)"


# Every Chinese paragraph that follows its English one opens with this marker; the site's
# language switch (docs/bilingual.py) and a reader skimming both languages rely on it.
MARKER = "**中文：**"
NOT_A_PARAGRAPH = re.compile(r"[#>|<!]|[-*+] |\d+\. |```|\$\$")
# A paragraph that opens with a Chinese label of its own, as its English twin opens with the
# English one (`Next:` / `下一章：`, `**Part 2 answer:**` / `**第二部分答案：**`), is marked
# already.
CHINESE_LABEL = re.compile(r"(\*\*)?[\u4e00-\u9fff][\u4e00-\u9fff（）\w ]{0,11}：")


def unmarked_chinese_paragraphs(markdown: str) -> list[str]:
    """Chinese paragraphs that open without the marker, where the block before them is English
    (a Chinese paragraph that continues Chinese text needs none), or begins the cell.
    The bold lead sentence under the title has its own form: both languages wholly bold; so has
    a paragraph that opens with a Chinese label."""
    unmarked, previous_is_chinese = [], False
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        chinese = language_of(NOT_PROSE.sub(" ", block)) == "zh"  # As the site tells it.
        is_paragraph = block and not NOT_A_PARAGRAPH.match(block)
        wholly_bold = block.startswith("**") and block.endswith("**") and block.count("**") == 2
        labelled = block.startswith(MARKER) or CHINESE_LABEL.match(block)
        if is_paragraph and chinese and not (previous_is_chinese or wholly_bold or labelled):
            unmarked.append(block[:60])
        if block and not block.startswith("#"):
            previous_is_chinese = chinese
    return unmarked


def test_the_marker_check_finds_an_unmarked_paragraph() -> None:
    english = "The model learns from examples."
    chinese = "模型从样本中学习，每个批次更新一次权重。"
    assert unmarked_chinese_paragraphs(f"{english}\n\n{chinese}") == [chinese]
    assert unmarked_chinese_paragraphs(f"{english}\n\n{MARKER} {chinese}") == []
    assert unmarked_chinese_paragraphs(f"{MARKER} {chinese}\n\n- 一项\n\n{chinese}") == []
    assert unmarked_chinese_paragraphs(f"**{english}**\n\n**{chinese}**") == []
    assert unmarked_chinese_paragraphs(f"## Title · 标题\n\n{chinese}") == [chinese]
    assert unmarked_chinese_paragraphs("Next: chapter 2.\n\n下一章：第 2 章。") == []
    assert unmarked_chinese_paragraphs(f"**Answer:** {english}\n\n**答案：** {chinese}") == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_chinese_paragraph_carries_the_marker(notebook: Path) -> None:
    cells = [c.source for c in jupytext.read(notebook).cells if c.cell_type == "markdown"]
    unmarked = [paragraph for cell in cells for paragraph in unmarked_chinese_paragraphs(cell)]
    assert not unmarked, f"{notebook.name}: Chinese paragraphs without {MARKER}: {unmarked}"
