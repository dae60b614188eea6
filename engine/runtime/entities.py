"""The runtime's live entities: small mutable objects, one per element instance, job, timer...

Each entity knows how to serialise itself to a compact JSON document (only non-default fields,
so a typical element instance is a few dozen bytes) for the ``rt_state`` table and how to render
its read-model row. Entities are only ever touched on the writer thread.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def dumps(value: Any) -> str:
    return _DUMPS(value)


class Entity:
    """Base: ``FIELDS`` maps attribute name → default; defaults are omitted when saved."""

    KIND: ClassVar[str] = ""
    FIELDS: ClassVar[dict[str, Any]] = {}
    __slots__ = ("key",)

    key: int

    def __init__(self, key: int, **kw: Any) -> None:
        """A new entity: every field at its default, then ``kw`` (field name → value)."""
        self._init_defaults()
        self.key = key
        for name, value in kw.items():
            setattr(self, name, value)

    def to_json(self) -> str:
        data: dict[str, Any] = {}
        for name, default in self.FIELDS.items():
            value = getattr(self, name)
            if value != default:
                data[name] = value
        return dumps(data)

    @classmethod
    def _plan(cls) -> tuple[tuple[str, Any, bool], ...]:
        """(name, default, default is mutable) per field, computed once per class."""
        plan = _PLANS.get(cls)
        if plan is None:
            plan = _PLANS[cls] = tuple(
                (name, default, isinstance(default, list | dict))
                for name, default in cls.FIELDS.items()
            )
        return plan

    @classmethod
    def from_json(cls, key: int, text: str) -> Any:
        obj = cls.__new__(cls)
        obj.key = key
        get = _loads(text).get
        for name, default, mutable in cls._plan():
            value = get(name, _MISSING)
            if value is _MISSING:
                value = type(default)() if mutable else default
            setattr(obj, name, value)
        return obj

    def _init_defaults(self) -> None:
        for name, default, mutable in self._plan():
            setattr(self, name, type(default)() if mutable else default)


_PLANS: dict[type, tuple[tuple[str, Any, bool], ...]] = {}
_MISSING = object()
_loads = json.JSONDecoder().decode


# Element instance lifecycle states (Zeebe's ProcessInstanceIntent element states).
ACTIVATING = "ELEMENT_ACTIVATING"
ACTIVATED = "ELEMENT_ACTIVATED"
COMPLETING = "ELEMENT_COMPLETING"
COMPLETED = "ELEMENT_COMPLETED"
TERMINATING = "ELEMENT_TERMINATING"
TERMINATED = "ELEMENT_TERMINATED"

_READ_STATE = {COMPLETED: "COMPLETED", TERMINATED: "TERMINATED"}


class ElementInstance(Entity):
    """An element instance, the process instance itself included (``element_type == PROCESS``).

    ``children`` are the live child instances of a flow scope; ``active_flows`` counts tokens on
    their way (a sequence flow taken but not yet consumed, including tokens waiting at a joining
    gateway, whose arrivals are kept in ``joins[gateway_id][flow_id]``). A scope can complete only
    when both are empty, as in Zeebe.
    """

    KIND = "ei"
    FIELDS: ClassVar[dict[str, Any]] = {
        "pi_key": 0,
        "def_key": 0,
        "element_id": "",
        "element_type": "",
        "flow_scope_key": -1,
        "state": ACTIVATING,
        "start": 0,
        "end": 0,
        "incident_key": 0,
        "children": [],
        "active_flows": 0,
        "joins": {},
        "job_key": 0,
        "child_pi_key": 0,
        "loop_counter": 0,
        "mi": {},
        "subs": [],
        "interrupted": False,
        "pending_vars": None,
        # process-instance only
        "parent_pi_key": -1,
        "parent_ei_key": -1,
        "msg_start_ck": None,
        "incidents": 0,
        "msg_start_name": None,
    }
    __slots__ = tuple(FIELDS)

    pi_key: int
    def_key: int
    element_id: str
    element_type: str
    flow_scope_key: int
    state: str
    start: int
    end: int
    incident_key: int
    children: list[int]
    active_flows: int
    joins: dict[str, dict[str, int]]
    job_key: int
    child_pi_key: int
    loop_counter: int
    mi: dict[str, Any]
    subs: list[int]
    interrupted: bool
    pending_vars: dict[str, Any] | None
    parent_pi_key: int
    parent_ei_key: int
    msg_start_ck: str | None
    incidents: int
    msg_start_name: str | None

    @property
    def is_root(self) -> bool:
        return self.flow_scope_key == -1

    @property
    def alive(self) -> bool:
        return self.state not in (COMPLETED, TERMINATED)

    @property
    def read_state(self) -> str:
        return _READ_STATE.get(self.state, "ACTIVE")


class Job(Entity):
    """A job for a worker. ``activatable`` is the single truth for ActivateJobs."""

    KIND = "job"
    FIELDS: ClassVar[dict[str, Any]] = {
        "type": "",
        "worker": "",
        "state": "CREATED",
        "retries": 3,
        "deadline": 0,
        "pi_key": 0,
        "ei_key": 0,
        "element_id": "",
        "def_key": 0,
        "headers": {},
        "error_message": "",
        "error_code": "",
        "created": 0,
        "end": 0,
        "tenant": "",
        "backoff_until": 0,
        "activatable": True,
        "incident_key": 0,
    }
    __slots__ = tuple(FIELDS)

    type: str
    worker: str
    state: str
    retries: int
    deadline: int
    pi_key: int
    ei_key: int
    element_id: str
    def_key: int
    headers: dict[str, str]
    error_message: str
    error_code: str
    created: int
    end: int
    tenant: str
    backoff_until: int
    activatable: bool
    incident_key: int

    @property
    def alive(self) -> bool:
        return self.state not in ("COMPLETED", "CANCELED") and not self.end


class Timer(Entity):
    """A timer of a catch event, boundary event, event-subprocess start or process start.

    ``scope_key`` is the element instance the timer belongs to (the waiting catch event, the
    host activity of a boundary event, the flow scope of an event subprocess); it is -1 for
    process timer start events, which belong to ``def_key``. ``repetitions`` is what is left of
    a cycle (-1 = forever); ``cycle`` holds the evaluated cycle text to compute the next due date.
    """

    KIND = "timer"
    FIELDS: ClassVar[dict[str, Any]] = {
        "pi_key": -1,
        "scope_key": -1,
        "element_id": "",
        "def_key": 0,
        "due": 0,
        "repetitions": 1,
        "state": "CREATED",
        "cycle": "",
        "interrupting": True,
        "tenant": "",
    }
    __slots__ = tuple(FIELDS)

    pi_key: int
    scope_key: int
    element_id: str
    def_key: int
    due: int
    repetitions: int
    state: str
    cycle: str
    interrupting: bool
    tenant: str

    @property
    def alive(self) -> bool:
        return self.state == "CREATED"


class MessageSubscription(Entity):
    """An open message subscription; ``scope_key`` as for :class:`Timer`."""

    KIND = "msub"
    FIELDS: ClassVar[dict[str, Any]] = {
        "pi_key": 0,
        "scope_key": 0,
        "element_id": "",
        "name": "",
        "ck": "",
        "tenant": "",
        "interrupting": True,
        "state": "CREATED",
        "def_key": 0,
    }
    __slots__ = tuple(FIELDS)

    pi_key: int
    scope_key: int
    element_id: str
    name: str
    ck: str
    tenant: str
    interrupting: bool
    state: str
    def_key: int

    @property
    def alive(self) -> bool:
        return self.state == "CREATED"


class SignalSubscription(Entity):
    """An open signal subscription of a catch/boundary event or event-subprocess start."""

    KIND = "ssub"
    FIELDS: ClassVar[dict[str, Any]] = {
        "pi_key": 0,
        "scope_key": 0,
        "element_id": "",
        "name": "",
        "interrupting": True,
        "state": "CREATED",
        "def_key": 0,
    }
    __slots__ = tuple(FIELDS)

    pi_key: int
    scope_key: int
    element_id: str
    name: str
    interrupting: bool
    state: str
    def_key: int

    @property
    def alive(self) -> bool:
        return self.state == "CREATED"


class Message(Entity):
    """A published message buffered until ``deadline`` (its TTL).

    ``correlated`` holds the BPMN process ids it was correlated to (by a catch event, boundary
    event, event subprocess or a message start event): as in Zeebe, a message is correlated at
    most once per process id, across all versions and instances of that process."""

    KIND = "msg"
    FIELDS: ClassVar[dict[str, Any]] = {
        "name": "",
        "ck": "",
        "deadline": 0,
        "message_id": "",
        "variables": {},
        "tenant": "",
        "correlated": [],
        "state": "PUBLISHED",
    }
    __slots__ = tuple(FIELDS)

    name: str
    ck: str
    deadline: int
    message_id: str
    variables: dict[str, Any]
    tenant: str
    correlated: list[str]
    state: str

    @property
    def alive(self) -> bool:
        return self.state == "PUBLISHED"


class Incident(Entity):
    """An incident. ``retry`` says which step ResolveIncident re-runs: ``activate`` or
    ``complete`` of the element instance, ``job`` (make the job activatable again), or
    ``trigger`` (re-run a failed event trigger, e.g. a timer whose expression failed)."""

    KIND = "inc"
    FIELDS: ClassVar[dict[str, Any]] = {
        "pi_key": 0,
        "def_key": 0,
        "element_id": "",
        "ei_key": 0,
        "job_key": 0,
        "error_type": "",
        "message": "",
        "state": "ACTIVE",
        "created": 0,
        "resolved": 0,
        "tenant": "",
        "retry": "",
    }
    __slots__ = tuple(FIELDS)

    pi_key: int
    def_key: int
    element_id: str
    ei_key: int
    job_key: int
    error_type: str
    message: str
    state: str
    created: int
    resolved: int
    tenant: str
    retry: str

    @property
    def alive(self) -> bool:
        return self.state == "ACTIVE"


class Variable:
    """A variable in a scope (element instance key). Persisted in the ``variable`` table only."""

    __slots__ = ("key", "name", "pi_key", "scope_key", "tenant", "value")

    def __init__(
        self, key: int, name: str, value: Any, scope_key: int, pi_key: int, tenant: str
    ) -> None:
        self.key = key
        self.name = name
        self.value = value
        self.scope_key = scope_key
        self.pi_key = pi_key
        self.tenant = tenant


ENTITY_KINDS: dict[str, type[Entity]] = {
    cls.KIND: cls
    for cls in (
        ElementInstance,
        Job,
        Timer,
        MessageSubscription,
        SignalSubscription,
        Message,
        Incident,
    )
}
