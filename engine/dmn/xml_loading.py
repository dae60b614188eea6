"""Loading untrusted DMN XML without letting it hurt the engine.

The rules are ``engine.xml_safety``'s, shared with the BPMN parser (``engine.dmn`` does not depend
on ``engine.model``): no entities, no DTD loading, no network, any document type declaration
refused, a 4 MiB limit, malformed XML reported with line and column. Refusals are raised as
:class:`DmnParseError`.
"""

from __future__ import annotations

import re

from lxml import etree

from engine import xml_safety
from engine.dmn.errors import DmnParseError
from engine.xml_safety import MAX_RESOURCE_BYTES

__all__ = ["MAX_RESOURCE_BYTES", "load_xml"]


def load_xml(data: bytes, resource_name: str) -> etree._Element:
    """Parse ``data`` safely and return the root element, or raise :class:`DmnParseError`."""
    return xml_safety.load_xml(
        data,
        resource_name,
        kind="DMN",
        error=DmnParseError,
        declares_doctype=_prolog_declares_doctype,
    )


_PROLOG_MARKUP = re.compile(r"\s*(<\?.*?\?>|<!--.*?-->)", re.DOTALL)


def _prolog_declares_doctype(head: bytes) -> bool:
    """Whether a ``<!DOCTYPE`` comes before the root element.

    DMN's own pre-parse check, kept apart from :func:`engine.xml_safety.has_doctype` because the
    two disagree on a few prologs: this one also skips Unicode whitespace but not a byte-order
    mark after the first, and ends a comment only at a ``-->`` after its ``<!--`` (so a comment
    that starts with ``>`` is not over at once). The ``docinfo`` check after parsing covers
    whatever either misses.
    """
    text = xml_safety.decode_head(head).lstrip("\ufeff")
    position = 0
    while match := _PROLOG_MARKUP.match(text, position):
        position = match.end()
    return text[position:].lstrip()[:9].upper() == "<!DOCTYPE"
