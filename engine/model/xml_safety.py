"""Loading untrusted BPMN XML without letting it hurt the engine: ``engine.xml_safety``'s rules
(no entities, no DTD, no network, 4 MiB limit), refusals raised as :class:`BpmnParseError`."""

from __future__ import annotations

from lxml import etree

from engine import xml_safety
from engine.model.errors import BpmnParseError
from engine.xml_safety import MAX_RESOURCE_BYTES

__all__ = ["MAX_RESOURCE_BYTES", "load_xml"]


def load_xml(data: bytes, resource_name: str) -> etree._Element:
    """Parse ``data`` safely and return the root element, or raise :class:`BpmnParseError`."""
    return xml_safety.load_xml(data, resource_name, kind="BPMN", error=BpmnParseError)
