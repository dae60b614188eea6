"""SQLite schema: the record log, the runtime's own state, and the read model.

Three kinds of tables live in one database file so one transaction covers them all:

* ``record``: the append-only event log (Zeebe's records). It is the audit history the console
  shows; it is *not* replayed at start (that would make start-up O(history)).
* ``rt_state`` / ``rt_meta``: the runtime's live state, one JSON document per live entity
  (element instance, job, timer, subscription, buffered message, incident). Finished entities are
  deleted, so loading at start is O(live work), not O(history).
* the read model of ``engine/DESIGN.md`` (``process_definition``, ``process_instance``,
  ``element_instance``, ``variable``, ``job``, ``incident``, ``timer``, ``message_subscription``;
  plus ``decision_requirements`` and ``decision`` for deployed DMN), kept current in the same
  transaction; the query API opens the file read-only. Variables of live scopes are loaded back
  from ``variable`` at start (it has everything a variable is).

The column tuples below are the single source of truth for the upsert statements.
"""

from __future__ import annotations

READ_MODEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "process_definition": (
        "key",
        "bpmn_process_id",
        "version",
        "resource_name",
        "name",
        "bpmn_xml",
        "checksum",
        "deployment_key",
        "tenant_id",
        "deployed_at",
    ),
    "process_instance": (
        "key",
        "process_definition_key",
        "bpmn_process_id",
        "version",
        "state",
        "has_incident",
        "start_date",
        "end_date",
        "parent_process_instance_key",
        "parent_element_instance_key",
        "tenant_id",
    ),
    "element_instance": (
        "key",
        "process_instance_key",
        "process_definition_key",
        "element_id",
        "element_type",
        "flow_scope_key",
        "state",
        "start_date",
        "end_date",
        "incident_key",
    ),
    "variable": ("key", "name", "value", "scope_key", "process_instance_key", "tenant_id"),
    "job": (
        "key",
        "type",
        "worker",
        "state",
        "retries",
        "deadline",
        "process_instance_key",
        "element_instance_key",
        "element_id",
        "bpmn_process_id",
        "process_definition_key",
        "error_message",
        "error_code",
        "custom_headers",
        "creation_time",
        "end_time",
        "tenant_id",
    ),
    "incident": (
        "key",
        "process_instance_key",
        "process_definition_key",
        "bpmn_process_id",
        "element_id",
        "element_instance_key",
        "job_key",
        "error_type",
        "error_message",
        "state",
        "creation_time",
        "resolved_time",
        "tenant_id",
    ),
    "timer": (
        "key",
        "process_instance_key",
        "element_instance_key",
        "element_id",
        "due_date",
        "repetitions",
        "state",
    ),
    "decision_requirements": (
        "key",
        "decision_requirements_id",
        "name",
        "version",
        "resource_name",
        "checksum",
        "dmn_xml",
        "deployment_key",
        "tenant_id",
        "deployed_at",
    ),
    "decision": (
        "key",
        "decision_id",
        "name",
        "version",
        "decision_requirements_key",
        "decision_requirements_id",
        "tenant_id",
    ),
    "message_subscription": (
        "key",
        "process_instance_key",
        "element_instance_key",
        "element_id",
        "message_name",
        "correlation_key",
        "state",
    ),
}

RECORD_COLUMNS = (
    "position",
    "key",
    "record_type",
    "value_type",
    "intent",
    "timestamp",
    "process_instance_key",
    "value",
)

DDL = """
CREATE TABLE IF NOT EXISTS record (
    position INTEGER PRIMARY KEY,
    key INTEGER NOT NULL,
    record_type TEXT NOT NULL,
    value_type TEXT NOT NULL,
    intent TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    process_instance_key INTEGER,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS record_pi ON record(process_instance_key);

CREATE TABLE IF NOT EXISTS rt_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rt_state (
    key INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS process_definition (
    key INTEGER PRIMARY KEY,
    bpmn_process_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    resource_name TEXT NOT NULL,
    name TEXT,
    bpmn_xml TEXT NOT NULL,
    checksum TEXT NOT NULL,
    deployment_key INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    deployed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS process_definition_id ON process_definition(bpmn_process_id, version);

CREATE TABLE IF NOT EXISTS process_instance (
    key INTEGER PRIMARY KEY,
    process_definition_key INTEGER NOT NULL,
    bpmn_process_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    has_incident INTEGER NOT NULL DEFAULT 0,
    start_date INTEGER NOT NULL,
    end_date INTEGER,
    parent_process_instance_key INTEGER,
    parent_element_instance_key INTEGER,
    tenant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS process_instance_state ON process_instance(state);
CREATE INDEX IF NOT EXISTS process_instance_def ON process_instance(process_definition_key);

CREATE TABLE IF NOT EXISTS element_instance (
    key INTEGER PRIMARY KEY,
    process_instance_key INTEGER NOT NULL,
    process_definition_key INTEGER NOT NULL,
    element_id TEXT NOT NULL,
    element_type TEXT NOT NULL,
    flow_scope_key INTEGER,
    state TEXT NOT NULL,
    start_date INTEGER NOT NULL,
    end_date INTEGER,
    incident_key INTEGER
);
CREATE INDEX IF NOT EXISTS element_instance_pi ON element_instance(process_instance_key);

CREATE TABLE IF NOT EXISTS variable (
    key INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    scope_key INTEGER NOT NULL,
    process_instance_key INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    UNIQUE (scope_key, name)
);
CREATE INDEX IF NOT EXISTS variable_pi ON variable(process_instance_key);

CREATE TABLE IF NOT EXISTS job (
    key INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    worker TEXT,
    state TEXT NOT NULL,
    retries INTEGER NOT NULL,
    deadline INTEGER,
    process_instance_key INTEGER NOT NULL,
    element_instance_key INTEGER NOT NULL,
    element_id TEXT NOT NULL,
    bpmn_process_id TEXT NOT NULL,
    process_definition_key INTEGER NOT NULL,
    error_message TEXT,
    error_code TEXT,
    custom_headers TEXT NOT NULL,
    creation_time INTEGER NOT NULL,
    end_time INTEGER,
    tenant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS job_pi ON job(process_instance_key);
CREATE INDEX IF NOT EXISTS job_state ON job(state, type);

CREATE TABLE IF NOT EXISTS incident (
    key INTEGER PRIMARY KEY,
    process_instance_key INTEGER NOT NULL,
    process_definition_key INTEGER NOT NULL,
    bpmn_process_id TEXT NOT NULL,
    element_id TEXT NOT NULL,
    element_instance_key INTEGER NOT NULL,
    job_key INTEGER,
    error_type TEXT NOT NULL,
    error_message TEXT NOT NULL,
    state TEXT NOT NULL,
    creation_time INTEGER NOT NULL,
    resolved_time INTEGER,
    tenant_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_pi ON incident(process_instance_key);

CREATE TABLE IF NOT EXISTS timer (
    key INTEGER PRIMARY KEY,
    process_instance_key INTEGER,
    element_instance_key INTEGER,
    element_id TEXT NOT NULL,
    due_date INTEGER NOT NULL,
    repetitions INTEGER NOT NULL,
    state TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS decision_requirements (
    key INTEGER PRIMARY KEY,
    decision_requirements_id TEXT NOT NULL,
    name TEXT,
    version INTEGER NOT NULL,
    resource_name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    dmn_xml TEXT NOT NULL,
    deployment_key INTEGER NOT NULL,
    tenant_id TEXT NOT NULL,
    deployed_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS decision (
    key INTEGER PRIMARY KEY,
    decision_id TEXT NOT NULL,
    name TEXT,
    version INTEGER NOT NULL,
    decision_requirements_key INTEGER NOT NULL,
    decision_requirements_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS message_subscription (
    key INTEGER PRIMARY KEY,
    process_instance_key INTEGER NOT NULL,
    element_instance_key INTEGER NOT NULL,
    element_id TEXT NOT NULL,
    message_name TEXT NOT NULL,
    correlation_key TEXT NOT NULL,
    state TEXT NOT NULL
);

-- Indexes for the ops console's instance list (engine/console): filters by process and version,
-- start date order and range, parent instance, incidents, variable name = value, counts per
-- definition and state (covering, so the processes page never reads the table); and the
-- instance page's timers and message subscriptions. Additive: IF NOT EXISTS upgrades old stores.
CREATE INDEX IF NOT EXISTS process_instance_process ON process_instance(bpmn_process_id, version);
CREATE INDEX IF NOT EXISTS process_instance_start ON process_instance(start_date);
CREATE INDEX IF NOT EXISTS process_instance_parent ON process_instance(parent_process_instance_key)
    WHERE parent_process_instance_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS process_instance_incident ON process_instance(start_date)
    WHERE has_incident = 1;
CREATE INDEX IF NOT EXISTS process_instance_counts
    ON process_instance(process_definition_key, state, has_incident);
CREATE INDEX IF NOT EXISTS variable_name_value ON variable(name, value);
CREATE INDEX IF NOT EXISTS timer_pi ON timer(process_instance_key);
CREATE INDEX IF NOT EXISTS message_subscription_pi ON message_subscription(process_instance_key);
"""
