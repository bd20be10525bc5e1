"""`kb seed`: real areas from geothai, the article's facts with their source, idempotent, atomic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.dataset import Dataset, DatasetError
from graph.errors import QueryFailed
from graph.load import load_dataset
from graph.models import Area, AreaLevel
from seeds.pipeline import seed
from seeds.sources import DATA_DIR
from tests.conftest import EngineUnderTest
from tests.helpers import fingerprint

ARTICLE = "src:article-codi-cw-2565-11-19"


async def test_government_areas_are_complete(kb: EngineUnderTest) -> None:
    rows = await kb.graph.read(
        "MATCH (a:Area) WHERE a.level IN ['province', 'district', 'subdistrict'] "
        "RETURN a.level AS level, count(a) AS n"
    )
    assert {r["level"]: r["n"] for r in rows} == {
        "province": 77,
        "district": 928,
        "subdistrict": 7436,
    }


async def test_kanchanaburi_has_13_districts_and_98_subdistricts(kb: EngineUnderTest) -> None:
    row = await kb.graph.read_one(
        "MATCH (p:Area {code: '71'})<-[:PART_OF]-(d:Area {level: 'district'}) "
        "WITH p, count(d) AS districts "
        "MATCH (p)<-[:PART_OF]-(:Area)<-[:PART_OF]-(s:Area {level: 'subdistrict'}) "
        "RETURN districts, count(s) AS subdistricts, p.name_th AS name_th, p.name_en AS name_en"
    )
    assert row == {
        "districts": 13,
        "subdistricts": 98,
        "name_th": "กาญจนบุรี",
        "name_en": "Kanchanaburi",
    }


async def test_every_subdistrict_reaches_the_country(kb: EngineUnderTest) -> None:
    row = await kb.graph.read_one(
        "MATCH (s:Area {level: 'subdistrict'}) "
        "OPTIONAL MATCH path = (s)-[:PART_OF*3..6]->(c:Area {level: 'country'}) "
        "WITH s, count(path) AS routes "
        "RETURN count(s) AS total, sum(CASE WHEN routes = 1 THEN 1 ELSE 0 END) AS reaching"
    )
    assert row == {"total": 7436, "reaching": 7436}


async def test_province_groups_hold_their_provinces_as_an_assumption(kb: EngineUnderTest) -> None:
    rows = await kb.graph.read(
        "MATCH (r:Area {level: 'region'})<-[:PART_OF]-(g:Area {level: 'province_group'})"
        "<-[l:PART_OF]-(p:Area {level: 'province'}) "
        "RETURN g.name_th AS group, collect(p.code) AS provinces, "
        "collect(DISTINCT l.assumption) AS assumption, collect(DISTINCT l.source_ids) AS src"
    )
    groups = {r["group"]: sorted(r["provinces"]) for r in rows}
    assert groups == {
        "กลุ่มจังหวัดกลางตอนบน": ["14", "15", "16", "17", "18", "19"],
        "กลุ่มจังหวัดกลางล่าง 1": ["70", "71", "72", "73"],
        "กลุ่มจังหวัดกลางล่าง 2": ["74", "75", "76", "77"],
    }
    for r in rows:
        assert r["assumption"] == [True]
        assert r["src"] == [["src:gov-province-groups-2560"]]


@pytest.mark.parametrize(
    ("label", "key", "value"),
    [
        ("Person", "name_th", "ธีรพงศ์ พร้อมพอชื่นบุญ"),
        ("Person", "name_th", "ปิยะ พวงสำลี"),
        ("Organization", "short_name_en", "CODI"),
        ("Organization", "name_th", "สำนักงานภาคกลางและตะวันตก สถาบันพัฒนาองค์กรชุมชน"),
        ("Organization", "short_name_th", "ทีมบริหารภาค"),
        ("Organization", "short_name_th", "คณะอนุกรรมการภาค"),
        ("Organization", "short_name_th", "ผู้นำแถว 2"),
        ("Event", "place_en", "River Kwai Hotel, Kanchanaburi"),
        ("Plan", "name_th", "แนวทางการขับเคลื่อนงานปี 2566 กลุ่มจังหวัดกลางตอนบน"),
        ("Plan", "name_th", "แนวทางการขับเคลื่อนงานปี 2566 กลุ่มจังหวัดกลางล่าง 1"),
        ("Plan", "name_th", "แนวทางการขับเคลื่อนงานปี 2566 กลุ่มจังหวัดกลางล่าง 2"),
        ("Partnership", "kind", "shared_tray"),
        ("Resource", "name_th", "กองคลัง ภาคกลางและตะวันตก"),
        ("Area", "name_th", "กลุ่มจังหวัดกลางล่าง 1"),
    ],
)
async def test_article_facts_cite_the_article(
    kb: EngineUnderTest, label: str, key: str, value: str
) -> None:
    rows = await kb.graph.read(
        "MATCH (n) WHERE $label IN labels(n) AND n[$key] = $value AND NOT coalesce(n.synthetic, false) "
        "RETURN n.source_ids AS src",
        label=label,
        key=key,
        value=value,
    )
    assert len(rows) == 1, rows
    assert ARTICLE in rows[0]["src"]


async def test_meeting_of_19_november_2022(kb: EngineUnderTest) -> None:
    row = await kb.graph.read_one(
        "MATCH (e:Event {id: 'event:2022-11-19-cw-regional-meeting'})-[:HELD_IN]->(a:Area) "
        "OPTIONAL MATCH (x)-[at:ATTENDED]->(e) WHERE NOT coalesce(x.synthetic, false) "
        "RETURN e.on AS on, a.code AS province, e.attendance_more_than AS more_than, "
        "collect(x.id) AS attendees"
    )
    assert row is not None
    assert row["on"] == "2022-11-19"
    assert row["province"] == "71"
    assert row["more_than"] == 60
    assert {
        "org:cw-management-team",
        "org:cw-subcommittee",
        "org:cw-second-tier-leaders",
        "org:codi-central-west",
        "person:thiraphong-phromphochuenbun",
        "person:piya-phuangsamli",
    } <= set(row["attendees"])


async def test_director_role_from_the_article(kb: EngineUnderTest) -> None:
    row = await kb.graph.read_one(
        "MATCH (p:Person {id: 'person:thiraphong-phromphochuenbun'})-[m:MEMBER_OF]->"
        "(o:Organization)-[:UNIT_OF]->(codi:Organization) "
        "RETURN m.role AS role, m.role_th AS role_th, o.id AS org, codi.short_name_en AS parent, "
        "m.source_ids AS src"
    )
    assert row == {
        "role": "director",
        "role_th": "ผู้อำนวยการภาคกลางและตะวันตก พอช.",
        "org": "org:codi-central-west",
        "parent": "CODI",
        "src": [ARTICLE],
    }


async def test_demo_nodes_are_marked_synthetic(kb: EngineUnderTest) -> None:
    rows = await kb.graph.read(
        "MATCH (n) WHERE n.synthetic = true "
        "RETURN count(n) AS n, "
        "sum(CASE WHEN n.source_ids = ['src:synthetic-demo'] THEN 1 ELSE 0 END) AS cited"
    )
    assert rows[0]["n"] > 100
    assert rows[0]["cited"] == rows[0]["n"]


async def test_second_seed_changes_nothing(kb: EngineUnderTest) -> None:
    from tests.conftest import DEMO_SCALE

    before = await fingerprint(kb.graph)
    await seed(kb.graph, demo=True, scale=DEMO_SCALE)
    assert await fingerprint(kb.graph) == before


async def test_bad_record_names_file_record_and_field_and_writes_nothing(
    kb: EngineUnderTest, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    article = data / "article.yaml"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "organizations:\n",
            "organizations:\n"
            "  - id: org:new-but-misplaced\n"
            "    kind: community_council\n"
            "    name_th: สภาองค์กรชุมชนทดสอบ\n"
            "    located_in: area:999999\n",
            1,
        ),
        encoding="utf-8",
    )
    before = await fingerprint(kb.graph)
    with pytest.raises(DatasetError) as err:
        await seed(kb.graph, data_dir=data)
    message = str(err.value)
    assert "article.yaml" in message
    assert "organizations[0] (id org:new-but-misplaced)" in message
    assert "located_in" in message
    assert "unknown area code 'area:999999'" in message
    assert await fingerprint(kb.graph) == before


async def test_missing_field_is_named(kb: EngineUnderTest, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    article = data / "article.yaml"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("    given_name_th: ปิยะ\n", "", 1), encoding="utf-8")
    with pytest.raises(DatasetError) as err:
        await seed(kb.graph, data_dir=data)
    assert "people[1] (id person:piya-phuangsamli): given_name_th: Field required" in str(err.value)


async def test_duplicate_id_is_named(kb: EngineUnderTest, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    regions = data / "regions.yaml"
    text = regions.read_text(encoding="utf-8")
    regions.write_text(
        text.replace("  - id: area:pg-central-lower-2\n", "  - id: area:pg-central-lower-1\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as err:
        await seed(kb.graph, data_dir=data)
    assert "duplicate id" in str(err.value)
    assert "area:pg-central-lower-1" in str(err.value)


async def test_failure_inside_the_transaction_rolls_everything_back(kb: EngineUnderTest) -> None:
    """A record that passes validation but breaks a constraint: nothing of the load remains."""
    before = await fingerprint(kb.graph)
    ds = Dataset(
        origin="test",
        areas=[
            Area(
                id="area:zz-valid",
                code="zz-valid",
                level=AreaLevel.community,
                name_th="ชุมชนทดสอบ",
                parent="area:710101",
                source_ids=["src:synthetic-demo"],
            ),
            Area(
                id="area:zz-clash",
                code="71",  # Kanchanaburi's code: the unique constraint refuses it
                level=AreaLevel.community,
                name_th="ชุมชนซ้ำ",
                parent="area:710101",
                source_ids=["src:synthetic-demo"],
            ),
        ],
    )
    with pytest.raises(QueryFailed):
        await load_dataset(kb.graph, ds)
    assert await fingerprint(kb.graph) == before


async def test_new_nodes_are_created_and_a_rerun_merges_into_them(kb: EngineUnderTest) -> None:
    """A first load creates nodes and their links outright; loading the same records again
    merges into them: the same nodes, one relationship per pair, nothing duplicated."""
    from graph.models import Organization

    org = Organization(
        id="org:zz-created",
        kind="savings_group",
        name_th="กลุ่มออมทรัพย์ทดสอบ",
        located_in="area:710101",
        works_in=["area:710101", "area:710102", "area:710101"],  # one area twice
        source_ids=["src:synthetic-demo"],
    )
    count = """
    MATCH (o:Organization {id: 'org:zz-created'})-[r]->(a:Area)
    RETURN type(r) AS rel, a.id AS area, count(*) AS n ORDER BY rel, area
    """
    expected = [
        {"rel": "LOCATED_IN", "area": "area:710101", "n": 1},
        {"rel": "WORKS_IN", "area": "area:710101", "n": 1},
        {"rel": "WORKS_IN", "area": "area:710102", "n": 1},
    ]
    try:
        # refresh=False: the areas' materialized rollups stay as the other tests expect them
        first = await load_dataset(
            kb.graph, Dataset(origin="test", organizations=[org]), refresh=False
        )
        assert first.nodes == {"Organization": 1}
        assert await kb.graph.read(count) == expected
        await load_dataset(kb.graph, Dataset(origin="test", organizations=[org]), refresh=False)
        assert await kb.graph.read(count) == expected
        nodes = await kb.graph.read(
            "MATCH (o:Organization {id: 'org:zz-created'}) RETURN o.name_th AS name"
        )
        assert nodes == [{"name": "กลุ่มออมทรัพย์ทดสอบ"}]
    finally:
        await kb.graph.write("MATCH (o:Organization {id: 'org:zz-created'}) DETACH DELETE o")
