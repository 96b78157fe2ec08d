"""Unit tests of bplib.registry, and of what every registration promises: a well-formed label, a
public function whose docstring cites its label and its chapter, a chapter that exists, and
docstring examples that run."""
import doctest
import importlib
import re

import pytest

import bplib as bp
from bplib import book, registry

LABEL = re.compile(r"^eq-[a-z0-9]+(-[a-z0-9]+)*$")
REGISTERED = [impl for label in sorted(bp.EQUATIONS) for impl in bp.EQUATIONS[label]]
IDS = [f"{impl.label}:{impl.function.__name__}" for impl in REGISTERED]
CHAPTERS = {p.stem for p in book.toc_files()}
CORE = ["registry", "activations", "losses", "equations", "regularization", "mlp", "gradcheck",
        "training", "datasets"]


@pytest.fixture
def empty_registry(monkeypatch):
    """A fresh, empty registry, so that these tests never add to the real one."""
    table = {}
    monkeypatch.setattr(registry, "EQUATIONS", table)
    return table


# ------------------------------------------------------------------ the decorator
def test_implements_registers_and_returns_the_function(empty_registry):
    def f(x):
        """Computes something (eq-test-thing)."""
        return x

    g = registry.implements("eq-test-thing", chapter="04_matrix_form")(f)
    assert g is f and f.__equation__ == "eq-test-thing"
    (impl,) = empty_registry["eq-test-thing"]
    assert impl == registry.Implementation("eq-test-thing", f, "04_matrix_form")
    assert registry.implementation_of("eq-test-thing") == [impl]
    assert impl.qualname == "bplib.test_implements_registers_and_returns_the_function.<locals>.f"


def test_one_label_may_have_several_implementations(empty_registry):
    first = registry.implements("eq-bp2", chapter="03_deltas_by_layer")(lambda: 1)
    second = registry.implements("eq-bp2", chapter="04_matrix_form")(lambda: 2)
    assert [impl.function for impl in empty_registry["eq-bp2"]] == [first, second]


@pytest.mark.parametrize("label", ["bp1", "eq-BP1", "eq_bp1", "eq-", "eq-bp1-", "eq--bp1", "eq-bp 1", ""])
def test_malformed_labels_are_rejected(label, empty_registry):
    with pytest.raises(ValueError, match=re.escape(f"label: expected 'eq-<lowercase-hyphenated>', got {label!r}")):
        registry.implements(label, chapter="04_matrix_form")
    assert empty_registry == {}


def test_unknown_label_lists_the_known_ones(empty_registry):
    registry.implements("eq-a", chapter="01_chain_rule")(lambda: 0)
    registry.implements("eq-b", chapter="01_chain_rule")(lambda: 0)
    with pytest.raises(ValueError, match=r"label: no implementation registered for 'eq-c'; known: eq-a, eq-b"):
        registry.implementation_of("eq-c")


# ------------------------------------------------------------------ every registration
def test_the_four_equations_are_registered():
    expected = {"eq-bp1": bp.output_delta, "eq-bp2": bp.hidden_delta,
                "eq-bp3": bp.bias_gradient, "eq-bp4": bp.weight_gradient}
    for label, function in expected.items():
        assert function in [impl.function for impl in bp.implementation_of(label)]


@pytest.mark.parametrize("impl", REGISTERED, ids=IDS)
def test_registered_label_is_well_formed(impl):
    assert LABEL.match(impl.label), impl.label
    assert impl in bp.EQUATIONS[impl.label]


@pytest.mark.parametrize("impl", REGISTERED, ids=IDS)
def test_registered_function_is_public_and_cites_its_label(impl):
    assert callable(impl.function)
    assert getattr(bp, impl.function.__name__) is impl.function, f"not reachable as bplib.{impl.function.__name__}"
    assert impl.label in (impl.function.__doc__ or ""), f"{impl.qualname}: docstring does not cite {impl.label}"


@pytest.mark.parametrize("impl", REGISTERED, ids=IDS)
def test_registered_chapter_is_a_chapter_of_the_book(impl):
    assert impl.chapter in CHAPTERS, f"{impl.qualname}: chapter {impl.chapter!r} is not in _toc.yml"
    assert re.fullmatch(r"\d\d_[a-z0-9_]+", impl.chapter)


def cites_chapter(impl):
    doc = impl.function.__doc__ or ""
    number = int(impl.chapter[:2])
    return impl.chapter in doc or re.search(rf"\bchapter\s+0?{number}\b", doc) is not None


@pytest.mark.parametrize("impl", REGISTERED, ids=IDS)
def test_registered_function_docstring_cites_its_chapter(impl):
    assert cites_chapter(impl), f"{impl.qualname}: docstring does not cite chapter {impl.chapter}"


# ------------------------------------------------------------------ docstrings of the core
@pytest.mark.parametrize("name", CORE)
def test_docstring_examples_run(name):
    module = importlib.import_module(f"bplib.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples of bplib.{name} fail"


@pytest.mark.parametrize("name", CORE)
def test_every_public_name_of_the_core_is_documented_and_exported(name):
    module = importlib.import_module(f"bplib.{name}")
    for public in module.__all__:
        obj = getattr(module, public)
        assert getattr(bp, public) is obj, f"bplib.{public} is not bplib.{name}.{public}"
        if callable(obj) and not isinstance(obj, dict):
            assert (obj.__doc__ or "").strip(), f"bplib.{name}.{public} has no docstring"
