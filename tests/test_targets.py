"""Targets: the plan's attachments seeded exactly, later years kept by admins."""

import pytest
from sqlmodel import select

from app.models import AuditEvent, Target
from tests.conftest import csrf_token
from tests.factories import region_named

# Attachment 1 (persons) and attachment 2 (yuan per person) of 玉政办发〔2022〕3号, typed from
# shared/reference/yuxi-targets.md for 2022, 2023, 2024.
ATTACHMENT_1 = {
    "市本级": (59500, 64400, 69200),
    "红塔区": (83100, 87200, 91400),
    "江川区": (21800, 23400, 25100),
    "澄江市": (21000, 23100, 25100),
    "通海县": (28900, 30700, 32500),
    "华宁县": (16800, 18300, 19800),
    "易门县": (22200, 23300, 24300),
    "峨山县": (18900, 20300, 21700),
    "新平县": (29600, 31200, 32800),
    "元江县": (19700, 20500, 21300),
    "玉溪市": (321500, 342400, 363200),
}
ATTACHMENT_2 = {
    "红塔区": (393, 443, 543),
    "江川区": (355, 405, 505),
    "澄江市": (371, 421, 521),
    "通海县": (366, 416, 516),
    "华宁县": (323, 373, 473),
    "易门县": (350, 400, 500),
    "峨山县": (332, 382, 482),
    "新平县": (323, 373, 473),
    "元江县": (325, 375, 475),
    "玉溪市": (350, 400, 500),
}
CITY_GOALS_2024 = {"participation_rate": 0.96, "employee_share": 0.30}


def expected_targets() -> set[tuple[str, str, int, float]]:
    rows = set()
    for metric, table in (
        ("employee_in_work", ATTACHMENT_1),
        ("resident_contribution_per_capita", ATTACHMENT_2),
    ):
        for unit, values in table.items():
            rows |= {
                (unit, metric, year, value)
                for year, value in zip((2022, 2023, 2024), values, strict=True)
            }
    return rows | {("玉溪市", metric, 2024, value) for metric, value in CITY_GOALS_2024.items()}


def test_every_attachment_figure_is_seeded_exactly_and_nothing_else(client, api_token):
    answer = client.get("/api/v1/targets", headers=api_token("alice")).json()
    seeded = {(t["region_name"], t["metric"], t["year"], t["value"]) for t in answer}
    assert seeded == expected_targets()
    assert len(answer) == 65


def test_the_city_total_is_the_counties_plus_city_level_units():
    for year_index in range(3):
        parts = sum(values[year_index] for unit, values in ATTACHMENT_1.items() if unit != "玉溪市")
        assert parts == ATTACHMENT_1["玉溪市"][year_index]


def test_city_level_units_have_no_resident_target(client, api_token, db):
    unit = region_named(db, "市本级")
    answer = client.get(f"/api/v1/targets?region_id={unit.id}", headers=api_token("alice")).json()
    assert {t["metric"] for t in answer} == {"employee_in_work"}


def test_the_admin_page_shows_a_years_targets(as_user):
    page = as_user("alice").get("/admin/targets?year=2024").text
    assert "2024年目标" in page
    assert "91,400人" in page
    assert "¥543.00" in page
    assert "96%" in page


def test_a_year_without_targets_says_so_instead_of_reusing_old_figures(as_user):
    page = as_user("alice").get("/admin/targets?year=2026").text
    assert "本年度无目标" in page
    assert "91,400" not in page


def test_the_year_switch_swaps_the_targets_without_the_page_frame(as_user):
    fragment = as_user("alice").get("/admin/targets?year=2023", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="targets">')
    assert "87,200人" in fragment.text
    assert "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"]


def add(client, **form):
    token = csrf_token(client, "/admin/targets")
    return client.post("/admin/targets", data={**form, "csrf_token": token}, follow_redirects=False)


def test_an_admin_adds_a_target_for_a_later_year(client, db, as_user):
    as_user("alice")
    hongta = region_named(db, "红塔区")
    response = add(
        client, region_id=hongta.id, metric="participation_rate", year="2026", value="97"
    )
    stored = db.exec(select(Target).where(Target.year == 2026)).one()
    assert response.headers["location"] == f"/admin/targets?year=2026#target-{stored.id}"
    page = client.get("/admin/targets?year=2026").text
    assert "97%" in page and "本年度无目标" not in page
    assert float(stored.value) == 0.97
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "target_added")).one()


@pytest.mark.parametrize(
    ("metric", "value", "message"),
    [
        ("participation_rate", "abc", "请输入数字。"),
        ("participation_rate", "120", "比率不能超过100%。"),
        ("employee_in_work", "100.5", "人数须为整数。"),
        ("resident_contribution_per_capita", "-5", "请输入大于零的数字。"),
        ("resident_contribution_per_capita", "500.123", "最多两位小数。"),
    ],
)
def test_a_bad_value_is_explained_and_the_form_keeps_it(
    client, db, as_user, metric, value, message
):
    as_user("alice")
    hongta = region_named(db, "红塔区")
    response = add(client, region_id=hongta.id, metric=metric, year="2026", value=value)
    assert response.status_code == 422
    assert message in response.text
    assert f'value="{value}"' in response.text
    assert db.exec(select(Target).where(Target.year == 2026)).all() == []


def test_city_level_units_cannot_get_a_resident_target(client, db, as_user):
    as_user("alice")
    unit = region_named(db, "市本级")
    response = add(
        client,
        region_id=unit.id,
        metric="resident_contribution_per_capita",
        year="2026",
        value="500",
    )
    assert "市本级只有职工养老保险目标" in response.text


def test_a_second_target_for_the_same_unit_metric_and_year_is_refused(client, db, as_user):
    as_user("alice")
    hongta = region_named(db, "红塔区")
    response = add(client, region_id=hongta.id, metric="employee_in_work", year="2024", value="1")
    assert "该单位当年已有此目标" in response.text


def hongta_2024_employee(db) -> Target:
    hongta = region_named(db, "红塔区")
    query = select(Target).where(
        Target.region_id == hongta.id, Target.metric == "employee_in_work", Target.year == 2024
    )
    return db.exec(query).one()


def test_correcting_a_target_is_audited_with_old_and_new_value(client, db, as_user):
    as_user("alice")
    target = hongta_2024_employee(db)
    token = csrf_token(client, "/admin/targets")
    client.post(f"/admin/targets/{target.id}", data={"value": "91500", "csrf_token": token})
    db.refresh(target)
    assert int(target.value) == 91500
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "target_corrected")).one()
    assert event.detail == {"old": "91400.0000", "new": "91500"}


def test_a_bad_correction_keeps_the_stored_value_and_what_was_typed(client, db, as_user):
    as_user("alice")
    target = hongta_2024_employee(db)
    token = csrf_token(client, "/admin/targets")
    response = client.post(
        f"/admin/targets/{target.id}", data={"value": "九万", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "请输入数字。" in response.text
    assert 'value="九万"' in response.text
    db.refresh(target)
    assert int(target.value) == 91400


def test_retiring_a_target_asks_first_and_says_it_cannot_be_brought_back(client, db, as_user):
    as_user("alice")
    target = hongta_2024_employee(db)
    token = csrf_token(client, "/admin/targets")
    asked = client.post(f"/admin/targets/{target.id}/retire", data={"csrf_token": token})
    assert "停用红塔区 2024年的“参加职工养老保险人数（人）”目标？" in asked.text
    assert "已停用的目标无法恢复" in asked.text and 'name="confirmed" value="1"' in asked.text
    db.refresh(target)
    assert target.retired_at is None


def test_a_retired_target_disappears_but_its_row_is_kept(client, db, as_user, api_token):
    as_user("alice")
    target = hongta_2024_employee(db)
    token = csrf_token(client, "/admin/targets")
    client.post(f"/admin/targets/{target.id}/retire", data={"csrf_token": token, "confirmed": "1"})
    assert "91,400人" not in client.get("/admin/targets?year=2024").text
    answer = client.get("/api/v1/targets?year=2024", headers=api_token("alice")).json()
    assert ("红塔区", "employee_in_work") not in {(t["region_name"], t["metric"]) for t in answer}
    db.refresh(target)
    assert target.retired_at is not None
    again = add(
        client, region_id=target.region_id, metric="employee_in_work", year="2024", value="91000"
    )
    assert again.status_code == 303, "a retired target can be replaced"
