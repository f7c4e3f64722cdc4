"""The printed walk sheet: a member's households, one sheet per village and group, with their
people, read in a few statements however many households the member carries (a city's member
may carry hundreds)."""

import pytest

from app.core.db import get_engine
from app.domain.codes import RegionLevel
from tests import factories
from tests.databases import ON_POSTGRES
from tests.query_plans import query_plans, statements

SHEET = "/worklist/sheet"
PERSON_ROW = '<td class="outcomes">'


def give_mei(db, count: int, *, start: int = 0, village: str = "瓦窑村", group: str = "第1组"):
    """``count`` more households for mei, two people in each (ID numbers from ``start``)."""
    homes = []
    for n in range(start, start + count):
        home = factories.household(db, village, address=f"{village}{n + 1}号", village_group=group)
        for order in (2 * n + 300, 2 * n + 301):
            factories.person(
                db, home, name=f"住户{order}", id_number=factories.id_number(order=order)
            )
        factories.assign(db, home, "mei")
        homes.append(home)
    return homes


def test_the_sheet_is_read_in_the_same_statements_for_two_households_or_twenty(as_user, db):
    mei = as_user("mei")
    give_mei(db, 2)
    with statements(get_engine()) as few:
        assert mei.get(SHEET).text.count(PERSON_ROW) == 4
    give_mei(db, 18, start=2)
    with statements(get_engine()) as many:
        assert mei.get(SHEET).text.count(PERSON_ROW) == 40
    assert len(many) == len(few)


def walks_the_registry(steps: list[str]) -> bool:
    """Whether a plan reads a city's households or people row by row rather than by index."""
    return any(step.startswith(("SCAN household", "SCAN person")) for step in steps)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plans")
def test_the_sheet_finds_its_households_and_people_by_index(as_user, db):
    mei = as_user("mei")
    give_mei(db, 3)
    with query_plans(get_engine()) as steps:
        mei.get(SHEET, params={"village_group": "第1组"})
    assert steps and not walks_the_registry(steps)


def test_each_village_and_group_has_its_own_sheet_and_one_group_can_be_chosen(as_user, db):
    township = factories.region_named(db, "北城街道")
    factories.region(db, "龙马村", RegionLevel.village, township)
    give_mei(db, 1, group="第1组")
    give_mei(db, 1, start=1, group="第2组")
    give_mei(db, 1, start=2, village="龙马村", group="第1组")
    mei = as_user("mei")
    sheet = mei.get(SHEET).text
    headings = [
        line.split("<h2>")[1].split(" · ")[0] for line in sheet.splitlines() if "<h2>" in line
    ]
    assert sorted(headings) == ["瓦窑村 第1组", "瓦窑村 第2组", "龙马村 第1组"]
    assert sheet.index("住户300 · ") < sheet.index("住户301 · "), "people in the order registered"
    one = mei.get(SHEET, params={"village_group": "第1组"}).text
    assert "瓦窑村1号" in one and "龙马村3号" in one and "瓦窑村2号" not in one
    assert "住户300 · " in one and "住户302" not in one
