"""Village cadres lead by example: a cadre reports their own upgrade from their home page, the
lead confirms it like any other change, and each village's cadres in the employee pension are
counted (a raised resident tier apart)."""

from datetime import date

import pytest
from sqlmodel import select

from app.core import clock
from app.domain.codes import ChangeStatus, InsuranceStatus, OutcomeCode, RegionLevel
from app.domain.validation import Invalid
from app.models import EnrolmentChange, Person
from app.services import enrolment
from tests import factories
from tests.conftest import csrf_token
from tests.databases import ON_POSTGRES
from tests.query_plans import query_plans

MENU = [200, 300, 400, 500, 1000]
TODAY = date(2025, 6, 15)


def link(db, username: str, person: Person) -> None:
    """What the admin does on the users page: the account's own person record."""
    account = factories.user_named(db, username)
    account.person_id = person.id
    db.add(account)
    db.commit()


@pytest.fixture
def cai(db):
    """蔡书记's own record: a cadre of 瓦窑村 paying the resident pension at 300 a year."""
    home = factories.household(db, address="瓦窑村1号")
    person = factories.person(
        db,
        home,
        name="蔡国华",
        id_number=factories.id_number(born="19750302", order=131),
        insurance_status="resident",
        resident_tier="300",
        is_cadre=True,
    )
    link(db, "cai", person)
    return person


@pytest.fixture
def cai_in_the_employee_pension(db, cai):
    """蔡书记 once the lead has confirmed their joining as a flexible worker."""
    cai.insurance_status, cai.resident_tier = InsuranceStatus.employee_flexible, None
    db.add(cai)
    db.commit()
    return cai


def report(client, **data):
    data["csrf_token"] = csrf_token(client, "/")
    return client.post("/cadres/me/upgrade", data=data, follow_redirects=False)


def changes(db) -> list[EnrolmentChange]:
    return list(db.exec(select(EnrolmentChange).order_by(EnrolmentChange.id)))


def test_the_cadre_home_shows_their_own_record_and_a_way_to_work_it_out(db, as_user, cai):
    client = as_user("cai")
    page = client.get("/").text
    assert "蔡国华" in page and cai.id_number_masked in page and "¥300.00" in page
    assert f'href="/calculator?person_id={cai.id}"' in page
    assert 'action="/cadres/me/upgrade"' in page
    assert client.get(f"/calculator?person_id={cai.id}").status_code == 200


def test_a_cadre_sees_their_insurance_and_only_the_upgrades_open_to_it(db, as_user, cai):
    page = as_user("cai").get("/").text
    insured = page.split('id="own-insurance"')[1].split("</p>")[0]
    assert 'data-status="resident"' in insured and "城乡居民养老保险" in insured
    assert 'id="kind-join_flexible"' in page and 'id="kind-raise_tier"' in page
    assert 'id="kind-join_resident"' not in page
    tiers = page.split('id="f-tier"')[1].split("</select>")[0]
    assert 'value="500"' in tiers and 'value="300"' not in tiers and 'value="200"' not in tiers


def test_a_cadre_in_the_employee_pension_is_offered_no_upgrade(
    db, as_user, cai_in_the_employee_pension
):
    page = as_user("cai").get("/").text
    assert 'data-status="employee_flexible"' in page
    assert 'id="no-upgrade"' in page
    assert 'action="/cadres/me/upgrade"' not in page and 'id="kind-join_flexible"' not in page


def test_an_upgrade_not_offered_is_refused_with_the_reason(
    db, as_user, cai_in_the_employee_pension
):
    answer = report(as_user("cai"), kind="join_flexible", base_percent="60")
    assert answer.status_code == 422
    assert '<div class="alert error" role="alert" id="e-kind">您已参加职工养老保险。</div>' in (
        answer.text
    )
    assert changes(db) == []


def test_joining_the_resident_pension_already_paid_is_refused(db, as_user, cai):
    answer = report(as_user("cai"), kind="join_resident", tier="500")
    assert answer.status_code == 422
    assert "您已参加城乡居民养老保险：请报告提高档次。" in answer.text.split('id="e-kind"')[1]
    assert changes(db) == []


def test_a_cadre_reports_joining_as_a_flexible_worker(db, as_user, cai):
    answer = report(as_user("cai"), kind="join_flexible", base_percent="60")
    assert answer.status_code == 303
    (change,) = changes(db)
    assert (change.person_id, change.kind, change.from_value, change.to_value) == (
        cai.id,
        OutcomeCode.join_flexible,
        None,
        60,
    )
    assert change.self_reported and change.outcome_id is None
    assert change.status == ChangeStatus.reported
    assert change.reported_by_id == factories.user_id(db, "cai")
    assert change.effective_on == clock.today()
    home = as_user("cai").get("/").text
    assert f'data-change-id="{change.id}"' in home and 'data-status="reported"' in home


def test_a_wrong_report_is_shown_again_as_typed_and_nothing_is_stored(db, as_user, cai):
    answer = report(
        as_user("cai"), kind="join_flexible", base_percent="50", effective_on="2001-01-01"
    )
    assert answer.status_code == 422
    assert 'id="e-base_percent"' in answer.text and 'id="e-effective_on"' in answer.text
    assert 'value="50"' in answer.text and 'value="2001-01-01"' in answer.text
    assert 'value="join_flexible" id="kind-join_flexible" checked' in answer.text
    assert changes(db) == []


def test_a_double_submit_stores_one_report(db, as_user, cai):
    client = as_user("cai")
    first = report(client, kind="raise_tier", tier="500")
    again = report(client, kind="raise_tier", tier="500")
    assert first.status_code == again.status_code == 303
    (change,) = changes(db)
    assert (change.from_value, change.to_value) == (300, 500)


def test_only_a_cadre_with_their_own_record_reports_an_upgrade(db, as_user):
    assert report(as_user("mei"), kind="join_flexible", base_percent="60").status_code == 403
    assert report(as_user("cai"), kind="join_flexible", base_percent="60").status_code == 404
    assert changes(db) == []


def test_the_lead_confirms_a_cadres_report_marked_as_their_own(db, as_user, cai):
    report(as_user("cai"), kind="join_flexible", base_percent="60")
    (change,) = changes(db)
    lead = as_user("lee")
    row = lead.get("/changes").text.split(f'id="change-{change.id}"')[1].split("</li>")[0]
    assert "蔡国华" in row and "data-self-reported" in row
    token = csrf_token(lead, "/changes")
    lead.post(f"/changes/{change.id}/confirm", data={"csrf_token": token})
    db.refresh(cai)
    assert cai.insurance_status == InsuranceStatus.employee_flexible
    home = as_user("cai").get("/").text
    assert 'data-status="confirmed"' in home
    line = home.split('id="village-cadres"')[1].split("</section>")[0]
    assert '<strong data-count="in_employee_pension">1</strong>' in line


def test_the_village_cadres_link_on_changes_lists_the_cadres_changes(db, as_user, cai):
    report(as_user("cai"), kind="raise_tier", tier="500")
    flagged = someone(db, "瓦窑村", 101, is_cadre=True, insurance_status="resident")
    villager = someone(db, "瓦窑村", 103, insurance_status="resident")
    for person in (flagged, villager):
        factories.raise_reported(db, person)
    db.commit()
    lead = as_user("lee")
    assert 'id="cadres-changes" href="/changes?cadres=1"' in lead.get("/changes").text
    page = lead.get("/changes?cadres=1").text
    waiting = page.split('id="waiting-changes"')[1].split("</ul>")[0]
    assert "蔡国华" in waiting and "村民101" in waiting and "村民103" not in waiting
    kept = '<input type="hidden" name="cadres" value="1">'
    assert waiting.count(kept) == 2 * 2  # each change's confirm and reject forms
    assert 'id="cadres-changes" href="/changes?cadres=1" aria-current="page"' in page


def test_a_decision_on_the_cadres_changes_returns_to_them(db, as_user, cai):
    report(as_user("cai"), kind="raise_tier", tier="500")
    (change,) = changes(db)
    lead = as_user("lee")
    data = {"csrf_token": csrf_token(lead, "/changes?cadres=1"), "page": "1", "cadres": "1"}
    answer = lead.post(f"/changes/{change.id}/confirm", data=data, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/changes?cadres=1")
    form = lead.get("/changes?cadres=1").text
    assert "蔡国华" in form.split('id="decided-changes"')[1]


@pytest.mark.parametrize(
    ("typed", "status", "tier", "field"),
    [
        ({"kind": ""}, "resident", 300, "kind"),
        ({"kind": "buy_back"}, "resident", 300, "kind"),
        ({"kind": "join_flexible", "base_percent": "301"}, "none", None, "base_percent"),
        ({"kind": "join_flexible", "base_percent": "六十"}, "none", None, "base_percent"),
        ({"kind": "join_flexible", "base_percent": "60"}, "employee_enterprise", None, "kind"),
        ({"kind": "raise_tier", "tier": "300"}, "resident", 300, "tier"),
        ({"kind": "raise_tier", "tier": "250"}, "resident", 200, "tier"),
        ({"kind": "raise_tier", "tier": "500"}, "none", None, "kind"),
        ({"kind": "join_resident", "tier": "500"}, "resident", 300, "kind"),
        ({"kind": "join_resident", "tier": ""}, "none", None, "tier"),
        (
            {"kind": "join_resident", "tier": "200", "effective_on": "2025-07-17"},
            "none",
            None,
            "effective_on",
        ),
        (
            {"kind": "join_resident", "tier": "200", "effective_on": "2024-06-13"},
            "none",
            None,
            "effective_on",
        ),
        (
            {"kind": "join_resident", "tier": "200", "effective_on": "15/06/2025"},
            "none",
            None,
            "effective_on",
        ),
    ],
)
def test_what_a_cadre_may_report(typed, status, tier, field):
    with pytest.raises(Invalid) as refused:
        enrolment.check_upgrade(enrolment.UpgradeForm(**typed), status, tier, MENU, TODAY)
    assert field in refused.value.errors


@pytest.mark.parametrize(
    ("typed", "status", "tier", "expected"),
    [
        (
            {"kind": "join_flexible", "base_percent": "60"},
            "resident",
            300,
            enrolment.Upgrade(OutcomeCode.join_flexible, None, 60, TODAY),
        ),
        (
            {"kind": "join_flexible", "base_percent": "300", "effective_on": "2025-07-16"},
            "stopped",
            None,
            enrolment.Upgrade(OutcomeCode.join_flexible, None, 300, date(2025, 7, 16)),
        ),
        (
            {"kind": "raise_tier", "tier": "1000", "effective_on": "2024-06-14"},
            "resident",
            300,
            enrolment.Upgrade(OutcomeCode.raise_tier, 300, 1000, date(2024, 6, 14)),
        ),
        (
            {"kind": "join_resident", "tier": "200"},
            "none",
            None,
            enrolment.Upgrade(OutcomeCode.join_resident, None, 200, TODAY),
        ),
    ],
)
def test_a_cadres_report_as_stored(typed, status, tier, expected):
    form = enrolment.UpgradeForm(**typed)
    assert enrolment.check_upgrade(form, status, tier, MENU, TODAY) == expected


# --- the count per village ---------------------------------------------------------------------


@pytest.fixture
def villages(db):
    """瓦窑村 and 河口村 in 北城街道, 玉兴村 in the other township."""
    township = factories.region_named(db, "北城街道")
    factories.region(db, "河口村", RegionLevel.village, township)
    factories.region(db, "玉兴村", RegionLevel.village, factories.region_named(db, "玉兴街道"))


def someone(db, village: str, order: int, **fields) -> Person:
    home = factories.household(db, village=village, address=f"{village}{order}号")
    return factories.person(
        db, home, name=f"村民{order}", id_number=factories.id_number(order=order), **fields
    )


def confirmed_raise(db, person: Person) -> None:
    factories.raise_reported(db, person, status=ChangeStatus.confirmed)
    db.commit()


def test_cadres_are_counted_per_village_with_a_raised_tier_apart(db, villages):
    someone(db, "瓦窑村", 101, is_cadre=True, insurance_status="employee_enterprise")
    someone(db, "瓦窑村", 103, is_cadre=True, insurance_status="employee_flexible")
    raised = someone(db, "瓦窑村", 105, is_cadre=True, insurance_status="resident")
    confirmed_raise(db, raised)
    someone(db, "瓦窑村", 107, insurance_status="employee_enterprise")  # not a cadre
    with_account = someone(db, "瓦窑村", 109, insurance_status="resident")  # not flagged
    link(db, "cai", with_account)
    someone(db, "河口村", 111, is_cadre=True)
    someone(db, "玉兴村", 113, is_cadre=True, insurance_status="employee_flexible")

    counts = enrolment.cadre_counts(db, factories.region_named(db, "北城街道").id)
    found = {c.village.name: (c.cadres, c.in_employee_pension, c.raised_tier) for c in counts}
    assert found == {"瓦窑村": (4, 2, 1), "河口村": (1, 0, 0)}


def test_a_reported_raise_is_not_counted_until_confirmed(db, as_user, cai):
    report(as_user("cai"), kind="raise_tier", tier="500")
    (line,) = enrolment.cadre_counts(db, factories.region_named(db, "瓦窑村").id)
    assert (line.cadres, line.raised_tier) == (1, 0)


def test_leads_and_admins_see_the_count_of_their_region(db, as_user, villages):
    someone(db, "瓦窑村", 101, is_cadre=True, insurance_status="employee_flexible")
    page = as_user("lee").get("/cadres")
    assert page.status_code == 200
    assert "瓦窑村" in page.text and "河口村" in page.text and "玉兴村" not in page.text
    assert as_user("alice").get("/cadres").status_code == 200
    for username in ("mei", "cai"):
        assert as_user(username).get("/cadres").status_code == 403


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans")
def test_a_citys_cadres_are_found_through_their_index_not_every_person(db, villages):
    """Through the villages the count read every person of the city (2.3 M people, 3.9 s)."""
    township = factories.region_named(db, "北城街道")
    for n in range(3):
        factories.region(db, f"新村{n}", RegionLevel.village, township)
    with query_plans(db.get_bind()) as steps:
        enrolment.cadre_counts(db, factories.region_named(db, "玉溪市").id)
    assert "SEARCH person USING COVERING INDEX ix_person_cadre (is_cadre=?)" in steps
