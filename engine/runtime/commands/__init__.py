"""Command handlers: one function per client command, run on the writer thread.

Each handler validates first and raises :class:`EngineError` before changing anything, so a
refused command leaves no trace but its rejection; then it applies the change through the
machine and behaviours. The writer drains the machine's follow-up work after each handler.
"""

from engine.runtime.commands.deployment import (
    ParsedResource,
    checksum_of,
    delete_resource,
    deploy,
)
from engine.runtime.commands.instances import (
    activate_at,
    cancel_instance,
    create_instance,
    find_definition,
    modify_instance,
    scope_for,
    set_variables,
    start_instance,
)
from engine.runtime.commands.messages import (
    broadcast_signal,
    evaluate_decision,
    expire_message,
    publish_message,
)

__all__ = [
    "ParsedResource",
    "activate_at",
    "broadcast_signal",
    "cancel_instance",
    "checksum_of",
    "create_instance",
    "delete_resource",
    "deploy",
    "evaluate_decision",
    "expire_message",
    "find_definition",
    "modify_instance",
    "publish_message",
    "scope_for",
    "set_variables",
    "start_instance",
]
