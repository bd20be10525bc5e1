"""Spreadsheets in and out without changing the seeded graph: templates, cells, dry runs over
HTTP as a coordinator, who may import, exports with and without contact data, and the network
files read back with networkx.

The imports that write (10,000 organizations, a killed import, the export → wipe → import round
trip) are in tests/test_import_load.py, which runs after every other test of an engine.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import httpx
import networkx as nx
import pytest
import pytest_asyncio

from graph.accounts import Role, create_token
from graph.exports import network
from graph.spreadsheet import KINDS, SpreadsheetError, parse_date, read_sheet, template, write_table
from tests.conftest import EngineUnderTest


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_template_reads_back_with_its_columns(kind: str, fmt: str) -> None:
    sheet = read_sheet(template(kind, fmt), fmt)
    assert sheet.kind == kind
    assert list(sheet.columns) == [c.key for c in KINDS[kind]]
    assert sheet.rows == []


def test_headers_in_thai_or_english_and_dates_in_either_era() -> None:
    thai = "ชื่อองค์กร,ประเภท,ตำบล,อำเภอ,จังหวัด,วันที่จัดตั้ง\nก,savings_group,บ้านเหนือ,,,๑๕/๐๑/๒๕๖๖\n"
    english = "name_th,kind,subdistrict,district,province,start_on\nก,savings_group,บ้านเหนือ,,,2023-01-15\n"
    a = read_sheet(thai.encode(), "csv")
    b = read_sheet(english.encode(), "csv")
    assert a.columns == b.columns and a.kind == b.kind == "organizations"
    assert parse_date(a.rows[0]["start_on"]) == parse_date(b.rows[0]["start_on"])
    assert parse_date("15 ม.ค. 2566") == dt.date(2023, 1, 15)
    assert parse_date("๒๕๖๖-๐๑-๑๕") == dt.date(2023, 1, 15)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("31/02/2566")


def test_an_unknown_or_missing_column_is_refused_by_name() -> None:
    with pytest.raises(SpreadsheetError, match=r"unknown column.*'colour'"):
        read_sheet(b"name_th,kind,colour\n", "csv")
    with pytest.raises(SpreadsheetError, match=r"required column.*kind"):
        read_sheet(b"name_th\n", "csv")
    with pytest.raises(SpreadsheetError, match="not UTF-8"):
        read_sheet("name_th,kind\nกลุ่ม,x\n".encode("cp874"), "csv")


# --- over HTTP, on the seeded graph --------------------------------------------------------------


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def import_tokens(kb: EngineUnderTest) -> dict[str, str]:
    out = {}
    for name, role, areas in (
        ("member", Role.member, None),
        ("coordinator-71", Role.coordinator, ["71"]),
        ("admin", Role.admin, None),
    ):
        _, token = await create_token(kb.graph, name=f"import {name}", role=role, areas=areas)
        out[name] = token
    return out


def _bearer(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"authorization": f"Bearer {tokens[who]}"}


KANCHANABURI_ORGS = (
    "name_th,kind,subdistrict,district,province,start_on,end_on\n"
    "กลุ่มออมทรัพย์ทดสอบ HTTP,savings_group,ต.บ้านเหนือ,อ.เมืองกาญจนบุรี,จ.กาญจนบุรี,15/01/2566,\n"
    "กองทุนทดสอบ HTTP,welfare_fund,ลาดหญ้า,เมืองกาญจนบุรี,กาญจนบุรี,๒๕๖๐-๐๑-๐๑,\n"
)
SUPHAN_ORG = "name_th,kind,area_code\nกลุ่มทดสอบ HTTP สุพรรณบุรี,savings_group,720101\n"


def _upload(
    http: httpx.Client, body: str | bytes, name: str, headers: dict[str, str], **params: str
) -> httpx.Response:
    data = body.encode() if isinstance(body, str) else body
    return http.post("/data/import", files={"file": (name, data)}, params=params, headers=headers)


def test_the_api_serves_every_template(http: httpx.Client) -> None:
    for kind in KINDS:
        for fmt in ("csv", "xlsx"):
            resp = http.get(f"/data/templates/{kind}.{fmt}")
            assert resp.status_code == 200, resp.text
            assert resp.content == template(kind, fmt)
            assert kind in resp.headers["content-disposition"]
    assert http.get("/data/templates/cats.csv").status_code == 404


def test_a_coordinators_dry_run_reports_each_row_and_writes_nothing(
    http: httpx.Client, import_tokens: dict[str, str]
) -> None:
    headers = _bearer(import_tokens, "coordinator-71")
    resp = _upload(http, KANCHANABURI_ORGS, "orgs.csv", headers, dry_run="true")
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
    assert [r["row"] for r in report["rows"]] == [2, 3] and not report["written"]
    # Nothing was written: the same dry run still creates both.
    again = _upload(http, KANCHANABURI_ORGS, "orgs.csv", headers, dry_run="true").json()
    assert again["counts"]["created"] == 2
    entity = report["rows"][0]["entity"]
    found = http.post("/graphql", json={"query": f'{{ node(id: "{entity}") {{ id }} }}'})
    assert found.json()["data"]["node"] is None


def test_who_may_import(http: httpx.Client, import_tokens: dict[str, str]) -> None:
    assert _upload(http, KANCHANABURI_ORGS, "orgs.csv", {}, dry_run="true").status_code == 403
    member = _bearer(import_tokens, "member")
    assert _upload(http, KANCHANABURI_ORGS, "orgs.csv", member).status_code == 403
    # Kanchanaburi's coordinator may not import a record of Suphan Buri: the row is an error.
    coordinator = _bearer(import_tokens, "coordinator-71")
    resp = _upload(http, SUPHAN_ORG, "suphan.csv", coordinator, dry_run="true")
    assert resp.status_code == 422
    [error] = resp.json()["errors"]
    assert error["row"] == 2 and error["column"] == "area_code"
    assert "outside the areas" in error["reason"] and "นอกพื้นที่" in error["reasonTh"]
    admin = _bearer(import_tokens, "admin")
    assert _upload(http, SUPHAN_ORG, "suphan.csv", admin, dry_run="true").status_code == 200
    bad = _upload(http, b"\x00\x01 not a workbook", "x.xlsx", admin, dry_run="true")
    assert bad.status_code == 400 and "XLSX" in bad.json()["detail"]


def test_an_ambiguous_or_unknown_name_lists_the_candidates(
    http: httpx.Client, import_tokens: dict[str, str]
) -> None:
    body = (
        "name_th,kind,subdistrict,district,province\n"
        "กลุ่ม ก,savings_group,บ้านใหม่,,\n"
        "กลุ่ม ข,savings_group,บ้านเหนอ,เมืองกาญจนบุรี,กาญจนบุรี\n"
    )
    resp = _upload(http, body, "names.csv", _bearer(import_tokens, "admin"), dry_run="true")
    assert resp.status_code == 422
    ambiguous, unknown = resp.json()["errors"]
    assert ambiguous["row"] == 2 and ambiguous["column"] == "subdistrict"
    assert "names 16 areas" in ambiguous["reason"] and "(120306)" in ambiguous["reason"]
    assert unknown["row"] == 3 and "unknown subdistrict" in unknown["reason"]
    assert "บ้านเหนือ อ.เมืองกาญจนบุรี จ.กาญจนบุรี (710101)" in unknown["reason"]


def test_an_export_holds_contact_data_only_for_those_allowed(
    http: httpx.Client, import_tokens: dict[str, str]
) -> None:
    public = http.get("/data/export/people.csv", params={"area": "71"})
    assert public.status_code == 200
    header = next(csv.reader(io.StringIO(public.content.decode("utf-8-sig"))))
    assert "โทรศัพท์ (phone)" not in header and "ชื่อ (given_name_th)" in header
    allowed = http.get(
        "/data/export/people.csv", params={"area": "71"}, headers=_bearer(import_tokens, "admin")
    )
    rows = list(csv.DictReader(io.StringIO(allowed.content.decode("utf-8-sig"))))
    assert "โทรศัพท์ (phone)" in rows[0]
    assert any(r["โทรศัพท์ (phone)"] for r in rows), "the demo people have phone numbers"
    assert http.get("/data/export/people.csv", params={"area": "99999"}).status_code == 404
    # The export imports back unchanged (the coordinator's own province).
    resp = _upload(http, allowed.content, "people.csv", _bearer(import_tokens, "coordinator-71"),
                   dry_run="true")  # fmt: skip
    assert resp.status_code == 200, resp.text[:2000]
    counts = resp.json()["counts"]
    assert counts["unchanged"] == len(rows) and counts["created"] == counts["updated"] == 0


def test_every_kind_exports_as_xlsx_and_reads_back(http: httpx.Client) -> None:
    for kind in KINDS:
        resp = http.get(f"/data/export/{kind}.xlsx", params={"area": "pg-central-lower-1"})
        assert resp.status_code == 200
        sheet = read_sheet(resp.content, "xlsx")
        assert sheet.kind == kind
        again = http.get(f"/data/export/{kind}.xlsx", params={"area": "pg-central-lower-1"})
        assert again.content == resp.content, "an export of the same data is the same file"


async def test_graphml_gexf_and_cytoscape_read_back_with_the_same_counts(
    kb: EngineUnderTest, http: httpx.Client
) -> None:
    g = await network(kb.graph, within="area:71")
    assert g.number_of_nodes() > 100 and g.number_of_edges() > 100
    graphml = http.get("/data/export/graph.graphml", params={"area": "71"})
    back = nx.read_graphml(io.BytesIO(graphml.content))
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        g.number_of_nodes(),
        g.number_of_edges(),
    )
    assert back.nodes["area:71"]["label"] == "กาญจนบุรี"
    gexf = http.get("/data/export/graph.gexf", params={"area": "71"})
    back = nx.read_gexf(io.BytesIO(gexf.content))
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        g.number_of_nodes(),
        g.number_of_edges(),
    )
    cyto = json.loads(http.get("/data/export/graph.json", params={"area": "71"}).content)
    assert len(cyto["elements"]["nodes"]) == g.number_of_nodes()
    assert len(cyto["elements"]["edges"]) == g.number_of_edges()
    back = nx.cytoscape_graph(cyto)
    assert back.number_of_edges() == g.number_of_edges()
    # Contact data is not in a public network file.
    assert b"contact_phone" not in graphml.content


def test_write_table_is_deterministic() -> None:
    rows = [{"name_th": "ก", "kind": "savings_group"}]
    assert write_table("organizations", rows, "xlsx") == write_table("organizations", rows, "xlsx")
