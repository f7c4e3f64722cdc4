"""Languages: Chinese by default, English by choice (remembered per user), every message
translated, dates and money in the zh-CN way."""

from datetime import date
from decimal import Decimal

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from app.core import i18n
from app.core.config import PROJECT_ROOT
from app.core.i18n import extract_parameter_texts
from app.domain.pension.parameters import DATA_FILE
from tests.conftest import csrf_token, sign_in


def choose(client, locale: str, next_path: str = "/account"):
    token = csrf_token(client, next_path)
    return client.post("/language", data={"locale": locale, "next": next_path, "csrf_token": token})


def test_pages_speak_chinese_by_default(client):
    page = client.get("/login").text
    assert '<html lang="zh-CN">' in page
    assert "登录社保服务先锋队" in page


def test_an_anonymous_visitor_can_switch_the_login_page_to_english(client):
    page = choose(client, "en", "/login")
    assert '<html lang="en">' in page.text
    assert "Sign in to Vanguard" in page.text


def test_a_users_language_is_remembered_across_sessions(client):
    sign_in(client, "mei")
    assert "My account" in choose(client, "en").text
    client.cookies.clear()
    sign_in(client, "mei")
    assert "My worklist" in client.get("/").text
    assert "我的账号" in choose(client, "zh_CN").text


def test_an_unknown_language_falls_back_to_chinese(client):
    sign_in(client, "mei")
    assert "我的账号" in choose(client, "fr").text


def test_money_and_dates_are_formatted_for_zh_cn():
    assert i18n.money(Decimal("1234.5"), "zh_CN") == "¥1,234.50"
    assert i18n.long_date(date(2026, 11, 29), "zh_CN") == "2026年11月29日"
    assert i18n.long_date(date(2026, 11, 29), "en") == "November 29, 2026"


def test_every_message_in_the_code_has_a_chinese_translation(tmp_path):
    template = tmp_path / "messages.pot"
    babel_cfg, root = str(PROJECT_ROOT / "babel.cfg"), str(PROJECT_ROOT)
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", babel_cfg, "-k", "N_", "-o", str(template), root]
    )
    with template.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with (PROJECT_ROOT / "app/translations/zh_CN/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert wanted - translated == set(), "run `make messages` and translate the new entries"


def test_the_shipped_parameters_notes_and_sources_are_messages_translated_into_chinese():
    with DATA_FILE.open("rb") as data:
        texts = {found[2] for found in extract_parameter_texts(data, [], [], {})}
    assert any(text.startswith("TEST ladder of pension-rules.md §1.4") for text in texts)
    assert "yuan/month" in texts and "reference gives the document year only" in texts
    _ = i18n.gettext_for("zh_CN")
    assert _("reference gives the document year only") == "参考资料只给出文件年份"
