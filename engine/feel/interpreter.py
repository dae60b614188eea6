"""Syntax tree → Python closures.

Every node becomes a function ``f(env) -> value`` built once per expression text; evaluating a
compiled expression is then a chain of direct calls with no tree walking and no ``isinstance``
dispatch, which is what brings a path-and-comparison condition under ten microseconds.

The semantics follow feel-scala: an operation on values of the wrong type gives null (not an
error), ``and``/``or`` are three-valued, ``if`` takes anything but ``true`` as false, a
missing variable or context entry is null.  Failures feel-scala does report (``?`` outside a
unary test, ``assert``) raise :class:`FeelEvaluationError`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from . import ast
from .builtins import BUILTINS, invoke_builtin
from .errors import FeelError, FeelEvaluationError, InvalidValue
from .operators import ARITHMETIC, negate
from .runtime import MAX_CALL_DEPTH, MISSING, Env, State
from .temporal import parse_date, parse_datetime, parse_duration, parse_time, properties
from .values import (
    FeelFunction,
    FeelRange,
    compare,
    equal,
    from_float,
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
                "no input value available: '?' can only be used inside a unary test")
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
                env.state.warn("NO_CONTEXT_ENTRY_FOUND",
                               f"No context entry found with key '{name}'. "
                               + (f"Available keys: {keys}" if keys else "The context is empty"))
            return None
        return r
    if t is list:
        return [get_path(item, name, env) for item in v]
    if v is None:
        if env is not None:
            env.state.warn("NO_CONTEXT_ENTRY_FOUND",
                           f"No context entry found with key '{name}'. The context is null")
        return None
    props = properties(v)
    if props is not None and name in props:
        return props[name]
    if t is FeelRange:
        rng: FeelRange = v
        return {"start": rng.start, "end": rng.end, "start included": rng.start_included,
                "end included": rng.end_included}.get(name)
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
        raise FeelEvaluationError(
            f"invalid range: {type_name(start)} .. {type_name(end)}"
            " (both ends must be numbers, dates, times or durations of the same type)")
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

def _compare_values(op: str, x: Any, y: Any) -> Any:
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
            r = _compare_values(op, x, y)
            if r is None:
                _not_comparable(env, x, y)
            return r
        return num_cmp

    def other_cmp(env: Env) -> Any:
        x = left(env)
        y = right(env)
        r = _compare_values(op, x, y)
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
        lo = _compare_values(">=", x, low(env))
        if lo is False:
            return False
        hi = _compare_values("<=", x, high(env))
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
    cond, then, other = (compile_node(n) for n in (node.condition, node.then, node.otherwise))
    return lambda env: then(env) if cond(env) is True else other(env)


# ---------------------------------------------------------------------------- unary tests

def _contains_node(node: Any, match: Callable[[Any], bool]) -> bool:
    if match(node):
        return True
    if isinstance(node, ast.Node):
        return any(_contains_node(getattr(node, f), match) for f in node.__dataclass_fields__)
    if isinstance(node, tuple):
        return any(_contains_node(i, match) for i in node)
    return False


def _uses_input(node: Any) -> bool:
    """Does the expression mention ``?``?"""
    return _contains_node(node, lambda n: isinstance(n, ast.InputValue))


def compile_test(node: ast.Node) -> Test:
    """A positive unary test as ``f(env, input) -> True/False/None``."""
    if isinstance(node, ast.ComparePut):
        operand = compile_node(node.operand)
        op = node.op
        return lambda env, i: _compare_values(op, i, operand(env))
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


# ---------------------------------------------------------------------------- iteration

def _iteration_sources(iterators: tuple[ast.Iterator, ...]) -> list[tuple[str, Fn, Fn | None]]:
    return [(it.name, compile_node(it.source),
             compile_node(it.end) if it.end is not None else None) for it in iterators]


def _materialize(env: Env, sources: list[tuple[str, Fn, Fn | None]]) -> list[tuple[str, Any]]:
    """Evaluate the iteration lists once; raise InvalidValue if one is not a list."""
    lists = []
    for name, source, end in sources:
        start_v = source(env)
        if end is not None:
            end_v = end(env)
            if type(start_v) is float:
                start_v = from_float(start_v)
            if type(end_v) is float:
                end_v = from_float(end_v)
            ts, te = type(start_v), type(end_v)
            if not ((ts is int or ts is Decimal) and (te is int or te is Decimal)):
                raise InvalidValue("a for/some/every range needs numbers at both ends")
            count = abs(int(end_v - start_v)) + 1
            env.state.spend(count // 8 + 1)  # cheap to build; the loop pays per iteration
            step = 1 if start_v <= end_v else -1
            items: Any = [start_v + step * k for k in range(count)]
        else:
            if type(start_v) is tuple:
                start_v = list(start_v)
            if type(start_v) is not list:
                raise InvalidValue(f"can't iterate over {type_name(start_v)}")
            items = start_v
        lists.append((name, items))
    return lists


def _product(lists: list[tuple[str, Any]], state: State) -> Any:
    """All combinations, first iterator outermost (as feel-scala)."""
    if not lists:
        return
    names = [n for n, _ in lists]
    if len(lists) == 1:
        name, items = lists[0]
        for item in items:
            yield {name: item}
        return
    import itertools

    for combo in itertools.product(*(items for _, items in lists)):
        yield dict(zip(names, combo, strict=True))


def _for(node: ast.For) -> Fn:
    sources = _iteration_sources(node.iterators)
    body = compile_node(node.body)
    # "partial" (the results so far) is copied only for bodies that read it
    uses_partial = _contains_node(
        node.body, lambda n: isinstance(n, ast.Ref) and n.name == "partial")

    def for_(env: Env) -> Any:
        try:
            lists = _materialize(env, sources)
        except InvalidValue:
            return None
        state = env.state
        results: list[Any] = []
        for binding in _product(lists, state):
            state.spend()
            if uses_partial:
                state.spend(len(results) >> 6)  # the copy is not free either
                binding["partial"] = results[:]
            results.append(body(env.child(binding)))
        return results

    return for_


def _quantified(node: ast.Quantified) -> Fn:
    sources = _iteration_sources(node.iterators)
    cond = compile_node(node.condition)
    every = node.every

    def quantified(env: Env) -> Any:
        try:
            lists = _materialize(env, sources)
        except InvalidValue:
            return None
        state = env.state
        result: Any = every
        for binding in _product(lists, state):
            state.spend()
            v = cond(env.child(binding))
            if every:
                if v is False:
                    return False
            elif v is True:
                return True
            if type(v) is not bool:
                result = None
        return result

    return quantified


# ---------------------------------------------------------------------------- filters

def _index(items: list[Any], index: Any) -> Any:
    i = int(index)
    if i > 0:
        i -= 1
    elif i < 0:
        i = len(items) + i
    else:
        return None
    if 0 <= i < len(items):
        return items[i]
    return None


def _filter_env(env: Env, item: Any) -> Env:
    if type(item) is dict:
        scope = {"item": item}
        scope.update(item)
        return env.child(scope)
    return env.child({"item": item})


def _filter(node: ast.Filter) -> Fn:
    base = compile_node(node.base)
    cond_node = node.condition
    cond = compile_node(cond_node)
    if isinstance(cond_node, ast.Const) and type(cond_node.value) in (int, Decimal):
        index = cond_node.value

        def by_index(env: Env) -> Any:
            v = base(env)
            return _index(v, index) if type(v) is list else None

        return by_index
    per_item_only = isinstance(cond_node, (ast.Compare, ast.Call, ast.MethodCall, ast.Between,
                                           ast.In, ast.InstanceOf))

    def filter_(env: Env) -> Any:
        v = base(env)
        if type(v) is not list:
            return None
        if not per_item_only:
            try:
                probe = cond(env)
            except FeelEvaluationError:
                probe = None
            if type(probe) in (int, Decimal, float):
                return _index(v, probe)
        if not v:
            return []
        state = env.state
        state.spend(len(v))
        first = cond(_filter_env(env, v[0]))
        if type(first) in (int, Decimal):
            return _index(v, first)
        out = [v[0]] if first is True else []
        for item in v[1:]:
            if cond(_filter_env(env, item)) is True:
                out.append(item)
        return out

    return filter_


# ---------------------------------------------------------------------------- functions

def _function_def(node: ast.FunctionDef) -> Fn:
    params = node.params
    body = compile_node(node.body)

    def define(env: Env) -> Any:
        def invoke(args: list[Any], state: State) -> Any:
            if state.depth >= MAX_CALL_DEPTH:
                raise FeelEvaluationError(
                    f"functions call each other too deeply (more than {MAX_CALL_DEPTH} levels)")
            state.spend(_CALL_COST)
            state.depth += 1
            try:
                scope = Env(dict(zip(params, args, strict=False)), env, state)
                return body(scope)
            finally:
                state.depth -= 1

        return FeelFunction(params, invoke, name="function")

    return define


_CALL_COST = 10  # a user function call costs about ten loop iterations


def call_function(f: FeelFunction, args: list[Any] | None, named: dict[str, Any] | None,
                  state: State) -> Any:
    """Invoke a function value with positional or named arguments.

    Returns MISSING when the arguments do not fit the function's parameters.
    """
    if named is not None:
        if not set(named) <= set(f.params):
            return MISSING
        values = [named.get(p) for p in f.params]
    else:
        assert args is not None
        if f.varargs:
            fixed = len(f.params) - 1
            if len(args) < fixed:
                return MISSING
            rest = args[fixed:]
            values = [*args[:fixed], rest]
        elif len(args) != len(f.params):
            return MISSING
        else:
            values = args
    return f.invoke(values, state)


_TEMPORAL_LITERALS = {"date": parse_date, "time": parse_time, "date and time": parse_datetime,
                      "duration": parse_duration}


def _call(node: ast.Call) -> Fn:
    name = node.name
    literal_parser = _TEMPORAL_LITERALS.get(name)
    if (literal_parser is not None and node.named is None and len(node.args) == 1
            and isinstance(node.args[0], ast.Const) and type(node.args[0].value) is str):
        # date("2020-01-01") is a literal (feel-scala folds it while parsing, too)
        value = literal_parser(node.args[0].value)
        return lambda env: value

    args = [compile_node(a) for a in node.args]
    named = ([(k, compile_node(v)) for k, v in node.named] if node.named is not None else None)
    overloads = BUILTINS.get(name)

    def call(env: Env) -> Any:
        state = env.state
        user = env.find(name)
        if named is not None:
            arg_map = {k: f(env) for k, f in named}
            positional = None
        else:
            arg_map = None
            positional = [f(env) for f in args]
        if type(user) is FeelFunction:
            result = _safe_call(user, positional, arg_map, state)
            if result is not MISSING:
                return result
        if overloads is not None:
            result = invoke_builtin(name, overloads, positional, arg_map, state)
            if result is not MISSING:
                return result
        count = len(arg_map) if arg_map is not None else len(positional or ())
        if arg_map is not None:
            state.warn("NO_FUNCTION_FOUND", f"No function found with name '{name}' and "
                       f"parameters: {','.join(arg_map)}")
        else:
            state.warn("NO_FUNCTION_FOUND",
                       f"No function found with name '{name}' and {count} parameters")
        return None

    return call


def _safe_call(f: FeelFunction, args: list[Any] | None, named: dict[str, Any] | None,
               state: State) -> Any:
    try:
        return call_function(f, args, named, state)
    except (InvalidValue, ArithmeticError, ValueError, TypeError, KeyError, IndexError):
        return None


def _method_call(node: ast.MethodCall) -> Fn:
    base = compile_node(node.base)
    name = node.name
    args = [compile_node(a) for a in node.args]
    named = ([(k, compile_node(v)) for k, v in node.named] if node.named is not None else None)

    def method_call(env: Env) -> Any:
        ctx = base(env)
        f = ctx.get(name) if type(ctx) is dict else None
        if type(f) is not FeelFunction:
            raise FeelEvaluationError(f"no function found with name '{name}' in the context")
        if named is not None:
            result = _safe_call(f, None, {k: g(env) for k, g in named}, env.state)
        else:
            result = _safe_call(f, [g(env) for g in args], None, env.state)
        if result is MISSING:
            raise FeelEvaluationError(f"the function '{name}' does not take these parameters")
        return result

    return method_call


_COMPILERS: dict[type, Callable[[Any], Fn]] = {
    ast.Const: _const,
    ast.Ref: _ref,
    ast.InputValue: _input_value,
    ast.Path: _path,
    ast.Filter: _filter,
    ast.Call: _call,
    ast.MethodCall: _method_call,
    ast.Arith: _arith,
    ast.Negate: _negate,
    ast.Compare: _compare,
    ast.Between: _between,
    ast.InstanceOf: _instance_of,
    ast.In: _in,
    ast.And: _and,
    ast.Or: _or,
    ast.If: _if,
    ast.For: _for,
    ast.Quantified: _quantified,
    ast.FunctionDef: _function_def,
    ast.ListLit: _list,
    ast.ContextLit: _context,
    ast.RangeLit: _range,
}
