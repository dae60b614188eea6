"""Close relatives and agents."""

from __future__ import annotations

import pytest

from domain.errors import DomainError
from domain.relatives import CLOSE_RELATIVES, Relation, check_may_act, is_close_relative


def test_the_fifteen_close_relations() -> None:
    # spouse, 2 parents, 2 children, 2 siblings, 4 grandparents, 4 grandchildren
    assert len(CLOSE_RELATIVES) == 15
    for relation in ("spouse", "mother", "daughter", "brother", "maternal_grandmother"):
        assert is_close_relative(relation)
    assert is_close_relative(Relation.DAUGHTERS_SON)  # 外孙: grandchild on the mother's side
    assert is_close_relative(Relation.GRANDDAUGHTER)


@pytest.mark.parametrize(
    "relation",
    [Relation.DAUGHTER_IN_LAW, Relation.SON_IN_LAW, Relation.NEPHEW_OR_NIECE, Relation.NEIGHBOUR],
)
def test_in_laws_and_neighbours_are_not_close(relation: Relation) -> None:
    assert not relation.is_close_relative
    assert not is_close_relative("cousin")  # unknown values are not close relatives


def test_close_relative_acts_without_authorisation() -> None:
    check_may_act(Relation.SON, principal_relation=None, authorisation_ref=None)


def test_agent_needs_principal_and_authorisation() -> None:
    with pytest.raises(DomainError) as info:
        check_may_act(Relation.DAUGHTER_IN_LAW, principal_relation=None, authorisation_ref="x")
    assert info.value.code == "relative.agent_principal" and "儿媳" in info.value.zh
    with pytest.raises(DomainError) as info:
        check_may_act(
            Relation.NEIGHBOUR, principal_relation=Relation.NEIGHBOUR, authorisation_ref="x"
        )
    assert info.value.code == "relative.agent_principal"
    with pytest.raises(DomainError) as info:
        check_may_act(Relation.NEIGHBOUR, principal_relation=Relation.SON, authorisation_ref=" ")
    assert info.value.code == "relative.agent_authorisation"
    check_may_act(
        Relation.NEIGHBOUR, principal_relation=Relation.SON, authorisation_ref="授权书 2026-001"
    )


def test_every_relation_has_a_chinese_label() -> None:
    assert all(relation.label_zh for relation in Relation)
    assert Relation.MATERNAL_GRANDFATHER.label_zh == "外祖父"
