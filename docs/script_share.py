"""Which language a piece of text is in, by its share of Han characters among its letters.

Apart from docs/bilingual.py (the Sphinx step that marks the site's prose) so that the tests,
which check the chapters the same way the site reads them, need no Sphinx.
"""

import re

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
# Han characters among the letters of a block: Chinese prose sits above 0.5 even with English
# names in it (TensorFlow, epoch), English prose below 0.1 even with a term glossed in Chinese.
CHINESE_FROM = 0.4
ENGLISH_UNDER = 0.1


def han_share(text: str) -> float | None:
    """Han characters / (Han characters + Latin letters); None where there is no letter."""
    han, latin = len(HAN.findall(text)), len(LATIN.findall(text))
    return han / (han + latin) if han + latin else None


def language_of(text: str) -> str | None:
    """The language `text` is in: "zh", "en", or None (no letters, or both in like amounts)."""
    share = han_share(text)
    if share is None:
        return None
    if share >= CHINESE_FROM:
        return "zh"
    return "en" if share < ENGLISH_UNDER else None
