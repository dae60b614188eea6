"""Loading untrusted BPMN and DMN XML without letting it hurt the engine.

Anyone who can reach the gateway can deploy, so a resource is hostile until proven otherwise.
``engine.model`` (BPMN) and ``engine.dmn`` (DMN) both load their resources here, each raising its
own parse error:

* no entity expansion, no DTD loading, no network (billion laughs, XXE, SSRF);
* any document type declaration is refused outright: neither BPMN nor DMN ever needs one, and
  refusing it is simpler to reason about than trusting every libxml2 code path with it;
* a size limit, checked before parsing, and lxml's own ``huge_tree=False`` depth/text limits;
* malformed XML is reported with its line and column so the modeller can find it.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

MAX_RESOURCE_BYTES = 4 * 1024 * 1024
"""Largest resource accepted (4 MiB, Zeebe's default maximum message size). Real diagrams with DI
are ~100 KiB, real decision tables a few tens of KiB."""


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


def load_xml(
    data: bytes,
    resource_name: str,
    *,
    kind: str,
    error: Callable[[str], Exception],
    declares_doctype: Callable[[bytes], bool] | None = None,
) -> etree._Element:
    """Parse ``data`` safely and return the root element.

    ``kind`` (``"BPMN"``, ``"DMN"``) names the resources in the DTD refusal; every refusal is
    raised as ``error(message)``. ``declares_doctype`` is the pre-parse prolog check
    (:func:`has_doctype` unless given).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise error(f"Resource '{resource_name}': expected bytes, got {type(data).__name__}")
    raw = bytes(data)
    if len(raw) > MAX_RESOURCE_BYTES:
        raise error(
            f"Resource '{resource_name}' is too large: {len(raw)} bytes, the limit is "
            f"{MAX_RESOURCE_BYTES} bytes ({MAX_RESOURCE_BYTES // (1024 * 1024)} MiB)"
        )
    if not raw.strip():
        raise error(f"Resource '{resource_name}' is empty")
    no_dtd = (
        f"Resource '{resource_name}': document type declarations (DTDs) are not allowed "
        f"in {kind} resources"
    )
    if (declares_doctype or has_doctype)(raw[:65536]):
        raise error(no_dtd)
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        raise error(
            f"Resource '{resource_name}' is not well-formed XML: line {line}, column {column}: "
            f"{exc.msg}"
        ) from None
    if root is None:  # lxml returns None for some recoverable garbage
        raise error(f"Resource '{resource_name}' is not well-formed XML")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise error(no_dtd)
    return root


def has_doctype(head: bytes) -> bool:
    """Whether the prolog (before the root element) declares a document type.

    Checked before parsing so a billion-laughs or XXE document is refused with the clear reason
    rather than whatever libxml2's own protections say. The head is decoded by its byte-order
    mark (UTF-8, UTF-16, UTF-32); the post-parse ``docinfo`` check covers anything else.
    """
    text = decode_head(head)
    pos = 0
    length = len(text)
    while pos < length:
        while pos < length and text[pos] in " \t\r\n\ufeff":
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
            if end < 0:
                return False
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos)
            if end < 0:
                return False
            pos = end + 3
        else:
            return text[pos : pos + 9].upper() == "<!DOCTYPE"
    return False


_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xef\xbb\xbf", "utf-8"),
)


def decode_head(head: bytes) -> str:
    """The first bytes of a document as text, decoded by its byte-order mark (else UTF-8)."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="replace")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")
