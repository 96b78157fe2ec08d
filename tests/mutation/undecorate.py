"""Rewrite ``@implements(...)`` decorators as calls after the module's body, so mutmut mutates them.

mutmut 3.8 skips every decorated function (a decorator runs at definition time, and its
trampoline cannot wrap what a decorator returns).  ``implements`` only registers the function
and returns it unchanged, so in the scratch copy made by ``tests/mutation/run.sh``

    @implements("eq-bp2", chapter="04_matrix_form")
    def hidden_delta(...):

becomes ``def hidden_delta(...):`` with ``hidden_delta = implements("eq-bp2", chapter=...)(hidden_delta)``
appended to the module.  Registration order within a module is kept.  Usage:
``python undecorate.py FILE [FILE ...]`` (files are rewritten in place; never run it on the checkout).
"""
import ast
import pathlib
import sys


def undecorate(source: str) -> tuple[str, int]:
    """Return ``source`` with its module-level ``@implements`` decorators moved, and how many."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    drop: set[int] = set()
    calls: list[str] = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        ours = [d for d in node.decorator_list
                if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "implements"]
        if not ours:
            continue
        if len(ours) != len(node.decorator_list):
            raise SystemExit(f"{node.name}: mixes @implements with other decorators; extend undecorate.py")
        wrapped = node.name
        for d in reversed(ours):  # decorators apply bottom-up
            wrapped = f"{ast.get_source_segment(source, d)}({wrapped})"
            drop.update(range(d.lineno - 1, d.end_lineno))  # the decorator line(s), 0-based
        calls.append(f"{node.name} = {wrapped}\n")
    kept = [line for i, line in enumerate(lines) if i not in drop]
    if calls:
        if kept and not kept[-1].endswith("\n"):
            kept[-1] += "\n"
        kept += ["\n\n# registered here, not by decorators, so that mutmut mutates these functions\n", *calls]
    return "".join(kept), len(calls)


if __name__ == "__main__":
    total = 0
    for name in sys.argv[1:]:
        path = pathlib.Path(name)
        text, n = undecorate(path.read_text())
        if n:
            path.write_text(text)
        total += n
    print(f"undecorate: {total} @implements functions in {len(sys.argv) - 1} files made mutable")
