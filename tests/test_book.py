"""Book-level checks: the table of contents, equation labels vs the registry, the stored notebooks,
the exercises and the bibliography."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import bplib
from bplib import book

ROOT = book.ROOT
BOOK = book.BOOK
NOTEBOOKS = sorted(BOOK.rglob("*.ipynb"))
NOTEBOOKS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


# ---------------------------------------------------------------- table of contents
def test_every_toc_entry_exists():
    missing = [str(p.relative_to(ROOT)) for p in book.toc_files() if not p.exists()]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_every_page_in_book_is_in_the_toc():
    listed = {p.resolve() for p in book.toc_files()}
    pages = [p for p in list(BOOK.rglob("*.ipynb")) + list(BOOK.rglob("*.md"))
             if ".ipynb_checkpoints" not in p.parts]
    orphans = [str(p.relative_to(ROOT)) for p in pages if p.resolve() not in listed]
    assert not orphans, f"pages missing from _toc.yml: {orphans}"


def test_no_markdown_twin_of_a_notebook():
    twins = [str(p) for p in NOTEBOOKS if p.with_suffix(".md").exists()]
    assert not twins, f"a .md and an .ipynb with the same stem confuse the build: {twins}"


# ---------------------------------------------------------------- equations <-> registry
def all_labels() -> list[tuple[str, str]]:
    return [(stem, label) for stem, labels in book.labels_by_chapter().items() for label in labels]


def test_labels_are_unique():
    seen: dict[str, str] = {}
    dupes = []
    for stem, label in all_labels():
        if label in seen:
            dupes.append(f"{label} in {seen[label]} and {stem}")
        seen[label] = stem
    assert not dupes, f"equation labels defined twice: {dupes}"


def test_every_labelled_equation_has_an_implementation():
    missing = [f"{label} ({stem})" for stem, label in all_labels() if label not in bplib.EQUATIONS]
    assert not missing, f"labelled equations without a registered bplib implementation: {missing}"


def test_every_registration_names_an_existing_label_in_its_chapter():
    where = {label: stem for stem, label in all_labels()}
    wrong = []
    for label, impls in bplib.EQUATIONS.items():
        for impl in impls:
            if label not in where:
                wrong.append(f"{impl.qualname} -> {label}: no chapter defines it")
            elif where[label] != impl.chapter:
                wrong.append(f"{impl.qualname} -> {label}: registered for {impl.chapter}, "
                             f"defined in {where[label]}")
    assert not wrong, "\n".join(wrong)


def test_registered_functions_cite_their_label_and_are_public():
    bad = []
    for label, impls in bplib.EQUATIONS.items():
        for impl in impls:
            if label not in (impl.function.__doc__ or ""):
                bad.append(f"{impl.qualname}: docstring does not cite {label}")
            name = impl.function.__qualname__.split(".")[0]
            if not hasattr(bplib, name):
                bad.append(f"{impl.qualname}: not reachable as bplib.{name}")
    assert not bad, "\n".join(bad)


def test_equation_index_is_up_to_date():
    assert book.EQUATIONS_PAGE.read_text() == book.equations_page(), \
        "book/appendix/equations.md is stale: run `python -m bplib.book equations`"


def test_labels_are_referenced_only_if_defined():
    defined = {label for _, label in all_labels()}
    texts = [book.markdown_sources(p) for p in book.toc_files() if p.exists()]
    used = set()
    for text in texts:
        used.update(re.findall(r"\{eq\}`(eq-[a-z0-9-]+)`", text))
    assert not used - defined, f"references to undefined equations: {sorted(used - defined)}"


# ---------------------------------------------------------------- stored notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_fully_executed_without_errors(path):
    nb = load(path)
    problems = []
    counts = []
    for i, cell in enumerate(code_cells(nb)):
        if cell.get("execution_count") is None and source(cell).strip():
            problems.append(f"cell {i} was never executed")
        counts.append(cell.get("execution_count"))
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                problems.append(f"cell {i} stores an error: {out.get('ename')}: {out.get('evalue')}")
            if out["output_type"] == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {i} wrote to stderr (a warning?): {''.join(out['text'])[:200]}")
    numbered = [c for c in counts if c is not None]
    if numbered != list(range(1, len(numbered) + 1)):
        problems.append(f"cells were not executed once, top to bottom: execution counts {numbered}")
    assert not problems, "\n".join(problems)


ABSOLUTE = re.compile(r"(?<![\w.])(/work/|/home/|/root/|/tmp/|/Users/|[A-Z]:\\\\)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_absolute_paths(path):
    text = path.read_text()
    found = sorted(set(ABSOLUTE.findall(text)))
    assert not found, f"absolute paths in {path.name}: {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_the_project_kernel_and_no_sys_path_hacks(path):
    nb = load(path)
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    for cell in code_cells(nb):
        assert "sys.path" not in source(cell), "bplib is installed: no sys.path edits"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignore_output_tag_only_on_widget_or_timing_cells(path):
    """nbval-ignore-output is for widget displays and timings only: everything else is compared."""
    for i, cell in enumerate(code_cells(load(path))):
        tags = cell.get("metadata", {}).get("tags", [])
        if "nbval-ignore-output" in tags or "nbval-skip" in tags:
            assert "nbval-skip" not in tags, f"cell {i}: nbval-skip hides a cell from the tests"
            shows_widget = any(WIDGET_MIME in out.get("data", {}) for out in cell.get("outputs", []))
            is_timing = re.search(r"perf_counter|timeit|time\.time|timing", source(cell)) is not None
            assert shows_widget or is_timing, f"cell {i} ignores its output but shows no widget or timing"
        assert not re.search(r"#\s*NBVAL_", source(cell)), f"cell {i}: use cell tags, not NBVAL comments"


# ---------------------------------------------------------------- what every chapter has
CHAPTERS = [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_has_goals_summary_exercises_and_a_widget(path):
    nb = load(path)
    text = book.markdown_sources(path)
    assert re.search(r"^#+ .*learning goals", text, flags=re.I | re.M), "no 'Learning goals' section"
    assert re.search(r"^#+ .*summary", text, flags=re.I | re.M), "no 'Summary' section"
    exercises = re.findall(r"```\{exercise\}", text)
    solutions = re.findall(r"```\{solution(?:-start)?\}", text)
    assert len(exercises) >= 2, f"{len(exercises)} exercises, need at least 2"
    assert len(solutions) >= len(exercises), "every exercise needs a solution"
    assert all(":class: dropdown" in block for block in re.findall(r"```\{solution(?:-start)?\}[^`]*", text)), \
        "solutions must be hidden behind a toggle (:class: dropdown)"
    widgets = [c for c in code_cells(nb) if any(WIDGET_MIME in o.get("data", {}) for o in c.get("outputs", []))]
    assert widgets, "no ipywidgets exercise"
    assert re.search(r"JupyterLab or on Binder", text), "widgets need the note pointing to JupyterLab/Binder"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_asserts_its_results_in_visible_cells(path):
    cells = code_cells(load(path))
    asserted = [c for c in cells if re.search(r"^\s*assert ", source(c), flags=re.M)
                and "remove-cell" not in c.get("metadata", {}).get("tags", [])
                and "remove-input" not in c.get("metadata", {}).get("tags", [])]
    assert asserted, "a chapter must assert its headline results in a visible cell"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_figures_have_captions(path):
    """A code cell that draws a figure carries a MyST-NB caption."""
    for i, cell in enumerate(code_cells(load(path))):
        draws = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        tags = cell.get("metadata", {}).get("tags", [])
        if draws and "nbval-ignore-output" not in tags:
            caption = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption")
            assert caption, f"cell {i} draws a figure without a caption"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_figure_names_are_where_myst_nb_reads_them(path):
    """A figure's label belongs in mystnb.figure.name; anywhere else MyST-NB silently drops it."""
    for i, cell in enumerate(code_cells(load(path))):
        mystnb = cell.get("metadata", {}).get("mystnb", {})
        assert set(mystnb) <= {"figure", "image", "markdown_format", "remove_code_source",
                               "remove_code_outputs", "number_source_lines", "merge_streams"}, \
            f"cell {i}: unknown mystnb keys {sorted(set(mystnb) - {'figure', 'image'})}"
        if "figure" in mystnb:
            assert set(mystnb["figure"]) <= {"caption", "name", "align", "classes"}, \
                f"cell {i}: unknown mystnb.figure keys {sorted(mystnb['figure'])}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_gated_solution_cells_start_folded_in_jupyterlab(path):
    """JupyterLab renders each markdown cell alone, so a gated solution folds only its prose there:
    its code cells must carry jupyter.source_hidden and outputs_hidden, or a learner sees the
    answer before trying (`python -m bplib.book regenerate` sets them)."""
    nb = load(path)
    open_cells = [i for i in book.gated_solution_cells(nb)
                  if not (nb["cells"][i]["metadata"].get("jupyter", {}).get("source_hidden")
                          and nb["cells"][i]["metadata"].get("jupyter", {}).get("outputs_hidden"))]
    assert not open_cells, (f"code cells {open_cells} of a gated solution are not folded for "
                            "JupyterLab: run python -m bplib.book regenerate on the chapter")
    # a collapsed cell's placeholder previews its first line: make it a comment, not the answer
    previews = [i for i in book.gated_solution_cells(nb)
                if not "".join(nb["cells"][i]["source"]).lstrip().startswith("#")]
    assert not previews, (f"code cells {previews} of a gated solution start with code; JupyterLab "
                          "previews that line while the solution is folded: start with a comment")


# ---------------------------------------------------------------- bibliography
def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", (BOOK / "references.bib").read_text(), flags=re.M))


def cited_keys() -> set[str]:
    keys = set()
    for path in book.toc_files():
        if path.exists():
            for group in re.findall(r"\{cite(?::[pt])?\}`([^`]+)`", book.markdown_sources(path)):
                keys.update(k.strip() for k in group.split(","))
    return keys


def test_every_citation_resolves():
    assert not cited_keys() - bib_keys(), f"unknown citation keys: {sorted(cited_keys() - bib_keys())}"


def test_every_bibliography_entry_is_cited():
    assert not bib_keys() - cited_keys(), f"uncited bibliography entries: {sorted(bib_keys() - cited_keys())}"


# ---------------------------------------------------------------- writing for students (issue 12)
#: pages that have had the editorial pass; add a page here once its pass is done
EDITED_PAGES = ["intro.md", "notation.md"] + [p.name for p in CHAPTERS]
MAINTAINER_WORDS = re.compile(r"\bseed 00\d|\bheadline|\basserted\b|not compared by the tests", flags=re.I)


def prose(path: Path) -> str:
    """What a student reads: markdown text and figure captions."""
    text = book.markdown_sources(path)
    if path.suffix == ".ipynb":
        text += "\n".join(c.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption", "")
                          for c in code_cells(load(path)))
    return text


@pytest.mark.parametrize("name", EDITED_PAGES)
def test_prose_speaks_to_the_student(name):
    """No maintainers' words: the source tutorials are named by what they teach (intro.md's table)."""
    found = sorted({m.group(0) for m in MAINTAINER_WORDS.finditer(prose(BOOK / name))})
    assert not found, f"{name}: maintainers' words in the prose: {found}"


@pytest.mark.parametrize("name", EDITED_PAGES)
def test_every_figure_has_alt_text(name):
    """A screen reader announces a figure by its alt text (mystnb.image.alt, or :alt: of a figure directive)."""
    path = BOOK / name
    if path.suffix == ".md":
        figures = re.findall(r"```\{figure\}[^\n]*\n((?::[^\n]*\n)*)", path.read_text())
        missing = [i for i, options in enumerate(figures) if not re.search(r"^:alt: \S.{20,}", options, flags=re.M)]
        assert not missing, f"{name}: figure directives {missing} have no (or a too short) :alt:"
        return
    for i, cell in enumerate(code_cells(load(path))):
        draws = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        if draws and "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", []):
            alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) > 20 and not re.search(r"\.(png|svg|jpe?g)$", alt), \
                f"{name}, code cell {i}: a figure without alt text that says what it shows"
