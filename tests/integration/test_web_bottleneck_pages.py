"""The bottleneck pages: each list as GET /api/v1/bottlenecks gives it, sorted by days and by
other columns, paged, exported whole as CSV (UTF-8 with BOM); workload per enforcer; scope
and bad parameters refused. Both stores."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.bottleneck_helpers import Login, Office
from tests.integration.test_web_dashboard import table_rows
from tests.integration.web_helpers import Web, user

D = "2020-03-31"


@pytest.fixture
def office(client: FlaskClient, login: Login) -> Office:
    return Office(client, login("e1"))


@pytest.fixture
def cases(office: Office, client: FlaskClient, login: Login) -> dict[str, str]:
    """Vĩnh Yên's cases on 31 March 2020: five able and not seized (two of banks), three large."""
    c = {name: office.case(received, amount=amount, creditor=kind) for name, received, amount, kind in (
        ("A", "2019-10-01", 100_000_000, "credit_institution"),
        ("B", "2019-09-02", 300_000_000, "individual"),
        ("C", "2019-11-01", 200_000_000, "credit_institution"),
        ("E", "2019-12-05", 150_000_000, "organisation"),
        ("F", "2019-06-03", 600_000_000, "individual"),
        ("G", "2019-12-16", 700_000_000, "state"),
        ("H", "2019-08-01", 900_000_000, "individual"),
    )}
    for name, verified in (("A", "2019-10-10"), ("B", "2019-09-20"), ("C", "2019-11-15"), ("E", "2019-12-18"),
                           ("G", "2019-12-20")):
        office.do(c[name], "verify", verified, result="able")
    office.do(c["F"], "verify", "2019-07-01", result="unable")
    Office(client, login("h1", "head", "CC243")).do(c["H"], "mark-difficult", "2020-01-06", difficult=True,
                                                   reason="Hội đồng CHV họp")
    return c


def listed(web: Web, path: str) -> list[str]:
    return [attrs["data-case"] for attrs, _ in table_rows(web.text(path), "items") if "data-case" in attrs]


@pytest.fixture
def web(app: Flask) -> Web:
    w = Web(app)
    w.login(user(app, "truong.vinhyen", "head", "CC243"))
    return w


def test_a_list_is_the_apis_in_the_same_order(web: Web, office: Office, cases: dict[str, str]) -> None:
    for sort in ("-days", "days"):
        api = [i for i, _ in office.listed("able_not_seized", D, sort=sort)]
        assert listed(web, f"/bottlenecks/able_not_seized?as_of={D}&sort={sort}") == api
    c = cases
    # Banks first (A able 10 Oct, C 15 Nov), then B (20 Sep), E (18 Dec), G (20 Dec).
    assert listed(web, f"/bottlenecks/able_not_seized?as_of={D}") == [c["A"], c["C"], c["B"], c["E"], c["G"]]
    page = web.text(f"/bottlenecks/able_not_seized?as_of={D}")
    assert f'href="/cases/{c["A"]}"' in page and "Nguyễn Văn An" in page and "Tổ chức tín dụng" in page
    assert "5 việc" in page and "173" in page  # A: able for 173 days on 31 March


def test_sorting_by_other_columns(web: Web, cases: dict[str, str]) -> None:
    c = cases
    base = f"/bottlenecks/large_unfinished?as_of={D}"
    assert listed(web, base) == [c["F"], c["H"], c["G"]]  # received 3 June, 1 August, 16 December
    assert listed(web, base + "&sort=-amount_due") == [c["H"], c["G"], c["F"]]
    assert listed(web, base + "&sort=amount_due") == [c["F"], c["G"], c["H"]]
    assert listed(web, base + "&sort=received_on") == [c["F"], c["H"], c["G"]]
    # Banks stay first whatever the column: A (100 M), C (200 M), then E, B, G by amount.
    assert listed(web, f"/bottlenecks/able_not_seized?as_of={D}&sort=amount_due") == [
        c["A"], c["C"], c["E"], c["B"], c["G"]]
    page = web.text(base + "&sort=-amount_due")
    assert 'aria-sort="descending"' in page and "900.000.000 ₫" in page


def test_paging(web: Web, cases: dict[str, str]) -> None:
    c = cases
    base = f"/bottlenecks/able_not_seized?as_of={D}&per_page=2"
    assert listed(web, base + "&page=2") == [c["B"], c["E"]]
    page = web.text(base + "&page=2")
    assert "Trang 2 / 3" in page and 'rel="prev"' in page and 'rel="next"' in page
    assert listed(web, base + "&page=3") == [c["G"]]
    past = web.text(base + "&page=9")
    assert "5 việc" in past and "Không có việc nào." in past


def test_the_csv_has_every_row_with_vietnamese_intact(web: Web, cases: dict[str, str]) -> None:
    response = web.get(f"/bottlenecks/able_not_seized.csv?as_of={D}&per_page=2")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="able_not_seized_CC243_2020-03-31.csv"')
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Số hồ sơ", "Đơn vị", "Chấp hành viên", "Người phải thi hành án"]
    assert [r[-1] for r in rows[1:]] == [cases[n] for n in ("A", "C", "B", "E", "G")]  # all, not a page
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Đơn vị"] == "Chi cục Thi hành án dân sự thành phố Vĩnh Yên"
    assert first["Người phải thi hành án"] == "Nguyễn Văn An"
    assert first["Số tiền phải thi hành"] == "100000000"  # a plain integer, for the spreadsheet
    assert first["Bắt đầu chờ từ"] == "10/10/2019" and first["Số ngày"] == "173"
    same = web.get(f"/bottlenecks/able_not_seized?as_of={D}&format=csv").get_data()
    assert same == body


def test_the_clock_lists(web: Web, office: Office, cases: dict[str, str]) -> None:
    overdue = [i["case_id"] for i in office.report("overdue", D, per_page=200)["items"]]
    assert overdue and listed(web, f"/bottlenecks/overdue?as_of={D}") == overdue
    mine = listed(web, f"/bottlenecks/overdue?as_of={D}&clock=reverification")
    assert mine == [cases["F"]]
    page = web.text(f"/bottlenecks/overdue?as_of={D}&clock=reverification")
    assert "Xác minh lại" in page and "Số ngày quá hạn" in page


def test_workload_per_enforcer(web: Web, office: Office, cases: dict[str, str]) -> None:
    api = office.report("enforcers", D)["enforcers"]
    page = web.text(f"/bottlenecks/enforcers?as_of={D}")
    rows = [(attrs["data-enforcer"], [text for _, text in cells])
            for attrs, cells in table_rows(page, "enforcers") if "data-enforcer" in attrs]
    assert [(name, cells[2]) for name, cells in rows] == [(r["enforcer"], str(r["open_cases"])) for r in api]
    assert rows[0][0] == "e1" and rows[0][1][2] == "7"
    body = web.get(f"/bottlenecks/enforcers?as_of={D}&format=csv").get_data().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[1][:3] == ["CC243", "e1", "7"]


def test_the_index_counts_todays_lists(web: Web, office: Office, cases: dict[str, str]) -> None:
    summary = office.report("summary")
    page = web.text("/bottlenecks")
    shown = {attrs["data-list"]: cells[1][1] for attrs, cells in table_rows(page.replace(
        '<table class="dense"><tbody>', '<table id="lists"><tbody>', 1), "lists") if "data-list" in attrs}
    assert shown == {k: str(v) for k, v in summary["lists"].items()}


@pytest.mark.parametrize(("path", "status", "says"), [
    ("/bottlenecks/able_not_seized?sort=bogus", 400, "tham số sort"),
    ("/bottlenecks/able_not_seized?as_of=2020-02-30", 400, "tham số as_of"),
    ("/bottlenecks/able_not_seized?as_of=01/01/2999", 400, "ở tương lai"),
    ("/bottlenecks/able_not_seized?page=0", 400, "tham số page"),
    ("/bottlenecks/able_not_seized?per_page=500", 400, "tham số per_page"),
    ("/bottlenecks/overdue?clock=bogus", 400, "tham số clock"),
    ("/bottlenecks/able_not_seized?format=xlsx", 400, "tham số format"),
    ("/bottlenecks/able_not_seized?agency=XYZ", 400, "tham số agency"),
    ("/bottlenecks/able_not_seized?agency=C26", 403, "ngoài phạm vi"),
    ("/bottlenecks/able_not_seized.csv?agency=C01", 403, "ngoài phạm vi"),
    ("/bottlenecks/enforcers?agency=C01", 403, "ngoài phạm vi"),
    ("/bottlenecks/nothing", 404, "Không tìm thấy trang"),
])
def test_bad_parameters_and_other_agencies_are_refused(web: Web, path: str, status: int, says: str) -> None:
    assert says in web.text(path, status)


def test_a_province_sees_its_offices_but_not_another_province(app: Flask, cases: dict[str, str]) -> None:
    web = Web(app)
    web.login(user(app, "cuctruong", "head", "C26"))
    assert len(listed(web, f"/bottlenecks/able_not_seized?as_of={D}")) == 5  # its offices' cases
    assert len(listed(web, f"/bottlenecks/able_not_seized?agency=CC243&as_of={D}")) == 5
    assert "ngoài phạm vi" in web.text("/bottlenecks/able_not_seized?agency=C01", 403)
