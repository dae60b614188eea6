"""The table the process decides with (bpmn/affairs.dmn), evaluated from disk, agrees with
the ledger's rule of which steps a case waits for."""

from __future__ import annotations

from domain.enums import ActionKind, Unit
from domain.models import ProfileFlags
from shenhou.downstream_prediction import needs


def test_household_deregistration_only_for_citizen_id_holders() -> None:
    """``needs`` predicts the process's decision from bpmn/affairs.dmn (for the simulation)."""

    assert needs(ProfileFlags(), id_type="none")["needsHouseholdDeregistration"] is False
    assert needs(ProfileFlags(), id_type="citizen_id")["needsHouseholdDeregistration"] is True
    assert needs(ProfileFlags(), id_type="passport")["needsHouseholdDeregistration"] is False
    pension = needs(ProfileFlags(has_pension=True))
    assert pension == {
        "needsCremation": True,
        "needsHouseholdDeregistration": True,
        "needsCivilAffairs": True,
        "needsPensionStop": True,
        "needsDisabilityCardCancel": False,
        "needsMarketNotice": False,
    }


def test_the_branches_the_process_runs_are_the_steps_the_ledger_requires() -> None:
    """For every ID type and profile, the process's decision (bpmn/affairs.dmn, predicted by
    ``needs``) starts exactly the branches whose actions the ledger waits for
    (``domain.downstream.required_downstream``, household deregistration by
    ``has_household_registration``): no case waits for a step that never runs."""
    import itertools

    from domain.downstream import has_household_registration
    from domain.enums import IdType
    from domain.models import WelfareKind

    branch_of = {
        (Unit.FUNERAL_HOME, ActionKind.CREMATION): "needsCremation",
        (Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION): "needsHouseholdDeregistration",
        (Unit.CIVIL_AFFAIRS, ActionKind.FUNERAL_SUBSIDY): "needsCivilAffairs",
        (Unit.CIVIL_AFFAIRS, ActionKind.WELFARE_STOPPED): "needsCivilAffairs",
        (Unit.HRSS, ActionKind.PENSION_STOPPED): "needsPensionStop",
        (Unit.HRSS, ActionKind.SURVIVOR_BENEFITS): "needsPensionStop",
        (Unit.DPF, ActionKind.DISABILITY_CARD_CANCELLED): "needsDisabilityCardCancel",
        (Unit.MARKET_SUPERVISION, ActionKind.BUSINESS_DEREGISTRATION): "needsMarketNotice",
    }
    for id_type in IdType:
        assert has_household_registration(id_type) is (id_type is IdType.CITIZEN_ID)
        for pension, insurance, welfare, card, business in itertools.product(
            [False, True], repeat=5
        ):
            profile = ProfileFlags(
                has_pension=pension,
                has_social_insurance=insurance,
                receives_welfare=frozenset({WelfareKind.MINIMUM_LIVING} if welfare else ()),
                has_disability_card=card,
                is_business_owner=business,
            )
            flags = needs(profile, id_type=id_type.value)
            required = profile.required_downstream(id_type)
            started = {branch_of[step] for step in required if step in branch_of}
            assert started == {name for name, on in flags.items() if on}, (id_type, profile)
            assert {step for step in required if step not in branch_of} == {
                (Unit.GRID, ActionKind.NOTICE_DELIVERED)  # before the certificate, always
            }
