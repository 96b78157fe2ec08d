"""Tests written for mutants of bplib.tensor_tools and bplib.memory (chapter 11) that the other tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
