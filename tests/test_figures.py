"""One figure, one meaning (docs/figures.md): for one unit and year, the dashboard, /team,
/cadres, GET /api/v1/metrics and a progress report give each shared figure the same value."""

import re

import pytest
from sqlmodel import select

from app.core import clock
from app.core.i18n import gettext_for
from app.domain.codes import ChangeStatus, OutcomeCode
from app.domain.visits import StepForm
from app.labels import WORK_FIGURES
from app.models import EnrolmentChange, Team
from app.services import enrolment
from tests.factories import (
    assign,
    household,
    id_number,
    person,
    raise_reported,
    region_named,
    user_id,
    user_named,
    visit,
)

# What the scenario below adds up to, figure by figure.
EXPECTED = {
    "households": 3,
    "households_assigned": 3,
    "eligible_people": 4,  # 王芳, 李强, 蔡国华, 张伟: not the grandmother (pension) or the child
    "people_contacted": 3,  # 王芳, 张伟 and the grandmother, who is not eligible
    "three_ones_complete": 1,  # 王芳
    "enrolment_changes_confirmed": 1,  # 张伟's; 李强's raise is only reported
    "cadres": 2,  # 蔡国华 and 张伟
    "cadres_in_employee_pension": 2,  # 蔡国华 always was; 张伟 joined this year
    "cadres_upgraded": 1,  # 张伟
    "follow_ups_overdue": 0,
}


@pytest.fixture
def beicheng(db):
    """北城街道's three households, all held by 北城一队 (mei two, ming one), worked this year."""
    order = iter(range(201, 999, 2))

    def someone(home, name, **fields):
        fields.setdefault("id_number", id_number(order=next(order)))
        return person(db, home, name=name, **fields)

    wangs = household(db, address="瓦窑村1号")
    assign(db, wangs, "mei")
    wang = someone(wangs, "王芳")
    grandmother = someone(
        wangs,
        "王奶奶",
        id_number=id_number(born="19500101", order=203),
        insurance_status="receiving",
    )
    someone(wangs, "王小明", id_number=id_number(born="20150101", order=205))
    steps = [StepForm(person_id=str(wang.id), kind=kind) for kind in ("calculation", "leaflet")]
    visit(db, wangs, [wang, grandmother], by="mei", steps=steps)

    lis = household(db, address="瓦窑村2号")
    assign(db, lis, "mei")
    li = someone(lis, "李强", insurance_status="resident", resident_tier="200")
    someone(
        lis,
        "蔡国华",
        id_number=id_number(born="19750302", order=131),
        insurance_status="employee_enterprise",
        is_cadre=True,
    )
    raise_reported(db, li)
    db.commit()

    zhangs = household(db, address="瓦窑村3号")
    assign(db, zhangs, "ming")
    zhang = someone(zhangs, "张伟", is_cadre=True)
    visit(db, zhangs, [zhang], by="ming")
    joined = EnrolmentChange(
        person_id=zhang.id,
        kind=OutcomeCode.join_flexible,
        to_value=60,
        effective_on=clock.today(),
        reported_by_id=user_id(db, "ming"),
        reported_at=clock.now(),
    )
    db.add(joined)
    db.commit()
    enrolment.confirm(db, joined, by=user_named(db, "lee"))
    assert db.get(EnrolmentChange, joined.id).status == ChangeStatus.confirmed
    return region_named(db, "北城街道")


def shown(html: str) -> dict[str, int]:
    """The figures an HTML fragment shows, by their data-figure name."""
    found = re.findall(r'data-figure="(\w+)">([\d,]+)<', html)
    return {key: int(value.replace(",", "")) for key, value in found}


def on_dashboard(client, year: int) -> dict[str, int]:
    page = client.get(f"/dashboard?year={year}").text
    return shown(page.split('id="work"')[1].split("</section>")[0])


def in_teams_table(client, year: int, team: Team) -> dict[str, int]:
    """The team's line of the dashboard's teams table, read by the figures' labels."""
    page = client.get(f"/dashboard?year={year}").text
    table = page.split('id="teams-table"')[1].split("</table>")[0]
    headings = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)
    line = next(r for r in table.split("<tr")[1:] if 'class="total"' in r and team.name in r)
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", line, re.S)
    ]
    zh = gettext_for("zh_CN")
    by_label = {zh(figure.label): key for key, figure in WORK_FIGURES.items()}
    return {
        by_label[heading]: int(cell)
        for heading, cell in zip(headings, cells, strict=True)
        if heading in by_label
    }


def on_team_page(client, team: Team) -> dict[str, int]:
    page = client.get("/team").text
    return shown(page.split(f'data-team-id="{team.id}"')[1].split("</details>")[0])


def on_cadres_page(client) -> dict[str, int]:
    return shown(client.get("/cadres").text)


def from_api(client, headers, year: int) -> dict[str, int]:
    work = client.get("/api/v1/metrics", params={"year": year}, headers=headers).json()["work"]
    return {key: work[key] for key in EXPECTED}


def in_report(client, headers, region, year: int, row_name: str) -> dict[str, int]:
    body = {
        "region_id": region.id,
        "period_start": f"{year}-01-01",
        "period_end": f"{year}-12-31",
        "publish": False,
    }
    made = client.post("/api/v1/reports", json=body, headers=headers)
    assert made.status_code == 201, made.text
    row = next(row for row in made.json()["rows"] if row["name"] == row_name)
    counts = row["counts"]
    return {
        "eligible_people": counts["eligible_people"],
        "people_contacted": counts["people_contacted"],
        "three_ones_complete": counts["three_ones_complete"],
        "enrolment_changes_confirmed": counts["changes_confirmed"],
    }


def test_every_page_the_api_and_the_reports_give_each_figure_the_same_value(
    db, client, api_token, as_user, beicheng
):
    year = clock.today().year
    first_team = db.exec(select(Team).where(Team.name == "北城一队")).one()
    as_alice = api_token("alice")
    sources = {
        "api": from_api(client, api_token("lee"), year),
        "county report": in_report(client, as_alice, region_named(db, "红塔区"), year, "北城街道"),
        "township report": in_report(client, as_alice, beicheng, year, "北城一队"),
    }
    lee = as_user("lee")
    sources |= {
        "dashboard": on_dashboard(lee, year),
        "dashboard's teams table": in_teams_table(lee, year, first_team),
        "/team": on_team_page(lee, first_team),
        "/cadres": on_cadres_page(lee),
    }
    for figure, expected in EXPECTED.items():
        found = {name: values[figure] for name, values in sources.items() if figure in values}
        assert found == dict.fromkeys(found, expected), figure
    shared = {
        "dashboard": len(EXPECTED),
        "dashboard's teams table": 7,
        "/team": 5,
        "/cadres": 2,
        "api": len(EXPECTED),
    }
    for name, count in shared.items():
        assert len(set(sources[name]) & set(EXPECTED)) == count, f"{name} shows its figures"


def test_each_figure_has_one_label_and_its_note_on_every_page(db, as_user, beicheng):
    lee = as_user("lee")
    pages = [lee.get(path).text for path in ("/dashboard", "/team", "/cadres")]
    dashboard, team, cadres = pages
    for figure in ("eligible_people", "people_contacted", "three_ones_complete"):
        labels = {
            re.search(rf'<dt>([^<]+)</dt><dd data-figure="{figure}"', page).group(1)
            for page in (dashboard, team)
        }
        assert len(labels) == 1, figure
    assert "应做“三个一”人数" in dashboard and "已联系人数" in team
    for page in pages:
        assert "<summary>说明</summary>" in page
    assert "参加职工养老保险的村干部" in dashboard and "参加职工养老保险的村干部" in cadres
    assert "不论其是否需要做“三个一”" in dashboard and "不论其是否需要做“三个一”" in team
