"""The equation registry: which bplib function implements which numbered equation.

Every function that computes a labelled equation of the book is decorated with
:func:`implements`.  The equation index (``book/appendix/equations.md``) is generated
from :data:`EQUATIONS` by ``python -m bplib.book equations`` and a test checks that every
``(eq-...)=`` label in the book has a registered implementation and vice versa.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

__all__ = ["EQUATIONS", "Implementation", "implements", "implementation_of"]

_LABEL = re.compile(r"^eq-[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Implementation:
    """One registered implementation: the label, the function and the chapter checking it."""

    label: str
    function: Callable
    chapter: str

    @property
    def qualname(self) -> str:
        """Dotted public name, e.g. ``bplib.hidden_delta``."""
        return f"bplib.{self.function.__qualname__}"


#: label -> list of implementations (one equation may have a batch and an index form).
EQUATIONS: dict[str, list[Implementation]] = {}


def implements(label: str, chapter: str):
    """Register the decorated function as the implementation of equation ``label``.

    Parameters
    ----------
    label : str
        MyST label of the equation, lowercase and hyphenated, e.g. ``"eq-bp2"``.
    chapter : str
        File stem of the chapter that derives and checks it, e.g. ``"04_matrix_form"``.
    """
    if not _LABEL.match(label):
        raise ValueError(f"label: expected 'eq-<lowercase-hyphenated>', got {label!r}")

    def register(function: Callable) -> Callable:
        EQUATIONS.setdefault(label, []).append(Implementation(label, function, chapter))
        function.__equation__ = label
        return function

    return register


def implementation_of(label: str) -> list[Implementation]:
    """Return the implementations registered for ``label`` (ValueError if none)."""
    try:
        return EQUATIONS[label]
    except KeyError:
        known = ", ".join(sorted(EQUATIONS))
        raise ValueError(f"label: no implementation registered for {label!r}; known: {known}") from None
