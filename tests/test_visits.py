"""Recording visits: one visit per client UUID, everything or nothing, a household's state
derived from its events, and its timeline."""

import uuid
from datetime import timedelta

import pytest
from sqlmodel import func, select

from app.core import clock
from app.core.i18n import gettext_for
from app.domain.validation import Invalid
from app.domain.visits import NotDue, OutcomeForm, StepForm
from app.models import EnrolmentChange, Outcome, Person, Visit
from app.services import assignments, scope, timeline, visits
from tests import factories


@pytest.fixture
def home(db):
    made = factories.household(db)
    factories.assign(db, made, "mei")
    return made


def count(db, table) -> int:
    return db.exec(select(func.count()).select_from(table)).one()


def test_the_same_client_uuid_twice_stores_one_visit(db, home):
    wang = factories.person(db, home, name="王芳")
    key = str(uuid.uuid4())
    first = factories.visit(db, home, [wang], client_uuid=key)
    again = factories.visit(db, home, [wang], client_uuid=key.upper())
    assert again.id == first.id and count(db, Visit) == 1


def test_someone_elses_client_uuid_is_refused(db, home):
    wang = factories.person(db, home, name="王芳")
    key = str(uuid.uuid4())
    factories.visit(db, home, [wang], client_uuid=key)
    with pytest.raises(Invalid):
        factories.visit(db, home, [wang], client_uuid=key, by="lee")


def test_a_refused_visit_writes_nothing(db, home):
    wang = factories.person(db, home, name="王芳")
    bad = [OutcomeForm(person_id=str(wang.id), code="raise_tier", to_value="250")]
    with pytest.raises(Invalid):
        factories.visit(db, home, [wang], outcomes=bad)
    assert count(db, Visit) == count(db, Outcome) == 0


def test_three_ones_across_two_visits_and_the_change_reported(db, home):
    wang = factories.person(db, home, name="王芳")
    li = factories.person(db, home, name="李强", id_number=factories.id_number(order=125))
    factories.visit(db, home, [wang], channel="phone_call")
    factories.visit(
        db,
        home,
        [wang],
        steps=[
            StepForm(person_id=str(wang.id), kind="calculation"),
            StepForm(person_id=str(wang.id), kind="leaflet"),
        ],
        outcomes=[
            OutcomeForm(person_id=str(wang.id), code="raise_tier", from_value="200", to_value="500")
        ],
    )
    found = visits.people_progress(db, [wang.id, li.id])
    assert found[wang.id].complete and found[li.id].done == 0
    change = db.exec(select(EnrolmentChange)).one()
    assert (change.kind, change.from_value, change.to_value, change.status) == (
        "raise_tier",
        200,
        500,
        "reported",
    )


def test_nobody_home_counts_no_contact_and_sets_a_follow_up(db, home):
    wang = factories.person(db, home, name="王芳")
    factories.visit(db, home, reached="no", not_reached_reason="nobody_home")
    assert visits.people_progress(db, [wang.id])[wang.id].done == 0
    facts = visits.contact_facts(db, [home.id])[home.id]
    assert facts.last_contact is None
    assert facts.follow_up_on == clock.today() + timedelta(days=3)


def test_a_later_visit_without_a_follow_up_clears_the_earlier_date(db, home):
    wang = factories.person(db, home, name="王芳")
    factories.visit(db, home, reached="no", not_reached_reason="nobody_home")
    factories.visit(
        db, home, [wang], outcomes=[OutcomeForm(person_id=str(wang.id), code="insured_elsewhere")]
    )
    facts = visits.contact_facts(db, [home.id])[home.id]
    assert facts.follow_up_on is None and facts.last_contact == clock.today()


def own_follow_ups(db, *people) -> list:
    latest = visits.latest_outcomes(db, [p.id for p in people])
    return [latest[p.id].follow_up_on for p in people]


def test_each_outcome_keeps_its_persons_own_follow_up_the_usual_interval_for_its_code(db, home):
    wang = factories.person(db, home, name="王芳")
    li = factories.person(db, home, name="李强", id_number=factories.id_number(order=125))
    zhao = factories.person(db, home, name="赵敏", id_number=factories.id_number(order=127))
    outcomes = [
        OutcomeForm(person_id=str(wang.id), code="refused", reason="再说"),
        OutcomeForm(person_id=str(li.id), code="raise_tier", from_value="200", to_value="500"),
        OutcomeForm(person_id=str(zhao.id), code="insured_elsewhere"),
    ]
    factories.visit(db, home, [wang, li, zhao], outcomes=outcomes)
    today = clock.today()
    assert own_follow_ups(db, wang, li, zhao) == [
        today + timedelta(days=180),
        today + timedelta(days=30),
        None,  # insured elsewhere: nobody goes back
    ]
    household = visits.contact_facts(db, [home.id])[home.id]
    assert household.follow_up_on == today + timedelta(days=30), "still the soonest of them"


def test_a_date_typed_with_the_outcome_is_the_persons_own_follow_up(db, home):
    wang = factories.person(db, home, name="王芳")
    typed = clock.today() + timedelta(days=5)
    undecided = OutcomeForm(person_id=str(wang.id), code="undecided")
    factories.visit(db, home, [wang], outcomes=[undecided], follow_up_on=typed.isoformat())
    assert own_follow_ups(db, wang) == [typed]


def test_a_member_records_offline_visits_for_a_household_that_was_theirs_then(db):
    home = factories.household(db)
    mei = factories.user_named(db, "mei")
    assignments.assign(
        db, [home.id], factories.user_id(db, "mei"), by=factories.user_named(db, "lee")
    )
    before = clock.now()
    assignments.assign(
        db, [home.id], factories.user_id(db, "ming"), by=factories.user_named(db, "lee")
    )
    assert (
        scope.household_for_visit(db, mei, home.id, before + timedelta(microseconds=1)) is not None
    )
    assert scope.household_for_visit(db, mei, home.id, before - timedelta(days=1)) is None
    otto = factories.user_named(db, "otto")
    assert scope.household_for_visit(db, otto, home.id, before) is None


def test_the_timeline_lists_everything_newest_first_in_the_readers_language(db, home):
    wang = factories.person(db, home, name="王芳")
    factories.visit(
        db,
        home,
        [wang],
        outcomes=[
            OutcomeForm(person_id=str(wang.id), code="raise_tier", from_value="200", to_value="500")
        ],
    )
    items = timeline.timeline(db, home)
    kinds = [item.kind for item in items]
    assert {"visit", "outcome", "enrolment_change", "edit"} <= set(kinds)
    assert [i.at for i in items] == sorted((i.at for i in items), reverse=True)
    _ = gettext_for("zh_CN")
    words = {_(item.summary) for item in items}
    assert "上门走访：与王芳交谈" in words or any("王芳" in w for w in words)


def test_the_sql_rule_leaves_out_exactly_the_people_given_a_reason(db, home):
    """A twelve-year-old, pensioners of 67 and 70, a 67-year-old without a pension, a student of
    21 and a woman of 41: the SQL twin picks those the pure rule gives no reason for."""
    cases = [
        ("20140301", "none", False),
        ("19590601", "receiving", False),
        ("19560601", "receiving", False),
        ("19590601", "none", False),
        ("20050401", "resident", True),
        ("19850401", "resident", False),
    ]
    for order, (born, status, student) in enumerate(cases, start=1):
        factories.person(
            db,
            home,
            id_number=factories.id_number(born=born, order=order * 2 + 1),
            insurance_status=status,
            is_student=student,
        )
    people = db.exec(select(Person)).all()
    today = clock.today()
    reasons = visits.not_due(people, today)
    in_sql = set(db.exec(select(Person.id).where(visits.eligible_condition(today))))
    assert in_sql == {p.id for p in people} - set(reasons)
    assert sorted(reasons.values()) == sorted(
        [NotDue.under_age, NotDue.pensioner, NotDue.pensioner, NotDue.retired, NotDue.student]
    )
