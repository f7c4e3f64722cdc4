"""The plan lists are one rule with two forms: a pure function for one person and a SQL
condition for searching. They must always agree."""

import itertools
from datetime import date

from sqlmodel import select

from app.core import clock
from app.domain.people import PersonFacts, PlanList, plan_lists
from app.models import Person
from app.services.households import plan_list_condition
from tests.factories import household, id_number, person

TODAY = date(2026, 11, 29)
BIRTHS = ["20101130", "20101129", "19810101", "19660901", "19660101", "19580601"]
STATUSES = ["none", "resident", "stopped", "employee_flexible", "receiving"]
TIERS = ["", "200", "500"]


def test_the_sql_lists_match_the_rule_for_every_kind_of_person(db, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    home = household(db)
    cases = itertools.product(BIRTHS, ["M", "F"], STATUSES, TIERS, [False, True])
    for order, (born, sex, status, tier, student) in enumerate(cases):
        if tier and status != "resident":
            continue
        order_code = order * 2 + (1 if sex == "M" else 0)
        person(
            db,
            home,
            id_number=id_number(born=born, order=order_code % 1000),
            insurance_status=status,
            resident_tier=tier,
            is_student=student,
            stopped_since="2025-01-01" if status == "stopped" else "",
        )
    people = db.exec(select(Person)).all()
    assert len(people) > 150
    for plan_list in PlanList:
        in_sql = set(db.exec(select(Person.id).where(plan_list_condition(plan_list, TODAY))))
        by_rule = {
            p.id
            for p in people
            if plan_list
            in plan_lists(
                PersonFacts(
                    p.birth_date, p.insurance_status, p.resident_tier, p.is_student, p.retires_on
                ),
                TODAY,
            )
        }
        assert in_sql == by_rule, plan_list
        assert by_rule, f"the cases exercise {plan_list}"


def facts_of(stored: Person) -> PersonFacts:
    return PersonFacts(
        stored.birth_date,
        stored.insurance_status,
        stored.resident_tier,
        stored.is_student,
        stored.retires_on,
    )
