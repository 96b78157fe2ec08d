"""The chapters as a learner runs them on Binder: JupyterLab from the pinned environment.

One JupyterLab server (loopback, token, temporary config/settings/runtime dirs, autosave off,
root at a fresh copy of the repository's book/ and top-level files, as Binder serves a fresh
clone, so the checkout itself is never written) and one headless Chromium.  For each chapter
listed in _toc.yml: open it, clear its stored outputs, Run All from the Run menu, wait until
every cell has run ([1] ... [N]) and the kernel is idle, and require that no cell shows an error
or anything on stderr.  Then move every slider of the chapter
with the keyboard (focus the handle, ArrowRight, or ArrowLeft at the right end) and require that
the output the slider drives (figure or numbers) changes, without an error.

Before running, the chapter must read as MyST, as jupyterlab-myst renders it (the HTML book's
sphinx-exercise and JupyterLab's myst renderer differ): every exercise of the source shows as
"Exercise N (its title)", every solution starts folded (and the code cells of a gated solution are
collapsed, inputs and outputs), every labelled equation carries a number, and no raw directive
text (```{exercise}, :label:, :class: dropdown) is visible anywhere.

The server and its kernels run from the interpreter that runs pytest: in CI that is .venv, made
from requirements.txt alone, as on Binder (bplib is its editable install of this checkout).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

import browser_support as bs

RUN_ALL_TIMEOUT_S = 180
SLIDER_TIMEOUT_S = 60
#: The chapters JupyterLab opens: the repository's book/, or (to see a check fail on a planted
#: fault) a modified copy of it named by BPLIB_BROWSER_BOOK.
BOOK = Path(os.environ.get("BPLIB_BROWSER_BOOK", bs.ROOT / "book")).resolve()


def toc_chapters() -> list[tuple[str, Path | None]]:
    """(stem, notebook or None if not written yet) for every notebook chapter in _toc.yml."""
    toc = (bs.ROOT / "_toc.yml").read_text()
    out = []
    for entry in re.findall(r"^\s*-\s*file:\s*(\S+)\s*$", toc, flags=re.M):
        path = BOOK / Path(entry).relative_to("book")
        if path.with_suffix(".md").exists() or "appendix" in entry or entry.endswith("bibliography"):
            continue  # front and back matter: markdown, nothing to run
        nb = path.with_suffix(".ipynb")
        out.append((entry, nb if nb.exists() else None))
    return out


CHAPTERS = toc_chapters()


def _params():
    for entry, nb in CHAPTERS:
        marks = () if nb else (pytest.mark.skip(reason=f"{entry}.ipynb is not written yet"),)
        yield pytest.param(entry, marks=marks, id=Path(entry).name)


# ----------------------------------------------------------------------------- the server
class JupyterLab:
    """JupyterLab on 127.0.0.1 with a token, in temporary dirs, root at a copy of the repository."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="bplib-jupyterlab-"))
        self.token = secrets.token_hex(24)
        self.port = bs.free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        settings = self.tmp / "settings"
        # a learner's defaults, minus what would write to the checkout or talk to the internet
        for plugin, values in {
            "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
            "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none",
                                                       "autoStartDefaultKernel": True},
            "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                            "checkForUpdates": False},
        }.items():
            target = settings / f"{plugin}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        # what Binder serves: a fresh copy of the repository's files (the book and the top-level
        # files), so nothing a session does (autosave, checkpoints) can touch the checkout
        self.root = self.tmp / "repo"
        shutil.copytree(BOOK, self.root / "book",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        for top in bs.ROOT.iterdir():
            if top.is_file() and top.suffix in (".md", ".txt", ".yml", ".toml"):
                shutil.copy2(top, self.root / top.name)
        env = dict(os.environ,
                   JUPYTER_CONFIG_DIR=str(self.tmp / "config"),
                   JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
                   IPYTHONDIR=str(self.tmp / "ipython"))
        env.pop("BPLIB_BROWSER_TESTS", None)
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--ServerApp.port_retries=0", "--allow-root",
               f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}",
               f"--LabApp.user_settings_dir={settings}",
               f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}",
               f"--FileCheckpoints.checkpoint_dir={self.tmp / 'checkpoints'}"]
        self.log = open(self.tmp / "server.log", "w")
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while True:
            try:
                self.api("GET", "api/status")
                break
            except Exception:
                if self.proc.poll() is not None or time.time() > deadline:
                    log = self.server_log()
                    self.close()
                    raise RuntimeError("JupyterLab did not start:\n" + log[-3000:])
                time.sleep(0.5)

    def api(self, method: str, path: str):
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def kernel_state(self, path: str) -> str | None:
        for session in self.api("GET", "api/sessions") or []:
            if session.get("path") == path and session.get("kernel"):
                return session["kernel"].get("execution_state")
        return None

    def shutdown_kernels(self) -> None:
        for session in self.api("GET", "api/sessions") or []:
            self.api("DELETE", f"api/sessions/{session['id']}")
        for kernel in self.api("GET", "api/kernels") or []:
            self.api("DELETE", f"api/kernels/{kernel['id']}")

    def server_log(self) -> str:
        self.log.flush()
        return (self.tmp / "server.log").read_text(errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def lab():
    server = JupyterLab()
    try:
        yield server
    finally:
        server.close()


# ----------------------------------------------------------------------------- in-page scripts
# The notebook panel on screen, its cells and what they show.
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"

STATE_JS = r"""(sel) => {
  const nb = document.querySelector(sel);
  if (!nb) return null;
  const prompts = [...nb.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt")]
    .map(p => p.textContent.trim());
  const errors = [...nb.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.textContent.trim().slice(-800));
  const panel = nb.closest(".jp-NotebookPanel");
  const indicator = panel && panel.querySelector(".jp-Notebook-ExecutionIndicator");
  return {prompts, errors,
          status: indicator ? indicator.getAttribute("data-status") : null,
          running: prompts.filter(p => p === "[*]:").length,
          done: prompts.filter(p => /^\[\d+\]:$/.test(p)).length};
}"""

# A fingerprint of everything one widget shows except its own sliders: output widgets (figures,
# printed numbers) and HTML/label widgets.
OUTPUT_JS = r"""(el) => {
  const root = el.closest(".jp-OutputArea-output") || el.closest(".jp-Cell");
  const parts = [];
  for (const out of root.querySelectorAll(".widget-output, .widget-html-content, .widget-label-basic")) {
    parts.push(out.textContent.trim());
    for (const img of out.querySelectorAll("img")) parts.push(img.getAttribute("src") || "");
  }
  const text = parts.join("\u241e");
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
  const errors = [...root.querySelectorAll(
      '.widget-output .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.textContent.trim().slice(-800));
  const images = [...root.querySelectorAll(".widget-output img")];
  return {hash: h, errors, empty: !text.replace(/\u241e/g, "").trim(),
          images: images.length, loaded: images.every(i => i.complete && i.naturalWidth > 0)};
}"""


def _state(page):
    return page.evaluate(STATE_JS, NOTEBOOK)


def _wait_until(predicate, timeout_s: float, interval_s: float = 0.25):
    deadline = time.time() + timeout_s
    while True:
        value = predicate()
        if value or time.time() > deadline:
            return value
        time.sleep(interval_s)


def _click_menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{re.escape(menu)}$")).first.click()
    page.locator(".lm-Menu-item:not(.lm-mod-disabled)",
                 has_text=re.compile(rf"^{re.escape(item)}")).first.click()


# What jupyterlab-myst rendered: exercise titles, solutions (folded?), equation numbers, raw
# directive text left in the rendered markdown, and the visible text of every cell (by index).
MYST_JS = r"""(sel) => {
  const nb = document.querySelector(sel);
  const rendered = [...nb.querySelectorAll(".jp-MarkdownCell .myst")];
  const raw = rendered.map(e => e.innerText).join("\n")
    .split("\n").filter(l => /```\{|^\s*:label:|^\s*:class:/.test(l));
  return {
    exercises: [...nb.querySelectorAll("aside.myst-exercise .myst-exercise-title")]
      .map(e => e.innerText.trim()),
    solutions: [...nb.querySelectorAll("details.myst-exercise")]
      .map(e => ({title: e.querySelector("summary").innerText.trim(), open: e.open})),
    equations: [...nb.querySelectorAll('.myst a[title="Link to this Equation"]')]
      .map(e => e.innerText.trim()),
    raw,
    cells: [...nb.querySelectorAll(".jp-Cell")].map(c => c.innerText)};
}"""


def myst_problems(page, notebook: Path) -> list[str]:
    """What a learner would see wrong in the MyST of one chapter in JupyterLab (empty if nothing)."""
    from bplib import book

    nb = json.loads(notebook.read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    titles = re.findall(r"^```\{exercise\}[ \t]*(.*)$", text, flags=re.M)
    n_solutions = len(re.findall(r"^```\{solution(?:-start)?\}", text, flags=re.M))
    n_labelled = len(book.LABEL_RE.findall(text))
    # jupyterlab-myst renders the cells one after another: wait until every exercise is there
    seen = _wait_until(lambda: (lambda s: s if len(s["exercises"]) >= len(titles) else None)(
        page.evaluate(MYST_JS, NOTEBOOK)), 60, 0.5) or page.evaluate(MYST_JS, NOTEBOOK)
    problems = []
    shown = [re.sub(r"\s+", " ", t) for t in seen["exercises"]]
    for i, title in enumerate(titles, 1):
        want = f"Exercise {i} ({title.strip()})" if title.strip() else f"Exercise {i}"
        if want not in shown:
            problems.append(f"exercise {i} is not rendered as {want!r} (rendered: {shown})")
    if len(seen["solutions"]) < n_solutions:
        problems.append(f"{n_solutions} solutions in the source, {len(seen['solutions'])} rendered")
    opened = [s["title"] for s in seen["solutions"] if s["open"]]
    if opened:
        problems.append(f"solutions shown unfolded: {opened}")
    numbers = [n for n in seen["equations"] if re.fullmatch(r"\(\d+\)", n)]
    if len(numbers) < n_labelled:
        problems.append(f"{n_labelled} labelled equations, only {len(numbers)} equation numbers")
    if seen["raw"]:
        problems.append(f"raw MyST directive text visible: {seen['raw'][:3]}")
    if len(seen["cells"]) == len(nb["cells"]):
        for i in book.gated_solution_cells(nb):
            # JupyterLab's placeholder of a collapsed input previews its first line: the rest of
            # the code and every line the cell printed must stay hidden
            cell = nb["cells"][i]
            lines = [line.strip() for line in "".join(cell["source"]).splitlines() if line.strip()]
            for out in cell.get("outputs", []):
                printed = out.get("text") or out.get("data", {}).get("text/plain") or ""
                lines += [line.strip() for line in "".join(printed).splitlines() if line.strip()][:1]
            shown = [line for line in lines[1:] if line in seen["cells"][i]]
            if shown:
                problems.append(f"cell {i} of a gated solution shows its code or output before "
                                f"the solution is opened: {shown[0][:60]!r}")
    else:
        problems.append(f"{len(seen['cells'])} cells on the page, {len(nb['cells'])} in the notebook")
    bs.COUNTS["MyST exercises checked"] += len(titles)
    bs.COUNTS["MyST equations numbered"] += len(numbers)
    return problems


# ----------------------------------------------------------------------------- the test
@pytest.mark.parametrize("entry", list(_params()))
def test_chapter_runs_and_sliders_respond(browser, lab, entry):
    stem = Path(entry).name
    page = browser.new_page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    js_errors: list[str] = []
    page.on("pageerror", lambda exc: js_errors.append(str(exc)))
    problems: list[str] = []
    try:
        # a workspace of its own per chapter: nothing from the previous chapter is restored
        page.goto(f"{lab.url}lab/workspaces/{stem}/tree/{entry}.ipynb?token={lab.token}",
                  wait_until="domcontentloaded", timeout=90_000)
        page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=90_000)

        def kernel_ready():
            # JupyterLab may still ask which kernel to start (as it asks a learner): the default
            dialog = page.locator(".jp-Dialog")
            if dialog.count() and "Select Kernel" in dialog.first.inner_text():
                dialog.locator("button", has_text="Select").first.click()
            return (lab.kernel_state(f"{entry}.ipynb") == "idle"
                    and (_state(page) or {}).get("status") == "idle")
        ready = _wait_until(kernel_ready, 90)
        assert ready, f"{entry}: the kernel did not start (sessions: {lab.api('GET', 'api/sessions')})"

        # the MyST as a learner reads it before running anything (stored outputs shown)
        page.wait_for_selector(f"{NOTEBOOK} .jp-MarkdownCell .myst", timeout=60_000)
        problems.extend(myst_problems(page, BOOK / Path(entry).relative_to("book").with_suffix(".ipynb")))
        shots = bs.ARTIFACTS / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        first_exercise = page.locator(f"{NOTEBOOK} aside.myst-exercise").first
        if first_exercise.count():
            first_exercise.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"jupyterlab__{stem}__exercise.png"))

        # Run All, as a reader does it, on a clean slate: clear the stored outputs, then
        # Run menu > Run All Cells; every code cell must then show [1], [2], ... [N]
        # the folded solution cells hide their prompts: unfold everything (as a learner who
        # opened the solutions) so that every cell's [n] and output can be checked
        _click_menu(page, "View", "Expand All Code")
        _click_menu(page, "View", "Expand All Outputs")
        _click_menu(page, "Edit", "Clear Outputs of All Cells")
        assert _wait_until(lambda: _state(page)["done"] == 0, 10), f"{entry}: outputs not cleared"
        _click_menu(page, "Run", "Run All Cells")
        started = time.time()

        def finished():
            s = _state(page)
            if page.locator(".jp-Dialog").count():
                return s
            if not s or s["running"] or s["status"] != "idle":
                return None
            if s["done"] == len(s["prompts"]) or s["errors"]:
                return s
            return None
        final = _wait_until(finished, RUN_ALL_TIMEOUT_S, 0.5) or _state(page)
        elapsed = time.time() - started
        dialog = page.locator(".jp-Dialog")
        assert not dialog.count(), f"{entry}: JupyterLab asks: {dialog.first.inner_text()[:500]}"
        counts = [int(p[1:-2]) for p in final["prompts"] if re.fullmatch(r"\[\d+\]:", p)]
        if counts != list(range(1, len(final["prompts"]) + 1)) or final["errors"]:
            pytest.fail(f"{entry}: Run All did not finish cleanly in {elapsed:.0f} s: "
                        f"{final['done']} of {len(final['prompts'])} code cells ran "
                        f"(prompts {' '.join(final['prompts'])}); errors/stderr:\n"
                        + "\n".join(final["errors"][:3])[-4000:], pytrace=False)
        bs.COUNTS["notebooks run"] += 1
        bs.COUNTS["cells run"] += final["done"]

        # every slider: move it with the keyboard, the output it drives must change
        sliders = page.locator(f"{NOTEBOOK} .jp-OutputArea .widget-slider")
        for i in range(sliders.count()):
            slider = sliders.nth(i)
            label = slider.locator(".widget-label").first.text_content() or f"slider {i + 1}"
            name = f"slider {i + 1} ({label.strip()})"
            readout = slider.locator(".widget-readout").first
            handle = slider.locator(".noUi-handle").first
            slider.scroll_into_view_if_needed()
            before = slider.evaluate(OUTPUT_JS)
            value_before = readout.text_content()
            handle.focus()
            page.keyboard.press("ArrowRight")
            if readout.text_content() == value_before:  # at the right end: move left instead
                page.keyboard.press("ArrowLeft")
            value_after = readout.text_content()
            if value_after == value_before:
                problems.append(f"{name}: the keyboard does not move it (value stays {value_before})")
                continue
            bs.COUNTS["sliders moved"] += 1

            def responded():
                now = slider.evaluate(OUTPUT_JS)
                if now["errors"]:
                    return now
                status = (_state(page) or {}).get("status")
                if now["hash"] != before["hash"] and not now["empty"] and now["loaded"] \
                        and status == "idle":
                    return now
                return None
            after = _wait_until(responded, SLIDER_TIMEOUT_S, 0.3)
            if after is None:
                problems.append(f"{name}: moved {value_before} -> {value_after}, "
                                f"but its output did not change within {SLIDER_TIMEOUT_S} s")
            elif after["errors"]:
                problems.append(f"{name}: moved {value_before} -> {value_after}, the callback "
                                f"raised:\n{after['errors'][0][-1000:]}")
            else:
                bs.COUNTS["sliders responding"] += 1
        page.screenshot(path=str(shots / f"jupyterlab__{stem}.png"))
        state = _state(page)
        if state and state["errors"] and not any("the callback raised" in p for p in problems):
            problems.append("errors after moving the sliders:\n" + "\n".join(state["errors"][:3]))
        if js_errors:
            problems.append(f"JavaScript errors in JupyterLab: {js_errors[:5]}")
        if problems:
            pytest.fail(f"{entry}:\n  " + "\n  ".join(problems), pytrace=False)
    finally:
        page.close()
        lab.shutdown_kernels()
