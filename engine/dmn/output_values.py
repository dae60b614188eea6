"""``outputValues``: the ordered list of an output's possible values, and matching against it.

PRIORITY and OUTPUT ORDER rank a rule by where its output entry stands in this list (first listed =
highest priority). The list is literal text in the XML (``"high","medium","low"`` or ``1, 2, 3``);
it is read once at deployment, so a malformed list is a deployment error, and matched at
evaluation against FEEL values with FEEL's notion of equality (a number is never a string, a
boolean never a number).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

_ITEM = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^,"]+))\s*(?:,|$)')


def parse_value_list(text: str) -> Iterator[Any]:
    """The literals of ``text``: strings without their quotes, numbers as ``Decimal``,
    ``true``/``false`` as bools. Raises ValueError for anything that is not a comma-separated
    list of literals."""
    position = 0
    text = text.strip()
    while position < len(text):
        match = _ITEM.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"expected a comma-separated list of literals at '{text[position:]}'")
        quoted, bare = match.group(1), match.group(2)
        if quoted is not None:
            yield quoted.replace('\\"', '"').replace("\\\\", "\\")
        else:
            yield _bare_literal(bare.strip())
        position = match.end()


def priority(literals: Sequence[Any], value: Any) -> int:
    """Index of ``value`` in ``literals``; values not listed rank after every listed one."""
    for position, literal in enumerate(literals):
        if _same_literal(value, literal):
            return position
    return len(literals)


def _bare_literal(text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{text}' is neither a quoted string, a number nor a boolean") from None


def _same_literal(value: Any, literal: Any) -> bool:
    if isinstance(literal, bool) or isinstance(value, bool):
        return value is literal
    if isinstance(literal, Decimal):
        is_number = isinstance(value, int | float | Decimal)
        return is_number and Decimal(str(value)) == literal
    return isinstance(value, str) and value == literal
