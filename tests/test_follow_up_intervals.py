"""Admins set the days until the next follow-up for each outcome and each reason nobody was
reached; the visit form's suggested follow-up uses them."""

from datetime import timedelta

import pytest
from sqlmodel import select

from app.core import clock
from app.domain.visits import DEFAULT_FOLLOW_UP_DAYS, OutcomeForm
from app.models import AuditEvent, FollowUpInterval
from app.services import visits
from tests import factories
from tests.conftest import csrf_token


def save(client, **days):
    data = {"csrf_token": csrf_token(client, "/admin/follow-ups"), **days}
    return client.post("/admin/follow-ups", data=data, follow_redirects=False)


def test_the_page_lists_every_outcome_and_reason_with_its_days(as_user):
    page = as_user("alice").get("/admin/follow-ups")
    assert page.status_code == 200
    for key in DEFAULT_FOLLOW_UP_DAYS:
        assert f'name="{key}"' in page.text
    assert 'id="f-nobody_home" name="nobody_home" type="text" value="3"' in page.text
    assert 'id="f-moved_away" name="moved_away" type="text" value=""' in page.text


@pytest.mark.parametrize("username", ["lee", "mei", "cai"])
def test_only_admins_change_the_intervals(as_user, username):
    client = as_user(username)
    assert client.get("/admin/follow-ups").status_code == 403
    assert save(client, nobody_home="5").status_code == 403


def test_an_admin_changes_intervals_and_only_changes_are_stored(db, as_user):
    client = as_user("alice")
    answer = save(client, nobody_home="5", refused="0", undecided="14", moved_away="")
    assert answer.status_code == 303
    rows = {row.key: row.days for row in db.exec(select(FollowUpInterval))}
    assert rows == {"nobody_home": 5, "refused": 0}
    assert visits.follow_up_days(db) == {
        **DEFAULT_FOLLOW_UP_DAYS,
        "nobody_home": 5,
        "refused": None,
    }
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "follow_up_intervals_changed"))
    assert event.detail == {"days": {"nobody_home": 5, "refused": 0}}
    assert event.user_id == factories.user_id(db, "alice")
    page = client.get("/admin/follow-ups").text
    assert 'name="nobody_home" type="text" value="5"' in page
    assert 'name="refused" type="text" value=""' in page

    save(client, nobody_home="7")
    assert db.get(FollowUpInterval, "nobody_home").days == 7


@pytest.mark.parametrize("typed", ["abc", "366", "-1", "2.5", "３"])
def test_wrong_days_are_shown_again_and_nothing_is_stored(db, as_user, typed):
    answer = save(as_user("alice"), nobody_home="5", wrong_number=typed)
    assert answer.status_code == 422
    assert 'id="e-wrong_number"' in answer.text
    assert f'name="wrong_number" type="text" value="{typed}"' in answer.text
    assert 'name="nobody_home" type="text" value="5"' in answer.text
    assert db.exec(select(FollowUpInterval)).all() == []


def test_a_changed_interval_sets_the_suggested_follow_up_of_a_visit(db, as_user):
    save(as_user("alice"), refused="10", nobody_home="0", moved_away="20")
    home = factories.household(db)
    factories.assign(db, home, "mei")
    wang = factories.person(db, home, name="王芳")
    refused = OutcomeForm(person_id=str(wang.id), code="refused", reason="不想交")
    factories.visit(db, home, [wang], outcomes=[refused])
    today = clock.today()
    assert visits.contact_facts(db, [home.id])[home.id].follow_up_on == today + timedelta(days=10)

    factories.visit(db, home, reached="no", not_reached_reason="nobody_home")
    assert visits.contact_facts(db, [home.id])[home.id].follow_up_on is None

    factories.visit(db, home, reached="no", not_reached_reason="moved_away")
    assert visits.contact_facts(db, [home.id])[home.id].follow_up_on == today + timedelta(days=20)
