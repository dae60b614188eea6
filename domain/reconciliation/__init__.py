"""Monthly reconciliation (月对账): the units' death-information tables and payment rolls
cross-checked against the process's own records, rule by named rule (see ``rules``).

* ``template`` — the standard template (标准样本) and its CSV/XLSX downloads;
* ``importer`` — a unit's table, validated row by row, imported whole or refused whole;
* ``rolls`` — HRSS and civil-affairs payment rolls (millions of rows) via DuckDB to Parquet;
* ``workspace`` — the DuckDB tables both sides are loaded into;
* ``rules`` / ``checker`` — the rules and :func:`reconcile`;
* ``sources`` — the process side read from the ledger;
* ``store`` — runs, discrepancies and their follow-ups in the ledger database.
"""

from domain.reconciliation.checker import Discrepancy, Outcome, reconcile
from domain.reconciliation.rolls import FileRejected, RowError, import_roll_csv
from domain.reconciliation.rules import RULES, RULES_BY_CODE, Rule
from domain.reconciliation.workspace import ProcessRecord, Workspace

__all__ = [
    "RULES",
    "RULES_BY_CODE",
    "Discrepancy",
    "FileRejected",
    "Outcome",
    "ProcessRecord",
    "RowError",
    "Rule",
    "Workspace",
    "import_roll_csv",
    "reconcile",
]
