"""The page sweep's pieces: a household with a demo catalog, every GET page found in the
URL map, and the in-page checks (overflow, broken images, Python reprs, English left in the
Russian interface, axe-core)."""
from __future__ import annotations

import re
from pathlib import Path

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
WIDTHS = (360, 390, 768, 1280, 1920)

#: Pages that are not HTML to look at (downloads, feeds, images) or that end the session.
SKIP_ENDPOINTS = {"static", "auth.logout"}
REPR = re.compile(r"<built-in|<bound method|<function |object at 0x|(?<![\w-])None(?![\w-])")
#: English function words: a Russian page's text with two of them (and no Cyrillic) is untranslated.
ENGLISH = re.compile(r"\b(the|and|to|of|for|is|are|your|you|this|with|from|not|be|can|will|has|have|"
                     r"was|it|an|as|when|what|here|there|yet|no longer|any|all|or|by|at|on|in)\b", re.I)


def sample_arguments(app, household) -> dict[str, object]:
    """Values for URL arguments the sweep knows how to fill (others make a route skipped)."""
    return {"release_id": household["release_id"], "collection_id": household["collection_id"],
            "run_id": household["run_id"], "user_id": household["member_id"]}


def discover(app, household) -> list[str]:
    """Every GET page of the app: rules without arguments, plus rules whose arguments we can fill."""
    from flask import url_for

    values = sample_arguments(app, household)
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS or rule.rule.startswith("/api/"):
                continue
            if not set(rule.arguments) <= set(values):
                continue
            paths.append(url_for(rule.endpoint, **{name: values[name] for name in rule.arguments}))
    extra = [f"/search?q={household['search']}", "/browse?page=2&kind=tv", "/browse?page=999",
             f"/watch/{household['release_id']}"]
    return sorted(set(paths)) + extra


# Runs in the page: measures and reports what a member would see go wrong.
CHECK_JS = """
async (widths) => {
  const out = {overflow: {}, broken: [], text: document.body.innerText, english: []};
  for (const img of document.images) { img.loading = "eager"; }
  await Promise.all([...document.images].map(img => img.complete ? null :
      new Promise(done => { img.onload = img.onerror = done; setTimeout(done, 4000); })));
  for (const img of document.images) {
    if (img.getBoundingClientRect().width > 0 && img.naturalWidth === 0) { out.broken.push(img.currentSrc || img.src); }
  }
  if (document.documentElement.lang === "ru") {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = node.textContent.trim();
      if (!text || /[А-Яа-яЁё]/.test(text) || !el || !el.getClientRects().length) { continue; }
      if (el.closest("code, pre, script, style, textarea, [translate=no], [lang]:not([lang=ru])")) { continue; }
      out.english.push(text.slice(0, 120));
    }
    for (const el of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
      for (const name of ["placeholder", "title", "aria-label"]) {
        const value = el.getAttribute(name);
        if (value && !/[А-Яа-яЁё]/.test(value) && !el.closest("[lang]:not([lang=ru])")) { out.english.push(value); }
      }
    }
  }
  return out;
}
"""

OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) { return null; }
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      let clipped = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (style.overflowX !== "visible" && p.getBoundingClientRect().right <= width + 1) { clipped = true; break; }
      }
      const cls = typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : "";
      if (!clipped) { wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls); }
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, elements: wide.slice(0, 5)};
}
"""


def english_leftovers(texts: list[str]) -> list[str]:
    """Text that reads as an English sentence (two function words or more, no Cyrillic)."""
    return sorted({t for t in texts if len(ENGLISH.findall(t)) >= 2})
