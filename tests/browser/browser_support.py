"""Shared machinery of the browser tests: Chromium, loopback-only networking, local CDN copies.

The built book asks CDNs for MathJax, RequireJS and the Jupyter widget manager.  CI cannot reach
them, and a test must not depend on them, so every request the browser makes goes through
:func:`route_request`:

* loopback hosts (127.0.0.1, localhost, [::1]) pass through;
* a CDN address of an npm package is answered from ``tests/browser/node_modules`` (installed by
  ``npm ci`` from package-lock.json), after checking that the version the page asks for is the
  version installed;
* everything else is aborted and counted as a blocked outside host.

Counts of everything checked are kept in :data:`COUNTS` and printed as one summary line at the
end of the run (see conftest.py).
"""
from __future__ import annotations

import collections
import functools
import http.server
import io
import json
import mimetypes
import os
import re
import shutil
import socket
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
NODE_MODULES = HERE / "node_modules"
HTML = Path(os.environ.get("BPLIB_BROWSER_HTML", ROOT / "_build" / "html")).resolve()
ARTIFACTS = HTML.parent / "browser"  # _build/browser: screenshots and counts.json, for a person

CHROMIUM = os.environ.get("BPLIB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

#: Everything the run counted; conftest.py prints it as the summary line.
COUNTS: collections.Counter = collections.Counter()
#: Outside host -> number of requests the browser tried and we aborted.
BLOCKED: collections.Counter = collections.Counter()
#: CDN requests we could not answer from node_modules (wrong version, missing file).
CDN_PROBLEMS: list[str] = []

mimetypes.add_type("font/woff", ".woff")
mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("text/javascript", ".js")


# ----------------------------------------------------------------------------- CDN -> node_modules
@functools.lru_cache(maxsize=None)
def installed_version(package: str) -> str | None:
    """Version of an npm package in tests/browser/node_modules, or None if it is not there."""
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text())["version"]


def version_matches(requested: str, installed: str) -> bool:
    """Whether a CDN version spec (exact ``1.0.6`` or a prefix such as ``3``, ``3.2``) fits."""
    if requested in ("", "latest"):
        return False  # an unpinned request cannot be matched honestly
    req, inst = requested.split("."), installed.split(".")
    return inst[:len(req)] == req


#: (host, regex on the path, npm package, file in the package) of every CDN address we mirror.
#: jsDelivr and unpkg serve npm packages file by file: the package, version and file come from the
#: path.  cdnjs serves RequireJS's require.min.js, a minified build of its own that no registry
#: holds: it is answered with require.js of the npm package requirejs at the same version (the
#: page's integrity hash of that one script is dropped by :class:`StaticServer`, see there).
_CDN_PATTERNS = [
    ("cdn.jsdelivr.net", re.compile(r"^/npm/(?P<pkg>(?:@[^/@]+/)?[^/@]+)@(?P<ver>[^/]+)/(?P<file>.+)$"),
     None, None),
    ("unpkg.com", re.compile(r"^/(?P<pkg>(?:@[^/@]+/)?[^/@]+)@(?P<ver>[^/]+)/(?P<file>.+)$"),
     None, None),
    ("cdnjs.cloudflare.com", re.compile(r"^/ajax/libs/require\.js/(?P<ver>[^/]+)/require(\.min)?\.js$"),
     "requirejs", "require.js"),
]
#: Hosts of scripts a page needs to work; a request to one that we cannot answer locally is a
#: failure (the page depends on something CI cannot check), not just a blocked outside host.
CDN_HOSTS = {"cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com"}


def cdn_file(url: str) -> Path | None:
    """The local copy of a CDN URL, or None if the URL is not a CDN address we mirror.

    A CDN address whose package is installed but at another version, or whose file is missing,
    is recorded in :data:`CDN_PROBLEMS` (a test failure: the assets do not match the pages).
    """
    parts = urlsplit(url)
    for host, pattern, fixed_package, fixed_file in _CDN_PATTERNS:
        if parts.hostname != host:
            continue
        match = pattern.match(unquote(parts.path))
        if not match:
            return None
        package = fixed_package or match["pkg"]
        inside = fixed_file or match["file"]
        installed = installed_version(package)
        if installed is None:
            return None
        if not version_matches(match["ver"], installed):
            CDN_PROBLEMS.append(f"{url}: page asks for {package}@{match['ver']}, "
                                f"tests/browser has {installed}")
            return None
        local = (NODE_MODULES / package / inside).resolve()
        if not local.is_file() or NODE_MODULES.resolve() not in local.parents:
            CDN_PROBLEMS.append(f"{url}: no file {inside} in {package}@{installed}")
            return None
        return local
    return None


def route_request(route, request) -> None:
    """Playwright route handler: loopback passes, CDN from node_modules, the rest is aborted."""
    url = request.url
    host = urlsplit(url).hostname or ""
    if host in LOOPBACK or not url.startswith(("http:", "https:")):
        route.continue_()
        return
    known = len(CDN_PROBLEMS)
    local = cdn_file(url)
    if local is not None:
        COUNTS["cdn files served locally"] += 1
        ctype = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=local.read_bytes(),
                      headers={"Content-Type": ctype, "Access-Control-Allow-Origin": "*"})
        return
    if host in CDN_HOSTS and len(CDN_PROBLEMS) == known \
            and request.resource_type in ("script", "stylesheet", "font"):
        CDN_PROBLEMS.append(f"{url}: the page needs it and CI has no local copy (only "
                            f"cdn.jsdelivr.net/npm and unpkg.com addresses of the npm packages "
                            f"pinned in tests/browser/package.json are served)")
    BLOCKED[host] += 1
    route.abort("blockedbyclient")


def is_blocked_outside(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return bool(host) and host not in LOOPBACK


# ----------------------------------------------------------------------------- browser
class Browser:
    """One headless Chromium with a new empty profile, all its traffic through route_request."""

    def __init__(self, viewport=(1280, 900)):
        from playwright.sync_api import sync_playwright

        if not Path(CHROMIUM).exists():
            raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium (run.sh does)")
        self.profile = tempfile.mkdtemp(prefix="bplib-chromium-")
        self._pw = sync_playwright().start()
        try:
            self.context = self._pw.chromium.launch_persistent_context(
                self.profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block")
            self.context.route("**/*", route_request)
        except Exception:
            self._pw.stop()
            raise

    def new_page(self):
        return self.context.new_page()

    def close(self) -> None:
        try:
            self.context.close()
        finally:
            self._pw.stop()
            shutil.rmtree(self.profile, ignore_errors=True)


# ----------------------------------------------------------------------------- static server
#: The RequireJS script tag of the pages (myst-nb's default): its integrity hash pins cdnjs's own
#: minified build, which no package registry holds, so the hash (and only this one) is dropped
#: when the page is served; the script itself comes from npm's requirejs at the same version.
_REQUIRE_INTEGRITY = re.compile(
    r'(<script\b[^>]*?)\s+integrity="[^"]*"([^>]*\bsrc="https://cdnjs\.cloudflare\.com/ajax/libs/'
    r'require\.js/[^"]+")')


class _BookHandler(http.server.SimpleHTTPRequestHandler):
    """Serves _build/html as it is, except the RequireJS integrity hash (see above)."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.suffix != ".html" or not path.is_file():
            return super().send_head()
        body = _REQUIRE_INTEGRITY.sub(r"\1\2", path.read_text(encoding="utf-8")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass  # missing files are reported by the tests, from the browser's side


class StaticServer:
    """_build/html on http://127.0.0.1:<free port>/ in a background thread."""

    def __init__(self, directory: Path):
        handler = functools.partial(_BookHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summary_line() -> str:
    """The counts of the run in one line (printed at the end, also saved as counts.json)."""
    keys = ["pages", "formulas typeset", "equation references", "citations", "links checked",
            "images", "solutions toggled", "static widgets rendered", "notebooks run",
            "cells run", "sliders moved", "sliders responding", "MyST exercises checked",
            "MyST equations numbered",
            "upstream faults tolerated"]
    parts = [f"{COUNTS.get(k, 0)} {k}" for k in keys]
    parts.append(f"{sum(BLOCKED.values())} requests to blocked outside hosts"
                 + (f" ({', '.join(sorted(BLOCKED))})" if BLOCKED else ""))
    return "browser checks: " + ", ".join(parts)
