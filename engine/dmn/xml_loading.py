"""Loading untrusted DMN XML without letting it hurt the engine.

Anyone who can reach the gateway can deploy, so a resource is hostile until proven otherwise.
The rules are the BPMN parser's (``engine.model.xml_safety``), repeated here because ``engine.dmn``
is a room of its own and must not depend on the BPMN model:

* no entity expansion, no DTD loading, no network (billion laughs, XXE, SSRF);
* any document type declaration is refused outright: DMN never needs one;
* a size limit checked before parsing, plus lxml's ``huge_tree=False`` depth/text limits;
* malformed XML is reported with line and column so the modeller can find it.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.dmn.errors import DmnParseError

MAX_RESOURCE_BYTES = 4 * 1024 * 1024
"""Largest DMN resource accepted (4 MiB, Zeebe's default maximum message size). Real decision
tables with DI are a few tens of KiB."""


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not thread-safe and this one is cheap.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def load_xml(data: bytes, resource_name: str) -> etree._Element:
    """Parse ``data`` safely and return the root element, or raise :class:`DmnParseError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise DmnParseError(
            f"Resource '{resource_name}': expected bytes, got {type(data).__name__}"
        )
    raw = bytes(data)
    if len(raw) > MAX_RESOURCE_BYTES:
        raise DmnParseError(
            f"Resource '{resource_name}' is too large: {len(raw)} bytes, the limit is "
            f"{MAX_RESOURCE_BYTES} bytes ({MAX_RESOURCE_BYTES // (1024 * 1024)} MiB)"
        )
    if not raw.strip():
        raise DmnParseError(f"Resource '{resource_name}' is empty")
    if _prolog_declares_doctype(raw[:65536]):
        raise DmnParseError(_no_dtd(resource_name))
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        raise DmnParseError(
            f"Resource '{resource_name}' is not well-formed XML: line {line}, column {column}: "
            f"{exc.msg}"
        ) from None
    if root is None:  # lxml returns None for some recoverable garbage
        raise DmnParseError(f"Resource '{resource_name}' is not well-formed XML")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DmnParseError(_no_dtd(resource_name))
    return root


def _no_dtd(resource_name: str) -> str:
    return (
        f"Resource '{resource_name}': document type declarations (DTDs) are not allowed in DMN "
        "resources"
    )


_PROLOG_MARKUP = re.compile(r"\s*(<\?.*?\?>|<!--.*?-->)", re.DOTALL)


def _prolog_declares_doctype(head: bytes) -> bool:
    """Whether a ``<!DOCTYPE`` comes before the root element.

    Checked before parsing so that a billion-laughs or XXE document is refused for the plain
    reason (a DTD) instead of whichever libxml2 limit trips first. The head is decoded by its
    byte-order mark; the ``docinfo`` check after parsing covers whatever this misses.
    """
    text = _decode(head).lstrip("\ufeff")
    position = 0
    while match := _PROLOG_MARKUP.match(text, position):
        position = match.end()
    return text[position:].lstrip()[:9].upper() == "<!DOCTYPE"


def _decode(head: bytes) -> str:
    for bom, codec in (
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe", "utf-16-le"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")
