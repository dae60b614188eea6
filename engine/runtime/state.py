"""All live engine state in memory, its indexes, dirty tracking and the flush to the store.

The writer thread mutates entities through this object and calls :meth:`RuntimeState.touch`
for each change; at the end of a batch :meth:`RuntimeState.flush` turns the touched entities into
row upserts/deletes (once per entity per batch, however often it changed) plus the records
appended meanwhile. Nothing is scanned: every lookup the processors need has an index here.

Keys: ``(1 << 51) + counter`` — Zeebe encodes the partition id in the bits above 51 and we are
partition 1, so our keys look like Zeebe's (2251799813685249, ...). The next counter value is
persisted in ``rt_meta`` in every batch that used keys, so keys are never reused after a restart:
keys handed out by a batch that was never committed were never visible to anyone.
"""

from __future__ import annotations

import functools
import heapq
import json
from typing import Any

from engine.runtime.definitions import Definitions
from engine.runtime.entities import (
    ENTITY_KINDS,
    ElementInstance,
    Entity,
    Incident,
    Job,
    Message,
    MessageSubscription,
    SignalSubscription,
    Timer,
    Variable,
    dumps,
)
from engine.store import SqliteStore, WriteBatch

KEY_BASE = 1 << 51

# due-heap entry kinds
DUE_TIMER = 0
DUE_JOB_TIMEOUT = 1
DUE_JOB_BACKOFF = 2
DUE_MESSAGE_TTL = 3


class RuntimeState:
    def __init__(self) -> None:
        self.next_key = KEY_BASE + 1
        self._saved_next_key = self.next_key
        self.position = 0
        self.definitions = Definitions()
        self.instances: dict[int, ElementInstance] = {}
        self.jobs: dict[int, Job] = {}
        self.timers: dict[int, Timer] = {}
        self.msubs: dict[int, MessageSubscription] = {}
        self.ssubs: dict[int, SignalSubscription] = {}
        self.messages: dict[int, Message] = {}
        self.incidents: dict[int, Incident] = {}
        self.variables: dict[int, dict[str, Variable]] = {}
        # indexes
        self.activatable: dict[str, dict[int, None]] = {}
        self.msubs_by_corr: dict[tuple[str, str, str], dict[int, None]] = {}
        self.msgs_by_corr: dict[tuple[str, str, str], dict[int, None]] = {}
        self.msg_ids: dict[tuple[str, str, str], int] = {}
        self.ssubs_by_name: dict[str, dict[int, None]] = {}
        self.msg_start_locks: dict[tuple[str, str, str], int] = {}
        self.start_timers: dict[int, list[int]] = {}  # def key → timer keys
        self.due: list[tuple[int, int, int]] = []  # (due ms, kind, key)
        # dirty tracking for the current batch
        self.dirty: dict[int, Entity] = {}
        self.dirty_vars: dict[int, Variable] = {}
        self.new_definitions: list[Any] = []
        self.deleted_definitions: list[int] = []
        self.new_drgs: list[tuple[Any, list[Any]]] = []
        self.deleted_drgs: list[tuple[int, list[int]]] = []
        self.meta: dict[str, int] = {}
        self.records: list[tuple[Any, ...]] = []

    # ------------------------------------------------------------------ keys and records

    def new_key(self) -> int:
        key = self.next_key
        self.next_key += 1
        return key

    def record(
        self,
        key: int,
        record_type: str,
        value_type: str,
        intent: str,
        timestamp: int,
        pi_key: int | None,
        value: dict[str, Any] | str,
    ) -> None:
        """Append a record; ``value`` is a dict, or JSON text already encoded by the caller."""
        self.position += 1
        text = value if isinstance(value, str) else dumps(value)
        self.records.append(
            (self.position, key, record_type, value_type, intent, timestamp, pi_key, text)
        )

    # ------------------------------------------------------------------ mutation tracking

    def touch(self, entity: Entity) -> None:
        self.dirty[entity.key] = entity

    def touch_var(self, var: Variable) -> None:
        self.dirty_vars[var.key] = var

    def push_due(self, due: int, kind: int, key: int) -> None:
        heapq.heappush(self.due, (due, kind, key))

    # ------------------------------------------------------------------ indexes

    def add_instance(self, ei: ElementInstance) -> None:
        self.instances[ei.key] = ei
        self.touch(ei)

    def index_job(self, job: Job) -> None:
        bucket = self.activatable.setdefault(job.type, {})
        if job.activatable and job.alive:
            bucket[job.key] = None
        else:
            bucket.pop(job.key, None)

    def index_msub(self, sub: MessageSubscription) -> None:
        ident = (sub.tenant, sub.name, sub.ck)
        if sub.alive:
            self.msubs_by_corr.setdefault(ident, {})[sub.key] = None
        else:
            bucket = self.msubs_by_corr.get(ident)
            if bucket is not None:
                bucket.pop(sub.key, None)
                if not bucket:
                    del self.msubs_by_corr[ident]

    def index_message(self, msg: Message) -> None:
        ident = (msg.tenant, msg.name, msg.ck)
        id_ident = (msg.tenant, msg.name, msg.message_id)
        if msg.alive:
            self.msgs_by_corr.setdefault(ident, {})[msg.key] = None
            if msg.message_id:
                self.msg_ids[id_ident] = msg.key
        else:
            bucket = self.msgs_by_corr.get(ident)
            if bucket is not None:
                bucket.pop(msg.key, None)
                if not bucket:
                    del self.msgs_by_corr[ident]
            if msg.message_id and self.msg_ids.get(id_ident) == msg.key:
                del self.msg_ids[id_ident]

    def index_ssub(self, sub: SignalSubscription) -> None:
        if sub.alive:
            self.ssubs_by_name.setdefault(sub.name, {})[sub.key] = None
        else:
            bucket = self.ssubs_by_name.get(sub.name)
            if bucket is not None:
                bucket.pop(sub.key, None)

    # ------------------------------------------------------------------ variables

    def set_variable(self, var: Variable) -> None:
        self.variables.setdefault(var.scope_key, {})[var.name] = var
        self.touch_var(var)

    # ------------------------------------------------------------------ flush

    def flush(self, batch: WriteBatch, definitions_xml: bool = True) -> None:
        """Move this batch's records and changed entities into ``batch``; reset tracking."""
        batch.records.extend(self.records)
        self.records = []
        defs = self.definitions
        for entity in self.dirty.values():
            alive = entity.alive  # type: ignore[attr-defined]
            if alive:
                batch.state_upserts.append((entity.key, entity.KIND, entity.to_json()))
            else:
                batch.state_deletes.append((entity.key,))
            if isinstance(entity, ElementInstance):
                if entity.is_root:
                    d = defs.by_key.get(entity.def_key)
                    batch.row(
                        "process_instance",
                        (
                            entity.key,
                            entity.def_key,
                            d.bpmn_process_id if d else entity.element_id,
                            d.version if d else 0,
                            entity.read_state,
                            1 if entity.incidents else 0,
                            entity.start,
                            entity.end or None,
                            entity.parent_pi_key if entity.parent_pi_key != -1 else None,
                            entity.parent_ei_key if entity.parent_ei_key != -1 else None,
                            d.tenant if d else "",
                        ),
                    )
                else:
                    batch.row(
                        "element_instance",
                        (
                            entity.key,
                            entity.pi_key,
                            entity.def_key,
                            entity.element_id,
                            entity.element_type,
                            entity.flow_scope_key,
                            entity.read_state,
                            entity.start,
                            entity.end or None,
                            entity.incident_key or None,
                        ),
                    )
            elif isinstance(entity, Job):
                d = defs.by_key.get(entity.def_key)
                batch.row(
                    "job",
                    (
                        entity.key,
                        entity.type,
                        entity.worker or None,
                        entity.state,
                        entity.retries,
                        entity.deadline or None,
                        entity.pi_key,
                        entity.ei_key,
                        entity.element_id,
                        d.bpmn_process_id if d else "",
                        entity.def_key,
                        entity.error_message or None,
                        entity.error_code or None,
                        dumps(entity.headers),
                        entity.created,
                        entity.end or None,
                        entity.tenant,
                    ),
                )
            elif isinstance(entity, Incident):
                d = defs.by_key.get(entity.def_key)
                batch.row(
                    "incident",
                    (
                        entity.key,
                        entity.pi_key,
                        entity.def_key,
                        d.bpmn_process_id if d else "",
                        entity.element_id,
                        entity.ei_key,
                        entity.job_key or None,
                        entity.error_type,
                        entity.message,
                        entity.state,
                        entity.created,
                        entity.resolved or None,
                        entity.tenant,
                    ),
                )
            elif isinstance(entity, Timer):
                batch.row(
                    "timer",
                    (
                        entity.key,
                        entity.pi_key if entity.pi_key != -1 else None,
                        entity.scope_key if entity.scope_key != -1 else None,
                        entity.element_id,
                        entity.due,
                        entity.repetitions,
                        entity.state,
                    ),
                )
            elif isinstance(entity, MessageSubscription):
                batch.row(
                    "message_subscription",
                    (
                        entity.key,
                        entity.pi_key,
                        entity.scope_key,
                        entity.element_id,
                        entity.name,
                        entity.ck,
                        entity.state,
                    ),
                )
        self.dirty = {}
        for var in self.dirty_vars.values():
            batch.row(
                "variable",
                (
                    var.key,
                    var.name,
                    dumps(var.value),
                    var.scope_key,
                    var.pi_key,
                    var.tenant,
                ),
            )
        self.dirty_vars = {}
        for d in self.new_definitions:
            batch.row("process_definition", d.row())
        self.new_definitions = []
        for key in self.deleted_definitions:
            batch.delete("process_definition", key)
        self.deleted_definitions = []
        for drg, decisions in self.new_drgs:
            batch.row("decision_requirements", drg.row())
            for d in decisions:
                batch.row("decision", d.row(drg))
        self.new_drgs = []
        for drg_key, decision_keys in self.deleted_drgs:
            batch.delete("decision_requirements", drg_key)
            for key in decision_keys:
                batch.delete("decision", key)
        self.deleted_drgs = []
        if self.next_key != self._saved_next_key:
            self.meta["next_key"] = self.next_key
            self._saved_next_key = self.next_key
        batch.meta.update(self.meta)
        self.meta = {}

    # ------------------------------------------------------------------ load

    def load(self, store: SqliteStore, parse: Any) -> None:
        """Rebuild memory from the store: definitions, live entities, live variables, indexes.

        ``parse(xml, resource_name, bpmn_process_id)`` returns the model Process.
        """
        from engine.runtime.definitions import (
            DecisionDefinition,
            DecisionRequirements,
            ProcessDefinition,
        )

        meta = store.load_meta()
        self.next_key = max(meta.get("next_key", KEY_BASE + 1), KEY_BASE + 1)
        self._saved_next_key = self.next_key
        self.position = store.max_record_position()
        defs = self.definitions
        for name, value in meta.items():
            prefix, _, rest = name.partition(":")
            if prefix in ("v", "rv", "dv"):
                tenant, _, ident_id = rest.partition(":")
                table = {"v": defs.versions, "rv": defs.drg_versions, "dv": defs.decision_versions}[
                    prefix
                ]
                table[(tenant, ident_id)] = max(table.get((tenant, ident_id), 0), value)
        drg_rows, decision_rows = store.load_decisions()
        if drg_rows:
            from engine.dmn import parse_dmn

            by_drg: dict[int, list[DecisionDefinition]] = {}
            for key, decision_id, dname, version, drg_key, _drg_id, tenant in decision_rows:
                by_drg.setdefault(drg_key, []).append(
                    DecisionDefinition(
                        key, decision_id, dname or decision_id, version, drg_key, tenant
                    )
                )
            for (
                key,
                drg_id,
                dname,
                version,
                resource,
                checksum,
                xml,
                dep_key,
                tenant,
                at,
            ) in drg_rows:
                graph = parse_dmn(xml.encode("utf-8"), resource)
                defs.add_drg(
                    DecisionRequirements(
                        key,
                        drg_id,
                        dname or drg_id,
                        version,
                        resource,
                        checksum,
                        xml,
                        dep_key,
                        tenant,
                        at,
                        graph,
                    ),
                    by_drg.get(key, []),
                )
        for row in store.load_process_definitions():
            (
                key,
                bpmn_id,
                version,
                resource_name,
                name,
                xml,
                checksum,
                dep_key,
                tenant,
                deployed_at,
            ) = row
            self.definitions.add(
                ProcessDefinition(
                    key=key,
                    bpmn_process_id=bpmn_id,
                    version=version,
                    resource_name=resource_name,
                    name=name,
                    xml=xml,
                    checksum=checksum,
                    deployment_key=dep_key,
                    tenant=tenant,
                    deployed_at=deployed_at,
                    loader=functools.partial(parse, xml, resource_name, bpmn_id),
                )
            )
        for key, kind, data in store.load_state():
            entity = ENTITY_KINDS[kind].from_json(key, data)
            if isinstance(entity, ElementInstance):
                self.instances[key] = entity
                if entity.is_root and entity.msg_start_ck:
                    d = self.definitions.by_key.get(entity.def_key)
                    if d is not None:
                        self.msg_start_locks[(d.tenant, d.bpmn_process_id, entity.msg_start_ck)] = (
                            key
                        )
            elif isinstance(entity, Job):
                self.jobs[key] = entity
                self.index_job(entity)
                if entity.state == "ACTIVATED":
                    self.push_due(entity.deadline, DUE_JOB_TIMEOUT, key)
                elif entity.backoff_until and not entity.activatable and entity.retries > 0:
                    self.push_due(entity.backoff_until, DUE_JOB_BACKOFF, key)
            elif isinstance(entity, Timer):
                self.timers[key] = entity
                self.push_due(entity.due, DUE_TIMER, key)
                if entity.pi_key == -1:
                    self.start_timers.setdefault(entity.def_key, []).append(key)
            elif isinstance(entity, MessageSubscription):
                self.msubs[key] = entity
                self.index_msub(entity)
            elif isinstance(entity, SignalSubscription):
                self.ssubs[key] = entity
                self.index_ssub(entity)
            elif isinstance(entity, Message):
                self.messages[key] = entity
                self.index_message(entity)
                self.push_due(entity.deadline, DUE_MESSAGE_TTL, key)
            elif isinstance(entity, Incident):
                self.incidents[key] = entity
        for key, name, value, scope_key, pi_key, tenant in store.load_live_variables():
            self.variables.setdefault(scope_key, {})[name] = Variable(
                key, name, json.loads(value), scope_key, pi_key, tenant
            )
