"""The pension calculator API keeps api.md's contract: no token, the exact names, money as JSON
numbers with at most 2 decimals, assumptions that override the parameter table for one
request, and 422s that say what is wrong in the caller's language."""

import json
import re
from decimal import Decimal

import pytest

from app.domain.pension import default_parameters
from tests.domain.pension.test_calculator import API_ESTIMATE_FIELDS, API_MARGINAL_FIELDS

MONEY_FIELDS = (
    "annual_personal_cost", "annual_gov_subsidy", "total_personal_cost", "account_at_retirement",
    "monthly_basic", "monthly_account", "monthly_total",
)  # fmt: skip
AGE = re.compile(r"^\d+y(\d|1[01])m$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

WOMAN = {"birth_date": "1976-07-15", "sex": "F", "years_contributed": 5, "account_balance": 1200}
# A 45-year-old woman with no years paid: short of the 20 years when she reaches 58 in 2039.
FORTY_FIVE = {"birth_date": "1981-03-10", "sex": "F"}


def ask(client, path: str, body: dict, **headers):
    return client.post(f"/api/v1/pension/{path}", json=body, headers=headers)


def estimate(client, option: dict, person: dict = WOMAN, **extra) -> dict:
    response = ask(
        client, "estimate", {"calc_year": 2026, "person": person, "option": option, **extra}
    )
    assert response.status_code == 200, response.text
    return response.json()


def numbers_as_sent(response) -> dict:
    """The body with every JSON number kept as the text that was sent."""
    return json.loads(response.text, parse_float=Decimal, parse_int=Decimal)


def test_an_estimate_needs_no_token_and_has_every_field_of_api_md(client):
    shown = estimate(client, {"scheme": "resident", "tier": 500})
    assert shown.keys() >= API_ESTIMATE_FIELDS
    assert shown["scheme"] == "resident"
    assert shown["parameters_version"] == default_parameters().version
    assert AGE.match(shown["statutory_age"]) and MONTH.match(shown["benefit_start"])
    assert all(isinstance(flag, str) and flag == flag.lower() for flag in shown["flags"])


def test_money_is_json_numbers_with_at_most_two_decimals(client):
    body = {
        "calc_year": 2026,
        "person": FORTY_FIVE,
        "option": {"scheme": "flexible", "base_pct": 100},
    }
    response = ask(client, "estimate", body)
    raw, exact = response.json(), numbers_as_sent(response)
    for name in MONEY_FIELDS:
        assert isinstance(raw[name], int | float), name
        assert exact[name].as_tuple().exponent >= -2, (name, exact[name])
    assert exact["annual_personal_cost"] == Decimal("17613.6")  # 12 × 20 % × round(7339 × 100 %)
    assert '"monthly_total":"' not in response.text


def test_a_flexible_worker_short_of_the_minimum_is_told_how_long_to_keep_paying(client):
    shown = estimate(client, {"scheme": "flexible", "base_pct": 60}, FORTY_FIVE)
    assert (shown["statutory_age"], shown["statutory_month"]) == ("57y10m", "2039-01")
    assert shown["min_contribution_years"] == 20
    assert shown["extension_months"] == 83 and shown["benefit_start"] == "2046-01"
    assert {"short_of_minimum_years", "transfer_to_resident_option"} <= set(shown["flags"])
    assert shown["resident_transfer"]["scheme"] == "resident"


def test_a_comparison_sets_each_later_option_against_the_first(client):
    options = [{"scheme": "resident", "tier": 500}, {"scheme": "resident", "tier": 1000}]
    response = ask(client, "compare", {"calc_year": 2026, "person": WOMAN, "options": options})
    assert response.status_code == 200
    shown = response.json()
    assert [r["scheme"] for r in shown["results"]] == ["resident", "resident"]
    (marginal,) = shown["marginal"]
    assert marginal.keys() >= API_MARGINAL_FIELDS
    assert (marginal["from"], marginal["to"]) == (0, 1)
    assert (marginal["extra_cost"], marginal["extra_monthly"]) == (5000, 37.41)
    assert (marginal["breakeven_month"], marginal["breakeven_age"]) == ("2047-09", "71y2m")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("birth_date=1970-06-10&category=M60", ("61y5m", "2031-11", 16)),
        ("birth_date=1970-06-10", ("61y5m", "2031-11", 16)),
        ("birth_date=1972-03-01&category=F55", ("55y7m", "2027-10", 15)),
        ("birth_date=1978-08-20&category=F50", ("51y10m", "2030-06", 15.5)),
        ("birth_date=1984-11-02&category=F50", ("55y0m", "2039-11", 20)),
    ],
)
def test_the_retirement_endpoint_follows_the_reform(client, query, expected):
    response = client.get(f"/api/v1/pension/retirement?{query}")
    assert response.status_code == 200, response.text
    shown = response.json()
    assert (shown["statutory_age"], shown["statutory_month"]) == expected[:2]
    assert shown["min_contribution_years"] == expected[2]
    assert MONTH.match(shown["earliest_flexible_month"])
    assert MONTH.match(shown["latest_flexible_month"])


def test_assumptions_override_the_parameter_table_for_one_request(client):
    resident = {"scheme": "resident", "tier": 200}
    plain = estimate(client, resident)
    assumed = estimate(
        client, resident, assumptions={"basic_pension": 250, "subsidy_ladder": {"200": 100}}
    )
    assert (plain["monthly_basic"], plain["annual_gov_subsidy"]) == (163, 40)
    assert (assumed["monthly_basic"], assumed["annual_gov_subsidy"]) == (250, 100)
    assert estimate(client, resident)["monthly_basic"] == 163  # only for that request

    flexible = {"scheme": "flexible", "base_pct": 100}
    wage = estimate(client, flexible, assumptions={"average_wage": 8000})
    assert wage["annual_personal_cost"] == 19200  # 12 × 20 % × 8000
    limits = estimate(
        client, {"scheme": "flexible", "base_pct": 60}, assumptions={"base_limits": [5000, 25000]}
    )
    assert limits["annual_personal_cost"] == 12000
    interest = estimate(client, resident, assumptions={"interest_rate": 0.02})
    assert "assumed_interest" in interest["flags"]
    assert interest["account_at_retirement"] > plain["account_at_retirement"]


def test_the_divisor_rule_can_be_assumed(client):
    man = {"birth_date": "1970-06-10", "sex": "M", "prior_months": 200}  # retires at 61y5m
    option = {"scheme": "flexible", "base_pct": 60}
    linear = estimate(client, option, man)
    whole = estimate(client, option, man, assumptions={"divisor_rule": "whole_years"})
    assert whole["divisor"] == 132
    assert linear["divisor"] == pytest.approx(132 - 7 * 5 / 12)


def messages(response) -> dict[tuple, str]:
    assert response.status_code == 422, response.text
    return {tuple(problem["loc"]): problem["msg"] for problem in response.json()["detail"]}


def test_bad_input_is_named_field_by_field_in_chinese_by_default(client):
    body = {
        "person": {"sex": "X", "subsidy_first_approved": "2026-13"},
        "option": {"scheme": "pension"},
        "assumptions": {"base_limits": [9000, 4000]},
    }
    said = messages(ask(client, "estimate", body))
    assert said[("body", "person", "birth_date")] == "此项必填。"
    assert said[("body", "person", "sex")].startswith("只能是以下之一")
    assert said[("body", "person", "subsidy_first_approved")] == "请按“年-月”（YYYY-MM）填写月份。"
    assert said[("body", "option")].startswith("险种只能是")
    assert (
        said[("body", "assumptions", "base_limits")] == "缴费基数上下限应是两个金额，先下限后上限。"
    )


def test_bad_input_is_explained_in_english_when_asked(client):
    man_category = {"birth_date": "1981-03-10", "sex": "F", "category": "M60"}
    body = {"person": man_category, "option": {"scheme": "resident", "tier": 200}}
    said = messages(ask(client, "estimate", body, **{"Accept-Language": "en-GB,en"}))
    assert said == {("body", "person", "category"): "Men are M60; women F55 or F50."}


def test_questions_the_parameter_table_cannot_answer_are_422_not_500(client):
    old = {"calc_year": 2010, "person": WOMAN, "option": {"scheme": "resident", "tier": 200}}
    said = messages(ask(client, "estimate", old))
    assert said[("body", "calc_year")].startswith("参数表里没有这次计算所需的数值")
    boy = {"birth_date": "2015-01-01", "sex": "M"}
    too_young = {"calc_year": 2026, "person": boy, "options": [{"scheme": "resident", "tier": 200}]}
    assert messages(ask(client, "compare", too_young)) == {
        ("body", "person", "birth_date"): "只能为年满16周岁的人算账。"
    }
    no_options = messages(ask(client, "compare", {**too_young, "options": []}))
    assert no_options[("body", "options")] == "这里至少要有1项。"
    retired_long_ago = client.get("/api/v1/pension/retirement?birth_date=1940-01-01")
    assert ("query", "birth_date") in messages(retired_long_ago)
    assert ("query", "category") in messages(
        client.get("/api/v1/pension/retirement?birth_date=1980-01-01&category=F65")
    )


@pytest.mark.parametrize("sent", ["0", "1700000000", "2000-1-1"])
def test_a_birth_date_sent_as_a_number_is_refused_not_read_as_1970(client, sent):
    answer = client.get(f"/api/v1/pension/retirement?birth_date={sent}")
    assert messages(answer) == {("query", "birth_date"): "请按“年-月-日”（YYYY-MM-DD）填写日期。"}
    person = {"birth_date": 0, "sex": "M"}
    body = {"person": person, "option": {"scheme": "resident", "tier": 200}}
    assert ("body", "person", "birth_date") in messages(ask(client, "estimate", body))


def test_absurd_amounts_are_refused_rather_than_overflowing_the_arithmetic(client):
    option = {"scheme": "resident", "tier": 1}
    person = {"birth_date": "2000-01-01", "sex": "F"}
    body = {"person": person, "option": option, "assumptions": {"average_wage": 3.3e25}}
    said = messages(ask(client, "estimate", body))
    assert said[("body", "assumptions", "average_wage")] == "请填写不大于100000000的数。"
    rich = {**person, "account_balance": 1e30}
    assert ("body", "person", "account_balance") in messages(
        ask(client, "estimate", {"person": rich, "option": option})
    )


def test_openapi_describes_the_calculator_with_numbers_for_money(client):
    schema = client.get("/openapi.json").json()
    assert {
        "/api/v1/pension/estimate",
        "/api/v1/pension/compare",
        "/api/v1/pension/retirement",
    } <= set(schema["paths"])
    estimate_out = schema["components"]["schemas"]["EstimateOut"]["properties"]
    assert estimate_out["monthly_total"]["type"] == "number"
    assert "from" in schema["components"]["schemas"]["MarginalOut"]["properties"]
    operation = schema["paths"]["/api/v1/pension/estimate"]["post"]
    assert "security" not in operation
