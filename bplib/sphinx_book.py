"""Sphinx extension of the book (listed in _config.yml; not imported by ``import bplib``).

1. Docstrings refer to the public API the way a reader calls it, ``:func:`bplib.train``` or
   ``:meth:`MLP.gradients```, while autodoc documents each object where it is defined
   (``bplib.training.train``).  :func:`resolve_public_name` resolves such a reference to the
   defining module, so ``jupyter-book build -n`` finds it; anything it cannot place stays a warning.
2. Sphinx 7.4 lists a body-only script added after ``Builder.init()`` twice (sphinx-thebe's
   ``const THEBE_JS_URL = ...``): a JavaScript SyntaxError on every page, found by tests/browser.
   :func:`drop_repeated_scripts` keeps the first copy.
3. The widget manager of the static pages calls MathJax 2's ``MathJax.Hub.Queue`` to typeset
   widget labels; the book loads MathJax 3.  :data:`MATHJAX2_QUEUE_SHIM` maps that one call to
   MathJax 3's ``typesetPromise``.
"""
from __future__ import annotations

import importlib
import pkgutil


def _defining_module(package: str, name: str) -> str | None:
    """The submodule of ``package`` (bplib, bplib.plots or bplib.widgets) whose ``__all__`` exports ``name``."""
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if info.name.startswith("_") or info.name in ("book", "sphinx_book", "plots", "widgets"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        if name in getattr(module, "__all__", ()):
            return module.__name__
    return None


def resolve_public_name(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    parts = node["reftarget"].split(".")
    if parts[0] == "MLP":
        parts = ["bplib", *parts]
    if len(parts) < 2 or parts[0] != "bplib":
        return None
    package, rest = "bplib", parts[1:]
    if rest[0] in ("plots", "widgets") and len(rest) > 1:
        package, rest = f"bplib.{rest[0]}", rest[1:]
    module = _defining_module(package, rest[0])
    if module is None:
        return None
    target = ".".join([module, *rest])
    domain = env.get_domain("py")
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], target, node, contnode)


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    """Keep the first of identical ``<script>`` entries (same file or body, same attributes)."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique


#: ``MathJax.Hub.Queue(["Typeset", MathJax.Hub, node])`` (MathJax 2) as MathJax 3 calls.
MATHJAX2_QUEUE_SHIM = (
    'document.addEventListener("DOMContentLoaded", () => {'
    " if (window.MathJax && !MathJax.Hub) MathJax.Hub = {Queue: (job) =>"
    " MathJax.startup.promise.then(() => MathJax.typesetPromise([job[2]]))}; });"
)


def setup(app):
    app.connect("missing-reference", resolve_public_name)
    app.connect("html-page-context", drop_repeated_scripts)
    app.add_js_file(None, body=MATHJAX2_QUEUE_SHIM)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
