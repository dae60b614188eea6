"""Context functions (feel-scala ``ContextBuiltinFunctions``)."""

from __future__ import annotations

from typing import Any

from ..errors import InvalidValue
from . import NoMatch, builtin
from .checks import context, lst, string


def _entries(ctx: Any) -> list[dict[str, Any]]:
    return [{"key": k, "value": v} for k, v in context(ctx).items()]


builtin("get entries", "context")(_entries)
builtin("get entries", "m")(_entries)


def _get_value(ctx: Any, key: Any) -> Any:
    c = context(ctx)
    if type(key) is list:
        if not key:
            return None
        v: Any = c
        for k in key:
            if type(v) is not dict:
                return None
            v = v.get(string(k))
        return v
    return c.get(string(key))


builtin("get value", "m", "key")(_get_value)
builtin("get value", "context", "key")(_get_value)


@builtin("get value", "context", "keys")
def get_value_keys(ctx: Any, keys: Any) -> Any:
    return _get_value(ctx, lst(keys))


def _put(ctx: Any, key: Any, value: Any) -> dict[str, Any]:
    c = dict(context(ctx))
    c[string(key)] = value
    return c


builtin("context put", "context", "key", "value")(_put)
builtin("put", "context", "key", "value")(_put)


@builtin("context put", "context", "keys", "value")
def context_put_keys(ctx: Any, keys: Any, value: Any) -> dict[str, Any]:
    keys = lst(keys)
    if not keys:
        raise InvalidValue("the keys must not be empty")

    def put_path(c: dict[str, Any], path: list[Any]) -> dict[str, Any]:
        k = string(path[0])
        out = dict(c)
        if len(path) == 1:
            out[k] = value
        else:
            inner = out.get(k)
            out[k] = put_path(inner if type(inner) is dict else {}, path[1:])
        return out

    return put_path(context(ctx), keys)


def _merge(contexts: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in lst(contexts):
        out.update(context(c))
    return out


builtin("context merge", "contexts", varargs=True)(_merge)
builtin("put all", "contexts", varargs=True)(_merge)


@builtin("context", "entries")
def context_from_entries(entries: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for e in lst(entries):
        if type(e) is not dict or "key" not in e or "value" not in e:
            raise NoMatch
        out[string(e["key"])] = e["value"]
    return out
