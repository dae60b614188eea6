"""DMN decisions: deployment versioning, EvaluateDecision and business rule tasks.

Versioning follows Zeebe: a DMN resource is a decision requirements graph (DRG), versioned by its
id and checksum; each of its decisions is versioned by decision id. The DMN evaluation itself is
``engine.dmn``'s; this behaviour finds the deployed decision, runs it with the engine clock as
``now`` and shapes the result as the API (and the records) want it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from engine.api import (
    DecisionEvaluation,
    DeployedDecision,
    DeployedDecisionRequirements,
    EngineError,
    ErrorCode,
    EvaluatedDecision,
)
from engine.runtime.definitions import DecisionDefinition, DecisionRequirements

if TYPE_CHECKING:
    from engine.runtime.machine import Machine


class DecisionBehavior:
    def __init__(self, m: Machine) -> None:
        self.m = m
        self.s = m.s

    # ------------------------------------------------------------------ deployment

    def deploy(
        self,
        name: str,
        xml: str,
        checksum: str,
        graph: Any,
        tenant: str,
        deployment_key: int,
        *,
        new_version: bool = True,
    ) -> tuple[DeployedDecisionRequirements, list[DeployedDecision]]:
        """A new version unless ``new_version`` is false and this is the latest version again
        (the deployment decides: see ``commands.deployment``)."""
        defs = self.s.definitions
        ident = (tenant, graph.id)
        latest = defs.latest_drg.get(ident)
        if not new_version and latest is not None:
            existing = [d for d in defs.decisions.values() if d.drg_key == latest.key]
            return self._deployed(latest, existing)
        m = self.m
        version = defs.drg_versions.get(ident, 0) + 1
        drg = DecisionRequirements(
            key=self.s.new_key(),
            drg_id=graph.id,
            name=graph.name or graph.id,
            version=version,
            resource_name=name,
            checksum=checksum,
            xml=xml,
            deployment_key=deployment_key,
            tenant=tenant,
            deployed_at=m.now,
            graph=graph,
        )
        decisions: list[DecisionDefinition] = []
        for decision in graph.decisions.values():
            dident = (tenant, decision.id)
            dversion = defs.decision_versions.get(dident, 0) + 1
            decisions.append(
                DecisionDefinition(
                    key=self.s.new_key(),
                    decision_id=decision.id,
                    name=decision.name or decision.id,
                    version=dversion,
                    drg_key=drg.key,
                    tenant=tenant,
                )
            )
            self.s.meta[f"dv:{tenant}:{decision.id}"] = dversion
        defs.add_drg(drg, decisions)
        self.s.new_drgs.append((drg, decisions))
        self.s.meta[f"rv:{tenant}:{graph.id}"] = version
        self.s.record(
            drg.key,
            "EVENT",
            "DECISION_REQUIREMENTS",
            "CREATED",
            m.now,
            None,
            {
                "decisionRequirementsId": drg.drg_id,
                "version": version,
                "resourceName": name,
                "checksum": checksum,
                "tenantId": tenant,
            },
        )
        for d in decisions:
            self.s.record(
                d.key,
                "EVENT",
                "DECISION",
                "CREATED",
                m.now,
                None,
                {
                    "decisionId": d.decision_id,
                    "version": d.version,
                    "decisionRequirementsKey": drg.key,
                    "tenantId": tenant,
                },
            )
        return self._deployed(drg, decisions)

    @staticmethod
    def _deployed(
        drg: DecisionRequirements, decisions: list[DecisionDefinition]
    ) -> tuple[DeployedDecisionRequirements, list[DeployedDecision]]:
        return (
            DeployedDecisionRequirements(
                drg.drg_id, drg.name, drg.version, drg.key, drg.resource_name, drg.tenant
            ),
            [
                DeployedDecision(
                    d.decision_id, d.name, d.version, d.key, drg.drg_id, drg.key, d.tenant
                )
                for d in decisions
            ],
        )

    def delete(self, drg: DecisionRequirements) -> None:
        removed = self.s.definitions.remove_drg(drg)
        self.s.deleted_drgs.append((drg.key, [d.key for d in removed]))
        self.s.record(
            drg.key,
            "EVENT",
            "DECISION_REQUIREMENTS",
            "DELETED",
            self.m.now,
            None,
            {
                "decisionRequirementsId": drg.drg_id,
                "version": drg.version,
            },
        )

    # ------------------------------------------------------------------ evaluation

    def find(
        self, decision_id: str | None, decision_key: int | None, tenant: str
    ) -> DecisionDefinition:
        defs = self.s.definitions
        if decision_key is not None and decision_key > 0:
            found = defs.decisions.get(decision_key)
            if found is None:
                raise EngineError(
                    ErrorCode.NOT_FOUND,
                    f"Expected to evaluate decision with key '{decision_key}', but no such "
                    "decision was found",
                )
            return found
        if not decision_id:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                "Expected either a decision id or a decision key, but none given",
            )
        found = defs.latest_decision.get((tenant, decision_id))
        if found is None:
            raise EngineError(
                ErrorCode.NOT_FOUND,
                f"Expected to evaluate decision '{decision_id}', but no decision found for id "
                f"'{decision_id}'",
            )
        return found

    def evaluate(
        self, decision: DecisionDefinition, variables: Mapping[str, Any], pi_key: int | None = None
    ) -> DecisionEvaluation:
        """Evaluate; failures are reported in the result (``failed_decision_id``), as Zeebe."""
        from engine.dmn import DecisionEvaluationError, evaluate_decision

        m = self.m
        drg = self.s.definitions.drgs[decision.drg_key]
        by_id = {
            d.decision_id: d for d in self.s.definitions.decisions.values() if d.drg_key == drg.key
        }
        now = datetime.fromtimestamp(m.now / 1000, tz=UTC)
        failed_id = ""
        failure = ""
        output = "null"
        try:
            result = evaluate_decision(drg.graph, decision.decision_id, variables, now=now)
            evaluated = result.evaluated_decisions
            output = result.output_json
        except DecisionEvaluationError as exc:
            evaluated = exc.evaluated_decisions
            failed_id = exc.decision_id
            failure = str(exc)
        key = self.s.new_key()
        self.s.record(
            key,
            "EVENT",
            "DECISION_EVALUATION",
            "FAILED" if failed_id else "EVALUATED",
            m.now,
            pi_key,
            {
                "decisionId": decision.decision_id,
                "decisionKey": decision.key,
                "decisionOutput": output,
                "failedDecisionId": failed_id,
                "evaluationFailureMessage": failure,
            },
        )
        return DecisionEvaluation(
            decision_key=decision.key,
            decision_id=decision.decision_id,
            decision_name=decision.name,
            decision_version=decision.version,
            decision_requirements_id=drg.drg_id,
            decision_requirements_key=drg.key,
            decision_output=output,
            evaluated_decisions=[
                EvaluatedDecision(
                    decision_id=e.decision_id,
                    decision_key=by_id[e.decision_id].key if e.decision_id in by_id else -1,
                    decision_name=e.decision_name,
                    decision_version=(
                        by_id[e.decision_id].version if e.decision_id in by_id else 0
                    ),
                    decision_type=e.decision_type,
                    decision_output=e.output_json,
                    evaluated_inputs=e.evaluated_inputs_records(),
                    matched_rules=e.matched_rules_records(),
                    tenant_id=decision.tenant,
                )
                for e in evaluated
            ],
            failed_decision_id=failed_id,
            failure_message=failure,
            tenant_id=decision.tenant,
        )

    @staticmethod
    def output_value(evaluation: DecisionEvaluation) -> Any:
        return json.loads(evaluation.decision_output)
