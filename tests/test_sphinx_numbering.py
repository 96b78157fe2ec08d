"""bplib.sphinx_numbering: equations numbered per chapter, (4.1), (4.2), …, in the text and in references."""
from __future__ import annotations

import re
import subprocess
import sys

from bplib.sphinx_numbering import chapter_prefix, renumber_equations


def test_chapter_prefix():
    assert chapter_prefix("book/04_matrix_form") == (4,)
    assert chapter_prefix("book/10_reverse_mode") == (10,)
    assert chapter_prefix("book/notation") == () and chapter_prefix("book/appendix/equations") == ()


def test_renumbering_restarts_per_document_in_document_order():
    table = {
        "book/03_deltas_by_layer": {"displaymath": {"equation-x": (2,), "equation-w": (1,)}, "figure": {"f": (1,)}},
        "book/04_matrix_form": {"displaymath": {"equation-z": (5,), "equation-y": (3,), "equation-v": (4,)}},
        "book/notation": {"displaymath": {"equation-n": (9,)}},
        "book/intro": {"figure": {"g": (2,)}},
    }
    out = renumber_equations(table)
    assert out["book/03_deltas_by_layer"]["displaymath"] == {"equation-w": (3, 1), "equation-x": (3, 2)}
    assert out["book/04_matrix_form"]["displaymath"] == {"equation-y": (4, 1), "equation-v": (4, 2),
                                                          "equation-z": (4, 3)}
    assert out["book/notation"]["displaymath"] == {"equation-n": (1,)}
    assert out["book/03_deltas_by_layer"]["figure"] == {"f": (1,)}      # figures are left alone
    assert out["book/intro"] == {"figure": {"g": (2,)}}


def test_a_sphinx_build_numbers_equations_and_references_per_chapter(tmp_path):
    (tmp_path / "conf.py").write_text('extensions = ["bplib.sphinx_numbering"]\nnumfig = True\n'
                                      'math_numfig = True\nmath_eqref_format = "({number})"\n')
    (tmp_path / "index.rst").write_text("Toy\n===\n\n.. toctree::\n\n   book/03_a\n   book/04_b\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "03_a.rst").write_text(
        "Three\n=====\n\n.. math:: a = 1\n   :label: eq-a1\n\n.. math:: a = 2\n   :label: eq-a2\n\nSee :eq:`eq-b1`.\n")
    (tmp_path / "book" / "04_b.rst").write_text(
        "Four\n====\n\n.. math:: b = 1\n   :label: eq-b1\n\nBack to :eq:`eq-a2`.\n")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(tmp_path),
                           str(tmp_path / "_build")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    three = (tmp_path / "_build" / "book" / "03_a.html").read_text()
    four = (tmp_path / "_build" / "book" / "04_b.html").read_text()
    assert re.findall(r'class="eqno">\(([\d.]+)\)', three) == ["3.1", "3.2"]
    assert re.findall(r'class="eqno">\(([\d.]+)\)', four) == ["4.1"]
    assert 'href="04_b.html#equation-eq-b1">(4.1)<' in three
    assert 'href="03_a.html#equation-eq-a2">(3.2)<' in four
