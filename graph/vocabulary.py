"""How each relationship reads in Thai and English, walked either way.

A path from A to B may cross a relationship in its stored direction ("member of") or against
it ("has member"); both readings are named here, once.
"""

from __future__ import annotations

from typing import NamedTuple


class Reading(NamedTuple):
    en: str
    th: str


# type -> (reading along the stored direction, reading against it)
READINGS: dict[str, tuple[Reading, Reading]] = {
    "PART_OF": (Reading("part of", "เป็นส่วนหนึ่งของ"), Reading("contains", "ประกอบด้วย")),
    "LOCATED_IN": (Reading("located in", "ตั้งอยู่ที่"), Reading("home of", "เป็นที่ตั้งของ")),
    "WORKS_IN": (
        Reading("works in", "ทำงานในพื้นที่"),
        Reading("area of work of", "เป็นพื้นที่ทำงานของ"),
    ),
    "UNIT_OF": (Reading("unit of", "เป็นหน่วยงานในสังกัด"), Reading("has unit", "มีหน่วยงานในสังกัด")),
    "MEMBER_OF": (Reading("member of", "เป็นสมาชิกของ"), Reading("has member", "มีสมาชิก")),
    "MENTORS": (Reading("mentors", "เป็นพี่เลี้ยงของ"), Reading("mentored by", "มีพี่เลี้ยงคือ")),
    "PARTY_TO": (Reading("partner in", "เป็นภาคีใน"), Reading("has partner", "มีภาคี")),
    "COVERS": (
        Reading("works across", "ครอบคลุมพื้นที่"),
        Reading("covered by", "อยู่ในความร่วมมือ"),
    ),
    "STEWARDS": (Reading("stewards", "ดูแล"), Reading("stewarded by", "ดูแลโดย")),
    "SERVES": (
        Reading("serves", "สนับสนุนพื้นที่"),
        Reading("served by", "ได้รับการสนับสนุนจาก"),
    ),
    "POOLED_INTO": (Reading("pools into", "สมทบเข้า"), Reading("fed by", "รับสมทบจาก")),
    "CONTRIBUTED": (
        Reading("contributed to", "สมทบให้"),
        Reading("received contributions from", "ได้รับการสมทบจาก"),
    ),
    "ALLOCATED_TO": (
        Reading("allocated to", "จัดสรรให้"),
        Reading("received an allocation from", "ได้รับการจัดสรรจาก"),
    ),
    "FOR_AREA": (Reading("plan for", "เป็นแผนของพื้นที่"), Reading("has plan", "มีแผน")),
    "PRESENTED": (Reading("presented", "นำเสนอ"), Reading("presented by", "นำเสนอโดย")),
    "HAS_GOAL": (Reading("has goal", "มีเป้าหมาย"), Reading("goal of", "เป็นเป้าหมายของ")),
    "USES": (Reading("uses mechanism", "ใช้กลไก"), Reading("mechanism of", "เป็นกลไกของ")),
    "OPERATES_IN": (
        Reading("operates in", "ดำเนินการในพื้นที่"),
        Reading("has mechanism", "มีกลไก"),
    ),
    "EMBODIED_BY": (Reading("carried out by", "ดำเนินการโดย"), Reading("carries out", "ดำเนินการ")),
    "HELD_IN": (Reading("held in", "จัดที่"), Reading("hosted", "เป็นที่จัด")),
    "ORGANIZED": (Reading("organized", "จัด"), Reading("organized by", "จัดโดย")),
    "ATTENDED": (Reading("attended", "เข้าร่วม"), Reading("attended by", "มีผู้เข้าร่วม")),
    "DECIDED": (Reading("decided", "มีมติ"), Reading("decided at", "มีมติใน")),
}


def reading(rel_type: str, forward: bool) -> Reading:
    along, against = READINGS.get(
        rel_type, (Reading(rel_type, rel_type), Reading(rel_type, rel_type))
    )
    return along if forward else against
