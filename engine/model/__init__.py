"""The BPMN model and its parser.

``parse_bpmn(xml, resource_name)`` turns one ``.bpmn`` resource into immutable
:class:`~engine.model.elements.Process` objects (one per executable process in the file) or
raises :class:`BpmnParseError` whose message names the offending element, the way Zeebe rejects
a deployment. DMN resources are not handled here (the deploy code routes ``.dmn`` elsewhere).
"""

from __future__ import annotations

from engine.model.elements import *  # noqa: F403  (the model types are this package's API)
from engine.model.elements import Expression, Process
from engine.model.errors import BpmnParseError

__all__ = ["BpmnParseError", "Expression", "Process", "parse_bpmn"]


def parse_bpmn(xml: bytes, resource_name: str) -> list[Process]:
    """Parse and validate a BPMN resource; return its executable processes in document order.

    Raises :class:`BpmnParseError` for unsafe or malformed XML, unsupported elements and every
    rule Zeebe's deployment validation enforces.
    """
    from engine.model.parser import parse  # local: keeps ``import engine.model`` light

    return parse(xml, resource_name)
