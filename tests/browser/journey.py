"""A user's journey through real pages, checked the way a reviewer would look at them.

Use the `journey` fixture (tests/browser/conftest.py): it runs the test once per variant —
desktop (1440×900) and phone (390×844), each in Simplified Chinese and in English — and

- fails on any console error or uncaught page error (a blocked script, a 404 asset, a CSP
  violation all show up there), checked by `journey.check()` and again when the test ends;
- `journey.check()` fails on untranslated strings: in Chinese, visible text that is a
  catalogue msgid whose translation differs ("Projects" instead of 项目); in English, visible
  text that is a catalogue translation ("项目"), or English mixed with Chinese punctuation
  ("Stage、Township");
- `journey.check(owner_page=True)` (or `assert_no_horizontal_overflow()`) fails when the page
  scrolls sideways, naming the elements that stick out.

    def test_owner_reports(journey, world):
        journey.login("alice", "pw-alice")
        journey.goto("/ledger/reports/")
        journey.check(owner_page=True)
        journey.shot("owner-reports")
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("zh-hans", "en")
VARIANTS = [(v, lang) for v in VIEWPORTS for lang in LANGUAGES]
# The suite runs on both databases (.ci/run): each runs every journey in two of the four
# variants, crossed, so CI covers every variant and every journey on each database at half
# the cost (the browser is half the suite's time). TAIZHANG_JOURNEY_VARIANTS=all runs the four.
_VARIANTS_BY_DATABASE = {
    "sqlite": [("desktop", "zh-hans"), ("phone", "en")],
    "postgresql": [("desktop", "en"), ("phone", "zh-hans")],
}


def variants_to_run(vendor: str, choice: str = "") -> list[tuple[str, str]]:
    """The journey variants this run takes: two per database, or all with `choice` "all"."""
    if choice == "all" or vendor not in _VARIANTS_BY_DATABASE:
        return list(VARIANTS)
    return list(_VARIANTS_BY_DATABASE[vendor])


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Placeholders a catalogue string may hold: %(name)s, %s, %d, {name}.
_PLACEHOLDER = re.compile(r"%\([^)]+\)[sdfi]|%[sdfi]|\{[a-z_]*\}")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}[^A-Za-z\u3400-\u9fff]+[A-Za-z]{2,}")
_CHINESE_PUNCTUATION = re.compile(r"[、，：。；（）]")

# Visible text and the text of attributes a user reads (placeholders, titles, labels).
_TEXTS_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest('script,style,noscript,template')) continue;
    // Text marked as another language on purpose (the language switch says "English").
    if (parent.closest('[lang]') !== document.documentElement) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (!text) continue;
    const style = getComputedStyle(parent);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    out.push(text);
  }
  const buttons = 'input[type=submit],input[type=button]';
  for (const el of document.querySelectorAll('[placeholder],[title],[aria-label],' + buttons)) {
    if (el.closest('[lang]') !== document.documentElement) continue;
    for (const attr of ['placeholder', 'title', 'aria-label', 'value']) {
      if ((attr !== 'value' || el.matches(buttons)) && el.getAttribute(attr))
        out.push(el.getAttribute(attr).trim());
    }
  }
  return out;
}"""

_OVERFLOW_JS = """(screen) => {
  const width = Math.min(window.innerWidth, screen);
  const scroll = document.scrollingElement.scrollWidth;
  const culprits = [];
  if (scroll > width + 1) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > width + 1) {
        // Only the outermost offenders: skip an element whose parent already sticks out.
        const p = el.parentElement && el.parentElement.getBoundingClientRect();
        if (p && p.right > width + 1 && el.parentElement !== document.body) continue;
        const cls = typeof el.className === 'string' && el.className.trim()
          ? '.' + el.className.trim().replace(/\\s+/g, '.') : '';
        culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls +
          ' right=' + Math.round(r.right));
        if (culprits.length >= 8) break;
      }
    }
  }
  return {width, scroll, culprits};
}"""


def _pattern(text: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(text)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


@dataclass(frozen=True)
class _Catalogue:
    exact: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    def holds(self, text: str) -> bool:
        return text in self.exact or any(p.fullmatch(text) for p in self.patterns)


@cache
def _catalogues() -> tuple[_Catalogue, _Catalogue]:
    """(English msgids that have a different Chinese translation, those translations)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        catalogue = translation.trans_real.translation("zh-hans")._catalog  # type: ignore[attr-defined]
        pairs = []
        for msgid, msgstr in catalogue.items():
            if isinstance(msgid, tuple):  # plural forms: (msgid, index)
                msgid = msgid[0]
            if not isinstance(msgid, str) or not msgstr or msgid == msgstr:
                continue
            pairs.append((msgid.strip(), msgstr.strip()))

    def says_enough(fixed: str) -> bool:
        return len(re.findall(r"[A-Za-z]{2,}", fixed)) >= 2 or len(_CJK.findall(fixed)) >= 4

    def build(strings: list[str], *, needs) -> _Catalogue:
        wanted = [s for s in strings if s and needs(s)]
        exact = frozenset(s for s in wanted if not _PLACEHOLDER.search(s))
        # A formatted string is looked for only when its fixed text says enough on its own:
        # two English words, or four Chinese characters ("office %(name)s" would match any
        # "office · 项目办管理员" header).
        patterns = tuple(_pattern(s) for s in wanted if _PLACEHOLDER.search(s)
                         and says_enough(_PLACEHOLDER.sub(" ", s)))
        return _Catalogue(exact, patterns)

    english = build([m for m, _ in pairs], needs=lambda s: re.search(r"[A-Za-z]{2,}", s))
    chinese = build([t for _, t in pairs], needs=lambda s: _CJK.search(s))
    return english, chinese


def untranslated(texts: list[str], language: str, allow: frozenset[str] = frozenset()) -> list[str]:
    """The texts that are in the wrong language for `language`."""
    english, chinese = _catalogues()
    wrong = []
    for text in texts:
        if text in allow:
            continue
        if language == "en":
            if chinese.holds(text) or (
                _ENGLISH_WORDS.search(text) and _CHINESE_PUNCTUATION.search(text)
            ):
                wrong.append(text)
        elif english.holds(text):
            wrong.append(text)
    return wrong


@dataclass
class Journey:
    page: object
    base_url: str
    viewport: str
    language: str
    errors: list[str] = field(default_factory=list)
    allow: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return f"{self.viewport}-{'zh' if self.language != 'en' else 'en'}"

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def login(self, username: str, password: str) -> None:
        self.page.goto(f"{self.base_url}/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit].primary")
        self.page.wait_for_url(lambda url: "/login/" not in url)

    def logout(self) -> None:
        self.page.context.clear_cookies()
        self._set_language()

    def allow_text(self, *texts: str) -> None:
        """Data that looks like a UI string (a key list called 省重点, say)."""
        self.allow.update(texts)

    def assert_no_console_errors(self) -> None:
        errors, self.errors[:] = list(self.errors), []
        assert not errors, f"console errors on {self.page.url}: {errors}"

    def assert_translated(self) -> None:
        texts = self.page.evaluate(_TEXTS_JS)
        wrong = untranslated(texts, self.language, frozenset(self.allow))
        assert not wrong, f"untranslated on {self.page.url} ({self.language}): {wrong}"

    def assert_no_horizontal_overflow(self) -> None:
        # A phone (is_mobile) widens its layout viewport to content that sticks out, so
        # innerWidth may have grown with it: the screen's width is the measure.
        found = self.page.evaluate(_OVERFLOW_JS, VIEWPORTS[self.viewport]["width"])
        assert found["scroll"] <= found["width"] + 1, (
            f"{self.page.url} scrolls sideways at {found['width']} px "
            f"(content {found['scroll']} px): {found['culprits']}"
        )

    def check(self, *, owner_page: bool = False) -> None:
        """Everything a reviewer looks for on the page now shown."""
        self.page.wait_for_load_state("networkidle")
        self.assert_no_console_errors()
        self.assert_translated()
        if owner_page or self.viewport == "phone":
            # The header and page chrome must fit on every page; owner pages entirely.
            self.assert_no_horizontal_overflow() if owner_page else self._assert_header_fits()

    def _assert_header_fits(self) -> None:
        width = min(self.page.evaluate("() => window.innerWidth"),
                    VIEWPORTS[self.viewport]["width"])
        right = self.page.evaluate(
            "() => Math.max(0, ...[...document.querySelectorAll('header, header *')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert right <= width + 1, f"the header of {self.page.url} is {right} px wide at {width}"

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def _set_language(self) -> None:
        from django.conf import settings

        self.page.context.add_cookies([{
            "name": settings.LANGUAGE_COOKIE_NAME, "value": self.language, "url": self.base_url,
        }])


def start(browser, base_url: str, viewport: str, language: str) -> Journey:
    context = browser.new_context(
        locale="en-US" if language == "en" else "zh-CN", viewport=VIEWPORTS[viewport],
        is_mobile=viewport == "phone", has_touch=viewport == "phone",
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    journey = Journey(page, base_url, viewport, language)
    page.on("console", lambda msg: msg.type == "error" and journey.errors.append(msg.text))
    page.on("pageerror", lambda exc: journey.errors.append(f"uncaught: {exc}"))
    journey._set_language()
    return journey
