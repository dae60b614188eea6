"""The cross-check rules of the monthly reconciliation (月对账), each named, documented, in SQL.

Every rule answers one question the bulletin asks ("nothing missed": 确保万无一失) and yields
rows of the same shape: ``unit`` (who must act), ``person_key``, ``case_id``, ``name``,
``id_number``, ``died_on`` and ``details`` (JSON). The rules run in a :class:`Workspace` after
:func:`prepare` has resolved people across sources:

* a person is keyed by citizen/ID number; records of one person under two ID numbers (found by
  ``same-person-two-ids``) are folded onto one key, so a typo in one unit's table is reported
  once, as a typo, and not again as "missing from that unit";
* records without any ID number are keyed by their case (``case:<id>``) or, in a unit table
  without a case id, by name and date of death.

Parameters: ``$period_start`` (first day of the month checked), ``$period_end`` (first day of the
next month) and ``$as_of`` (the day the check runs; deadlines are judged against it).

Why two ID numbers can be told apart from two people: GB 11643's MOD 11-2 check character
catches every single wrong digit and every swap of two adjacent digits, so two *valid* numbers
never differ by one such edit. Two numbers whose first 17 characters are one edit apart, under
the same name, are therefore a typo (with or without a recomputed check character), not two
people; the rule also pairs equal name + birth date + date of death under different numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.enums import Unit


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    title_zh: str
    title_en: str
    why: str
    sql: str


# Macros and the person resolution every rule reads. Temp tables, not views: each is read by
# several rules and the roll pairing is the expensive part.
PREPARE_SQL = r"""
-- ISO 7064 MOD 11-2 on the digits' code points (ord - 48): 2x faster than casting each one
CREATE OR REPLACE TEMP MACRO id_check(s) AS substr('10X98765432', 1 + ((
(ord(s[1]) - 48) * 7 + (ord(s[2]) - 48) * 9 + (ord(s[3]) - 48) * 10 + (ord(s[4]) - 48) * 5
    + (ord(s[5]) - 48) * 8 + (ord(s[6]) - 48) * 4 + (ord(s[7]) - 48) * 2 + (ord(s[8]) - 48) * 1
    + (ord(s[9]) - 48) * 6 + (ord(s[10]) - 48) * 3 + (ord(s[11]) - 48) * 7 + (ord(s[12]) - 48) * 9
    + (ord(s[13]) - 48) * 10 + (ord(s[14]) - 48) * 5 + (ord(s[15]) - 48) * 8 + (ord(s[16]) - 48) * 4
    + (ord(s[17]) - 48) * 2) % 11), 1);
CREATE OR REPLACE TEMP MACRO id_valid(s) AS
    regexp_full_match(s, '[0-9]{17}[0-9X]') AND s[18] = id_check(s);

-- every record of a death, from the process and from the units' tables up to this period
CREATE OR REPLACE TEMP TABLE dead_records AS
SELECT 'process' AS source, case_id, id_number, name, birth_date, died_on
FROM process WHERE status <> 'cancelled'
UNION ALL
SELECT unit, case_id, id_number, name, birth_date, died_on
FROM units WHERE period < $period_end;

CREATE OR REPLACE TEMP TABLE dead_ids AS
SELECT id_number, any_value(name) AS name, min(birth_date) AS birth_date,
       min(died_on) AS died_on, bool_or(source = 'process') AS in_process,
       list(DISTINCT source ORDER BY source) AS sources
FROM dead_records WHERE id_number IS NOT NULL GROUP BY id_number;

-- pairs of ID numbers of one dead person (blocking keys: any one edit leaves one block intact)
CREATE OR REPLACE TEMP TABLE dead_pairs AS
WITH blocks AS (
    SELECT id_number, name, birth_date, died_on, in_process, sources,
           substr(id_number, 1, 10) AS b1,
           substr(id_number, 1, 6) || substr(id_number, 15, 4) AS b2,
           substr(id_number, 11, 8) AS b3
    FROM dead_ids
), candidates AS (
    SELECT a.id_number AS a_id, b.id_number AS b_id FROM blocks a JOIN blocks b
      ON a.name = b.name AND a.b1 = b.b1 AND a.id_number < b.id_number
    UNION SELECT a.id_number, b.id_number FROM blocks a JOIN blocks b
      ON a.name = b.name AND a.b2 = b.b2 AND a.id_number < b.id_number
    UNION SELECT a.id_number, b.id_number FROM blocks a JOIN blocks b
      ON a.name = b.name AND a.b3 = b.b3 AND a.id_number < b.id_number
    UNION SELECT a.id_number, b.id_number FROM blocks a JOIN blocks b
      ON a.name = b.name AND a.birth_date = b.birth_date AND a.died_on = b.died_on
     AND a.id_number < b.id_number
)
SELECT *,
       CASE WHEN b_in_process AND NOT a_in_process THEN a_id
            WHEN a_in_process AND NOT b_in_process THEN b_id
            WHEN b_valid AND NOT a_valid THEN a_id
            ELSE b_id END AS alias,
       CASE WHEN b_in_process AND NOT a_in_process THEN b_id
            WHEN a_in_process AND NOT b_in_process THEN a_id
            WHEN b_valid AND NOT a_valid THEN b_id
            ELSE a_id END AS canonical
FROM (
    SELECT a.id_number AS a_id, b.id_number AS b_id, a.name, a.died_on,
           a.in_process AS a_in_process, b.in_process AS b_in_process,
           a.sources AS a_sources, b.sources AS b_sources,
           id_valid(a.id_number) AS a_valid, id_valid(b.id_number) AS b_valid
    FROM candidates c JOIN dead_ids a ON a.id_number = c.a_id
    JOIN dead_ids b ON b.id_number = c.b_id
    WHERE damerau_levenshtein(left(a.id_number, 17), left(b.id_number, 17)) <= 1
       OR (a.birth_date = b.birth_date AND a.died_on = b.died_on)
);

-- the variant folds onto the canonical number: the process's, else the valid one, else the lower
CREATE OR REPLACE TEMP TABLE id_alias AS
SELECT alias, any_value(canonical) AS canonical FROM dead_pairs GROUP BY alias;

-- a payee of a roll whose number fails its check and is one edit from a dead person's. A
-- *valid* payee number one digit off a dead person's is, in a roll of millions, as likely a
-- living namesake born the same day as a typo: not flagged (the tables' pairs below are).
CREATE OR REPLACE TEMP TABLE roll_pairs AS
WITH payees AS (
    SELECT source, id_number, name, max(pay_month) AS last_month, count(*) AS payments,
           sum(amount) AS paid
    FROM rolls r
    WHERE r.name IN (SELECT name FROM dead_ids) AND NOT id_valid(r.id_number)
      AND NOT EXISTS (SELECT 1 FROM dead_ids d WHERE d.id_number = r.id_number)
    GROUP BY source, id_number, name
), blocks AS (
    SELECT *, substr(id_number, 1, 10) AS b1,
           substr(id_number, 1, 6) || substr(id_number, 15, 4) AS b2,
           substr(id_number, 11, 8) AS b3
    FROM payees
), dead AS (
    SELECT *, substr(id_number, 1, 10) AS b1,
           substr(id_number, 1, 6) || substr(id_number, 15, 4) AS b2,
           substr(id_number, 11, 8) AS b3
    FROM dead_ids
), candidates AS (
    SELECT p.source, p.id_number AS roll_id, d.id_number AS dead_id
    FROM blocks p JOIN dead d ON p.name = d.name AND p.b1 = d.b1
    UNION SELECT p.source, p.id_number, d.id_number
    FROM blocks p JOIN dead d ON p.name = d.name AND p.b2 = d.b2
    UNION SELECT p.source, p.id_number, d.id_number
    FROM blocks p JOIN dead d ON p.name = d.name AND p.b3 = d.b3
)
SELECT c.source, c.roll_id, c.dead_id, p.last_month, p.payments, p.paid
FROM candidates c
JOIN payees p ON p.source = c.source AND p.id_number = c.roll_id
WHERE damerau_levenshtein(left(c.roll_id, 17), left(c.dead_id, 17)) <= 1;

-- every record with its person key
CREATE OR REPLACE TEMP TABLE keyed AS
SELECT coalesce(al.canonical, r.id_number,
                CASE WHEN r.case_id IS NOT NULL THEN 'case:' || r.case_id END,
                'name:' || r.name || '|' || CAST(r.died_on AS VARCHAR)) AS person_key,
       r.*
FROM (
    SELECT 'process' AS source, case_id, id_number, name, died_on, status,
           certificate_code IS NOT NULL OR certified_on IS NOT NULL AS certified,
           cremated_on IS NOT NULL AS cremated, deregistered_on IS NOT NULL AS deregistered,
           deregistration_forwarded AS forwarded,
           welfare_stopped_on IS NOT NULL AS welfare_stopped,
           pension_stopped_on IS NOT NULL AS pension_stopped,
           card_cancelled_on IS NOT NULL AS card_cancelled,
           expects_civil_affairs, expects_hrss, expects_dpf, NULL::DATE AS period,
           NULL::DATE AS pension_last_paid_month
    FROM process WHERE status <> 'cancelled'
    UNION ALL
    SELECT unit, case_id, id_number, name, died_on, NULL,
           certificate_code IS NOT NULL OR certificate_issued_on IS NOT NULL,
           cremated_on IS NOT NULL, household_deregistered_on IS NOT NULL, false,
           welfare_stopped_on IS NOT NULL, social_insurance_stopped_on IS NOT NULL,
           disability_card_cancelled_on IS NOT NULL, false, false, false, period,
           pension_last_paid_month
    FROM units WHERE period < $period_end
) r LEFT JOIN id_alias al ON al.alias = r.id_number;

-- unit rows without an ID number but naming a case join that case's person
UPDATE keyed SET person_key = k.person_key
FROM (SELECT DISTINCT case_id, person_key FROM keyed WHERE source = 'process') k
WHERE keyed.source <> 'process' AND keyed.id_number IS NULL AND keyed.case_id = k.case_id;

-- without an ID number and without a case id: the one case of that name and date of death
UPDATE keyed SET person_key = k.person_key
FROM (
    SELECT name, died_on, any_value(person_key) AS person_key FROM keyed
    WHERE source = 'process' AND id_number IS NULL
    GROUP BY name, died_on HAVING count(*) = 1
) k
WHERE keyed.source <> 'process' AND keyed.id_number IS NULL AND keyed.case_id IS NULL
  AND keyed.name = k.name AND keyed.died_on = k.died_on;

CREATE OR REPLACE TEMP TABLE people AS
SELECT person_key,
       coalesce(any_value(name) FILTER (WHERE source = 'process'), any_value(name)) AS name,
       coalesce(min(died_on) FILTER (WHERE source = 'process'), min(died_on)) AS died_on,
       any_value(case_id) FILTER (WHERE source = 'process') AS case_id,
       coalesce(any_value(id_number) FILTER (WHERE source = 'process'),
                any_value(id_number)) AS id_number,
       bool_or(source = 'process') AS in_process,
       any_value(status) FILTER (WHERE source = 'process') AS status,
       bool_or(certified) AS certified,
       bool_or(certified) FILTER (WHERE source <> 'process') AS certified_by_unit,
       bool_or(cremated) AS cremated,
       bool_or(deregistered) AS deregistered, bool_or(forwarded) AS forwarded,
       bool_or(welfare_stopped) AS welfare_stopped, bool_or(pension_stopped) AS pension_stopped,
       bool_or(card_cancelled) AS card_cancelled,
       bool_or(expects_civil_affairs) AS expects_civil_affairs,
       bool_or(expects_hrss) AS expects_hrss, bool_or(expects_dpf) AS expects_dpf,
       list(DISTINCT source ORDER BY source) AS sources
FROM keyed GROUP BY person_key;
"""

_PERSON = "p.person_key, p.case_id, p.name, p.id_number, p.died_on"

HOUSEHOLD_NOT_DEREGISTERED = Rule(
    code="household-not-deregistered",
    title_zh="已出具死亡证明，逾期未注销户籍",
    title_en="certificate issued, household not deregistered after the legal deadline",
    why="户口登记条例 art. 8: the household is cancelled within one month of the death; the "
    "police deregister from shared information, so a certified death still registered after "
    "the deadline (Civil Code arts. 201-203, rest days extend it) means the sharing failed.",
    sql=f"""
SELECT 'police' AS unit, {_PERSON},
       to_json(struct_pack(due := d.household_due, sources := p.sources))::VARCHAR AS details
FROM people p JOIN deadlines d ON d.died_on = p.died_on
WHERE p.certified AND NOT p.deregistered AND NOT p.forwarded AND d.household_due < $as_of
""",
)

PAID_AFTER_DEATH = Rule(
    code="paid-after-death",
    title_zh="死亡后仍在发放养老金或福利（死人领工资）",
    title_en="pension or welfare still paid after the month of death",
    why="Payments are due for the month of death and stop from the next month "
    "(domain.deadlines.first_unpaid_month). A certified or deregistered death on a payment "
    "roll (HRSS pensions, civil-affairs welfare) for a later month, or a unit table whose last "
    "paid month is after it, is 死人领工资.",
    sql=f"""
WITH ids AS (
    SELECT DISTINCT id_number, person_key FROM keyed WHERE id_number IS NOT NULL
), dead AS (
    SELECT ids.id_number, p.* FROM ids JOIN people p USING (person_key)
    WHERE p.certified OR p.deregistered
), paid AS (
    SELECT r.source AS unit, d.person_key, r.pay_month, r.amount, r.id_number AS paid_id
    FROM rolls r JOIN dead d ON d.id_number = r.id_number
    WHERE r.pay_month >= date_trunc('month', d.died_on) + INTERVAL 1 MONTH
    UNION ALL
    SELECT k.source, k.person_key, k.pension_last_paid_month, NULL, k.id_number
    FROM keyed k JOIN people d USING (person_key)
    WHERE k.source = 'hrss' AND (d.certified OR d.deregistered)
      AND k.pension_last_paid_month >= date_trunc('month', d.died_on) + INTERVAL 1 MONTH
)
SELECT x.unit, {_PERSON},
       to_json(struct_pack(months := list(DISTINCT x.pay_month ORDER BY x.pay_month),
                           amount := sum(x.amount)))::VARCHAR AS details
FROM paid x JOIN people p USING (person_key)
GROUP BY x.unit, {_PERSON}
""",
)

CREMATION_WITHOUT_CERTIFICATE = Rule(
    code="cremation-without-certificate",
    title_zh="已火化但无死亡证明",
    title_en="cremation without a death certificate",
    why="The funeral home cremates on the certificate alone (the bulletin's flow); a cremation "
    "with no certificate in any source is a body cremated on no proof, or a certificate that "
    "never reached the shared records.",
    sql=f"""
SELECT 'funeral_home' AS unit, {_PERSON},
       to_json(struct_pack(sources := p.sources))::VARCHAR AS details
FROM people p WHERE p.cremated AND NOT p.certified
  AND coalesce(p.status, '') <> 'handed_to_police'
""",
)

CERTIFICATE_WITHOUT_CASE = Rule(
    code="certificate-without-case",
    title_zh="有死亡证明但无案件",
    title_en="certificate without a case",
    why="Every death goes through the single intake (一个口子): a certificate in a unit's table "
    "with no case means a death that bypassed 12345, so nothing downstream was started.",
    sql=f"""
SELECT 'health' AS unit, {_PERSON},
       to_json(struct_pack(sources := p.sources))::VARCHAR AS details
FROM people p WHERE p.certified_by_unit AND NOT p.in_process
""",
)

# Which units must list a person, from what the records say happened to them.
_EXPECTED = """
SELECT person_key, unit FROM (
    SELECT person_key, 'hotline_12345' AS unit FROM people
    UNION ALL SELECT person_key, 'health' FROM people WHERE certified
    UNION ALL SELECT person_key, 'police' FROM people
        WHERE certified OR coalesce(status, '') = 'handed_to_police'
    UNION ALL SELECT person_key, 'civil_affairs' FROM people
        WHERE expects_civil_affairs OR welfare_stopped
    UNION ALL SELECT person_key, 'hrss' FROM people WHERE expects_hrss OR pension_stopped
    UNION ALL SELECT person_key, 'dpf' FROM people WHERE expects_dpf OR card_cancelled
)
"""

MISSING_FROM_UNIT = Rule(
    code="missing-from-unit",
    title_zh="一个单位有记录、另一单位缺失",
    title_en="a person on one list and missing from another's",
    why="The six units keep one death-information table each on the standard template "
    "(bulletin, 四、一); a death that one unit (or the process) knows of and another that "
    "should have acted does not list is exactly what the monthly cross-check is for. Only "
    "units that uploaded the month's table are judged here (a missing table is its own rule); "
    "a person on a list with no case and no certificate is missing from the process itself.",
    sql=f"""
WITH listed AS (
    SELECT DISTINCT person_key, source AS unit FROM keyed WHERE source <> 'process'
), expected AS ({_EXPECTED}
    UNION ALL SELECT person_key, 'process' FROM people WHERE NOT in_process AND NOT certified
)
SELECT e.unit, {_PERSON},
       to_json(struct_pack(listed_by := p.sources))::VARCHAR AS details
FROM expected e JOIN people p USING (person_key)
WHERE p.died_on >= $period_start AND p.died_on < $period_end
  AND (e.unit = 'process'
       OR e.unit IN (SELECT unit FROM uploads WHERE period = $period_start))
  AND NOT EXISTS (SELECT 1 FROM listed l WHERE l.person_key = e.person_key AND l.unit = e.unit)
""",
)

SAME_PERSON_TWO_IDS = Rule(
    code="same-person-two-ids",
    title_zh="同一人两个证件号码（录入错误、校验位错误）",
    title_en="the same person under two ID numbers (typos, check-digit errors)",
    why="A death recorded under a mistyped ID number leaves the real number alive in every "
    "system keyed on it: the pension roll keeps paying it. Pairs are the same name with ID "
    "numbers one edit apart in the first 17 characters (MOD 11-2 makes that impossible for two "
    "valid numbers, see the module doc), or the same name, birth date and date of death.",
    sql="""
SELECT coalesce(list_filter(CASE WHEN x.alias = x.a_id THEN x.a_sources ELSE x.b_sources END,
                            lambda s: s <> 'process')[1], 'process') AS unit,
       p.person_key, p.case_id, p.name, p.id_number, p.died_on,
       to_json(struct_pack(numbers := [x.canonical, x.alias], variant := x.alias,
                           where_a := x.a_sources, where_b := x.b_sources,
                           valid := [x.a_valid, x.b_valid]))::VARCHAR
FROM dead_pairs x
JOIN (SELECT DISTINCT id_number, person_key FROM keyed WHERE id_number IS NOT NULL) k
  ON k.id_number = x.canonical
JOIN people p ON p.person_key = k.person_key
UNION ALL
SELECT r.source, p.person_key, p.case_id, p.name, r.dead_id, p.died_on,
       to_json(struct_pack(numbers := [r.dead_id, r.roll_id], paid_under := r.roll_id,
                           last_paid_month := r.last_month, payments := r.payments,
                           amount := r.paid, roll_id_valid := id_valid(r.roll_id)))::VARCHAR
FROM roll_pairs r
JOIN (SELECT DISTINCT id_number, person_key FROM keyed WHERE id_number IS NOT NULL) k
  ON k.id_number = r.dead_id
JOIN people p ON p.person_key = k.person_key
""",
)

UNIT_TABLE_NOT_UPLOADED = Rule(
    code="unit-table-not-uploaded",
    title_zh="单位未按时上传月度死亡信息表",
    title_en="a unit did not upload its monthly table",
    why="Each unit uploads its table on the 10th (bulletin, 四、一); without it the month cannot "
    "be cross-checked for that unit, so the missing table is itself the discrepancy (one, not "
    "one per person).",
    sql="""
SELECT u.unit, 'table:' || u.unit || ':' || strftime($period_start, '%Y-%m') AS person_key,
       NULL AS case_id, NULL AS name,
       NULL AS id_number, NULL::DATE AS died_on,
       to_json(struct_pack(period := $period_start))::VARCHAR AS details
FROM (SELECT unnest($reconciling_units) AS unit) u
WHERE u.unit NOT IN (SELECT unit FROM uploads WHERE period = $period_start)
""",
)

RULES: tuple[Rule, ...] = (
    UNIT_TABLE_NOT_UPLOADED,
    HOUSEHOLD_NOT_DEREGISTERED,
    PAID_AFTER_DEATH,
    CREMATION_WITHOUT_CERTIFICATE,
    CERTIFICATE_WITHOUT_CASE,
    MISSING_FROM_UNIT,
    SAME_PERSON_TWO_IDS,
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}
RECONCILING_UNIT_VALUES = sorted(
    unit.value
    for unit in (Unit.HOTLINE, Unit.HEALTH, Unit.POLICE, Unit.CIVIL_AFFAIRS, Unit.HRSS, Unit.DPF)
)
