"""Functions: definitions (closures over their scope), invocation of user functions and
built-ins with positional or named arguments, functions stored in contexts."""

from __future__ import annotations

from typing import Any

from . import ast
from .builtins import BUILTINS, invoke_builtin
from .errors import FeelEvaluationError, InvalidRange, InvalidValue
from .interpreter import Fn, compile_node, register
from .runtime import MAX_CALL_DEPTH, MISSING, Env, State
from .temporal import parse_date, parse_datetime, parse_duration, parse_time
from .values import FeelFunction


@register(ast.FunctionDef)
def _function_def(node: ast.FunctionDef) -> Fn:
    params = node.params
    body = compile_node(node.body)

    def define(env: Env) -> Any:
        def invoke(args: list[Any], state: State) -> Any:
            if state.depth >= MAX_CALL_DEPTH:
                raise FeelEvaluationError(
                    f"functions call each other too deeply (more than {MAX_CALL_DEPTH} levels)"
                )
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


def call_function(
    f: FeelFunction, args: list[Any] | None, named: dict[str, Any] | None, state: State
) -> Any:
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


_TEMPORAL_LITERALS = {
    "date": parse_date,
    "time": parse_time,
    "date and time": parse_datetime,
    "duration": parse_duration,
}


@register(ast.Call)
def _call(node: ast.Call) -> Fn:
    name = node.name
    literal_parser = _TEMPORAL_LITERALS.get(name)
    if (
        literal_parser is not None
        and node.named is None
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Const)
        and type(node.args[0].value) is str
    ):
        # date("2020-01-01") is a literal (feel-scala folds it while parsing, too)
        value = literal_parser(node.args[0].value)
        return lambda env: value

    args = [compile_node(a) for a in node.args]
    named = [(k, compile_node(v)) for k, v in node.named] if node.named is not None else None
    overloads = BUILTINS.get(name)

    def call(env: Env) -> Any:
        state = env.state
        user = env.find(name)
        if named is not None:
            try:
                arg_map = {k: f(env) for k, f in named}
            except InvalidRange as exc:
                return _failed_argument(state, name, exc)
            positional = None
        else:
            arg_map = None
            try:
                positional = [f(env) for f in args]
            except InvalidRange as exc:
                return _failed_argument(state, name, exc)
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
            state.warn(
                "NO_FUNCTION_FOUND",
                f"No function found with name '{name}' and parameters: {','.join(arg_map)}",
            )
        else:
            state.warn(
                "NO_FUNCTION_FOUND", f"No function found with name '{name}' and {count} parameters"
            )
        return None

    return call


def _failed_argument(state: State, name: str, exc: InvalidRange) -> None:
    state.warn("FUNCTION_INVOCATION_FAILURE", f"Failed to invoke function '{name}': {exc.message}")
    return None


def _safe_call(
    f: FeelFunction, args: list[Any] | None, named: dict[str, Any] | None, state: State
) -> Any:
    try:
        return call_function(f, args, named, state)
    except (InvalidValue, ArithmeticError, ValueError, TypeError, KeyError, IndexError) as exc:
        message = exc.message if isinstance(exc, InvalidValue) else str(exc)
        state.warn(
            "FUNCTION_INVOCATION_FAILURE", f"Failed to invoke function '{f.name}': {message}"
        )
        return None


@register(ast.MethodCall)
def _method_call(node: ast.MethodCall) -> Fn:
    base = compile_node(node.base)
    name = node.name
    args = [compile_node(a) for a in node.args]
    named = [(k, compile_node(v)) for k, v in node.named] if node.named is not None else None

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
