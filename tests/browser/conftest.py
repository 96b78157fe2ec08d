"""The reader's-experience tests run only when asked: BPLIB_BROWSER_TESTS=1 (tests/browser/run.sh).

The normal ``pytest --nbval`` run collects tests/ and sees these tests skipped: they need a built
book, Chromium, the npm assets and a few minutes.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ENABLED = os.environ.get("BPLIB_BROWSER_TESTS") == "1"
HERE = Path(__file__).resolve().parent
#: Seconds spent in each part (setup, call and teardown of its tests), printed at the end.
PARTS = {"test_html_book": "HTML book", "test_jupyterlab": "JupyterLab"}
SECONDS: dict[str, float] = {}


def pytest_collection_modifyitems(config, items):
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="browser tests run only with BPLIB_BROWSER_TESTS=1 (tests/browser/run.sh)")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


def pytest_runtest_logreport(report):
    part = PARTS.get(Path(report.fspath).stem)
    if ENABLED and part:
        SECONDS[part] = SECONDS.get(part, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not ENABLED:
        return
    import browser_support as bs

    line = bs.summary_line()
    bs.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (bs.ARTIFACTS / "counts.json").write_text(json.dumps(
        {"counts": dict(bs.COUNTS), "blocked_outside_hosts": dict(bs.BLOCKED),
         "seconds": {part: round(sec, 1) for part, sec in SECONDS.items()}}, indent=2) + "\n")
    terminalreporter.write_sep("-", "reader's experience")
    terminalreporter.write_line(f"screenshots: {bs.ARTIFACTS / 'screenshots'}")
    terminalreporter.write_line(line)
    terminalreporter.write_line("time: " + ", ".join(f"{part} {sec:.0f} s" for part, sec in SECONDS.items()))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (new empty profile, loopback only) for the whole run."""
    import browser_support as bs

    b = bs.Browser()
    yield b
    b.close()
