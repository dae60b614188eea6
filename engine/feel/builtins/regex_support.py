"""Java-flavoured regular expressions for ``matches``, ``replace``, ``split`` and ``extract``.

feel-scala uses java.util.regex.  We use the ``regex`` module (Unicode classes such as
``\\p{L}`` work, and every match has a time limit so that a catastrophic pattern cannot hang
the engine) and translate Java's ``$1`` group references in replacements.
"""

from __future__ import annotations

import re as _re
from typing import Any

import regex

from ..errors import InvalidValue

TIMEOUT_SECONDS = 0.5
_CACHE: dict[tuple[str, int], Any] = {}


def flags_of(flags: str) -> int:
    f = regex.VERSION0
    if "s" in flags:
        f |= regex.DOTALL
    if "m" in flags:
        f |= regex.MULTILINE
    if "i" in flags:
        f |= regex.IGNORECASE
    if "x" in flags:
        f |= regex.VERBOSE
    return f


def compile_pattern(pattern: str, flags: str = "") -> Any:
    key = (pattern, flags_of(flags))
    compiled = _CACHE.get(key)
    if compiled is None:
        try:
            compiled = regex.compile(pattern, key[1])
        except (regex.error, ValueError, TypeError) as exc:
            raise InvalidValue(f"invalid pattern '{pattern}'") from exc
        if len(_CACHE) > 512:
            _CACHE.clear()
        _CACHE[key] = compiled
    return compiled


def java_replacement(replacement: str) -> str:
    """Java's ``$1``/``${name}``/``\\$`` → Python's ``\\g<1>``/``\\g<name>``/``$``."""
    out: list[str] = []
    i = 0
    n = len(replacement)
    while i < n:
        c = replacement[i]
        if c == "\\" and i + 1 < n:
            nxt = replacement[i + 1]
            out.append("\\\\" if nxt == "\\" else nxt)
            i += 2
        elif c == "$":
            m = _re.match(r"\$(\d+)|\$\{(\w+)\}", replacement[i:])
            if m is None:
                raise InvalidValue("illegal group reference in the replacement")
            out.append(f"\\g<{m.group(1) or m.group(2)}>")
            i += m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, timeout=TIMEOUT_SECONDS, **kwargs)
    except TimeoutError as exc:
        raise InvalidValue("the regular expression takes too long") from exc
    except (regex.error, IndexError) as exc:
        raise InvalidValue(str(exc)) from exc
