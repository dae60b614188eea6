"""Shared steps of the case routes: load a case for a caller (404, township 403) and map a
caller's roles to the units it may act for."""

from __future__ import annotations

from fastapi import Request

from api.auth import Principal, check_township, forbidden
from api.problems import Problem
from api.runtime import ROLE_UNITS, Runtime, actor_for
from domain.enums import Unit
from domain.ledger import CaseNotFound
from domain.models import Case


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def not_found(case_id: str) -> Problem:
    return Problem(404, "case.not_found", f"案件{case_id}不存在", f"case {case_id} does not exist")


async def load_case(
    runtime: Runtime, case_id: str, principal: Principal, *, purpose: str, role: str | None = None
) -> Case:
    try:
        case = await runtime.call(
            runtime.ledger.get_case, case_id, actor_for(principal, role), purpose=purpose
        )
    except CaseNotFound:
        raise not_found(case_id) from None
    check_township(principal, case.township.value)
    return case


def units_of(principal: Principal) -> dict[Unit, str]:
    """The units a caller acts for, each with the role it acts in."""
    return {ROLE_UNITS[role][1]: role for role in principal.roles if role in ROLE_UNITS}


def role_for_unit(principal: Principal, unit: Unit) -> str:
    role = units_of(principal).get(unit)
    if role is None:
        raise forbidden(f"无权代表{unit.label_zh}办理", f"your role does not act for {unit.value}")
    return role
