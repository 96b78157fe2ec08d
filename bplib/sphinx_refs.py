"""Sphinx extension used by the book's API appendix (not imported by ``import bplib``).

Docstrings refer to the public API the way a reader calls it, ``:func:`bplib.train``` or
``:meth:`MLP.gradients```, while autodoc documents each object where it is defined
(``bplib.training.train``).  This resolves such a reference to the defining module, so
``jupyter-book build -n`` finds it; anything it cannot place stays a warning.
"""
from __future__ import annotations

import importlib
import pkgutil


def _defining_module(package: str, name: str) -> str | None:
    """The submodule of ``package`` (bplib, bplib.plots or bplib.widgets) whose ``__all__`` exports ``name``."""
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if info.name.startswith("_") or info.name in ("book", "sphinx_refs", "plots", "widgets"):
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


def setup(app):
    app.connect("missing-reference", resolve_public_name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
