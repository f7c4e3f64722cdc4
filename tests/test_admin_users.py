"""Admins create, deactivate and reactivate accounts and reset passwords."""

import pytest
from sqlmodel import delete, select

from app.models import Assignment, AuditEvent, AuthSession, TeamMembership, User
from tests.conftest import csrf_token, sign_in
from tests.factories import assign, household, region_named, user_id

HTMX = {"HX-Request": "true"}


def new_user_form(db, **overrides) -> dict:
    township = region_named(db, "北城街道")
    form = {
        "username": "xiaoli",
        "display_name": "小李",
        "role": "member",
        "region_id": str(township.id),
        "team_ids": ["1"],
        "password": "a-long-password",
    }
    return form | overrides


def post_new_user(client, form: dict):
    token = csrf_token(client, "/admin/users/new")
    return client.post("/admin/users", data={**form, "csrf_token": token}, follow_redirects=False)


def test_admin_creates_a_member_who_can_then_sign_in(client, db, as_user):
    as_user("alice")
    response = post_new_user(client, new_user_form(db))
    assert response.status_code == 303
    created = db.exec(select(User).where(User.username == "xiaoli")).one()
    assert created.role == "member"
    teams = db.exec(select(TeamMembership.team_id).where(TeamMembership.user_id == created.id))
    assert list(teams) == [1]
    assert "小李" in client.get("/admin/users").text
    client.cookies.clear()
    assert sign_in(client, "xiaoli", "a-long-password").status_code == 303


def test_creating_a_user_is_audited(client, db, as_user):
    as_user("alice")
    post_new_user(client, new_user_form(db))
    created = select(AuditEvent).where(
        AuditEvent.action == "user_created", AuditEvent.username == "alice"
    )
    event = db.exec(created).one()
    assert event.username == "alice"
    assert event.detail["role"] == "member"


def test_a_bad_form_keeps_what_was_typed_and_says_what_is_wrong(client, db, as_user):
    as_user("alice")
    form = new_user_form(db, username="Mei", password="short", team_ids=[])
    response = post_new_user(client, form)
    assert response.status_code == 422
    page = response.text
    assert "该用户名已被使用" in page
    assert "队员只能属于一个队伍" in page
    assert "至少10个字符" in page
    assert 'value="Mei"' in page
    assert 'value="小李"' in page
    assert db.exec(select(User).where(User.display_name == "小李")).first() is None


def test_a_cadre_must_belong_to_a_village(client, db, as_user):
    as_user("alice")
    form = new_user_form(db, role="cadre", team_ids=[])
    assert "村干部须属于某个村或社区" in post_new_user(client, form).text


def test_a_lead_needs_a_team_and_an_admin_none(client, db, as_user):
    as_user("alice")
    assert (
        "队长至少带领一个队伍"
        in post_new_user(client, new_user_form(db, role="lead", team_ids=[])).text
    )
    assert "只有队长和队员属于队伍" in post_new_user(client, new_user_form(db, role="admin")).text


def test_deactivating_a_user_signs_them_out_and_keeps_them_out(client, db, as_user):
    other = type(client)(client.app)
    assert sign_in(other, "ming").status_code == 303
    as_user("alice")
    token = csrf_token(client, "/admin/users")
    ming = user_id(db, "ming")
    client.post(
        f"/admin/users/{ming}/active", data={"active": "0", "confirmed": "1", "csrf_token": token}
    )
    assert other.get("/", follow_redirects=False).status_code == 303
    assert sign_in(other, "ming").status_code == 400
    client.post(f"/admin/users/{ming}/active", data={"active": "1", "csrf_token": token})
    assert sign_in(other, "ming").status_code == 303


def test_an_admin_cannot_deactivate_themselves(client, db, as_user):
    as_user("alice")
    token = csrf_token(client, "/admin/users")
    response = client.post(
        f"/admin/users/{user_id(db, 'alice')}/active",
        data={"active": "0"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert "不能停用自己的账号" in response.text
    assert db.get(User, user_id(db, "alice")).is_active


def test_a_password_reset_is_confirmed_first(client, db, as_user):
    as_user("alice")
    page = client.get(f"/admin/users/{user_id(db, 'ming')}/password").text
    assert "确定为明队员（ming）生成新的临时密码吗" in page
    assert 'class="secret"' not in page


def test_admins_are_not_offered_to_deactivate_themselves(client, db, as_user):
    page = as_user("alice").get("/admin/users").text
    assert f'action="/admin/users/{user_id(db, "alice")}/deactivate"' not in page
    assert f'action="/admin/users/{user_id(db, "ming")}/deactivate"' in page


def test_resetting_a_password_shows_it_once_and_ends_the_users_sessions(client, db, as_user):
    sign_in(type(client)(client.app), "ming")
    as_user("alice")
    token = csrf_token(client, "/admin/users")
    page = client.post(f"/admin/users/{user_id(db, 'ming')}/password", data={"csrf_token": token})
    password = page.text.split('<p class="secret">')[1].split("</p>")[0]
    assert len(password) >= 10
    ming = user_id(db, "ming")
    assert db.exec(select(AuthSession).where(AuthSession.user_id == ming)).all() == []
    client.cookies.clear()
    assert sign_in(client, "ming").status_code == 400
    assert sign_in(client, "ming", password).status_code == 303


def test_unknown_user_ids_answer_404(client, as_user):
    as_user("alice")
    token = csrf_token(client, "/admin/users")
    assert client.post("/admin/users/999/password", data={"csrf_token": token}).status_code == 404


def test_the_team_list_shows_every_team_with_its_people(as_user):
    page = as_user("alice").get("/admin/teams").text
    for text in (
        "北城一队",
        "北城二队",
        "玉兴一队",
        "李队长",
        "梅队员",
        "奥队员",
        "红塔区 玉兴街道",
    ):
        assert text in page


def link(client, db, username: str, number: str):
    token = csrf_token(client, "/admin/users")
    return client.post(
        f"/admin/users/{user_id(db, username)}/person",
        data={"id_number": number},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )


def test_an_admin_links_a_cadres_account_to_their_person_record(client, db, as_user):
    from tests.factories import household, id_number, person

    number = id_number("530402", "19700101", 111)
    own = person(db, household(db, "瓦窑村"), name="蔡书记", id_number=number, is_cadre=True)
    as_user("alice")
    row = link(client, db, "cai", number)
    assert "本人档案： 蔡书记 530402********" in row.text
    assert db.get(User, user_id(db, "cai")).person_id == own.id
    assert link(client, db, "lee", number).text.count("此人已关联其他账号") == 1


def test_linking_an_unknown_or_bad_number_explains_and_keeps_it(client, db, as_user):
    as_user("alice")
    row = link(client, db, "cai", "53040219700101111")
    assert "身份证号码应为18位" in row.text
    assert 'value="53040219700101111"' in row.text
    from tests.factories import id_number

    assert "未登记持此身份证号码的人员" in link(client, db, "cai", id_number()).text


@pytest.fixture
def mings_two(db):
    """Ming (a member of 北城一队, with 梅队员) holding two households."""
    homes = [household(db, "瓦窑村", address=f"瓦窑村{n}号") for n in (1, 2)]
    for home in homes:
        assign(db, home, "ming")
    return homes


def deactivate_ming(client, db, headers=None, **form):
    token = csrf_token(client, "/admin/users")
    return client.post(
        f"/admin/users/{user_id(db, 'ming')}/active",
        data={"active": "0", **form},
        headers={**(headers or {}), "X-CSRF-Token": token},
    )


def holders(db, homes) -> list[int | None]:
    for home in homes:
        db.refresh(home)
    return [home.assignee_id for home in homes]


def ming_is_active(db) -> bool:
    db.expire_all()
    return db.get(User, user_id(db, "ming")).is_active


def ming_is_signed_in(db) -> bool:
    query = select(AuthSession).where(AuthSession.user_id == user_id(db, "ming"))
    return bool(db.exec(query).all())


def test_deactivating_asks_first_how_many_households_they_hold_and_who_takes_them(
    client, db, as_user, mings_two
):
    sign_in(type(client)(client.app), "ming")
    as_user("alice")
    page = client.get(f"/admin/users/{user_id(db, 'ming')}/deactivate").text
    assert "确定停用明队员吗？其所有设备将退出登录。" in page
    assert "明队员负责2户。若仍由已停用的账号负责" in page
    assert f'name="successor" value="{user_id(db, "mei")}"' in page and "交给梅队员" in page
    assert 'name="successor" value="pool"' in page
    assert f'value="{user_id(db, "otto")}"' not in page
    assert 'name="confirmed" value="1"' in page

    unconfirmed = deactivate_ming(client, db, successor="pool")
    assert unconfirmed.status_code == 200 and "明队员负责2户" in unconfirmed.text
    assert ming_is_active(db) and holders(db, mings_two) == [user_id(db, "ming")] * 2
    assert ming_is_signed_in(db)


def test_deactivating_someone_who_holds_nothing_still_asks_in_their_row(client, db, as_user):
    as_user("alice")
    page = client.get("/admin/users").text
    mei = user_id(db, "mei")
    assert f'hx-get="/admin/users/{mei}/deactivate" hx-target="#user-{mei}"' in page
    row = client.get(f"/admin/users/{mei}/deactivate", headers=HTMX).text
    assert row.lstrip().startswith(f'<li id="user-{mei}">') and "<html" not in row
    assert "确定停用梅队员吗？其所有设备将退出登录。" in row
    assert "梅队员目前没有负责的住户。" in row and 'name="successor"' not in row
    assert db.get(User, mei).is_active


def test_deactivating_a_holder_without_saying_who_takes_them_is_refused(
    client, db, as_user, mings_two
):
    as_user("alice")
    for successor in ("", str(user_id(db, "ming")), str(user_id(db, "otto")), "someone"):
        refused = deactivate_ming(client, db, HTMX, confirmed="1", successor=successor)
        assert refused.status_code == 422
        assert "请选择由谁接手这些户：队内其他队员，或退回未分配。" in refused.text
        assert refused.text.lstrip().startswith(f'<li id="user-{user_id(db, "ming")}">')
    assert ming_is_active(db) and holders(db, mings_two) == [user_id(db, "ming")] * 2
    assert db.exec(select(Assignment)).all() == []
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "user_deactivated")).all() == []


def test_without_htmx_a_refused_deactivation_is_the_question_again_keeping_nothing_chosen(
    client, db, as_user, mings_two
):
    as_user("alice")
    refused = deactivate_ming(client, db, confirmed="1")
    assert refused.status_code == 422 and "<html" in refused.text
    assert "确定停用明队员吗？其所有设备将退出登录。" in refused.text
    assert 'aria-describedby="e-successor"' in refused.text and " checked" not in refused.text


def test_deactivating_hands_their_households_to_another_member_in_the_same_step(
    client, db, as_user, mings_two
):
    sign_in(type(client)(client.app), "ming")
    as_user("alice")
    mei = user_id(db, "mei")
    row = deactivate_ming(client, db, HTMX, confirmed="1", successor=str(mei))
    assert row.status_code == 200 and "已停用" in row.text
    assert not ming_is_active(db) and holders(db, mings_two) == [mei, mei]
    assert [a.kind for a in db.exec(select(Assignment))] == ["move", "move"]
    actions = db.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["assignment_moved", "user_deactivated"]
    assert not ming_is_signed_in(db)


def test_deactivating_can_send_their_households_back_to_the_pool(client, db, as_user, mings_two):
    as_user("alice")
    done = deactivate_ming(client, db, confirmed="1", successor="pool")
    assert done.url.path == "/admin/users"
    assert not ming_is_active(db) and holders(db, mings_two) == [None, None]
    assert [a.kind for a in db.exec(select(Assignment))] == ["unassign", "unassign"]


def test_a_member_in_no_team_can_hand_their_households_only_to_the_pool(
    client, db, as_user, mings_two
):
    db.exec(delete(TeamMembership).where(TeamMembership.user_id == user_id(db, "ming")))
    db.commit()
    as_user("alice")
    page = client.get(f"/admin/users/{user_id(db, 'ming')}/deactivate").text
    assert 'name="successor" value="pool"' in page and "交给" not in page
    refused = deactivate_ming(client, db, confirmed="1", successor=str(user_id(db, "mei")))
    assert refused.status_code == 422 and ming_is_active(db)


def test_an_admin_is_not_asked_to_deactivate_themselves(client, db, as_user):
    as_user("alice")
    answer = client.get(f"/admin/users/{user_id(db, 'alice')}/deactivate", headers=HTMX)
    assert "不能停用自己的账号" in answer.text and 'name="confirmed"' not in answer.text
