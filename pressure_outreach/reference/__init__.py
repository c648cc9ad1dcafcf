"""The rules of docs/rulebook.md §0-§4 in plain Python: the tests' oracle and the
per-company baseline's brain.

It reads the source tables as lists of dict rows (``SourceData``, ``load_from_postgres``)
and returns, for every company of the spine, the decision fields of §1-§4: domain sums,
BIT score and band, the cap that bound it, the primary pressure class, the proof line and
its machine-readable twin, and the chosen slot. It is written from the rulebook and the
project's interpretation choices, one small function per rule, so that it can be compared
company by company with the SQL. Every number and list comes from the project itself
(``Params.from_project()``: the seeds and vars dbt reads), so the oracle and the SQL can
only disagree on the rules, never on their numbers.

Modules, by concern: ``params`` (the loader), ``instants`` (§0), ``rows`` (the source rows
and their value checks), ``signals`` (§1), ``bands`` (§2), ``proofs`` (§3), ``slots`` (§4),
``decisions`` (one decision per company), ``load`` (PostgreSQL).

    from pressure_outreach.reference import Params, evaluate, load_from_postgres

    decisions = evaluate(load_from_postgres(conninfo), as_of, Params.from_project())
"""

from pressure_outreach.reference.decisions import CompanyDecision, decide_company, evaluate
from pressure_outreach.reference.load import load_from_postgres, register_infinite_timestamps
from pressure_outreach.reference.params import ExecutiveSignalRule, Params, RenewalStep, project_params
from pressure_outreach.reference.proofs import Proof
from pressure_outreach.reference.rows import INFINITY, MINUS_INFINITY, SourceData
from pressure_outreach.reference.signals import RenewalBridge, Signal
from pressure_outreach.reference.slots import select_slot

__all__ = [
    "INFINITY",
    "MINUS_INFINITY",
    "CompanyDecision",
    "ExecutiveSignalRule",
    "Params",
    "Proof",
    "RenewalBridge",
    "RenewalStep",
    "Signal",
    "SourceData",
    "decide_company",
    "evaluate",
    "load_from_postgres",
    "project_params",
    "register_infinite_timestamps",
    "select_slot",
]
