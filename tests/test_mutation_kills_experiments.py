"""Tests written for mutants of Part V's experiment modules: bplib.cnn, sequences,
residual_experiments and retrieval (chapters 12–15) that the other tests let survive (issue 13).

Each test states a property a reader of the book relies on; the mutant it was written for is
named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
