"""The rules of a visit, without a database: who the three ones apply to, progress across
visits, what a visit as typed must say, and when to follow up."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.codes import InsuranceStatus, OutcomeCode, StepKind
from app.domain.validation import Invalid
from app.domain.visits import (
    DEFAULT_FOLLOW_UP_DAYS,
    EligibilityFacts,
    NotDue,
    OutcomeForm,
    Progress,
    StepForm,
    VisitForm,
    VisitRules,
    check_visit,
    is_eligible,
    not_due_reason,
    progress,
    suggested_follow_up,
)

TODAY = date(2026, 11, 29)
NOW = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)  # 14:00 in Yuxi
ZONE = ZoneInfo("Asia/Shanghai")
UUID = "0b7e7a40-6c1e-4c1e-9f0e-2f1f4b1a0c01"
RULES = VisitRules(now=NOW, zone=ZONE, household_people={1, 2, 3}, tiers={200, 300, 500, 1000})


def facts(born: date, status=InsuranceStatus.none, retires_on=None, student=False):
    return EligibilityFacts(born, status, retires_on, student)


@pytest.mark.parametrize(
    ("person", "eligible"),
    [
        (facts(date(1990, 5, 1)), True),
        (facts(date(2010, 11, 29)), True),  # sixteen today
        (facts(date(2010, 11, 30)), False),  # sixteen tomorrow
        (facts(date(1966, 1, 1), retires_on=date(2026, 11, 1)), False),  # past retirement
        (facts(date(1966, 1, 1), retires_on=date(2026, 12, 1)), True),
        (facts(date(1980, 1, 1), InsuranceStatus.receiving), False),
        (facts(date(2005, 1, 1), student=True), False),
    ],
)
def test_the_three_ones_apply_from_sixteen_to_retirement_to_people_not_drawing_or_studying(
    person, eligible
):
    assert is_eligible(person, TODAY) is eligible


@pytest.mark.parametrize(
    ("person", "reason"),
    [
        (facts(date(2014, 3, 1)), NotDue.under_age),  # twelve
        (facts(date(1959, 6, 1), InsuranceStatus.receiving, date(2019, 6, 1)), NotDue.pensioner),
        (facts(date(1956, 6, 1), InsuranceStatus.receiving, date(2016, 6, 1)), NotDue.pensioner),
        (facts(date(1959, 6, 1), retires_on=date(2019, 6, 1)), NotDue.retired),  # 67, no pension
        (facts(date(2005, 4, 1), InsuranceStatus.resident, student=True), NotDue.student),  # 21
        (facts(date(2012, 1, 1), student=True), NotDue.under_age),  # the first reason that applies
        (facts(date(1985, 4, 1), InsuranceStatus.resident, date(2045, 4, 1)), None),
    ],
)
def test_the_reason_the_three_ones_are_not_due_comes_from_the_same_rule(person, reason):
    assert not_due_reason(person, TODAY) == reason
    assert is_eligible(person, TODAY) is (reason is None)


def test_progress_counts_contact_only_for_people_reached_and_steps_across_visits():
    found = progress(
        [1, 2, 3],
        contacted=[1, 2],
        steps=[(1, StepKind.calculation), (1, StepKind.leaflet), (2, StepKind.leaflet)],
    )
    assert found[1] == Progress(True, True, True) and found[1].complete
    assert found[2].done == 2 and found[2].missing == ["calculation"]
    assert found[3].done == 0 and found[3].missing == ["contact", "calculation", "leaflet"]


def form(**fields) -> VisitForm:
    fields.setdefault("client_uuid", UUID)
    fields.setdefault("channel", "home_visit")
    fields.setdefault("reached", "yes")
    fields.setdefault("person_ids", ["1"])
    return VisitForm(**fields)


def errors(visit: VisitForm) -> dict:
    with pytest.raises(Invalid) as refused:
        check_visit(visit, RULES)
    return refused.value.errors


def test_a_plain_home_visit_is_dated_now_and_keeps_the_people_spoken_to():
    values = check_visit(form(person_ids=["1", "2", "1"], notes="  tea  "), RULES)
    assert values.person_ids == (1, 2)
    assert values.occurred_at == NOW and values.notes == "tea"
    assert values.client_uuid == UUID


def test_a_visit_without_an_offset_is_business_time():
    values = check_visit(form(occurred_at="2026-11-28T09:30"), RULES)
    assert values.occurred_at == datetime(2026, 11, 28, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
        ({"channel": "pigeon"}, "channel"),
        ({"reached": "maybe"}, "reached"),
        ({"person_ids": []}, "person_ids"),
        ({"person_ids": ["9"]}, "person_ids"),
        ({"person_ids": ["²"]}, "person_ids"),
        ({"reached": "no", "person_ids": []}, "not_reached_reason"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2026-11-30T09:00+08:00"}, "occurred_at"),
        ({"occurred_at": "2025-11-01T09:00+08:00"}, "occurred_at"),
        ({"notes": "字" * 1001}, "notes"),
        ({"latitude": "north", "longitude": "102.5"}, "location"),
        ({"follow_up_on": "2026-11-28"}, "follow_up_on"),
        ({"follow_up_on": "2028-01-01"}, "follow_up_on"),
    ],
)
def test_what_is_wrong_is_named_by_field(fields, field):
    assert field in errors(form(**fields))


def test_nobody_reached_needs_a_reason_and_records_no_outcomes():
    values = check_visit(form(reached="no", person_ids=[], not_reached_reason="nobody_home"), RULES)
    assert not values.reached and values.not_reached_reason == "nobody_home"
    outcome = OutcomeForm(person_id="1", code="refused", reason="busy")
    found = errors(
        form(reached="no", person_ids=[], not_reached_reason="moved_away", outcomes=[outcome])
    )
    assert "outcomes" in found


def outcome(**fields) -> VisitForm:
    return form(outcomes=[OutcomeForm(person_id="1", **fields)])


@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        ({"code": "join_resident", "to_value": "500"}, (None, 500)),
        ({"code": "raise_tier", "from_value": "200", "to_value": "500"}, (200, 500)),
        ({"code": "raise_tier", "from_value": "150", "to_value": "300"}, (150, 300)),
        ({"code": "join_flexible", "to_value": "60"}, (None, 60)),
        ({"code": "resume_paying"}, (None, None)),
        ({"code": "extend_paying"}, (None, None)),
        ({"code": "buy_back"}, (None, None)),
        ({"code": "insured_elsewhere"}, (None, None)),
        ({"code": "not_eligible"}, (None, None)),
    ],
)
def test_each_outcome_keeps_its_figures(fields, stored):
    values = check_visit(outcome(**fields), RULES)
    (kept,) = values.outcomes
    assert (kept.from_value, kept.to_value) == stored
    assert kept.is_change is (kept.code not in ("insured_elsewhere", "not_eligible"))


@pytest.mark.parametrize(
    "fields",
    [
        {"code": "join_resident"},
        {"code": "join_resident", "to_value": "250"},  # not on the menu
        {"code": "raise_tier", "from_value": "500", "to_value": "300"},
        {"code": "join_flexible", "to_value": "59"},
        {"code": "join_flexible", "to_value": "301"},
        {"code": "refused"},
        {"code": "shrugged"},
    ],
)
def test_an_outcome_missing_its_figures_is_refused(fields):
    assert "outcomes.0" in errors(outcome(**fields))


def test_undecided_needs_a_follow_up_date():
    assert "follow_up_on" in errors(outcome(code="undecided"))
    values = check_visit(
        form(follow_up_on="2026-12-10", outcomes=[OutcomeForm(person_id="1", code="undecided")]),
        RULES,
    )
    assert values.follow_up_on == date(2026, 12, 10)
    assert values.outcomes[0].code == OutcomeCode.undecided


def test_outcomes_and_steps_are_for_people_spoken_to():
    found = errors(
        form(
            outcomes=[OutcomeForm(person_id="2", code="refused", reason="busy")],
            steps=[StepForm(person_id="3", leaflet_id="1")],
        )
    )
    assert {"outcomes.0", "steps.0"} <= set(found)


def test_a_step_is_a_calculation_or_a_leaflet_given_on_paper_or_digitally():
    values = check_visit(
        form(
            steps=[
                StepForm(person_id="1", calculation_id="7"),
                StepForm(person_id="1", leaflet_id="2", leaflet_medium="digital"),
                StepForm(person_id="1", kind="leaflet"),  # ticked on paper, leaflet unnamed
            ]
        ),
        RULES,
    )
    kinds = [(s.kind, s.calculation_id, s.leaflet_id, s.leaflet_medium) for s in values.steps]
    assert kinds == [
        ("calculation", 7, None, None),
        ("leaflet", None, 2, "digital"),
        ("leaflet", None, None, "paper"),
    ]
    assert "steps.0" in errors(
        form(steps=[StepForm(person_id="1", leaflet_id="2", leaflet_medium="fax")])
    )


def test_the_follow_up_is_the_earliest_any_outcome_calls_for():
    day = date(2026, 11, 29)
    assert suggested_follow_up(
        day, ["undecided", "refused"], DEFAULT_FOLLOW_UP_DAYS
    ) == day + timedelta(14)
    assert suggested_follow_up(day, ["nobody_home"], DEFAULT_FOLLOW_UP_DAYS) == day + timedelta(3)
    assert suggested_follow_up(day, ["insured_elsewhere", ""], DEFAULT_FOLLOW_UP_DAYS) is None
    assert suggested_follow_up(day, ["refused"], {"refused": 60}) == day + timedelta(60)
