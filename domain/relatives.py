"""Close relatives (近亲属) of the deceased, and agents acting for them.

The family "only moves its mouth": it reports, receives documents and survivor benefits. Who may
do so matters, because HRSS pays the funeral grant and survivors' pension to the family and
units issue death proofs on the family's request. Close relatives are, as in the Civil Code
(art. 1045): spouse, parents, children, siblings, paternal and maternal grandparents, and
grandchildren through sons and through daughters. Anyone else (a neighbour, a village cadre, a
lawyer) may act only as an agent with the authorisation of a close relative.
"""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DomainError


class Relation(StrEnum):
    """A person's relation to the deceased."""

    SPOUSE = "spouse"  # 配偶
    FATHER = "father"  # 父亲
    MOTHER = "mother"  # 母亲
    SON = "son"  # 儿子
    DAUGHTER = "daughter"  # 女儿
    BROTHER = "brother"  # 兄弟
    SISTER = "sister"  # 姐妹
    PATERNAL_GRANDFATHER = "paternal_grandfather"  # 祖父
    PATERNAL_GRANDMOTHER = "paternal_grandmother"  # 祖母
    MATERNAL_GRANDFATHER = "maternal_grandfather"  # 外祖父
    MATERNAL_GRANDMOTHER = "maternal_grandmother"  # 外祖母
    GRANDSON = "grandson"  # 孙子 (son's son)
    GRANDDAUGHTER = "granddaughter"  # 孙女 (son's daughter)
    DAUGHTERS_SON = "daughters_son"  # 外孙
    DAUGHTERS_DAUGHTER = "daughters_daughter"  # 外孙女
    # Not close relatives: may act only as agents with authorisation.
    DAUGHTER_IN_LAW = "daughter_in_law"  # 儿媳
    SON_IN_LAW = "son_in_law"  # 女婿
    NEPHEW_OR_NIECE = "nephew_or_niece"  # 侄/甥
    NEIGHBOUR = "neighbour"  # 邻居
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return _LABELS_ZH[self]

    @property
    def is_close_relative(self) -> bool:
        return self in CLOSE_RELATIVES


_LABELS_ZH = {
    Relation.SPOUSE: "配偶",
    Relation.FATHER: "父亲",
    Relation.MOTHER: "母亲",
    Relation.SON: "儿子",
    Relation.DAUGHTER: "女儿",
    Relation.BROTHER: "兄弟",
    Relation.SISTER: "姐妹",
    Relation.PATERNAL_GRANDFATHER: "祖父",
    Relation.PATERNAL_GRANDMOTHER: "祖母",
    Relation.MATERNAL_GRANDFATHER: "外祖父",
    Relation.MATERNAL_GRANDMOTHER: "外祖母",
    Relation.GRANDSON: "孙子",
    Relation.GRANDDAUGHTER: "孙女",
    Relation.DAUGHTERS_SON: "外孙",
    Relation.DAUGHTERS_DAUGHTER: "外孙女",
    Relation.DAUGHTER_IN_LAW: "儿媳",
    Relation.SON_IN_LAW: "女婿",
    Relation.NEPHEW_OR_NIECE: "侄甥",
    Relation.NEIGHBOUR: "邻居",
    Relation.OTHER: "其他",
}

CLOSE_RELATIVES: frozenset[Relation] = frozenset(
    {
        Relation.SPOUSE,
        Relation.FATHER,
        Relation.MOTHER,
        Relation.SON,
        Relation.DAUGHTER,
        Relation.BROTHER,
        Relation.SISTER,
        Relation.PATERNAL_GRANDFATHER,
        Relation.PATERNAL_GRANDMOTHER,
        Relation.MATERNAL_GRANDFATHER,
        Relation.MATERNAL_GRANDMOTHER,
        Relation.GRANDSON,
        Relation.GRANDDAUGHTER,
        Relation.DAUGHTERS_SON,
        Relation.DAUGHTERS_DAUGHTER,
    }
)


def is_close_relative(relation: Relation | str) -> bool:
    """True for the fifteen close-relative relations; accepts the enum or its value."""
    try:
        return Relation(relation) in CLOSE_RELATIVES
    except ValueError:
        return False


def check_may_act(
    relation: Relation, *, principal_relation: Relation | None, authorisation_ref: str | None
) -> None:
    """Raise unless a person may act for the family.

    A close relative acts in their own right. Anyone else acts as an agent and needs both the
    relation of the close relative who authorised them and a reference to that authorisation
    (a signed letter, a recorded call): without them no unit may hand over documents or money.
    """
    if relation.is_close_relative:
        return
    if principal_relation is None or not principal_relation.is_close_relative:
        raise DomainError(
            "relative.agent_principal",
            f"“{relation.label_zh}”不是近亲属，须注明授权其代办的近亲属",
            f"'{relation.value}' is not a close relative; name the close relative who authorised "
            "them",
        )
    if not (authorisation_ref or "").strip():
        raise DomainError(
            "relative.agent_authorisation",
            f"“{relation.label_zh}”代办须提供近亲属的授权凭证",
            f"'{relation.value}' acts as an agent and needs a reference to the close relative's "
            "authorisation",
        )
