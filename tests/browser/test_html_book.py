"""The HTML book as a student meets it: every page of _build/html opened in headless Chromium.

For each page: it loads (and every file it asks for on the server exists); MathJax typesets every
formula without an error node or the red text of an undefined macro; every equation reference,
citation and cross-reference resolves; every image loads; every internal link points at an
existing page and anchor; exercise solutions start hidden and open on a click; no JavaScript
error (apart from requests to outside hosts, which are blocked); pages with widgets show their
initial state (sliders with values, the plot) next to a note pointing to JupyterLab/Binder.
A full-page screenshot of each page is saved under _build/browser/screenshots/.

The page is visited once (``report``); each test reads one part of the visit's report, so a
failure names the check and the page.
"""
from __future__ import annotations

import functools
import html.parser
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import browser_support as bs

SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static", "_panels_static"}


def html_pages() -> list[str]:
    if not bs.HTML.is_dir():
        return []
    pages = []
    for path in sorted(bs.HTML.rglob("*.html")):
        rel = path.relative_to(bs.HTML)
        if rel.parts[0] not in SKIP_DIRS:
            pages.append(rel.as_posix())
    return pages


PAGES = html_pages()
VIEW_SCRIPT = 'script[type="application/vnd.jupyter.widget-view+json"]'
# Known faults of third-party code, not of the book, tolerated (each matched narrowly) and counted
# in the summary as "upstream faults tolerated":
#: 1. the widget manager (@jupyter-widgets/html-manager 1.0.6 as pinned by myst-nb; still so in
#:    1.0.15), loaded through RequireJS, asks for its own icon fonts relative to the page (e.g.
#:    book/@jupyter-widgets/html-manager/dist/1551f4f60c37af51121f.woff2), on the published site
#:    too; the book's widgets show no icon;
WIDGET_MANAGER_FONTS = re.compile(
    r"/@jupyter-widgets/html-manager/dist/[0-9a-f]{20}\.(woff2?|ttf|eot|svg)$")
#:    (its call of MathJax 2's ``MathJax.Hub.Queue`` for widget labels is not tolerated: the
#:    book's Sphinx extension, bplib/sphinx_book.py, maps it to MathJax 3);
#: 2. pydata-sphinx-theme logs this on a reader's first page (no light/dark choice stored yet).
THEME_FIRST_VISIT = ("Got invalid theme mode: . Resetting to auto.", "/pydata-sphinx-theme.js")


def _tolerated_console_error(text: str, where: str) -> bool:
    if text.startswith("Failed to load resource") and WIDGET_MANAGER_FONTS.search(urlsplit(where).path):
        return True
    return text == THEME_FIRST_VISIT[0] and THEME_FIRST_VISIT[1] in urlsplit(where).path


def test_book_is_built():
    assert PAGES, f"no HTML pages in {bs.HTML}: build the book first (python -m bplib.book build)"
    assert "index.html" in PAGES


# ----------------------------------------------------------------------------- static helpers
class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def ids_in(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def local_target(url: str, server_url: str) -> tuple[Path, str] | None:
    """(file under _build/html, fragment) of a link to the test server, else None."""
    if not url.startswith(server_url):
        return None
    parts = urlsplit(url)
    path = unquote(parts.path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return bs.HTML / path, unquote(parts.fragment)


# ----------------------------------------------------------------------------- in-page scripts
MATH_JS = r"""() => {
  const out = {mathjax: false, items: 0, ok: 0, errors: [], raw: []};
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.document && mj.startup.toMML) {
    out.mathjax = true;
    for (const item of mj.startup.document.math) {
      out.items += 1;
      const mml = mj.startup.toMML(item.root);
      const tex = String(item.math).trim().slice(0, 120);
      const merror = mml.match(/<merror[^>]*>/);
      const err = merror && (merror[0].match(/data-mjx-error="([^"]*)"/) || [merror[0], ""]);
      const undef = mml.match(/<mtext[^>]*mathcolor="red"[^>]*>(\\[^<]*)<\/mtext>/);
      if (err) out.errors.push(`TeX error (${err[1] || "merror"}) in: ${tex}`);
      else if (undef) out.errors.push(`undefined macro ${undef[1]} in: ${tex}`);
      else out.ok += 1;
    }
  }
  // formulas MathJax never reached, and error nodes anywhere in the rendered output
  for (const el of document.querySelectorAll("span.math, div.math")) {
    if (!el.querySelector("mjx-container")) out.raw.push(el.textContent.trim().slice(0, 120));
  }
  for (const el of document.querySelectorAll("mjx-merror")) {
    const msg = `error node in rendered math: ${el.getAttribute("data-mjx-error") || el.textContent}`;
    if (!out.errors.some(e => e.startsWith("TeX error"))) out.errors.push(msg);
  }
  for (const el of document.querySelectorAll("mjx-container mjx-mtext")) {
    const color = getComputedStyle(el).color;
    if (color === "rgb(255, 0, 0)" && el.textContent.startsWith("\\")
        && !out.errors.some(e => e.includes(el.textContent))) {
      out.errors.push(`red text (undefined macro) in rendered math: ${el.textContent}`);
    }
  }
  return out;
}"""

REFS_JS = r"""() => {
  const out = {unresolved: [], eqrefs: 0, bad_eqrefs: [], citations: 0, bad_citations: []};
  for (const el of document.querySelectorAll(".xref")) {
    if (el.closest("a") || el.classList.length === 1) continue;  // bare .xref: index styling
    // unresolved Python types in API signatures are expected (nitpick_ignore_regex py:class .*)
    if (el.classList.contains("py-class")) continue;
    const kind = [...el.classList].filter(c => c !== "xref" && c !== "docutils" && c !== "literal"
                                              && c !== "notranslate").join(" ");
    out.unresolved.push(`${kind}: ${el.textContent.trim()}`);
  }
  for (const a of document.querySelectorAll('a.reference[href*="#equation-"]')) {
    out.eqrefs += 1;
    const text = a.textContent.trim();
    if (!/^\(\d+(\.\d+)*\)$/.test(text)) out.bad_eqrefs.push(`${text} -> ${a.getAttribute("href")}`);
  }
  for (const el of document.querySelectorAll(".problematic")) {  // docutils' marker of bad markup
    out.unresolved.push(`invalid markup (docutils "problematic"): ${el.textContent.trim()}`);
  }
  for (const span of document.querySelectorAll(".bibtex-citation")) {
    out.citations += 1;
    const links = span.querySelectorAll("a[href]");
    if (!links.length) out.bad_citations.push(`unresolved citation: ${span.textContent.trim() || "[]"}`);
  }
  return out;
}"""

LINKS_JS = r"""() => [...document.querySelectorAll("a[href]")]
  .map(a => a.href).filter(h => /^https?:/.test(h))"""

IMAGES_JS = r"""() => [...document.images].map(img => ({
  src: (img.currentSrc || img.src || "").slice(0, 120),
  ok: img.complete && img.naturalWidth > 0,
  alt: img.alt || ""}))"""

SOLUTIONS_JS = r"""() => [...document.querySelectorAll("div.solution")].map(s => s.id)"""

WIDGETS_JS = r"""() => {
  const state = {};
  const stateTag = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  if (stateTag) {
    try {
      const models = JSON.parse(stateTag.textContent).state || {};
      for (const m of Object.values(models)) {
        if (/SliderModel$/.test(m.model_name) && m.state && m.state.description)
          state[m.state.description] = m.state.value;
      }
    } catch (e) { /* reported below as not rendered */ }
  }
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  return views.map((view, i) => {
    const cell = view.closest(".cell") || view.parentElement;
    const area = view.parentElement.querySelector(".widget-subarea");
    const r = {index: i, problems: [], sliders: 0, images: 0, text: 0, note: false};
    if (!area || !area.querySelector(".jupyter-widgets")) {
      r.problems.push("widget not rendered (no .widget-subarea with widgets): static widget state missing or widget manager not loaded");
      return r;
    }
    for (const slider of area.querySelectorAll(".widget-slider")) {
      r.sliders += 1;
      const label = (slider.querySelector(".widget-label") || {}).textContent || "";
      const readout = slider.querySelector(".widget-readout");
      const shown = readout ? (readout.value || readout.textContent || "").trim() : "";
      if (!shown) { r.problems.push(`slider "${label}" shows no value`); continue; }
      if (label in state && typeof state[label] === "number") {
        const num = parseFloat(shown.replace("\u2212", "-"));
        const decimals = (shown.split(".")[1] || "").replace(/[^0-9].*$/, "").length;
        if (!isNaN(num) && Math.abs(num - state[label]) > 0.51 * Math.pow(10, -decimals) + 1e-12)
          r.problems.push(`slider "${label}" shows ${shown}, its stored state is ${state[label]}`);
      }
    }
    for (const out of area.querySelectorAll(".widget-output")) {
      for (const img of out.querySelectorAll("img")) {
        if (img.complete && img.naturalWidth > 0) r.images += 1;
        else r.problems.push("an image in the widget output does not load");
      }
      if (out.textContent.trim()) r.text += 1;
    }
    if (!r.sliders) r.problems.push("no slider rendered");
    if (!r.images && !r.text) r.problems.push("the widget output (plot or numbers) is empty");
    // the note pointing to JupyterLab/Binder: an admonition next to the widget's cell
    const near = [];
    for (let el = cell.previousElementSibling, k = 0; el && k < 3; el = el.previousElementSibling, k++) near.push(el);
    for (let el = cell.nextElementSibling, k = 0; el && k < 3; el = el.nextElementSibling, k++) near.push(el);
    for (const el of near) {
      if (el.matches(".admonition") && /JupyterLab/.test(el.textContent) && /Binder/.test(el.textContent)
          && el.offsetParent !== null) r.note = true;
    }
    if (!r.note) r.problems.push("no visible note next to the widget pointing to JupyterLab/Binder");
    return r;
  });
}"""


# ----------------------------------------------------------------------------- the visit
class PageVisit:
    """Everything observed while opening one page."""

    def __init__(self, rel: str):
        self.rel = rel
        self.status: int | None = None
        self.load_problems: list[str] = []
        self.js_errors: list[str] = []
        self.math: dict = {}
        self.refs: dict = {}
        self.links: list[str] = []
        self.bad_links: list[str] = []
        self.images: list[dict] = []
        self.solutions: list[str] = []
        self.solution_problems: list[str] = []
        self.widgets: list[dict] = []
        self.screenshot: Path | None = None


def _on_console(visit: PageVisit, msg) -> None:
    if msg.type != "error":
        return
    where = (msg.location or {}).get("url", "")
    if msg.text.startswith("Failed to load resource") and bs.is_blocked_outside(where):
        return  # a request to an outside host, blocked on purpose and counted
    if _tolerated_console_error(msg.text, where):
        bs.COUNTS["upstream faults tolerated"] += 1
        return
    visit.js_errors.append(f"console.error: {msg.text[:300]} ({where})")


def _on_pageerror(visit: PageVisit, exc) -> None:
    stack = getattr(exc, "stack", None) or ""
    first_frame = next((line for line in stack.splitlines() if line.strip().startswith("at ")), "")
    visit.js_errors.append(f"uncaught: {exc.message} {first_frame.strip()}")


def _wait(page, js: str, timeout_ms: int, problem: str, problems: list[str]) -> bool:
    try:
        page.wait_for_function(js, timeout=timeout_ms)
        return True
    except Exception:  # playwright TimeoutError; anything else is reported the same way
        problems.append(problem)
        return False


def visit_page(browser, server_url: str, rel: str) -> PageVisit:
    visit = PageVisit(rel)
    cdn_problems_before = len(bs.CDN_PROBLEMS)
    page = browser.new_page()
    page.on("pageerror", lambda exc: _on_pageerror(visit, exc))
    page.on("console", lambda msg: _on_console(visit, msg))

    def ours(url: str) -> bool:  # a request to the book's server that must succeed
        return url.startswith(server_url) and not WIDGET_MANAGER_FONTS.search(urlsplit(url).path)

    def on_response(resp):
        if ours(resp.url) and resp.status >= 400:
            visit.load_problems.append(f"{resp.status} for {resp.url[len(server_url) - 1:]}")
    page.on("response", on_response)
    page.on("requestfailed", lambda req: visit.load_problems.append(
        f"request failed: {req.url} ({req.failure})") if ours(req.url) else None)
    try:
        response = page.goto(server_url + rel, wait_until="load", timeout=60_000)
        visit.status = response.status if response else None
        start_url = page.url
        if page.locator('meta[http-equiv="refresh" i]').count():
            # index.html: Jupyter Book's redirect to the first page; check the page it lands on
            page.wait_for_url(lambda url: url != start_url, timeout=15_000)
            page.wait_for_load_state("load")
        landed = local_target(page.url, server_url)
        landed_path = landed[0].resolve() if landed else None
        try:
            page.wait_for_load_state("networkidle", timeout=15_000)
        except Exception:
            pass

        # MathJax (only on pages with math): wait until it has typeset the page
        if page.locator('script[src*="mathjax"]').count():
            if _wait(page, "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                     20_000, "MathJax did not load", visit.load_problems):
                page.evaluate("() => MathJax.startup.promise.then(() => true)")
        visit.math = page.evaluate(MATH_JS)

        # static widgets: wait until the widget manager has rendered every view
        views = page.locator(VIEW_SCRIPT).count()
        if views:
            _wait(page, f"""() => document.querySelectorAll('.widget-subarea .jupyter-widgets').length > 0
                         && document.querySelectorAll('.widget-subarea').length >= {views}""",
                  20_000, "the widget manager rendered no widget within 20 s", [])

        # images: load lazy ones too, then wait for all of them
        page.evaluate("() => { for (const img of document.images) img.loading = 'eager'; }")
        _wait(page, "() => [...document.images].every(img => img.complete)", 20_000,
              "images still loading after 20 s", visit.load_problems)
        visit.images = page.evaluate(IMAGES_JS)
        visit.widgets = page.evaluate(WIDGETS_JS)
        visit.refs = page.evaluate(REFS_JS)

        # internal links and anchors
        here_ids = set(page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)"
                                     ".concat([...document.querySelectorAll('a[name]')].map(e => e.name))"))
        for href in dict.fromkeys(page.evaluate(LINKS_JS)):
            target = local_target(href, server_url)
            if target is None:
                continue
            visit.links.append(href)
            path, fragment = target
            if not path.is_file():
                visit.bad_links.append(f"{href[len(server_url) - 1:]}: no such file")
                continue
            if fragment:
                same = path.resolve() == landed_path
                ids = here_ids if same else ids_in(path)
                if fragment not in ids:
                    visit.bad_links.append(f"{href[len(server_url) - 1:]}: no anchor #{fragment}")

        # screenshot with solutions still closed
        shots = bs.ARTIFACTS / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        visit.screenshot = shots / (rel.replace("/", "__").removesuffix(".html") + ".png")
        page.screenshot(path=str(visit.screenshot), full_page=True)

        # exercise solutions: hidden at first, shown after a click on their toggle
        visit.solutions = page.evaluate(SOLUTIONS_JS)
        for i, sol_id in enumerate(visit.solutions):
            sol = page.locator("div.solution").nth(i)
            name = sol_id or f"solution {i + 1}"
            body = sol.locator(":scope > :not(.admonition-title)")
            if not body.count():
                visit.solution_problems.append(f"{name}: has no content")
                continue
            if any(body.nth(k).is_visible() for k in range(body.count())):
                visit.solution_problems.append(f"{name}: visible before any click (not a dropdown)")
                continue
            button = sol.locator(".toggle-button").first
            if not button.count():
                visit.solution_problems.append(f"{name}: no toggle button")
                continue
            button.click()
            try:
                body.first.wait_for(state="visible", timeout=5_000)
            except Exception:
                visit.solution_problems.append(f"{name}: still hidden after a click on its toggle")
        page.wait_for_timeout(300)  # let late errors (e.g. of rendering in the solutions) arrive
    except Exception as exc:  # a crash of the visit is a failure of the page
        visit.load_problems.append(f"visit failed: {type(exc).__name__}: {exc}")
    finally:
        page.close()
    visit.js_errors.extend(bs.CDN_PROBLEMS[cdn_problems_before:])
    return visit


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def server():
    srv = bs.StaticServer(bs.HTML)
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def visits():
    return {}


@pytest.fixture
def report(request, browser, server, visits):
    rel = request.node.callspec.params["rel"]
    if rel not in visits:
        v = visits[rel] = visit_page(browser, server.url, rel)
        bs.COUNTS["pages"] += 1
        bs.COUNTS["formulas typeset"] += v.math.get("ok", 0)
        bs.COUNTS["equation references"] += v.refs.get("eqrefs", 0)
        bs.COUNTS["citations"] += v.refs.get("citations", 0)
        bs.COUNTS["links checked"] += len(v.links)
        bs.COUNTS["images"] += sum(1 for img in v.images if img["ok"])
        bs.COUNTS["solutions toggled"] += len(v.solutions) - len(v.solution_problems)
        bs.COUNTS["static widgets rendered"] += sum(1 for w in v.widgets if not w["problems"])
    return visits[rel]


def _check(ok: bool, message: str) -> None:
    """Fail with the message alone (the lists are already in it; no assertion rewriting)."""
    if not ok:
        pytest.fail(message, pytrace=False)


def _fmt(items: list[str], limit: int = 25) -> str:
    shown = "\n  ".join(items[:limit])
    return f"\n  {shown}" + (f"\n  ... and {len(items) - limit} more" if len(items) > limit else "")


# ----------------------------------------------------------------------------- the checks
pages = pytest.mark.parametrize("rel", PAGES)


@pages
def test_page_loads(report, rel):
    _check(report.status == 200, f"{rel}: HTTP status {report.status}")
    _check(not report.load_problems, f"{rel}:{_fmt(report.load_problems)}")


@pages
def test_formulas_typeset(report, rel):
    math = report.math
    problems = list(math.get("errors", []))
    problems += [f"not typeset: {tex}" for tex in math.get("raw", [])]
    _check(not problems, f"{rel}: {len(problems)} formula problem(s):{_fmt(problems)}")


@pages
def test_references_resolve(report, rel):
    refs = report.refs
    problems = [u if u.startswith("invalid markup") else f"unresolved {u}"
                for u in refs.get("unresolved", [])]
    problems += [f"equation reference not numbered: {b}" for b in refs.get("bad_eqrefs", [])]
    problems += refs.get("bad_citations", [])
    _check(not problems, f"{rel}: {len(problems)} unresolved reference(s):{_fmt(problems)}")


@pages
def test_images_load(report, rel):
    broken = [f"{img['src']} (alt {img['alt']!r})" for img in report.images if not img["ok"]]
    _check(not broken, f"{rel}: {len(broken)} image(s) do not load:{_fmt(broken)}")


@pages
def test_internal_links_exist(report, rel):
    bad = report.bad_links
    _check(not bad, f"{rel}: {len(bad)} broken link(s) of {len(report.links)}:{_fmt(bad)}")


@pages
def test_solutions_hidden_then_open(report, rel):
    _check(not report.solution_problems, f"{rel}:{_fmt(report.solution_problems)}")


@pages
def test_no_javascript_errors(report, rel):
    errors = report.js_errors
    _check(not errors, f"{rel}: {len(errors)} JavaScript error(s):{_fmt(errors)}")


@pages
def test_static_widgets_show_initial_state(report, rel):
    problems = [f"widget {w['index'] + 1}: {p}" for w in report.widgets for p in w["problems"]]
    _check(not problems, f"{rel}:{_fmt(problems)}")


@pages
def test_screenshot_saved(report, rel):
    _check(report.screenshot is not None and report.screenshot.is_file(), f"{rel}: no screenshot")
