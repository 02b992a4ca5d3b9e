// The language switch: English, 中文 or both. docs/bilingual.py marks each prose block of a
// page lang="en" or lang="zh"; language.css hides the blocks of the language not chosen.
// The choice is the page's <html data-language>, set here before the body is drawn (this
// script is not deferred), so a page never shows both languages for a moment first.
(() => {
  const KEY = "mnist-tutorials-language";
  const LANGUAGES = ["en", "zh", "both"];
  const originalTitle = document.title;

  // The reader's first language that the course is written in; both when neither is listed.
  function browserLanguage() {
    for (const tag of navigator.languages || [navigator.language || ""]) {
      const lower = tag.toLowerCase();
      if (lower.startsWith("zh")) return "zh";
      if (lower.startsWith("en")) return "en";
    }
    return "both";
  }

  // Storage may be refused (a private window, a strict setting): then the choice lasts a page.
  function storedLanguage() {
    try {
      const stored = localStorage.getItem(KEY);
      return LANGUAGES.includes(stored) ? stored : null;
    } catch {
      return null;
    }
  }

  function store(language) {
    try {
      localStorage.setItem(KEY, language);
    } catch {
      // Nothing to do: the switch still works on this page.
    }
  }

  // "English · 中文 — MNIST with TensorFlow" keeps the chosen side in the tab's title too.
  function pageTitle(language) {
    const sides = originalTitle.match(/^(.+?) · (.+?)( — .*)?$/);
    if (!sides || language === "both") return originalTitle;
    return (language === "en" ? sides[1] : sides[2]) + (sides[3] || "");
  }

  function show(language) {
    document.documentElement.dataset.language = language;
    document.title = pageTitle(language);
    for (const button of document.querySelectorAll(".language-switch button")) {
      button.setAttribute("aria-pressed", String(button.dataset.language === language));
    }
  }

  show(storedLanguage() || browserLanguage());

  document.addEventListener("DOMContentLoaded", () => {
    show(document.documentElement.dataset.language);
    for (const button of document.querySelectorAll(".language-switch button")) {
      button.addEventListener("click", () => {
        store(button.dataset.language);
        show(button.dataset.language);
      });
    }
  });
})();
