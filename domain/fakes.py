"""Synthetic test data: Chinese names, valid ID numbers, Ninghai addresses, death reports.

Written by hand rather than with ``faker``: we need only names, phones and Ninghai villages, and
we need the ID numbers to be consistent with the person's sex, birth date and region, which
faker's ``ssn()`` does not let us control. Everything is drawn from a ``random.Random`` the
caller seeds, so a simulated month is reproducible.

The people are invented. A random ID number can coincide with a real person's number (the space
is small), but it is never combined with that person's name or data; do not use this module to
fill a production database.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from domain.clock import SHANGHAI
from domain.enums import IdType, NoIdReason, PlaceOfDeath, ReporterRole, Sex
from domain.ids import NINGHAI_REGION, generate_citizen_id
from domain.models.people import Address, Deceased, FamilyContact, Reporter
from domain.models.report import DeathReport, ProfileFlags, WelfareKind
from domain.ninghai import Township
from domain.relatives import Relation

# Common surnames, weighted towards those frequent in Ninghai (王 陈 胡 叶 葛 应 邬 ...).
SURNAMES = "王王王陈陈陈胡胡叶叶葛葛林张李周杨金潘应俞邬童鲍章严包徐吴赵孙朱何郑蒋舒袁储柴麻娄"
GIVEN_MALE = "国建华明伟强军平德福林海志洪荣根祥忠兴财富生友文武宝昌龙永松达顺"
GIVEN_FEMALE = "英兰秀芳玉珍凤娟丽萍霞梅琴菊香素美燕红月彩雅静敏慧婷娜"
# Syllables for synthetic village names ("X X 村"); not a list of real villages.
_VILLAGE_FIRST = "东西南北上下前后大小新旧塘溪岙湾山桥洋岭坑头"
_VILLAGE_SECOND = "山溪桥岙湾洋塘里头坑岭园庄墩浦店"

# Other region codes for people born elsewhere (Zhejiang and beyond).
# Simulated months may lie ahead of the wall clock: switch the "not in the future" checks off.
SIMULATED_CLOCK: dict[str, object] = {"now": None}

OTHER_REGIONS = ("330203", "330212", "331002", "330282", "110105", "310104", "510107")


def fake_name(rng: random.Random, sex: Sex | None = None) -> str:
    """A two- or three-character Chinese name."""
    chars = GIVEN_FEMALE if sex is Sex.FEMALE else GIVEN_MALE
    if sex is None or sex is Sex.UNKNOWN:
        chars = rng.choice((GIVEN_MALE, GIVEN_FEMALE))
    given = "".join(rng.choice(chars) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def fake_mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "135", "150", "158", "187", "189", "133", "199")) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )


def fake_village(rng: random.Random) -> str:
    return rng.choice(_VILLAGE_FIRST) + rng.choice(_VILLAGE_SECOND) + "村"


def fake_address(rng: random.Random, township: Township | None = None) -> Address:
    return Address(
        township=township or rng.choice(list(Township)),
        village=fake_village(rng),
        detail=f"{rng.randint(1, 300)}号",
    )


def fake_birth_date(rng: random.Random, died_on: date) -> date:
    """Ages at death skewed old, as in a county's normal deaths (mostly 60-100)."""
    age = min(105, max(0, int(rng.gauss(80, 11))))
    return died_on - timedelta(days=age * 365 + rng.randrange(365))


def fake_deceased(
    rng: random.Random,
    died_at: datetime,
    *,
    township: Township | None = None,
    born_in_ninghai: float = 0.9,
    id_type: IdType = IdType.CITIZEN_ID,
) -> Deceased:
    """A deceased person; ``id_type`` PASSPORT gives a passport number, NONE an unidentified
    body (no name, no number) — the branches of the certificate-code rule."""
    sex = rng.choice((Sex.MALE, Sex.FEMALE))
    region = NINGHAI_REGION if rng.random() < born_in_ninghai else rng.choice(OTHER_REGIONS)
    birth = fake_birth_date(rng, died_at.date())
    data: dict[str, object] = {
        "name": fake_name(rng, sex),
        "id_type": id_type,
        "died_at": died_at,
        "place_of_death": rng.choices(
            (PlaceOfDeath.HOME, PlaceOfDeath.HOSPITAL, PlaceOfDeath.NURSING_HOME), (7, 2, 1)
        )[0],
        "address": fake_address(rng, township),
    }
    if id_type is IdType.CITIZEN_ID:
        data["id_number"] = generate_citizen_id(rng, region=region, birth=birth, sex=sex)
    elif id_type is IdType.PASSPORT:
        data.update(
            id_number="E" + "".join(rng.choice("0123456789") for _ in range(8)),
            sex=sex,
            birth_date=birth,
        )
    elif id_type is IdType.NONE:
        data.update(name=None, no_id_reason=NoIdReason.UNIDENTIFIED_BODY)
    else:
        raise ValueError(f"fake_deceased does not generate {id_type.value} documents")
    return Deceased.model_validate(data, context=SIMULATED_CLOCK)


def fake_profile(rng: random.Random, age: int | None) -> ProfileFlags:
    old = (age or 0) >= 60
    welfare: set[WelfareKind] = set()
    if old and (age or 0) >= 80 and rng.random() < 0.6:
        welfare.add(WelfareKind.OLD_AGE_ALLOWANCE)
    if rng.random() < 0.05:
        welfare.add(WelfareKind.MINIMUM_LIVING)
    return ProfileFlags(
        has_pension=old and rng.random() < 0.85,
        has_social_insurance=rng.random() < 0.3,
        receives_welfare=frozenset(welfare),
        has_disability_card=rng.random() < 0.07,
        is_business_owner=rng.random() < 0.04,
    )


def fake_death_report(
    rng: random.Random,
    died_at: datetime | None = None,
    *,
    report_delay: timedelta | None = None,
    township: Township | None = None,
    id_type: IdType = IdType.CITIZEN_ID,
) -> DeathReport:
    """A complete, valid report; most reports come within the 12 hours, some do not."""
    if died_at is None:
        died_at = datetime(2026, 11, 1, tzinfo=SHANGHAI) + timedelta(minutes=rng.randrange(43200))
    deceased = fake_deceased(rng, died_at, township=township, id_type=id_type)
    if report_delay is None:
        hours = rng.expovariate(1 / 3.0)  # mean 3 h; about 2% beyond 12 h
        report_delay = timedelta(minutes=int(hours * 60) + 5)
    relation = rng.choice((Relation.SON, Relation.DAUGHTER, Relation.SPOUSE))
    return DeathReport.model_validate(
        dict(
            deceased=deceased,
            reporter=Reporter(
                role=rng.choices(
                    (ReporterRole.GRID_WORKER, ReporterRole.VILLAGE_CADRE, ReporterRole.FAMILY),
                    (6, 3, 1),
                )[0],
                name=fake_name(rng),
                phone=fake_mobile(rng),
            ),
            family_contact=FamilyContact(
                name=fake_name(rng, Sex.FEMALE if relation is Relation.DAUGHTER else None),
                phone=fake_mobile(rng),
                relation=relation,
            ),
            reported_at=died_at + report_delay,
            profile=fake_profile(rng, deceased.age_at_death),
        ),
        context=SIMULATED_CLOCK,
    )
