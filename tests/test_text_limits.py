"""Nothing typed is cut, through the pages, the API and imports alike: what is longer than its
column holds is refused with the limit named, the form showing what was typed and nothing
stored; names with emoji are refused; 生僻字 and minority names are stored whole. Every column
with a length is either checked where it is typed or never typed at all."""

import pytest
from sqlmodel import SQLModel, select

import app.models
from app.domain.registry import HOUSEHOLD_TEXT, LENGTHS
from app.domain.statistics import SOURCE_LENGTH
from app.domain.visits import NOTES_LENGTH, REASON_LENGTH
from app.models import Household, Person, Team, User, Visit
from app.services import enrolment, quality
from app.services.accounts import DISPLAY_NAME_LENGTH, TEAM_NAME_LENGTH
from tests.conftest import csrf_token
from tests.factories import assign, household, person, region_named
from tests.sheets import as_csv, person_row
from tests.test_admin_users import new_user_form, post_new_user
from tests.test_enrolment_changes import post, reported
from tests.test_households import post_household
from tests.test_imports import upload
from tests.test_people import NUMBER
from tests.test_people import add as add_person
from tests.test_visit_pages import post_visit, visit_form


@pytest.fixture
def home(db):
    return household(db, "瓦窑村", address="瓦窑村12号")


def api_person(client, headers, home, **body):
    body = {"name": "王大海", "id_number": NUMBER, **body}
    return client.post(f"/api/v1/households/{home.id}/people", json=body, headers=headers)


def problems(answer) -> dict[str, str]:
    assert answer.status_code == 422
    return {error["loc"][-1]: error["msg"] for error in answer.json()["detail"]}


# --- the pages -----------------------------------------------------------------------------


def test_an_over_long_name_is_refused_with_the_limit_and_kept_in_the_form(as_user, db, home):
    typed = "王" * 61
    page = add_person(as_user("lee"), home, name=typed, occupation="外卖骑手")
    assert page.status_code == 422
    assert "最多60个字，现在有61个字。" in page.text
    assert f'value="{typed}"' in page.text and 'value="外卖骑手"' in page.text
    assert db.exec(select(Person)).all() == []


def test_a_name_with_emoji_is_refused_naming_them(as_user, db, home):
    page = add_person(as_user("lee"), home, name="王😀芳👍")
    assert page.status_code == 422
    assert "姓名里不能有表情或符号，请删去：😀、👍。" in page.text
    assert 'value="王😀芳👍"' in page.text
    assert db.exec(select(Person)).all() == []


@pytest.mark.parametrize("name", ["𠇔", "阿依古丽·买买提"])
def test_rare_characters_and_minority_names_are_stored_whole(as_user, db, home, name):
    assert add_person(as_user("lee"), home, name=name).status_code == 303
    assert db.exec(select(Person.name)).one() == name
    assert name in as_user("lee").get(f"/households/{home.id}").text


def test_the_limit_counts_characters_not_bytes(as_user, db, home):
    full = "𠇔" * LENGTHS["name"]  # 240 bytes in UTF-8: the column holds 60 characters
    assert add_person(as_user("lee"), home, name=full).status_code == 303
    assert db.exec(select(Person.name)).one() == full


def test_a_five_thousand_character_address_is_refused_not_cut(as_user, db):
    village = region_named(db, "瓦窑村")
    page = post_household(as_user("lee"), village_id=village.id, address="路" * 5000, grid="三网格")
    assert page.status_code == 422
    assert "最多200个字，现在有5000个字。" in page.text
    assert 'value="三网格"' in page.text
    assert db.exec(select(Household)).all() == []


def test_an_account_name_with_emoji_or_too_long_is_refused(client, db, as_user):
    as_user("alice")
    page = post_new_user(client, new_user_form(db, display_name="小李👍"))
    assert page.status_code == 422 and "请删去：👍" in page.text
    page = post_new_user(client, new_user_form(db, display_name="李" * 61))
    assert "最多60个字，现在有61个字。" in page.text
    assert db.exec(select(User).where(User.username == "xiaoli")).first() is None


def test_an_over_long_team_name_is_refused_not_cut(as_user, db):
    admin = as_user("alice")
    token = csrf_token(admin, "/admin/teams")
    township = region_named(db, "北城街道")
    typed = "队" * 61
    page = admin.post(
        "/admin/teams", data={"name": typed, "region_id": township.id, "csrf_token": token}
    )
    assert page.status_code == 422
    assert "最多60个字，现在有61个字。" in page.text and f'value="{typed}"' in page.text
    assert db.exec(select(Team).where(Team.name.startswith("队"))).first() is None


def test_a_rejections_note_past_its_limit_is_refused_naming_it(as_user, db, home):
    assign(db, home, "mei")
    wang = person(db, home, name="王芳", insurance_status="resident", resident_tier="200")
    change = reported(db, wang, from_value="200", to_value="500")
    note = "查" * (enrolment.NOTE_LENGTH + 1)
    page = post(as_user("lee"), f"/changes/{change.id}/reject", note=note)
    assert page.status_code == 422
    assert "最多200个字，现在有201个字。" in page.text and note in page.text
    db.refresh(change)
    assert change.decision_note == ""


def test_an_over_long_address_in_an_imported_list_is_a_row_error(as_user, db):
    page = upload(as_user("lee"), as_csv([person_row(address="路" * 201)]), dry_run=False)
    assert "最多200个字，现在有201个字。" in page.text
    assert db.exec(select(Person)).all() == []


# --- the API -------------------------------------------------------------------------------


def test_the_api_answers_422_naming_an_over_long_name(client, api_token, db, home):
    answer = api_person(client, api_token("lee"), home, name="王" * 10_000)
    assert problems(answer) == {"name": "最多60个字，现在有10000个字。"}
    in_english = {**api_token("lee"), "Accept-Language": "en"}
    english = api_person(client, in_english, home, name="王" * 61)
    assert problems(english) == {"name": "At most 60 characters: this has 61."}
    assert db.exec(select(Person)).all() == []


def test_the_api_refuses_a_name_with_emoji(client, api_token, db, home):
    answer = api_person(client, api_token("lee"), home, name="王😀芳👍")
    assert problems(answer) == {"name": "姓名里不能有表情或符号，请删去：😀、👍。"}


def test_the_api_stores_rare_characters_whole(client, api_token, db, home):
    answer = api_person(client, api_token("lee"), home, name="𠇔")
    assert answer.status_code == 201 and answer.json()["name"] == "𠇔"


def test_the_api_answers_422_naming_an_over_long_address(client, api_token, db):
    body = {"village_id": region_named(db, "瓦窑村").id, "address": "路" * 5000}
    answer = client.post("/api/v1/households", json=body, headers=api_token("lee"))
    assert problems(answer) == {"address": "最多200个字，现在有5000个字。"}
    assert db.exec(select(Household)).all() == []


def test_a_note_on_many_lines_counts_each_line_end_once_as_the_phone_does(as_user, db, home):
    """A browser sends a textarea's line ends as CRLF; the phone counted each as one, and so
    does the limit: a note the phone let through is not refused for its line ends."""
    assign(db, home, "mei")
    mei = as_user("mei")
    note = "\r\n".join(["王芳愿意提档"] * 143)  # 1 000 characters as the phone counts them
    nobody = {"reached": "no", "not_reached_reason": "nobody_home", "notes": note}
    answer = post_visit(mei, home, visit_form(mei, home) | nobody)
    assert answer.status_code == 303
    assert db.exec(select(Visit)).one().notes == note.replace("\r\n", "\n")


# --- the searches ---------------------------------------------------------------------------

SEARCH_TOO_LONG = "一次最多搜索200个字，现在有%s个字。请缩短后再搜索。"


def test_a_household_search_too_long_says_so_and_keeps_what_was_typed(as_user, db, home):
    client = as_user("lee")
    typed = "瓦窑村12号" + "路" * 195  # 201 characters, starting with a real address
    page = client.get("/households", params={"q": typed}).text
    assert SEARCH_TOO_LONG % 201 in page
    assert f'value="{typed}"' in page
    assert "瓦窑村12号</span>" not in page, "nothing is found for a search cut short"
    rows = client.get("/households", params={"q": typed}, headers={"HX-Request": "true"})
    assert SEARCH_TOO_LONG % 201 in rows.text and 'role="alert" id="q-too-long"' in rows.text
    found = client.get("/households", params={"q": "路" * 200}).text
    assert "一次最多搜索" not in found and 'value="' + "路" * 200 + '"' in found


def test_the_api_refuses_a_household_search_too_long_naming_it(client, api_token, db, home):
    answer = client.get("/api/v1/households?q=" + "路" * 201, headers=api_token("lee"))
    assert problems(answer) == {"q": SEARCH_TOO_LONG % 201}


def test_a_worklist_search_too_long_says_so_and_is_not_remembered(as_user, db, home):
    assign(db, home, "mei")
    client = as_user("mei")
    client.get("/worklist?q=瓦窑村")
    typed = "瓦窑村" * 70
    page = client.get("/worklist", params={"q": typed}).text
    assert SEARCH_TOO_LONG % 210 in page
    assert f'value="{typed}"' in page and "尚未联系 · " not in page
    again = client.get("/worklist").text
    assert 'value="瓦窑村"' in again and "尚未联系 · 1" in again


def test_an_audit_search_too_long_says_so_and_finds_nothing(as_user, db):
    typed = "household:" + "3" * 111  # 121 characters: the log holds 120
    page = as_user("alice").get("/admin/audit", params={"target": typed}).text
    assert "一次最多搜索120个字，现在有121个字。请缩短后再搜索。" in page
    assert f'value="{typed}"' in page and '<li id="audit-' not in page


# --- every column with a length --------------------------------------------------------------

# Each column people type into, with the limit the code refuses past (tested where it is typed).
TYPED = {
    "person.name": LENGTHS["name"],
    "person.occupation": LENGTHS["occupation"],
    **{f"household.{name}": LENGTHS[name] for name in HOUSEHOLD_TEXT},
    "user_account.display_name": DISPLAY_NAME_LENGTH,
    "team.name": TEAM_NAME_LENGTH,
    "visit.notes": NOTES_LENGTH,
    "outcome.reason": REASON_LENGTH,
    "enrolment_change.decision_note": enrolment.NOTE_LENGTH,
    "quality_review.note": quality.NOTE_LENGTH,
    "official_figure.source": SOURCE_LENGTH,
    "leaflet.title": 120,  # refused past 120 in app.services.leaflets, message naming it
    "leaflet_version.title": 120,  # the leaflet's title, as published
    "parameter_entry.source": 300,  # app.services.parameters refuses longer, naming the limit
    "parameter_entry.note": 500,
    "parameter_entry.value": 2000,
}
# Columns nobody types free text into: codes from a list, parsed identifiers, digests, what
# the system writes itself, and the user name (its own pattern of 3–40 characters).
NOT_TYPED = {
    "login_attempt.username",  # what was tried, cut to the column: a log, not a record
    "login_attempt.address",
    "login_attempt.device",  # the id the server put in a signed cookie
    "region.name",
    "region.level",
    "region.code",
    "target.metric",
    "target.source",
    "user_account.username",
    "user_account.password_hash",
    "user_account.role",
    "user_account.locale",
    "audit.username",
    "audit.action",
    "audit.target",
    "audit.address",
    "auth_session.token_hash",
    "auth_session.kind",
    "follow_up_interval.key",
    "household.kind",
    "household.credit_code",
    "household.phone",
    "import_job.filename",  # the uploaded file's own name, shown as a label
    "import_job.status",
    "import_job.failure",
    "leaflet.state",
    "official_figure.kind",
    "official_figure.batch",
    "parameter_entry.series",
    "parameter_entry.region",
    "parameter_entry.confidence",
    "quality_review.kind",
    "report.status",
    "assignment.kind",
    "leaflet_image.filename",
    "leaflet_image.content_type",
    "person.id_number_encrypted",
    "person.id_number_index",
    "person.id_number_masked",
    "person.id_number_flags",
    "person.sex",
    "person.phone",
    "person.relation",
    "person.insurance_status",
    "report_document.format",
    "report_document.locale",
    "visit.client_uuid",
    "visit.channel",
    "visit.not_reached_reason",
    "visit.source",
    "calculation.parameters_version",
    "import_review.status",
    "outcome.client_uuid",
    "outcome.code",
    "person_subsidy.category",
    "enrolment_change.kind",
    "enrolment_change.status",
    "share_link.token_digest",
    "visit_step.client_uuid",
    "visit_step.kind",
    "visit_step.leaflet_medium",
}


def column_lengths() -> dict[str, int]:
    assert app.models  # every table registered
    return {
        f"{table.name}.{column.name}": column.type.length
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if getattr(column.type, "length", None)
    }


def test_every_column_with_a_length_is_checked_where_it_is_typed_or_never_typed():
    lengths = column_lengths()
    unaccounted = set(lengths) - set(TYPED) - NOT_TYPED
    assert not unaccounted, "say where these are typed and checked, or that they are not"
    assert {name: lengths[name] for name in TYPED} == TYPED


def test_the_api_schema_states_the_limits_the_rules_refuse_past(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    stated = {
        f"{model}.{name}": field["maxLength"]
        for model in ("PersonIn", "HouseholdIn", "VisitIn", "OutcomeIn")
        for name, field in schemas[model]["properties"].items()
        if "maxLength" in field
    }
    assert stated == {
        "PersonIn.name": 60,
        "PersonIn.occupation": 200,
        "HouseholdIn.address": 200,
        "HouseholdIn.household_key": 40,
        "HouseholdIn.village_group": 60,
        "HouseholdIn.grid": 60,
        "HouseholdIn.notes": 1000,
        "HouseholdIn.entity_name": 100,
        "VisitIn.notes": 1000,
        "OutcomeIn.reason": 200,
    }


def test_the_command_line_says_why_it_refuses_an_account_name(db, monkeypatch, capsys):
    from app import cli

    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: "a-long-password")
    typed = ["create-user", "--username", "chief", "--name", "局" * 61, "--region-code", "530400"]
    with pytest.raises(SystemExit):
        cli.main(typed)
    assert "display_name: At most 60 characters: this has 61." in capsys.readouterr().err
    assert db.exec(select(User).where(User.username == "chief")).first() is None
