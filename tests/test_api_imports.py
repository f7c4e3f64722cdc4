"""Imports through the API: the same report, row numbers as a spreadsheet user sees them."""

from app.services import imports
from tests.factories import id_number
from tests.sheets import as_csv, person_row

WANG = id_number("530402", "19800101", 123)


def post(client, headers, content, dry_run=None):
    data = {} if dry_run is None else {"dry_run": str(dry_run).lower()}
    return client.post(
        "/api/v1/imports", files={"file": ("名单.csv", content)}, data=data, headers=headers
    )


def test_an_import_is_a_dry_run_unless_asked(client, api_token):
    content = as_csv([person_row(number=WANG), person_row(number=id_number(order=125), phone="1")])
    answer = post(client, api_token("lee"), content).json()
    assert answer["dry_run"] is True
    assert (answer["rows"], answer["valid"], answer["created"]) == (2, 1, 0)
    assert answer["errors"] == [
        {
            "row": 3,
            "column": "联系电话",
            "message": "请输入11位手机号码，或带区号的固定电话，如0877-2051234。",
        }
    ]
    assert answer["unknown_columns"] == ["备注"]


def test_a_commit_reports_created_and_updated(client, api_token):
    headers = api_token("lee")
    assert post(client, headers, as_csv([person_row(number=WANG)]), False).json()["created"] == 1
    assert post(client, headers, as_csv([person_row(number=WANG)]), False).json()["updated"] == 1


def test_a_large_file_answers_202_and_finishes_in_the_background(client, api_token, monkeypatch):
    monkeypatch.setattr(imports, "SYNC_ROWS", 1)
    headers = api_token("lee")
    rows = [person_row(number=id_number(order=n), key=f"K{n}") for n in (101, 103)]
    answer = post(client, headers, as_csv(rows), False)
    assert answer.status_code == 202
    assert answer.json()["status"] == "running"
    done = client.get(f"/api/v1/imports/{answer.json()['id']}", headers=headers).json()
    assert (done["status"], done["created"]) == ("done", 2)


def test_an_unreadable_file_is_a_422_in_the_callers_language(client, api_token):
    headers = {**api_token("lee"), "Accept-Language": "en"}
    answer = client.post("/api/v1/imports", files={"file": ("名单.pdf", b"%PDF")}, headers=headers)
    assert answer.status_code == 422
    assert answer.json() == {"detail": "Upload an Excel file (.xlsx) or a CSV file (.csv)."}


def test_members_may_not_import(client, api_token):
    assert post(client, api_token("mei"), as_csv([person_row()])).status_code == 403
