"""Demo data: realistic synthetic Yuxi households in the demo accounts' regions."""

from collections import Counter
from datetime import date

import pytest
from sqlmodel import Session, func, select

from app.core import crypto
from app.domain.identifiers import parse_id_number
from app.domain.people import age
from app.models import (
    EnrolmentChange,
    Household,
    Person,
    Report,
    User,
)
from app.synthetic import Generator
from tests.conftest import csrf_token, database_copy, sign_in


@pytest.fixture
def database_url(demo_database, tmp_path, monkeypatch):
    yield from database_copy(demo_database, tmp_path, monkeypatch)


@pytest.fixture
def demo_db(db: Session) -> Session:
    """A copy of the template database with the demo (120 households) instead of the personas."""
    return db


def test_the_demo_has_the_documented_accounts_and_households(demo_db, client):
    usernames = set(demo_db.exec(select(User.username)))
    assert usernames == {"admin", "lead1", "lead2", "member1", "member2", "cadre1", "cadre2"}
    assert demo_db.exec(select(func.count()).select_from(Household)).one() == 120
    assert sign_in(client, "member1", "vanguard-demo").status_code == 303


def test_most_demo_households_are_unassigned(demo_db):
    assigned = demo_db.exec(select(func.count()).where(Household.assignee_id.is_not(None))).one()
    assert 0 < assigned < 120 * 0.3


@pytest.mark.parametrize("username", ["cadre1", "cadre2"])
def test_the_demo_cadres_are_linked_to_their_own_person_records(demo_db, username):
    cadre = demo_db.exec(select(User).where(User.username == username)).one()
    own = demo_db.get(Person, cadre.person_id)
    assert own.is_cadre and own.name == cadre.display_name


def test_the_first_demo_cadre_leads_by_example_with_nothing_left_to_report(demo_db, client):
    sign_in(client, "cadre1", "vanguard-demo")
    home = client.get("/").text
    assert 'data-status="employee_flexible"' in home and 'id="no-upgrade"' in home
    assert "以灵活就业人员身份参保" not in home.split('id="report-upgrade"')[1]


def test_the_second_demo_cadre_reports_a_higher_tier_the_lead_confirms(demo_db, client):
    sign_in(client, "cadre2", "vanguard-demo")
    home = client.get("/").text
    assert 'data-status="resident"' in home
    assert 'id="kind-join_flexible"' in home and 'id="kind-raise_tier"' in home
    token = csrf_token(client, "/")
    data = {"kind": "raise_tier", "tier": "500", "csrf_token": token}
    assert client.post("/cadres/me/upgrade", data=data, follow_redirects=False).status_code == 303
    change = demo_db.exec(select(EnrolmentChange).where(EnrolmentChange.self_reported)).one()
    assert (change.from_value, change.to_value, change.self_reported) == (200, 500, True)

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "lead1", "vanguard-demo")
    assert f'id="change-{change.id}"' in client.get("/changes").text
    token = csrf_token(client, "/changes")
    client.post(f"/changes/{change.id}/confirm", data={"csrf_token": token})
    own = demo_db.get(Person, change.person_id)
    demo_db.refresh(own)
    assert (own.insurance_status, own.resident_tier) == ("resident", 500)


def test_half_of_the_first_members_households_were_visited(demo_db):
    from app.models import Visit

    member = demo_db.exec(select(User).where(User.username == "member1")).one()
    assigned = demo_db.exec(select(func.count()).where(Household.assignee_id == member.id)).one()
    visited = demo_db.exec(select(func.count(func.distinct(Visit.household_id)))).one()
    assert visited == assigned // 2 > 0


def test_the_county_lead_has_published_this_months_report(demo_db):
    report = demo_db.exec(select(Report)).one()
    assert report.status == "published"
    beicheng = next(row for row in report.rows if row["name"] == "北城街道")
    assert beicheng["demonstration"] and beicheng["rank"] == 1  # ranked among its peers
    assert beicheng["counts"]["households_worked"] > 0


def test_demo_people_have_valid_yuxi_id_numbers_and_plausible_ages(demo_db):
    today = date(2026, 11, 29)
    people = demo_db.exec(select(Person)).all()
    assert len(people) > 200
    for person in people[:100]:
        number = crypto.decrypt(person.id_number_encrypted)
        parsed = parse_id_number(number, today)
        assert number.startswith("5304")
        assert (parsed.birth_date, parsed.sex) == (person.birth_date, person.sex)
        assert 0 <= age(person.birth_date, today) <= 100
    statuses = Counter(p.insurance_status for p in people)
    assert {"none", "resident", "receiving", "stopped"} <= set(statuses)


def test_the_generator_is_reproducible_and_never_repeats_an_id_number():
    first = Generator(7, date(2026, 11, 29))
    second = Generator(7, date(2026, 11, 29))
    made = [first.household("瓦窑村", False) for _ in range(300)]
    again = [second.household("瓦窑村", False) for _ in range(300)]
    assert [h.address for h in made] == [h.address for h in again]
    numbers = [p.id_number for h in made for p in h.people]
    assert len(numbers) == len(set(numbers))
    assert any(h.credit_code for h in made), "some are small businesses (key group 6)"
