"""The built site, opened in headless Chromium as a learner would open it.

Run by `./run.sh docs-check` after `./run.sh docs`. The site is served from docs/_build/html on
127.0.0.1; every page, the landing page, the API reference and one page per notebooks/*.ipynb,
must load without a JavaScript error, with every image loaded from the site itself, and show
the text outputs stored in its notebook. The language switch shows each language's prose
only, with every code cell and figure, keeps the reader's choice, and follows the browser's
language on a first visit; "Download notebook" saves the stored notebook. A full-page screenshot
of one chapter goes to artifacts/docs/ for a person to look at.
"""

import functools
import html.parser
import json
import re
import threading
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import metadata
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
ARTIFACTS = ROOT / "artifacts" / "docs"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHAPTER_PAGES = [f"notebooks/{notebook.stem}.html" for notebook in NOTEBOOKS]
PAGES = ["docs/index.html", "docs/api.html", *CHAPTER_PAGES]
CJK = re.compile(r"[\u4e00-\u9fff]")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
# The network is closed here; these flags stop Chromium from trying it in the background.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site() -> str:
    """The built site served over HTTP on a free local port; yields its base URL."""
    assert (SITE / "docs" / "index.html").is_file(), "No built site: run `./run.sh docs` first"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=SITE))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def start_browser(profile: Path, language: str) -> webdriver.Chrome:
    """Chromium for a reader who prefers `language`. Headless Chromium takes --lang for its
    interface only: navigator.languages comes from the accept-languages preference."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [*CHROMIUM_FLAGS, f"--lang={language}", f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Debian's chromedriver, named so that Selenium Manager downloads nothing.
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> webdriver.Chrome:
    driver = start_browser(tmp_path_factory.mktemp("chromium-profile"), "en-US")
    yield driver
    driver.quit()


def open_page(browser: webdriver.Chrome, url: str) -> list[str]:
    """Load `url` until it and its images are done; return the browser's SEVERE log lines."""
    browser.get_log("browser")  # Forget what earlier pages logged.
    browser.get(url)
    WebDriverWait(browser, 30).until(
        lambda b: b.execute_script(
            "return document.readyState === 'complete'"
            " && [...document.images].every(image => image.complete)"
        )
    )
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


# Outputs that vary run to run (nbval does not compare them either), and outputs the page hides
# until the reader opens them (the exercises' solutions) or never shows.
NOT_SHOWN_AS_STORED = {
    "nbval-ignore-output",
    "hide-cell",
    "hide-output",
    "remove-output",
    "remove-cell",
}


def stored_text_outputs(notebook: Path) -> list[str]:
    """The text a learner sees under the notebook's cells, where it is the same at every run.

    A cell's consecutive stdout (or stderr) chunks make one text, as Jupyter and the site show
    them: how the kernel happened to flush them differs from run to run.
    """
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    texts = []
    for cell in cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "code" or tags & NOT_SHOWN_AS_STORED:
            continue
        previous_stream = None
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            stream = output.get("name") if output["output_type"] == "stream" else None
            if stream and stream == previous_stream:
                texts[-1] += "".join(output["text"])
            elif stream:
                texts.append("".join(output["text"]))
            elif set(data) == {"text/plain"}:  # With an image or HTML, that is shown instead.
                texts.append("".join(data["text/plain"]))
            previous_stream = stream
    return [ANSI_ESCAPE.sub("", text).strip() for text in texts if text.strip()]


def stored_image_count(notebook: Path) -> int:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    outputs = [output for cell in cells for output in cell.get("outputs", [])]
    return sum("image/png" in output.get("data", {}) for output in outputs)


class IdCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(value for name, value in attrs if name == "id" and value)


def ids_in(page_html: str) -> set[str]:
    collector = IdCollector()
    collector.feed(page_html)
    return collector.ids


def test_site_root_leads_to_the_landing_page(browser: webdriver.Chrome, site: str) -> None:
    assert open_page(browser, site) == []
    assert browser.current_url == urljoin(site, "docs/index.html")


def test_chapters_are_every_notebook_in_course_order(browser: webdriver.Chrome, site: str) -> None:
    open_page(browser, urljoin(site, "docs/index.html"))
    sidebar = browser.execute_script(
        "return [...document.querySelectorAll('nav.bd-docs-nav a.reference.internal')]"
        ".map(link => link.href)"
    )
    chapters = [url.removeprefix(site) for url in sidebar if "/notebooks/" in url]
    assert chapters == CHAPTER_PAGES, "The site's chapters are not notebooks/*.ipynb in order"
    if not NOTEBOOKS:
        assert "No chapter is in" in browser.find_element("tag name", "article").text


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_with_its_images_and_no_javascript_error(
    browser: webdriver.Chrome, site: str, page: str
) -> None:
    url = urljoin(site, page)
    fetch(url)  # Raises HTTPError on a 404: the browser would just show an error page.
    errors = open_page(browser, url)
    assert not errors, f"JavaScript errors or failed loads on {page}: {errors}"
    images = browser.execute_script(
        "return [...document.images].map(i => [i.currentSrc || i.src, i.naturalWidth])"
    )
    broken = [src for src, width in images if width == 0]
    assert not broken, f"Images that did not load on {page}: {broken}"
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(entry => entry.name)"
    )
    elsewhere = [src for src, _ in images] + resources
    elsewhere = [url for url in elsewhere if not url.startswith((site, "data:"))]
    assert not elsewhere, f"{page} loads from outside the site (no network offline): {elsewhere}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_chapter_shows_what_its_notebook_shows(
    browser: webdriver.Chrome, site: str, notebook: Path
) -> None:
    open_page(browser, urljoin(site, f"notebooks/{notebook.stem}.html"))
    shown = browser.execute_script(
        "return [...document.querySelectorAll('.cell_output pre')].map(pre => pre.textContent)"
    )
    shown_text = "\n".join(shown)
    missing = [text for text in stored_text_outputs(notebook) if text not in shown_text]
    assert not missing, f"Stored outputs of {notebook.name} not on its page: {missing}"
    plots = browser.execute_script("return document.querySelectorAll('.cell_output img').length")
    assert plots == stored_image_count(notebook), f"{notebook.name}: plots on page != in notebook"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_chapter_opens_in_colab_from_its_path_in_the_repository(
    browser: webdriver.Chrome, site: str, notebook: Path
) -> None:
    urls = metadata("mnist-helpers").get_all("Project-URL")
    repository = next(url for url in urls if url.startswith("Repository, "))
    owner_and_name = repository.removeprefix("Repository, https://github.com/").rstrip("/")
    expected = (
        "https://colab.research.google.com/github/"
        f"{owner_and_name}/blob/main/notebooks/{notebook.name}"
    )
    for page in (f"notebooks/{notebook.stem}.html", "docs/index.html"):
        open_page(browser, urljoin(site, page))
        links = browser.execute_script(
            "return [...document.querySelectorAll('a')].map(link => link.href)"
        )
        assert expected in links, f"No Colab link to {notebook.name} on {page}"


@pytest.mark.parametrize("page", PAGES)
def test_links_within_the_site_resolve(browser: webdriver.Chrome, site: str, page: str) -> None:
    open_page(browser, urljoin(site, page))
    links = browser.execute_script("return [...document.querySelectorAll('a')].map(a => a.href)")
    broken = []
    for link in sorted({link for link in links if link.startswith(site)}):
        target, fragment = urldefrag(link)
        try:
            target_html = fetch(target)
        except urllib.error.HTTPError:
            broken.append(link)
            continue
        if fragment and target.endswith(".html") and fragment not in ids_in(target_html):
            broken.append(link)
    assert not broken, f"Broken links on {page}: {broken}"


def test_chinese_text_renders_with_real_glyphs(browser: webdriver.Chrome, site: str) -> None:
    """Two different Chinese characters drawn in the page's font must differ: a missing font
    draws every character as the same empty box."""
    bilingual = []
    for page in PAGES:
        open_page(browser, urljoin(site, page))
        choose(browser, "both")
        characters = sorted(set(CJK.findall(browser.find_element("tag name", "body").text)))
        if len(characters) < 2:
            continue
        bilingual.append(page)
        drawings = browser.execute_script(
            """
            const font = getComputedStyle(document.body).fontFamily;
            return arguments[0].map(character => {
                const canvas = document.createElement('canvas');
                canvas.width = canvas.height = 48;
                const context = canvas.getContext('2d');
                context.font = `40px ${font}`;
                context.fillText(character, 4, 40);
                return canvas.toDataURL();
            });
            """,
            characters[:2],
        )
        same_drawing = drawings[0] == drawings[1]
        assert not same_drawing, f"Chinese on {page} renders as boxes: no CJK font"
    assert "docs/index.html" in bilingual, "The landing page's Chinese line is gone"


def save_full_page_screenshot(
    browser: webdriver.Chrome, site: str, page: str, language: str
) -> Path:
    """The whole page in one picture, in one language mode: the viewport is made as tall as the
    page for the shot."""
    assert open_page(browser, urljoin(site, page)) == []
    choose(browser, language)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    metrics = {"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{Path(page).stem}-{language}.png"
        assert browser.save_screenshot(str(path)), f"No screenshot of {page}"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert path.stat().st_size > 10_000, f"{path} looks empty"
    return path


def test_screenshots_of_the_landing_page_and_a_chapter(
    browser: webdriver.Chrome, site: str
) -> None:
    """Full pages for a person to look at: the landing page, and the first chapter with Chinese
    text (or else the first chapter) in each language mode."""
    bilingual = [page for page in CHAPTER_PAGES if CJK.search(fetch(urljoin(site, page)))]
    save_full_page_screenshot(browser, site, "docs/index.html", "both")
    for language in LANGUAGES:
        save_full_page_screenshot(browser, site, (bilingual or CHAPTER_PAGES)[0], language)


# The language switch: English, 中文 or both (docs/bilingual.py, docs/_static/language.js).
LANGUAGE_KEY = "mnist-tutorials-language"
LANGUAGES = ["en", "zh", "both"]
HAN_OR_LATIN = re.compile(r"[\u4e00-\u9fffA-Za-z]")
# The prose the reader sees in the article: text nodes whose element is displayed, leaving out
# code cells and their outputs, code, math and the headings' "#" anchors (VISIBLE_TEXT's roots
# and what it skips are CSS selectors).
VISIBLE_TEXT = """
const [roots, skip] = arguments;
let text = '';
for (const root of document.querySelectorAll(roots)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (parent.closest(skip) || !parent.checkVisibility()) continue;
        text += walker.currentNode.data + ' ';
    }
}
return text;
"""
NOT_PROSE = ".cell, pre, code, math, .headerlink, .language-switch, script, style"
# Each heading's visible text, headings hidden whole left out.
SHOWN_HEADINGS = """
return [...document.querySelectorAll('article h1, article h2, article h3')]
    .filter(heading => heading.checkVisibility())
    .map(heading => heading.innerText.replace('#', '').trim());
"""
# The sidebar's chapter links and the page's own table of contents, as shown.
TABLE_OF_CONTENTS = """
return [...document.querySelectorAll('nav.bd-docs-nav a, .bd-toc-nav a')]
    .filter(link => link.href.includes('/notebooks/'))
    .map(link => link.innerText.trim()).filter(text => text);
"""
SHOWN = """
return [...document.querySelectorAll(arguments[0])].filter(e => e.checkVisibility()).length;
"""


def han_share(text: str) -> float:
    letters = HAN_OR_LATIN.findall(text)
    return len(CJK.findall(text)) / max(1, len(letters))


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> webdriver.Chrome:
    """A browser of its own: the choice it stores stays out of the other tests' pages."""
    driver = start_browser(tmp_path_factory.mktemp("reader-profile"), "en-US")
    yield driver
    driver.quit()


def chosen_language(browser: webdriver.Chrome) -> str:
    return browser.execute_script("return document.documentElement.dataset.language")


def choose(browser: webdriver.Chrome, language: str) -> None:
    """Click the header's button for `language`, as a reader would."""
    browser.find_element(
        "css selector", f'.language-switch button[data-language="{language}"]'
    ).click()
    assert chosen_language(browser) == language


def test_han_share_tells_the_languages_apart() -> None:
    assert han_share("The model 模型") == 2 / 10
    assert han_share("模型输出 logits") == 4 / 10
    assert han_share("1234 + 5") == 0


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_each_language_shows_its_prose_and_every_cell_and_figure(
    reader: webdriver.Chrome, site: str, page: str
) -> None:
    open_page(reader, urljoin(site, page))
    switch = reader.find_elements("css selector", ".language-switch button")
    assert [b.get_attribute("data-language") for b in switch] == LANGUAGES, "No switch in header"
    shown = {}
    for language in LANGUAGES:
        choose(reader, language)
        prose = reader.execute_script(VISIBLE_TEXT, "article", NOT_PROSE)
        headings = reader.execute_script(SHOWN_HEADINGS)
        cells = reader.execute_script(SHOWN, ".cell_input, .cell_output, a.download")
        figures = reader.execute_script(SHOWN, ".cell_output img")
        links = reader.execute_script(TABLE_OF_CONTENTS)
        shown[language] = (han_share(prose), headings, cells, figures, links)
    english, chinese, both = shown["en"], shown["zh"], shown["both"]
    assert english[0] < 0.02, f"{page}: Chinese in the English prose ({english[0]:.1%} Han)"
    assert chinese[0] > 0.6, f"{page}: English in the Chinese prose ({chinese[0]:.1%} Han)"
    assert english[0] < both[0] < chinese[0], f"{page}: both languages is not both: {shown}"
    assert english[1] and not [h for h in english[1] if CJK.search(h)], f"{page}: {english[1]}"
    assert not [h for h in chinese[1] if not CJK.search(h)], f"{page}: {chinese[1]}"
    assert len(english[1]) == len(chinese[1]) == len(both[1]), f"{page}: a heading is hidden"
    assert english[2:4] == chinese[2:4] == both[2:4], f"{page}: cells or figures hidden: {shown}"
    assert english[4] and not [t for t in english[4] if CJK.search(t)], f"{page}: {english[4]}"
    assert not [t for t in chinese[4] if not CJK.search(t)], f"{page}: {chinese[4]}"
    assert both[2] > 0, f"{page}: no code cell shown"
    not_folded = reader.execute_script(
        "return document.querySelectorAll('.cell:not(.tag_hide-cell) .cell_output img').length"
    )
    assert both[3] == not_folded, f"{page}: a figure outside the folded solutions is hidden"


def test_the_choice_holds_across_pages_reloads_and_visits(
    reader: webdriver.Chrome, site: str
) -> None:
    first, second = (urljoin(site, page) for page in CHAPTER_PAGES[:2])
    for language in ("zh", "en", "both"):
        open_page(reader, first)
        choose(reader, language)
        open_page(reader, second)
        assert chosen_language(reader) == language, "The choice did not follow to the next page"
        reader.refresh()
        WebDriverWait(reader, 30).until(
            lambda b: b.execute_script("return document.readyState === 'complete'")
        )
        assert chosen_language(reader) == language, "The choice did not survive a reload"
        stored = reader.execute_script("return localStorage.getItem(arguments[0])", LANGUAGE_KEY)
        assert stored == language, "The choice is not kept for the next visit"


@pytest.mark.parametrize("stored", ["fr", "", "<b>zh</b>", "zh" * 10_000])
def test_a_stored_value_that_is_no_language_falls_back_to_the_browsers(
    reader: webdriver.Chrome, site: str, stored: str
) -> None:
    open_page(reader, urljoin(site, CHAPTER_PAGES[0]))
    reader.execute_script("localStorage.setItem(arguments[0], arguments[1])", LANGUAGE_KEY, stored)
    open_page(reader, urljoin(site, CHAPTER_PAGES[0]))
    assert chosen_language(reader) == "en", "The reader's browser is set to en-US"
    assert open_page(reader, urljoin(site, CHAPTER_PAGES[1])) == [], "A JavaScript error"


@pytest.mark.parametrize(("browser_language", "expected"), [("zh-CN", "zh"), ("en-US", "en")])
def test_a_first_visit_follows_the_browsers_language(
    tmp_path: Path, site: str, browser_language: str, expected: str
) -> None:
    driver = start_browser(tmp_path / "profile", browser_language)
    try:
        open_page(driver, urljoin(site, CHAPTER_PAGES[0]))
        languages = driver.execute_script("return navigator.languages")
        assert languages[0] == browser_language, f"Chromium ignored --lang: {languages}"
        assert chosen_language(driver) == expected
    finally:
        driver.quit()


def test_docs_pages_switch_too(reader: webdriver.Chrome, site: str) -> None:
    """The landing page and the glossary are bilingual: their prose switches, and so do the
    chapters' summaries and the glossary's meanings; the glossary's term columns stay (the
    pairing is what a glossary is). The API reference is English only (the docstrings): the
    switch leaves it whole."""
    for page, switching_cells in [
        ("docs/index.html", "td:nth-child(2)"),
        ("docs/glossary.html", "td:nth-child(3)"),
    ]:
        open_page(reader, urljoin(site, page))
        cells_text = f"return [...document.querySelectorAll('article {switching_cells}')]"
        cells_text += ".map(cell => cell.innerText)"
        prose = {}
        for language in ("en", "zh"):
            choose(reader, language)
            prose[language] = reader.execute_script(VISIBLE_TEXT, "article", NOT_PROSE + ", table")
            cells = reader.execute_script(cells_text)
            if language == "en":
                assert not [c for c in cells if CJK.search(c)], f"{page}: Chinese in {cells}"
            else:
                assert not [c for c in cells if not CJK.search(c)], f"{page}: English in {cells}"
        assert han_share(prose["en"]) < 0.02 and han_share(prose["zh"]) > 0.6, page
    open_page(reader, urljoin(site, "docs/api.html"))
    texts = []
    for language in LANGUAGES:
        choose(reader, language)
        texts.append(reader.execute_script(VISIBLE_TEXT, "article", "script, style"))
    assert texts[0] == texts[1] == texts[2] and "load_mnist" in texts[0]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_download_notebook_saves_the_stored_notebook(
    browser: webdriver.Chrome, site: str, notebook: Path, tmp_path: Path
) -> None:
    """A click saves the file (a `download` link to the site's own copy); the page stays."""
    page = urljoin(site, f"notebooks/{notebook.stem}.html")
    open_page(browser, page)
    link = browser.find_element("link text", "Download notebook")
    assert link.get_attribute("download") == notebook.name
    assert link.get_attribute("href") == urljoin(page, notebook.name)
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    link.click()
    saved = tmp_path / notebook.name
    WebDriverWait(browser, 30).until(lambda _: saved.is_file() and saved.stat().st_size > 0)
    assert saved.read_bytes() == notebook.read_bytes(), "The download is not the stored notebook"
    assert browser.current_url == page, "The link opened the file instead of saving it"
