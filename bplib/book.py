"""Maintenance commands of the book (not imported by ``import bplib``).

    python -m bplib.book regenerate [NOTEBOOK ...]   re-execute notebooks, store outputs in place
    python -m bplib.book equations                   rewrite book/appendix/equations.md
    python -m bplib.book labels                      list labelled equations per chapter
    python -m bplib.book build                       build the HTML book (-W -n --keep-going)
    python -m bplib.book time [--runs N] [NOTEBOOK ...]   median execution time of each chapter

``regenerate`` runs every chapter listed in _toc.yml (or the ones named) in the current,
pinned environment, top to bottom, and writes the outputs back, so that strict
``pytest --nbval`` compares against them.  Run it after changing bplib or a notebook.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
TOC = ROOT / "_toc.yml"
EQUATIONS_PAGE = BOOK / "appendix" / "equations.md"

#: ``$$ ... $$ (eq-label)`` is the one way the book labels an equation.
LABEL_RE = re.compile(r"\$\$\s*\((eq-[a-z0-9]+(?:-[a-z0-9]+)*)\)")


def toc_files() -> list[Path]:
    """Files listed in _toc.yml, in order, with their real suffix (.md or .ipynb)."""
    stems = re.findall(r"^\s*(?:root|-\s*file):\s*(\S+)\s*$", TOC.read_text(), flags=re.M)
    out = []
    for stem in stems:
        for suffix in (".ipynb", ".md"):
            if (ROOT / (stem + suffix)).exists():
                out.append(ROOT / (stem + suffix))
                break
        else:
            out.append(ROOT / stem)
    return out


def notebooks() -> list[Path]:
    """Every chapter notebook listed in _toc.yml."""
    return [p for p in toc_files() if p.suffix == ".ipynb"]


def markdown_sources(path: Path) -> str:
    """The markdown text of a chapter (all markdown cells of a notebook joined)."""
    if path.suffix == ".ipynb":
        import json
        nb = json.loads(path.read_text())
        return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text()


def labels_by_chapter() -> dict[str, list[str]]:
    """Chapter stem -> equation labels defined in it, in order."""
    out = {}
    for path in toc_files():
        if path.exists():
            found = LABEL_RE.findall(markdown_sources(path))
            if found:
                out[path.stem] = found
    return out


def _execute(path: Path):
    """Execute a notebook top to bottom in a fresh python3 kernel; return it with its outputs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def time_notebooks(paths: list[Path], runs: int) -> int:
    """Execute every notebook ``runs`` times (nothing is written) and print a table of medians."""
    import statistics

    times: dict[Path, list[float]] = {path: [] for path in paths}
    total = time.perf_counter()
    for run in range(1, runs + 1):  # whole rounds, so that machine load falls on all chapters alike
        for path in paths:
            start = time.perf_counter()
            _execute(path)
            times[path].append(time.perf_counter() - start)
            print(f"run {run}/{runs}: {path.name} {times[path][-1]:.1f} s", flush=True)
    print(f"\n| notebook | median (s) | min–max (s) |\n|---|---|---|")
    for path, t in times.items():
        print(f"| {path.name} | {statistics.median(t):.1f} | {min(t):.1f}–{max(t):.1f} |")
    medians = [statistics.median(t) for t in times.values()]
    print(f"\ntimed {len(paths)} notebooks x {runs} runs in {time.perf_counter() - total:.0f} s: "
          f"sum of medians {sum(medians):.1f} s, slowest {max(medians):.1f} s")
    return 0


_GATE_START = re.compile(r"^```\{solution-start\}", flags=re.M)
_GATE_END = re.compile(r"^```\{solution-end\}", flags=re.M)


def gated_solution_cells(nb) -> list[int]:
    """Indices of the code cells inside gated solutions (``solution-start`` ... ``solution-end``).

    The HTML book folds them into the solution's dropdown.  JupyterLab (with jupyterlab-myst)
    renders each markdown cell on its own, so it folds only the solution's prose: the code cells
    between the two gates must be collapsed by their own metadata (see :func:`fold_gated_solutions`).
    """
    inside, out = False, []
    for i, cell in enumerate(nb["cells"]):
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            starts, ends = _GATE_START.search(text), _GATE_END.search(text)
            if ends and (not starts or ends.start() < starts.start()):
                inside = False
            if starts and (not ends or starts.start() > ends.start()):
                inside = True
        elif cell["cell_type"] == "code" and inside:
            out.append(i)
    return out


def fold_gated_solutions(nb) -> int:
    """Collapse input and output of every code cell inside a gated solution, for JupyterLab.

    Sets the standard cell metadata ``jupyter.source_hidden`` and ``jupyter.outputs_hidden``
    (JupyterLab shows a placeholder a reader clicks to expand; the HTML book ignores them and
    folds the cells into the solution's dropdown).  Returns the number of cells changed.
    """
    changed = 0
    for i in gated_solution_cells(nb):
        meta = nb["cells"][i]["metadata"].setdefault("jupyter", {})
        if not (meta.get("source_hidden") and meta.get("outputs_hidden")):
            meta.update(source_hidden=True, outputs_hidden=True)
            changed += 1
    return changed


def regenerate(paths: list[Path]) -> int:
    """Execute each notebook in place; print one line per notebook and a summary."""
    import nbformat

    total, failed = time.perf_counter(), []
    for i, path in enumerate(paths, 1):
        name = f"[{i}/{len(paths)}] {path.relative_to(ROOT)}"
        print(f"{name}: running", flush=True)
        start = time.perf_counter()
        try:
            nb = _execute(path)
        except Exception as exc:  # report and go on, so one bad chapter does not hide others
            failed.append(path.name)
            print(f"{name}: FAILED after {time.perf_counter() - start:.1f} s: {type(exc).__name__}")
            print(str(exc)[-2000:], file=sys.stderr)
            continue
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
        fold_gated_solutions(nb)
        nbformat.write(nb, path)
        print(f"{name}: ok in {time.perf_counter() - start:.1f} s", flush=True)
    elapsed = time.perf_counter() - total
    print(f"regenerated {len(paths) - len(failed)} of {len(paths)} notebooks in {elapsed:.1f} s"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def equations_page() -> str:
    """The text of book/appendix/equations.md, generated from the registry and the chapters."""
    import bplib

    where = {label: stem for stem, labels in labels_by_chapter().items() for label in labels}
    lines = [
        "# Equation index",
        "",
        "Every numbered equation of the book, the bplib function that computes it and the chapter",
        "that derives it and checks the code against SymPy or finite differences.  This page is",
        "generated from `bplib.EQUATIONS` by `python -m bplib.book equations`; a test fails if it",
        "is out of date, if a labelled equation has no implementation, or if an implementation",
        "names a label that no chapter defines.",
        "",
        "| equation | label | bplib | derived and checked in |",
        "|---|---|---|---|",
    ]
    order = list(where)
    for label in order + sorted(set(bplib.EQUATIONS) - set(order)):
        for impl in bplib.EQUATIONS.get(label, []):
            chapter = where.get(label, impl.chapter)
            target = f"{impl.function.__module__}.{impl.function.__qualname__}"
            lines.append(f"| {{eq}}`{label}` | `{label}` | {{py:func}}`{impl.qualname} <{target}>` | "
                         f"{{doc}}`../{chapter}` |")
    lines.append("")
    return "\n".join(lines)


def build() -> int:
    """``jupyter-book build . -W -n --keep-going`` with its output streamed and a summary line."""
    import subprocess

    # build matplotlib's font cache first: its one-time notice on stderr would otherwise be a
    # warning inside the first executed chapter, and warnings fail the build.
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot"], check=True)
    start = time.perf_counter()
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), "-W", "-n", "--keep-going"]
    print("running:", " ".join(cmd), flush=True)
    code = subprocess.run(cmd, cwd=ROOT).returncode
    elapsed = time.perf_counter() - start
    index = ROOT / "_build" / "html" / "index.html"
    if code == 0:
        print(f"built the book in {elapsed:.0f} s with zero warnings: open {index}")
    else:
        print(f"book build FAILED (exit {code}) after {elapsed:.0f} s; see the warnings above")
    return code


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bplib.book", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    reg = sub.add_parser("regenerate", help="re-execute notebooks and store their outputs")
    reg.add_argument("notebooks", nargs="*", type=Path)
    tim = sub.add_parser("time", help="median execution time of each notebook over several runs")
    tim.add_argument("--runs", type=int, default=3)
    tim.add_argument("notebooks", nargs="*", type=Path)
    sub.add_parser("equations", help="rewrite book/appendix/equations.md from the registry")
    sub.add_parser("labels", help="list labelled equations per chapter")
    sub.add_parser("build", help="build the HTML book into _build/html, warnings are errors")
    args = parser.parse_args(argv)
    # one BLAS thread in every kernel started from here: the same sums in the same order on every
    # machine, so stored outputs do not depend on the core count (and 2 cores are not oversubscribed)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if args.command == "regenerate":
        paths = [p.resolve() for p in args.notebooks] or notebooks()
        return regenerate(paths)
    if args.command == "time":
        return time_notebooks([p.resolve() for p in args.notebooks] or notebooks(), args.runs)
    if args.command == "build":
        return build()
    if args.command == "equations":
        EQUATIONS_PAGE.write_text(equations_page())
        print(f"wrote {EQUATIONS_PAGE.relative_to(ROOT)}")
        return 0
    for stem, labels in labels_by_chapter().items():
        print(f"{stem}: {', '.join(labels)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
