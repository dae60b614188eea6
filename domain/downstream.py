"""Which units must act on a case after the certificate, given the deceased's profile.

The bulletin's downstream branches run in parallel and are started by the certificate, not by
the family. Some always apply (cremation, household deregistration, the funeral subsidy check by
civil affairs); the others only when the profile says so (pension, welfare, disability card,
business). The case is complete when every required action is recorded; the reconciliation and
the KPIs use the same table.
"""

from __future__ import annotations

from domain.enums import ActionKind, IdType, Unit

# Actions each unit may record (a DepartmentAction outside this table is rejected).
ALLOWED_ACTIONS: dict[Unit, frozenset[ActionKind]] = {
    Unit.HOTLINE: frozenset({ActionKind.DIRECTIVE_SENT, ActionKind.FAMILY_NOTIFIED_COMPLETE}),
    Unit.HEALTH: frozenset(
        {
            ActionKind.DIRECTIVE_ACKNOWLEDGED,
            ActionKind.HOME_VISIT,
            ActionKind.CERTIFICATE_ISSUED,
            ActionKind.NOT_NORMAL_DEATH,
        }
    ),
    Unit.POLICE: frozenset(
        {ActionKind.DIRECTIVE_ACKNOWLEDGED, ActionKind.HOUSEHOLD_DEREGISTRATION}
    ),
    Unit.CIVIL_AFFAIRS: frozenset(
        {
            ActionKind.DIRECTIVE_ACKNOWLEDGED,
            ActionKind.WELFARE_STOPPED,
            ActionKind.FUNERAL_SUBSIDY,
        }
    ),
    Unit.HRSS: frozenset(
        {
            ActionKind.DIRECTIVE_ACKNOWLEDGED,
            ActionKind.PENSION_STOPPED,
            ActionKind.SURVIVOR_BENEFITS,
        }
    ),
    Unit.DPF: frozenset({ActionKind.DIRECTIVE_ACKNOWLEDGED, ActionKind.DISABILITY_CARD_CANCELLED}),
    Unit.FUNERAL_HOME: frozenset({ActionKind.DIRECTIVE_ACKNOWLEDGED, ActionKind.CREMATION}),
    Unit.MARKET_SUPERVISION: frozenset(
        {ActionKind.DIRECTIVE_ACKNOWLEDGED, ActionKind.BUSINESS_DEREGISTRATION}
    ),
    Unit.GRID: frozenset({ActionKind.DIRECTIVE_ACKNOWLEDGED, ActionKind.NOTICE_DELIVERED}),
    Unit.SUPERVISOR: frozenset(),
}


def is_allowed(unit: Unit, action: ActionKind) -> bool:
    return action in ALLOWED_ACTIONS[unit]


def has_household_registration(id_type: IdType | str) -> bool:
    """Only a citizen-ID holder has a household registration (户口) to cancel: passports and
    permits belong to other registers, and an unidentified body or an unregistered infant has
    none. The workers run the deregistration branch and the ledger requires it by this rule."""
    return IdType(id_type) is IdType.CITIZEN_ID


def required_downstream(
    *,
    has_pension: bool,
    has_social_insurance: bool,
    receives_welfare: bool,
    has_disability_card: bool,
    is_business_owner: bool,
    id_type: IdType | str = IdType.CITIZEN_ID,
) -> frozenset[tuple[Unit, ActionKind]]:
    """The (unit, action) pairs that must be done after the certificate before the case closes.

    ``id_type`` is the deceased's: household deregistration is required only when
    :func:`has_household_registration` says there is one."""
    required = {
        (Unit.FUNERAL_HOME, ActionKind.CREMATION),
        (Unit.CIVIL_AFFAIRS, ActionKind.FUNERAL_SUBSIDY),
        (Unit.GRID, ActionKind.NOTICE_DELIVERED),
    }
    if has_household_registration(id_type):
        required.add((Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION))
    if receives_welfare:
        required.add((Unit.CIVIL_AFFAIRS, ActionKind.WELFARE_STOPPED))
    if has_pension or has_social_insurance:
        required.add((Unit.HRSS, ActionKind.PENSION_STOPPED))
        required.add((Unit.HRSS, ActionKind.SURVIVOR_BENEFITS))
    if has_disability_card:
        required.add((Unit.DPF, ActionKind.DISABILITY_CARD_CANCELLED))
    if is_business_owner:
        required.add((Unit.MARKET_SUPERVISION, ActionKind.BUSINESS_DEREGISTRATION))
    return frozenset(required)
