"""Syntax tree → Python closures.

Every node becomes a function ``f(env) -> value`` built once per expression text; evaluating a
compiled expression is then a chain of direct calls with no tree walking and no ``isinstance``
dispatch, which is what brings a path-and-comparison condition under ten microseconds.

The semantics follow feel-scala: an operation on values of the wrong type gives null (not an
error), ``and``/``or`` are three-valued, ``if`` takes anything but ``true`` as false, a
missing variable or context entry is null.  Failures feel-scala does report (``?`` outside a
unary test, ``assert``) raise :class:`FeelEvaluationError`.

This module holds the dispatcher and the plain expressions (names, paths, literals,
arithmetic, comparison, logic, if); ``unary.py``, ``loops.py`` and ``calls.py`` register the
compilers of unary tests, iteration and filters, and functions.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from . import ast
from .errors import FeelError, FeelEvaluationError, InvalidRange, InvalidValue
from .operators import ARITHMETIC, negate
from .runtime import MISSING, Env
from .temporal import properties
from .values import (
    FeelRange,
    compare,
    equal,
    kind,
    show,
    type_name,
)

Fn = Callable[[Env], Any]
Test = Callable[[Env, Any], Any]  # unary test: (env, input) -> True/False/None


def compile_node(node: ast.Node) -> Fn:
    method = _COMPILERS.get(type(node))
    if method is None:  # pragma: no cover - every node type has a compiler
        raise FeelError(f"unsupported expression {type(node).__name__}")
    return method(node)


# ---------------------------------------------------------------------------- leaves


def _const(node: ast.Const) -> Fn:
    value = node.value
    return lambda env: value


def _ref(node: ast.Ref) -> Fn:
    name = node.name

    def ref(env: Env) -> Any:
        e: Env | None = env
        while e is not None:
            v = e.vars.get(name, MISSING)
            if v is not MISSING:
                return v
            e = e.parent
        return env.state.lookup(name)

    return ref


def _input_value(node: ast.InputValue) -> Fn:
    def input_value(env: Env) -> Any:
        v = env.find("?")
        if v is MISSING:
            raise FeelEvaluationError(
                "no input value available: '?' can only be used inside a unary test"
            )
        return v

    return input_value


def get_path(v: Any, name: str, env: Env | None = None) -> Any:
    """``v.name``: a context entry, a projection over a list, or a temporal property."""
    t = type(v)
    if t is dict:
        r = v.get(name, MISSING)
        if r is MISSING:
            if env is not None:
                keys = ", ".join(f"'{k}'" for k in v) or None
                env.state.warn(
                    "NO_CONTEXT_ENTRY_FOUND",
                    f"No context entry found with key '{name}'. "
                    + (f"Available keys: {keys}" if keys else "The context is empty"),
                )
            return None
        return r
    if t is list:
        return [get_path(item, name, env) for item in v]
    if v is None:
        if env is not None:
            env.state.warn(
                "NO_CONTEXT_ENTRY_FOUND",
                f"No context entry found with key '{name}'. The context is null",
            )
        return None
    props = properties(v)
    if props is not None and name in props:
        return props[name]
    if t is FeelRange:
        rng: FeelRange = v
        return {
            "start": rng.start,
            "end": rng.end,
            "start included": rng.start_included,
            "end included": rng.end_included,
        }.get(name)
    return None


def _path(node: ast.Path) -> Fn:
    base = compile_node(node.base)
    name = node.name

    def path(env: Env) -> Any:
        v = base(env)
        if type(v) is dict:
            r = v.get(name, MISSING)
            if r is not MISSING:
                return r
        return get_path(v, name, env)

    return path


# ---------------------------------------------------------------------------- literals


def _list(node: ast.ListLit) -> Fn:
    items = [compile_node(i) for i in node.items]
    return lambda env: [f(env) for f in items]


def _context(node: ast.ContextLit) -> Fn:
    entries = [(k, compile_node(v)) for k, v in node.entries]

    def context(env: Env) -> Any:
        result: dict[str, Any] = {}
        # later entries see the earlier ones ({a: 1, b: a + 1})
        inner = env.child(result)
        for key, f in entries:
            result[key] = f(inner)
        return result

    return context


def _range_value(start: Any, end: Any, si: bool, ei: bool) -> FeelRange:
    ks, ke = kind(start), kind(end)
    if ks != ke or type_name(start) in ("boolean", "string", "list", "context", "null"):
        raise InvalidRange(
            f"invalid range: {type_name(start)} .. {type_name(end)}"
            " (both ends must be numbers, dates, times or durations of the same type)"
        )
    return FeelRange(start, end, si, ei)


def _range(node: ast.RangeLit) -> Fn:
    start, end = compile_node(node.start), compile_node(node.end)
    si, ei = node.start_included, node.end_included

    def range_(env: Env) -> Any:
        return _range_value(start(env), end(env), si, ei)

    return range_


# ---------------------------------------------------------------------------- arithmetic


def _arith(node: ast.Arith) -> Fn:
    first = compile_node(node.first)
    ops = [(ARITHMETIC[op], compile_node(operand)) for op, operand in node.ops]
    if len(ops) == 1:
        op, second = ops[0]

        def arith1(env: Env) -> Any:
            try:
                return op(first(env), second(env))
            except (InvalidValue, ArithmeticError, ValueError, OverflowError, TypeError) as exc:
                _invalid(env, exc)
                return None

        return arith1

    def arith(env: Env) -> Any:
        try:
            v = first(env)
            for op, f in ops:
                v = op(v, f(env))
            return v
        except (InvalidValue, ArithmeticError, ValueError, OverflowError, TypeError) as exc:
            _invalid(env, exc)
            return None

    return arith


def _invalid(env: Env, exc: Exception) -> None:
    message = exc.message if isinstance(exc, InvalidValue) else str(exc) or type(exc).__name__
    env.state.warn("INVALID_TYPE", message)


def _negate(node: ast.Negate) -> Fn:
    operand = compile_node(node.operand)

    def neg(env: Env) -> Any:
        try:
            return negate(operand(env))
        except (InvalidValue, ArithmeticError):
            return None

    return neg


# ---------------------------------------------------------------------------- comparison


def compare_values(op: str, x: Any, y: Any) -> Any:
    if op == "=":
        return equal(x, y)
    if op == "!=":
        r = equal(x, y)
        return None if r is None else not r
    c = compare(x, y)
    if c is None:
        return None
    if op == "<":
        return c < 0
    if op == "<=":
        return c <= 0
    if op == ">":
        return c > 0
    return c >= 0


def _compare(node: ast.Compare) -> Fn:
    left, right = compile_node(node.left), compile_node(node.right)
    op = node.op
    if op == "=":

        def eq(env: Env) -> Any:
            x = left(env)
            y = right(env)
            tx = type(x)
            if tx is type(y) and (tx is str or tx is int or tx is bool):
                return x == y
            r = equal(x, y)
            if r is None:
                _not_comparable(env, x, y)
            return r

        return eq
    if op in ("<", ">", "<=", ">="):

        def num_cmp(env: Env) -> Any:
            x = left(env)
            y = right(env)
            tx = type(x)
            ty = type(y)
            if (tx is int or tx is Decimal) and (ty is int or ty is Decimal):
                if op == ">":
                    return x > y
                if op == "<":
                    return x < y
                if op == ">=":
                    return x >= y
                return x <= y
            r = compare_values(op, x, y)
            if r is None:
                _not_comparable(env, x, y)
            return r

        return num_cmp

    def other_cmp(env: Env) -> Any:
        x = left(env)
        y = right(env)
        r = compare_values(op, x, y)
        if r is None:
            _not_comparable(env, x, y)
        return r

    return other_cmp


def _not_comparable(env: Env, x: Any, y: Any) -> None:
    env.state.warn("NOT_COMPARABLE", f"Can't compare '{show(x)}' with '{show(y)}'")


def _and_values(values: list[Callable[[], Any]]) -> Any:
    result: Any = True
    for get in values:
        v = get()
        if v is False:
            return False
        if v is not True:
            result = None
    return result


def _between(node: ast.Between) -> Fn:
    value, low, high = (compile_node(n) for n in (node.value, node.low, node.high))

    def between(env: Env) -> Any:
        x = value(env)
        lo = compare_values(">=", x, low(env))
        if lo is False:
            return False
        hi = compare_values("<=", x, high(env))
        if hi is False:
            return False
        if lo is True and hi is True:
            return True
        return None

    return between


_TYPE_ALIASES = {
    "date time": "date and time",
    "year-month-duration": "years and months duration",
    "day-time-duration": "days and time duration",
}


def _instance_of(node: ast.InstanceOf) -> Fn:
    value = compile_node(node.value)
    wanted = _TYPE_ALIASES.get(node.type_name, node.type_name)

    def instance_of(env: Env) -> Any:
        v = value(env)
        if wanted == "Any":
            return v is not None
        return type_name(v) == wanted

    return instance_of


def _and(node: ast.And) -> Fn:
    items = [compile_node(i) for i in node.items]

    def and_(env: Env) -> Any:
        result: Any = True
        for f in items:
            v = f(env)
            if v is False:
                return False
            if v is not True:
                result = None
        return result

    return and_


def _or(node: ast.Or) -> Fn:
    items = [compile_node(i) for i in node.items]

    def or_(env: Env) -> Any:
        result: Any = False
        for f in items:
            v = f(env)
            if v is True:
                return True
            if v is not False:
                result = None
        return result

    return or_


def _if(node: ast.If) -> Fn:
    # "else if" chains are compiled flat, so that generated decision logic with hundreds
    # of branches neither hits Python's recursion limit nor pays one call per level
    branches: list[tuple[Fn, Fn]] = []
    current: ast.Node = node
    while isinstance(current, ast.If):
        branches.append((compile_node(current.condition), compile_node(current.then)))
        current = current.otherwise
    otherwise = compile_node(current)
    if len(branches) == 1:
        cond, then = branches[0]
        return lambda env: then(env) if cond(env) is True else otherwise(env)

    def if_chain(env: Env) -> Any:
        for cond, then in branches:
            if cond(env) is True:
                return then(env)
        return otherwise(env)

    return if_chain


_COMPILERS: dict[type, Callable[[Any], Fn]] = {
    ast.Const: _const,
    ast.Ref: _ref,
    ast.InputValue: _input_value,
    ast.Path: _path,
    ast.Arith: _arith,
    ast.Negate: _negate,
    ast.Compare: _compare,
    ast.Between: _between,
    ast.InstanceOf: _instance_of,
    ast.And: _and,
    ast.Or: _or,
    ast.If: _if,
    ast.ListLit: _list,
    ast.ContextLit: _context,
    ast.RangeLit: _range,
}


def register(node_type: type) -> Callable[[Callable[[Any], Fn]], Callable[[Any], Fn]]:
    """Add the compiler of a node type (used by unary.py, loops.py and calls.py)."""

    def add(compiler: Callable[[Any], Fn]) -> Callable[[Any], Fn]:
        _COMPILERS[node_type] = compiler
        return compiler

    return add


# the other rooms of the interpreter register their node compilers on import
from . import calls, loops, unary  # noqa: E402, F401
