"""String functions (feel-scala ``StringBuiltinFunctions``).

Positions are 1-based and negative positions count from the end, as in FEEL.
"""

from __future__ import annotations

import base64
import binascii
import uuid as _uuid
from typing import Any

from . import builtin
from .checks import integer, string
from .regex_support import compile_pattern, java_replacement, run


def _index(s: str, position: int) -> int:
    return position - 1 if position > 0 else len(s) + position


@builtin("substring", "string", "start position")
def substring(s: Any, start: Any) -> str:
    s = string(s)
    i = _index(s, integer(start))
    if i < 0 or i > len(s):
        raise IndexError("start position out of range")
    return s[i:]


@builtin("substring", "string", "start position", "length")
def substring3(s: Any, start: Any, length: Any) -> str:
    s = string(s)
    i = _index(s, integer(start))
    n = integer(length)
    if i < 0 or i > len(s) or n < 0:
        raise IndexError("start position out of range")
    return s[i : min(i + n, len(s))]


@builtin("string length", "string")
def string_length(s: Any) -> int:
    return len(string(s))


@builtin("upper case", "string")
def upper_case(s: Any) -> str:
    return string(s).upper()


@builtin("lower case", "string")
def lower_case(s: Any) -> str:
    return string(s).lower()


@builtin("substring before", "string", "match")
def substring_before(s: Any, m: Any) -> str:
    s, m = string(s), string(m)
    i = s.find(m)
    return s[:i] if i > 0 else ""


@builtin("substring after", "string", "match")
def substring_after(s: Any, m: Any) -> str:
    s, m = string(s), string(m)
    i = s.find(m)
    return s[i + len(m) :] if i >= 0 else ""


@builtin("replace", "input", "pattern", "replacement")
def replace(s: Any, pattern: Any, replacement: Any) -> str:
    return replace4(s, pattern, replacement, "")


@builtin("replace", "input", "pattern", "replacement", "flags")
def replace4(s: Any, pattern: Any, replacement: Any, flags: Any) -> str:
    compiled = compile_pattern(string(pattern), string(flags))
    return run(compiled.sub, java_replacement(string(replacement)), string(s))


@builtin("contains", "string", "match")
def contains(s: Any, m: Any) -> bool:
    return string(m) in string(s)


@builtin("starts with", "string", "match")
def starts_with(s: Any, m: Any) -> bool:
    return string(s).startswith(string(m))


@builtin("ends with", "string", "match")
def ends_with(s: Any, m: Any) -> bool:
    return string(s).endswith(string(m))


@builtin("matches", "input", "pattern")
def matches(s: Any, pattern: Any) -> bool:
    return matches3(s, pattern, "")


@builtin("matches", "input", "pattern", "flags")
def matches3(s: Any, pattern: Any, flags: Any) -> bool:
    compiled = compile_pattern(string(pattern), string(flags))
    return run(compiled.search, string(s)) is not None


@builtin("split", "string", "delimiter")
def split(s: Any, delimiter: Any) -> list[str]:
    s = string(s)
    compiled = compile_pattern(string(delimiter))
    parts: list[str] = []
    pos = 0
    for m in run(compiled.finditer, s):
        if m.end() == 0:  # Java drops a leading empty match
            continue
        if m.start() == m.end() and m.start() >= len(s):
            break
        parts.append(s[pos : m.start()])
        pos = m.end()
    parts.append(s[pos:])
    return parts


@builtin("extract", "input", "pattern")
def extract(s: Any, pattern: Any) -> list[str]:
    compiled = compile_pattern(string(pattern))
    return [m.group(0) for m in run(compiled.finditer, string(s))]


@builtin("trim", "string")
def trim(s: Any) -> str:
    # Java's String.trim strips characters <= U+0020
    return string(s).strip("".join(chr(c) for c in range(33)))


@builtin("uuid")
def uuid() -> str:
    return str(_uuid.uuid4())


@builtin("to base64", "value")
def to_base64(s: Any) -> str:
    return base64.b64encode(string(s).encode("utf-8")).decode("ascii")


@builtin("from base64", "value")
def from_base64(s: Any) -> str:
    try:
        return base64.b64decode(string(s), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"invalid Base64 value '{s}'") from exc


@builtin("is blank", "string")
def is_blank(s: Any) -> bool:
    return string(s).strip() == ""
