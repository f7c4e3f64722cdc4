"""The installable app: its manifest and icons, the service worker served at the root with the
current static URLs to keep, the offline fallback page, and the pages a member keeps on the
phone for reading without signal (issue 11)."""

import json
import re
from datetime import timedelta

import pytest
from PIL import Image

from app.core import clock
from app.core.templating import STATIC_DIR
from app.services.offline_copies import IN_FLIGHT
from tests.factories import assign, household, id_number, person, visit
from tests.test_calculator import add_figure

SHELL_LINE = re.compile(r"^const SHELL = (\[.*\]);$", re.MULTILINE)
VERSION_LINE = re.compile(r'^const VERSION = "([0-9a-f]{12})";$', re.MULTILINE)
STATIC_URL = re.compile(r'"(/static/[^"?]+\?v=[0-9a-f]+)"')


def shell_of(script: str) -> list[str]:
    return json.loads(SHELL_LINE.search(script).group(1))


def test_the_manifest_installs_the_app_in_chinese_on_the_whole_site(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == manifest["short_name"] == "社保先锋队"
    assert (manifest["lang"], manifest["start_url"], manifest["scope"]) == ("zh-CN", "/", "/")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#b4232a"
    assert manifest["background_color"]


def test_the_manifest_icons_are_small_pngs_of_the_sizes_they_claim(client):
    icons = client.get("/manifest.webmanifest").json()["icons"]
    assert {icon["sizes"] for icon in icons} >= {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in icons)
    for icon in icons:
        assert client.get(icon["src"]).status_code == 200
        path = STATIC_DIR / icon["src"].removeprefix("/static/").split("?")[0]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert "x".join(map(str, image.size)) == icon["sizes"]
        assert path.stat().st_size < 10_000


def test_the_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    assert VERSION_LINE.search(response.text)


def test_the_worker_keeps_the_exact_static_urls_pages_ask_for(as_user):
    mei = as_user("mei")
    shell = shell_of(mei.get("/sw.js").text)
    asked_for = set(STATIC_URL.findall(mei.get("/worklist").text))
    assert asked_for  # the stylesheet, htmx, pwa.js, offline.js …
    assert asked_for <= set(shell)
    assert "/offline" in shell
    for url in shell:
        assert mei.get(url).status_code == 200


def test_the_offline_page_opens_without_signing_in(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert "data-offline-page" in response.text


@pytest.fixture
def mei_and_ming(db):
    """Mei's household: an adult without pension, a pensioner and a child; Ming's household."""
    mine = household(db, address="瓦窑村8号")
    adult = person(db, mine, name="王梅", id_number=id_number(born="19800101", order=124))
    retired = person(
        db,
        mine,
        name="王老",
        id_number=id_number(born="19500101", order=125),
        insurance_status="receiving",
    )
    child = person(db, mine, name="王小", id_number=id_number(born="20180101", order=126))
    assign(db, mine, "mei")
    other = household(db, address="瓦窑村9号")
    stranger = person(db, other, name="李明", id_number=id_number(born="19810101", order=127))
    assign(db, other, "ming")
    return {
        "mine": mine,
        "adult": adult,
        "retired": retired,
        "child": child,
        "other": other,
        "stranger": stranger,
    }


def test_a_member_keeps_her_worklist_households_and_eligible_peoples_calculations(
    as_user, mei_and_ming
):
    response = as_user("mei").get("/offline/urls")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    urls = response.json()["urls"]
    home = mei_and_ming["mine"].id
    assert urls[0] == "/worklist"
    assert f"/households/{home}" in urls
    assert f"/households/{home}/visits/new" in urls
    assert f"/calculator?person_id={mei_and_ming['adult'].id}" in urls
    assert "/leaflets" in urls
    assert any(url.startswith("/l/") for url in urls)
    for url in urls:
        assert as_user("mei").get(url).status_code == 200, url


def test_a_member_keeps_the_calculator_tab_that_offline_lists_the_people_kept(as_user):
    assert "/calculator" in as_user("mei").get("/offline/urls").json()["urls"]


def test_a_member_keeps_nothing_of_anyone_elses_households_or_the_ineligible(as_user, mei_and_ming):
    urls = as_user("mei").get("/offline/urls").json()["urls"]
    assert not any(url.startswith(f"/households/{mei_and_ming['other'].id}") for url in urls)
    for name in ("stranger", "retired", "child"):
        assert f"/calculator?person_id={mei_and_ming[name].id}" not in urls


def test_leads_and_admins_keep_only_the_leaflets(as_user, mei_and_ming):
    urls = as_user("lee").get("/offline/urls").json()["urls"]
    assert urls[0] == "/leaflets"
    assert all(url.startswith("/l") for url in urls)


def test_cadres_and_callers_not_signed_in_get_no_offline_list(client, as_user):
    anonymous = client.get("/offline/urls", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login")
    assert as_user("cai").get("/offline/urls").status_code == 403


# --- the background refresh fetches only what changed since the last one ----------------------


@pytest.fixture
def ticking(monkeypatch):
    """A clock at noon today that moves on only when told to (past the look-back a refresh
    allows records still being written)."""
    moment = [clock.start_of(clock.today()) + timedelta(hours=12)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])

    def later() -> None:
        moment[0] += IN_FLIGHT + timedelta(minutes=1)

    return later


def refreshed(client, since: str = "") -> dict:
    return client.get("/offline/urls", params={"since": since} if since else {}).json()


def test_a_first_refresh_fetches_every_page_and_an_unchanged_list_fetches_none(
    as_user, mei_and_ming, ticking
):
    mei = as_user("mei")
    first = refreshed(mei)
    assert first["changed"] == [url for url in first["urls"] if not url.startswith("/l/")], (
        "a published leaflet version never changes: fetched once, when it is not kept yet"
    )
    ticking()
    again = refreshed(mei, first["synced"])
    assert again["urls"] == first["urls"]
    assert again["changed"] == []


def test_a_visit_refetches_its_household_and_the_worklist_only(as_user, db, mei_and_ming, ticking):
    quiet = household(db, address="瓦窑村7号")
    assign(db, quiet, "mei")
    mei = as_user("mei")
    ticking()
    synced = refreshed(mei)["synced"]
    ticking()
    home, adult = mei_and_ming["mine"], mei_and_ming["adult"]
    visit(db, home, [adult], by="mei")
    ticking()
    changed = refreshed(mei, synced)["changed"]
    assert changed == [
        "/worklist",
        f"/households/{home.id}",
        f"/households/{home.id}/visits/new",
        f"/calculator?person_id={adult.id}",
    ]


def test_a_household_moved_away_leaves_the_phone(as_user, db, mei_and_ming, ticking):
    mei = as_user("mei")
    synced = refreshed(mei)["synced"]
    ticking()
    home = mei_and_ming["mine"]
    assign(db, home, "ming")
    answer = refreshed(mei, synced)
    assert not any(str(home.id) in url for url in answer["urls"] if url.startswith("/households"))
    assert answer["changed"] == ["/worklist"], "the worklist without it is fetched again"


def test_another_users_or_a_spoilt_mark_fetches_everything(as_user, mei_and_ming, ticking):
    lees = refreshed(as_user("lee"))["synced"]
    mei = as_user("mei")
    everything = refreshed(mei)["changed"]
    for mark in (lees, "nonsense", "1~2~3~4"):
        assert refreshed(mei, mark)["changed"] == everything


def test_a_renamed_person_refetches_the_worklist_that_is_searched_by_names(
    as_user, db, mei_and_ming, ticking
):
    mei = as_user("mei")
    synced = refreshed(mei)["synced"]
    ticking()
    adult = mei_and_ming["adult"]
    adult.name, adult.updated_at = "王梅梅", clock.now()
    db.add(adult)
    db.commit()
    ticking()
    assert "/worklist" in refreshed(mei, synced)["changed"]


def test_new_pension_parameters_refetch_the_calculator_tab_and_every_calculation(
    as_user, mei_and_ming, ticking
):
    synced = refreshed(as_user("mei"))["synced"]
    ticking()
    add_figure(as_user("alice"), "resident_basic_pension", value="183")
    ticking()
    assert refreshed(as_user("mei"), synced)["changed"] == [
        "/calculator",
        f"/calculator?person_id={mei_and_ming['adult'].id}",
    ]
