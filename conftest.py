"""pytest configuration shared by tests/ and the notebooks collected by nbval."""


def pytest_collectstart(collector):
    # stderr (warnings, progress) is never compared: it cannot make a notebook test flaky.
    if getattr(collector, "path", None) is not None and collector.path.suffix == ".ipynb":
        collector.skip_compare += ("stderr",)
