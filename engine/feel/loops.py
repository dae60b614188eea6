"""Iteration: ``for``, ``some``/``every`` and list filters, with every iteration paid for
from the evaluation budget so that no expression loops unbounded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import ast
from .errors import FeelEvaluationError, InvalidValue
from .interpreter import Fn, compile_node, register
from .runtime import Env, State
from .unary import contains_node
from .values import from_float, type_name


def _iteration_sources(iterators: tuple[ast.Iterator, ...]) -> list[tuple[str, Fn, Fn | None]]:
    return [
        (it.name, compile_node(it.source), compile_node(it.end) if it.end is not None else None)
        for it in iterators
    ]


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


@register(ast.For)
def _for(node: ast.For) -> Fn:
    sources = _iteration_sources(node.iterators)
    body = compile_node(node.body)
    # "partial" (the results so far) is copied only for bodies that read it
    uses_partial = contains_node(
        node.body, lambda n: isinstance(n, ast.Ref) and n.name == "partial"
    )

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


@register(ast.Quantified)
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


@register(ast.Filter)
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
    per_item_only = isinstance(
        cond_node, (ast.Compare, ast.Call, ast.MethodCall, ast.Between, ast.In, ast.InstanceOf)
    )

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
