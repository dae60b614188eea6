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
        raise DmnParseError(
            f"Resource '{resource_name}': document type declarations (DTDs) are not allowed "
            "in DMN resources"
        )
    return root
