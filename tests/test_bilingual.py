"""Every chapter says what it explains in both languages, in full.

A full Chinese translation of English prose runs at about 1.45 Chinese characters per English
word; a chapter below 1.2 has left paragraphs, captions, summaries or exercises untranslated.
Only explanatory text counts: code (fenced and inline), links' addresses, math and HTML are
removed from the markdown cells first.
"""

import re
from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
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
