"""pytest configuration shared by tests/ and the notebooks collected by nbval."""
import os

# One BLAS thread in this process and in every kernel nbval starts (kernels inherit the
# environment): the same floating-point sums in the same order as when the stored outputs were
# made by `python -m bplib.book regenerate`, whatever the machine's core count.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def pytest_collectstart(collector):
    # stderr (warnings, progress) is never compared: it cannot make a notebook test flaky.
    if getattr(collector, "path", None) is not None and collector.path.suffix == ".ipynb":
        collector.skip_compare += ("stderr",)
