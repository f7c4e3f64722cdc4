"""What an audit row keeps of a change, how it reads, and what a `since` means."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.core.i18n import gettext_for
from app.domain.audit import changes, compact, moment
from app.domain.codes import InsuranceStatus
from app.labels import AUDIT_CODES

YUXI = ZoneInfo("Asia/Shanghai")


def test_changes_keep_old_and_new_of_each_changed_field_only():
    before = {"occupation": "快递员", "years_paid": 3, "is_cadre": False, "grid": "一网格"}
    after = {"occupation": "外卖骑手", "years_paid": 4, "is_cadre": True, "grid": "一网格"}
    assert changes(before, after) == {
        "occupation": ["快递员", "外卖骑手"],
        "years_paid": [3, 4],
        "is_cadre": [False, True],
    }


def test_changes_are_json_ready():
    found = changes(
        {"stopped_since": None, "insurance_status": InsuranceStatus.resident, "key_groups": {4}},
        {
            "stopped_since": date(2024, 6, 30),
            "insurance_status": InsuranceStatus.stopped,
            "key_groups": frozenset({7, 4}),
        },
    )
    assert found == {
        "stopped_since": [None, "2024-06-30"],
        "insurance_status": ["resident", "stopped"],
        "key_groups": [[4], [4, 7]],
    }


def test_phones_are_masked_and_id_numbers_never_kept_but_masked():
    before = {
        "phone": "13812345678",
        "id_number_encrypted": "gAAAA-old",
        "id_number_index": "old-index",
        "id_number_masked": "530402********1234",
    }
    after = {
        "phone": "0877-2051234",
        "id_number_encrypted": "gAAAA-new",
        "id_number_index": "new-index",
        "id_number_masked": "530402********1255",
    }
    assert changes(before, after) == {
        "phone": ["138****5678", "0877-***1234"],
        "id_number_masked": ["530402********1234", "530402********1255"],
    }


def test_a_phone_change_shows_even_when_the_masks_agree():
    assert changes({"phone": "13812345678"}, {"phone": "13899995678"}) == {
        "phone": ["138****5678", "138****5678"]
    }


def test_long_text_is_cut_short():
    old, new = changes({"notes": ""}, {"notes": "长" * 200})["notes"]
    assert (old, len(new), new[-1]) == ("", 61, "…")


def test_a_detail_reads_on_one_line_in_the_readers_language():
    detail = {
        "fields": {"occupation": ["", "外卖骑手"], "key_groups": [[], ["4", "7"]]},
        "reason": "confirm_identity",
        "person": None,
    }
    assert compact(detail, gettext_for("en"), AUDIT_CODES) == (
        "Changed: Work and employment notes — → 外卖骑手, Key groups — → Platform workers "
        "(drivers, couriers, riders)、People who struggle to pay (low-income, extreme poverty, "
        "disabled); Reason: Confirm the person's identity; Person: —"
    )
    in_chinese = compact(detail, gettext_for("zh_CN"), AUDIT_CODES)
    assert in_chinese.endswith("原因：核实本人身份；人员：—")
    older = compact({"fields": ["phone", "name"]}, gettext_for("en"), AUDIT_CODES)
    assert older == "Changed: phone、name", "older rows: names"


def test_a_confirmed_change_reads_as_chinese_words_not_codes():
    detail = {"change": 2, "kind": "join_flexible", "applied": {"stopped_since": None}}
    assert compact(detail, gettext_for("zh_CN"), AUDIT_CODES) == (
        "变更编号：2；类型：以灵活就业人员身份参保；已写入档案：停缴时间 —"
    )


def test_codes_and_keys_nobody_named_are_shown_as_recorded():
    detail = {"attempt": 3, "role": "auditor", "days": {"refused": 90, "later": 7}}
    assert compact(detail, gettext_for("zh_CN"), AUDIT_CODES) == (
        "attempt：3；角色：auditor；天数：拒绝 90，later 7"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06-02", datetime(2024, 6, 1, 16, 0, tzinfo=UTC)),
        ("2024-06-02T08:30", datetime(2024, 6, 2, 0, 30, tzinfo=UTC)),
        ("2024-06-02T08:30+08:00", datetime(2024, 6, 2, 0, 30, tzinfo=UTC)),
        ("2024-06-02T08:30 08:00", datetime(2024, 6, 2, 0, 30, tzinfo=UTC)),
        ("2024-06-02T00:30Z", datetime(2024, 6, 2, 0, 30, tzinfo=UTC)),
    ],
)
def test_a_since_is_a_day_in_business_time_or_a_moment(text, expected):
    assert moment(text, YUXI) == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01", "", "06/02/2024"])
def test_anything_else_is_no_moment(text):
    with pytest.raises(ValueError):
        moment(text, YUXI)
