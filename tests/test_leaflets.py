"""Leaflets (宣传单): the seeded library, safe Markdown, versions kept, public share and print
pages without personal data, QR codes that scan, the API, admin-only editing with audit rows,
and personal calculation sheets behind links that expire."""

import base64
import html
import io
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from sqlmodel import select

from app.core import clock
from app.domain.pension import default_parameters
from app.models import AuditEvent, Calculation, Leaflet, LeafletVersion, ShareLink
from app.services import leaflets
from tests.conftest import csrf_token
from tests.test_calculator import add_li, save

SEEDED = 6


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.text))


def post(client, path: str, **data):
    data = {"csrf_token": csrf_token(client, "/leaflets"), **data}
    return client.post(path, data=data, follow_redirects=False)


def new_leaflet(client, **fields) -> int:
    form = {"title": "测试宣传单", "body": "## 标题\n\n最低一档{{lowest_tier}}元。", **fields}
    response = post(client, "/admin/leaflets", **form)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def decoded_qr(page_html: str) -> str:
    """The text of the first QR code on a page (an SVG data URI), read by a QR decoder."""
    uri = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page_html).group(1)
    svg = base64.b64decode(uri).decode()
    return decode_svg(svg)


def decode_svg(svg: str) -> str:
    """Rasterise segno's one-path SVG (moves and horizontal runs) and decode it."""
    size = int(re.search(r'width="(\d+)"', svg).group(1))
    path = re.search(r' d="([^"]+)"', svg).group(1)
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    pixels = image.load()
    x = y = 0.0
    for command, number, run in re.findall(r"([Mmh])(-?[\d.]+)(?:\s*(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(number), float(run)
        elif command == "m":
            x, y = x + float(number), y + float(run)
        else:
            length = float(number)
            for px in range(int(x * scale), int((x + length) * scale)):
                for py in range(int((y - 0.5) * scale), int((y + 0.5) * scale)):
                    pixels[px, py] = 0
            x += length
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    buffer.seek(0)
    (found,) = zxingcpp.read_barcodes(Image.open(buffer))
    return found.text


# --- the seeded library ------------------------------------------------------------------------


def test_six_leaflets_are_seeded_and_published(db):
    seeded = db.exec(select(Leaflet)).all()
    assert len(seeded) >= SEEDED
    assert {leaflet.state for leaflet in seeded} == {"published"}
    titles = " ".join(leaflet.title for leaflet in seeded)
    for topic in ("档次", "灵活就业", "延长缴费", "补缴", "代缴", "转"):
        assert topic in titles


def test_seeded_figures_come_from_the_calculators_parameters(client):
    parameters = default_parameters()
    day = clock.today()
    page = text(client.get("/l/1"))
    assert "{{" not in page
    menu = parameters["resident_tier_menu"].on(day).value
    assert "、".join(str(t) for t in menu) in page
    assert f"每月{parameters['resident_basic_pension'].on(day).value}元" in page
    ladder = parameters["resident_subsidy_ladder"].on(day).value
    assert all(f"每年交{t}元，政府补贴{s}元" in page for t, s in ladder.items())
    lower, upper = parameters["employee_base_limits"].on(day).value
    assert f"{lower}元到{upper}元" in text(client.get("/l/2"))


def test_every_seeded_leaflet_fills_all_its_figures(db):
    values = leaflets.figures(default_parameters(), clock.today())
    for version in db.exec(select(LeafletVersion)):
        assert "{{" not in leaflets.fill(version.body, values), version.title


# --- Markdown, safely --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[tap](javascript:alert(1))",
        "[tap](JAVASCRIPT:alert(1))",
        "![x](javascript:alert(1))",
        "![x](https://tracker.example/pixel.png)",
        "<a href='javascript:alert(1)'>tap</a>",
        "[tap](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_markdown_lets_no_script_through(body):
    rendered = str(leaflets.as_html(body, {})).lower()
    assert "<script" not in rendered
    assert '<img src="x"' not in rendered and 'onerror="' not in rendered
    assert 'href="javascript:' not in rendered and 'src="javascript:' not in rendered
    assert 'href="data:' not in rendered and "tracker.example" not in rendered.split("alt")[0]
    assert "<a href='javascript" not in rendered


def test_markdown_keeps_what_leaflets_need():
    rendered = str(leaflets.as_html("## 谁可以参加\n\n- **一**\n\n![图](/static/icon.svg)", {}))
    assert "<h2>谁可以参加</h2>" in rendered
    assert "<strong>一</strong>" in rendered
    assert '<img src="/static/icon.svg" alt="图"' in rendered


def test_a_leaflet_with_a_script_is_shown_as_text(as_user, client):
    alice = as_user("alice")
    number = new_leaflet(alice, body="<script>alert(1)</script> {{tiers}}")
    post(alice, f"/admin/leaflets/{number}/publish")
    client.cookies.clear()
    page = client.get(f"/l/{number}")
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text


# --- the library: admin only, versions kept, audited --------------------------------------------


@pytest.mark.parametrize("username", ["lee", "mei", "cai"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/leaflets"),
        ("get", "/admin/leaflets/new"),
        ("get", "/admin/leaflets/1"),
        ("post", "/admin/leaflets"),
        ("post", "/admin/leaflets/1"),
        ("post", "/admin/leaflets/1/publish"),
        ("post", "/admin/leaflets/1/retire"),
    ],
)
def test_only_admins_edit_the_library(as_user, username, method, path):
    client = as_user(username)
    send = client.get if method == "get" else lambda p: post(client, p, title="x", body="y")
    response = send(path)
    assert response.status_code == 403


def test_publishing_makes_a_new_version_and_keeps_the_old_one(as_user, client, db):
    alice = as_user("alice")
    number = new_leaflet(alice, body="第一版：{{lowest_tier}}元")
    assert client.get(f"/l/{number}").status_code == 404  # a draft is not shared
    post(alice, f"/admin/leaflets/{number}/publish")
    response = post(
        alice, f"/admin/leaflets/{number}", title="测试宣传单", body="第二版", key_groups="7"
    )
    assert response.status_code == 303
    assert "第一版" in client.get(f"/l/{number}").text  # the edit is a draft until published
    post(alice, f"/admin/leaflets/{number}/publish")

    assert "第二版" in client.get(f"/l/{number}").text
    first = client.get(f"/l/{number}/v/1")
    assert "第一版：200元" in text(first) and "第二版" not in first.text
    assert "已更新或撤回" in text(first)
    assert client.get(f"/l/{number}/v/3").status_code == 404
    assert [
        v.version
        for v in db.exec(select(LeafletVersion).where(LeafletVersion.leaflet_id == number))
    ] == [1, 2]

    actions = db.exec(
        select(AuditEvent.action).where(AuditEvent.target == f"leaflet:{number}")
    ).all()
    assert actions == [
        "leaflet_created",
        "leaflet_published",
        "leaflet_edited",
        "leaflet_published",
    ]
    assert all(
        e.username == "alice"
        for e in db.exec(select(AuditEvent).where(AuditEvent.target == f"leaflet:{number}"))
    )


def test_a_retired_leaflet_leaves_the_list_but_delivered_links_still_open(as_user, client, db):
    alice = as_user("alice")
    assert post(alice, "/admin/leaflets/1/retire").status_code == 303
    assert "/l/1/" not in alice.get("/leaflets").text
    assert "撤回" in text(client.get("/l/1/v/1"))
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "leaflet_retired")).one()
    assert event.target == "leaflet:1"


def test_the_form_refuses_unknown_figures_and_bad_ages(as_user):
    alice = as_user("alice")
    response = post(alice, "/admin/leaflets", title="", body="{{nope}}", age_from="70", age_to="60")
    assert response.status_code == 422
    page = text(response)
    assert "nope" in page and 'aria-invalid="true"' in response.text


def test_the_admin_sees_a_preview(as_user):
    page = as_user("alice").get("/admin/leaflets/1")
    assert 'id="preview"' in page.text and "<h2>谁可以参加</h2>" in page.text


# --- members and the public pages ---------------------------------------------------------------


def test_members_pick_from_the_published_leaflets(as_user):
    page = text(as_user("mei").get("/leaflets"))
    assert page.count('href="/l/') >= SEEDED
    assert "城乡居民养老保险：选档次，拿补贴" in page
    assert 'href="/leaflets"' in as_user("mei").get("/worklist").text


def test_the_leaflet_list_needs_a_sign_in(client):
    assert client.get("/leaflets", follow_redirects=False).status_code == 303


def test_the_share_page_opens_without_login_and_carries_no_personal_data(client, db):
    add_li(db)  # a person with an ID number and a phone exists in the registry
    response = client.get("/l/1")
    assert response.status_code == 200
    page = text(response)
    assert "李秀英" not in page and "530402" not in page
    assert not re.search(r"\d{17}[\dX]", page) and not re.search(r"1[3-9]\d{9}", page)
    assert "tabbar" not in response.text  # nothing of a signed-in user's navigation


def test_the_share_page_qr_code_decodes_to_the_versioned_link(client):
    page = client.get("/l/1")
    assert decoded_qr(page.text) == "http://testserver/l/1/v/1"


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_the_print_view_renders_in_both_sizes(client, size):
    response = client.get(f"/l/1/v/1/print?size={size}")
    assert response.status_code == 200
    assert f"paper-{size}" in response.text
    assert "<h2>谁可以参加</h2>" in response.text
    assert decoded_qr(response.text) == "http://testserver/l/1/v/1"


def test_an_unknown_paper_size_prints_on_a4(client):
    assert "paper-a4" in client.get("/l/1/v/1/print?size=letter").text


# --- the API ------------------------------------------------------------------------------------


def test_the_api_lists_published_leaflets_as_api_md_says(client, api_token):
    response = client.get("/api/v1/leaflets", headers=api_token("mei"))
    assert response.status_code == 200
    body = response.json()
    assert len(body) == SEEDED
    first = body[0]
    assert set(first) == {"id", "title", "audience", "version", "share_url"}
    assert first["share_url"] == f"/l/{first['id']}" and first["version"] == 1
    assert first["audience"] == {"key_groups": [7, 8], "age_from": 16, "age_to": 59}
    assert client.get(first["share_url"]).status_code == 200


def test_the_api_needs_a_token(client):
    assert client.get("/api/v1/leaflets").status_code == 401


# --- personal calculation sheets ----------------------------------------------------------------


@pytest.fixture
def saved(as_user, db):
    """Mei saves a calculation for 李秀英 and is left signed in."""
    li = add_li(db)
    mei = as_user("mei")
    location = urlsplit(save(mei, li).headers["location"])
    (saved_id,) = parse_qs(location.query)["saved"]
    return mei, int(saved_id)


def share(client, calculation_id: int, **data):
    path = f"/calculations/{calculation_id}/sheet"
    data = {"csrf_token": csrf_token(client, path), **data}
    return client.post(f"/calculations/{calculation_id}/share", data=data)


def test_the_calculator_links_a_saved_calculation_to_its_sheet(saved):
    mei, calculation_id = saved
    page = mei.get(f"/calculator?person_id=1&saved={calculation_id}")
    assert f'href="/calculations/{calculation_id}/sheet"' in page.text


def test_a_member_shares_a_sheet_that_opens_without_login_and_shows_no_pii(saved, client, db):
    mei, calculation_id = saved
    response = share(mei, calculation_id)
    assert response.status_code == 200
    link = re.search(r'href="(http://testserver/s/[^"]+)"', response.text).group(1)
    assert decoded_qr(response.text) == link
    token = link.rsplit("/", 1)[1]
    (stored,) = db.exec(select(ShareLink)).all()
    assert stored.token_digest != token and token not in stored.token_digest
    assert (stored.expires_at - stored.created_at) == timedelta(days=30)

    client.cookies.clear()
    sheet = client.get(f"/s/{token}")
    assert sheet.status_code == 200
    page = text(sheet)
    for shown in ("每月养老金", "政府补贴", "回本", "¥"):
        assert shown in page
    assert "李秀英" not in page and "1981" not in page and "530402" not in page
    assert not re.search(r"1[3-9]\d{9}", page)
    assert "paper-a4" in sheet.text and "paper-a5" in client.get(f"/s/{token}?size=a5").text

    event = db.exec(select(AuditEvent).where(AuditEvent.action == "calculation_shared")).one()
    assert event.username == "mei" and event.target == f"calculation:{calculation_id}"


def test_an_expired_sheet_link_answers_410_with_a_friendly_page(saved, client, monkeypatch):
    mei, calculation_id = saved
    response = share(mei, calculation_id, days="1")
    token = re.search(r"/s/([A-Za-z0-9_-]+)", response.text).group(1)
    later = clock.now() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    client.cookies.clear()
    expired = client.get(f"/s/{token}")
    assert expired.status_code == 410
    assert "链接已过期" in text(expired) and "¥" not in expired.text


def test_an_unknown_sheet_link_is_not_found(client):
    assert client.get("/s/not-a-token").status_code == 404


@pytest.mark.parametrize("username", ["otto", "cai"])
def test_others_cannot_see_or_share_the_sheet(saved, client, as_user, username):
    _mei, calculation_id = saved
    client.cookies.clear()
    other = as_user(username)
    assert other.get(f"/calculations/{calculation_id}/sheet").status_code in (403, 404)
    assert share(other, calculation_id).status_code in (403, 404)


def test_the_lead_of_the_region_may_open_the_sheet(saved, client, as_user):
    _mei, calculation_id = saved
    client.cookies.clear()
    assert as_user("lee").get(f"/calculations/{calculation_id}/sheet").status_code == 200


def test_a_missing_calculation_is_not_found(as_user, db):
    assert db.exec(select(Calculation)).first() is None
    assert as_user("mei").get("/calculations/99/sheet").status_code == 404


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload_image(client, leaflet_id: int, name: str, content: bytes):
    token = csrf_token(client, f"/admin/leaflets/{leaflet_id}")
    return client.post(
        f"/admin/leaflets/{leaflet_id}/images",
        data={"csrf_token": token},
        files={"image": (name, content)},
    )


def test_an_admin_uploads_a_picture_that_a_published_leaflet_shows(as_user, client):
    as_user("alice")
    page = upload_image(client, 1, "tiers.png", PNG)
    assert page.status_code == 200
    path = re.search(r"\(/leaflet-images/(\d+)\)", page.text).group(0)[1:-1]
    picture = client.get(path)
    assert (picture.status_code, picture.headers["content-type"]) == (200, "image/png")
    assert picture.content == PNG
    html = leaflets.as_html(f"![档次表]({path})", {})
    assert f'<img src="{path}" alt="档次表"' in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.png", b"<svg onload=alert(1)>", "请上传PNG、JPEG或GIF图片"),
        ("big.png", PNG + b"\x00" * (1024 * 1024), "图片超过1 MB"),
    ],
)
def test_a_wrong_or_large_picture_is_refused(as_user, client, name, content, message):
    as_user("alice")
    page = upload_image(client, 1, name, content)
    assert page.status_code == 422
    assert message in page.text


def test_only_admins_upload_pictures(as_user, client):
    as_user("lee")
    assert upload_image(client, 1, "x.png", PNG).status_code == 403
