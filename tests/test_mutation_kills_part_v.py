"""Tests written for mutants of Part V's equation modules that the other tests let survive (issue 13).

Each test states a property a reader of chapters 11–15 relies on; the mutant it was written for
is named in its docstring.  Run the mutation study with ``tests/mutation/run.sh``.
"""
import numpy as np
import pytest

import bplib as bp
