"""Sphinx extension: number the equations of each chapter on their own, as (4.1), (4.2), …

With ``numfig`` and ``math_numfig`` and a table of contents that is not numbered (the book's), Sphinx
counts display equations across the whole book: the first equation of chapter 04 is (27) or so,
and a reader cannot tell from "(27)" where to look.  This extension renumbers them after Sphinx
has assigned its numbers: the equations of a chapter whose file name starts with two digits
(``04_matrix_form``) become (4.1), (4.2), … in the order of the chapter; equations of other pages
(notation, appendices) become (1), (2), … per page.  Equation references ({eq}`…`) use the same
numbers, because Sphinx reads both from ``env.toc_fignumbers``.

Register it in ``_config.yml`` under ``sphinx.extra_extensions`` as ``bplib.sphinx_numbering``.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

#: Sphinx's toctree collector assigns figure numbers at the default priority 500; renumber after it
PRIORITY = 900

_CHAPTER = re.compile(r"^(\d\d)_")


def chapter_prefix(docname: str) -> tuple[int, ...]:
    """(4,) for ``book/04_matrix_form``; () for pages without a chapter number.

    Examples
    --------
    >>> chapter_prefix("book/04_matrix_form"), chapter_prefix("book/notation")
    ((4,), ())
    """
    match = _CHAPTER.match(PurePosixPath(docname).name)
    return (int(match.group(1)),) if match else ()


def renumber_equations(toc_fignumbers: dict) -> dict:
    """Renumber the display equations of every document from 1, prefixed by its chapter number.

    Parameters
    ----------
    toc_fignumbers : dict
        Sphinx's ``env.toc_fignumbers``: docname -> figure type -> node id -> number tuple.
        Changed in place (it is Sphinx's own table) and returned.

    Returns
    -------
    dict, the same table

    Examples
    --------
    >>> table = {"book/04_matrix_form": {"displaymath": {"equation-b": (28,), "equation-a": (27,)}}}
    >>> renumber_equations(table)["book/04_matrix_form"]["displaymath"]
    {'equation-a': (4, 1), 'equation-b': (4, 2)}
    """
    for docname, kinds in toc_fignumbers.items():
        numbers = kinds.get("displaymath")
        if not numbers:
            continue
        prefix = chapter_prefix(docname)
        in_order = sorted(numbers, key=lambda node_id: tuple(numbers[node_id]))
        kinds["displaymath"] = {node_id: (*prefix, i) for i, node_id in enumerate(in_order, 1)}
    return toc_fignumbers


def _renumber(app, env) -> list[str]:
    renumber_equations(env.toc_fignumbers)
    return []


def setup(app):
    """Connect the renumbering to ``env-get-updated``, after Sphinx's own figure numbering."""
    app.connect("env-get-updated", _renumber, priority=PRIORITY)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
