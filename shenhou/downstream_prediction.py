"""Predict the process's downstream decision outside the process.

The process decides which departments act with ``Task_DecideDownstream``, which evaluates
``downstream-needs`` of ``bpmn/affairs.dmn`` on the engine (the one source of truth, which
a designer may edit and redeploy). Code that drives the system from outside — the
simulation choosing which units acknowledge, tests comparing the table with the ledger's
required steps — evaluates the same table from disk with ``engine.dmn``. It lives here, not
in ``workers/``, because workers reach the engine only through the Zeebe protocol.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from domain.models import ProfileFlags
from engine.dmn import DecisionRequirementsGraph, evaluate_decision, parse_dmn
from workers.hotline import NEEDS_FLAGS

AFFAIRS_DMN = Path(__file__).resolve().parent.parent / "bpmn" / "affairs.dmn"


@cache
def _affairs() -> DecisionRequirementsGraph:
    return parse_dmn(AFFAIRS_DMN.read_bytes(), AFFAIRS_DMN.name)


def needs(profile: ProfileFlags, *, id_type: str = "citizen_id") -> dict[str, bool]:
    """The six ``needs*`` branch switches ``Task_DecideDownstream`` sets for this profile."""
    flags = {
        "hasPension": profile.has_pension,
        "hasSocialInsurance": profile.has_social_insurance,
        "receivesWelfare": sorted(kind.value for kind in profile.receives_welfare),
        "hasDisabilityCard": profile.has_disability_card,
        "isBusinessOwner": profile.is_business_owner,
    }
    result = evaluate_decision(
        _affairs(), "downstream-needs", {"profile": flags, "idType": id_type}
    )
    return {name: bool(result.output[name]) for name in NEEDS_FLAGS}
