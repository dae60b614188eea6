"""Which variables an expression reads (feel-scala 1.21's "variable references").

The engine can use it to tell a designer which variable a failing condition needed, or to
fetch only those variables.  Names bound inside the expression (iterators, function
parameters, ``item``/``partial``, earlier entries of the same context) are not references.
"""

from __future__ import annotations

from typing import Any

from . import ast


def variable_names(node: ast.Node) -> list[str]:
    """The free variable names of ``node`` in order of first appearance."""
    found: dict[str, None] = {}
    _walk(node, frozenset(), found)
    return list(found)


def _walk(node: Any, bound: frozenset[str], found: dict[str, None]) -> None:
    if isinstance(node, tuple):
        for item in node:
            _walk(item, bound, found)
        return
    if not isinstance(node, ast.Node):
        return
    if isinstance(node, ast.Ref):
        if node.name not in bound:
            found.setdefault(node.name, None)
        return
    if isinstance(node, ast.Call):
        _walk(node.args, bound, found)
        if node.named:
            _walk(tuple(v for _, v in node.named), bound, found)
        return
    if isinstance(node, (ast.For, ast.Quantified)):
        inner = bound
        for it in node.iterators:
            _walk(it.source, bound, found)
            _walk(it.end, bound, found)
            inner = inner | {it.name}
        body = node.body if isinstance(node, ast.For) else node.condition
        _walk(body, inner | {"partial"}, found)
        return
    if isinstance(node, ast.FunctionDef):
        _walk(node.body, bound | set(node.params), found)
        return
    if isinstance(node, ast.Filter):
        _walk(node.base, bound, found)
        _walk(node.condition, bound | {"item"}, found)
        return
    if isinstance(node, ast.ContextLit):
        inner = bound
        for key, value in node.entries:
            _walk(value, inner, found)
            inner = inner | {key}
        return
    for name in node.__dataclass_fields__:
        _walk(getattr(node, name), bound, found)
