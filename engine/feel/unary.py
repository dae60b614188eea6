"""Unary tests (DMN input entries and the right side of ``in``): each test compiles to
``f(env, input) -> True/False/None``; ``-`` matches anything, ``not(...)`` negates, an
expression matches when it equals the input, contains it (a list or range) or, written with
``?``, evaluates to true."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ast
from .interpreter import Fn, compare_values, compile_node, register
from .runtime import Env
from .values import FeelRange, equal, kind

Test = Callable[[Env, Any], Any]  # (env, input) -> True/False/None


def contains_node(node: Any, match: Callable[[Any], bool]) -> bool:
    if match(node):
        return True
    if isinstance(node, ast.Node):
        return any(contains_node(getattr(node, f), match) for f in node.__dataclass_fields__)
    if isinstance(node, tuple):
        return any(contains_node(i, match) for i in node)
    return False


def _uses_input(node: Any) -> bool:
    """Does the expression mention ``?``?"""
    return contains_node(node, lambda n: isinstance(n, ast.InputValue))


def compile_test(node: ast.Node) -> Test:
    """A positive unary test as ``f(env, input) -> True/False/None``."""
    if isinstance(node, ast.ComparePut):
        operand = compile_node(node.operand)
        op = node.op
        return lambda env, i: compare_values(op, i, operand(env))
    assert isinstance(node, ast.ExpressionPut)
    expr = node.expression
    if isinstance(expr, ast.RangeLit):
        start, end = compile_node(expr.start), compile_node(expr.end)
        si, ei = expr.start_included, expr.end_included

        def in_range(env: Env, i: Any) -> Any:
            lo, hi = start(env), end(env)
            k = kind(i)
            if k < 0 or k != kind(lo) or k != kind(hi) or type(i) in (bool, list, dict):
                return None
            return FeelRange(lo, hi, si, ei).contains(i)

        return in_range
    if isinstance(expr, ast.Const) and type(expr.value) is bool:
        b = expr.value
        return lambda env, i: equal(i, b)
    f = compile_node(expr)
    if _uses_input(expr):

        def with_input(env: Env, i: Any) -> Any:
            v = f(env.child({"?": i}))
            return v if type(v) is bool else None

        return with_input

    def expression_test(env: Env, i: Any) -> Any:
        v = f(env)
        if v is True:
            return True
        t = type(v)
        if t is list and any(equal(i, item) is True for item in v):
            return True
        if t is FeelRange:
            return v.contains(i)
        r = equal(i, v)
        if r is True:
            return True
        if v is False or t is list:
            return False
        return None if r is None else False

    return expression_test


def any_of(tests: list[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]

    def at_least_one(env: Env, i: Any) -> Any:
        result: Any = False
        for t in tests:
            v = t(env, i)
            if v is True:
                return True
            if v is not False:
                result = None
        return result

    return at_least_one


@register(ast.In)
def _in(node: ast.In) -> Fn:
    value = compile_node(node.value)
    test = any_of([compile_test(t) for t in node.tests])
    return lambda env: test(env, value(env))


def compile_unary(node: ast.UnaryTests) -> Test:
    if node.any_input:
        return lambda env, i: True
    test = any_of([compile_test(t) for t in node.tests])
    if not node.negated:
        return test

    def negated(env: Env, i: Any) -> Any:
        v = test(env, i)
        return None if v is None else not v

    return negated
