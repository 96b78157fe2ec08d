"""Shared settings for bplib's unit tests.

One hypothesis profile for the whole suite: derandomized (the same examples on every run and every
machine, so CI is deterministic), no deadline (the machine is shared, timings vary) and no example
database (nothing is written into the checkout).  A test may still lower ``max_examples`` with its
own ``@settings``.
"""
from hypothesis import settings

settings.register_profile("bplib", derandomize=True, deadline=None, database=None,
                          max_examples=40, print_blob=True)
settings.load_profile("bplib")
