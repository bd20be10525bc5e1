"""Exports for the tools people use: CSV and XLSX per kind (the columns the import reads, so an
export imports back unchanged), GraphML and GEXF (Gephi, written by networkx) and Cytoscape
JSON, for the whole graph or an area's subtree.

Personal contact data is exported only when the caller may see it (``Caller.can_see_contact``):
otherwise the contact columns are left out of the file altogether, so importing such a file
back never clears contact data. The files an import came from (``src:import-…`` sources) are
not listed among a record's sources: importing an export adds its own.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from graph.db import Graph
from graph.errors import NotFound
from graph.imports import LABEL, SOURCE_PREFIX, AreaIndex, Place, area_index
from graph.queries import imports as q
from graph.spreadsheet import KINDS, LIST_SEPARATOR, check_kind, write_table
from graph.writes import record_from_row

TABLE_FORMATS = ("csv", "xlsx")
GRAPH_FORMATS = ("graphml", "gexf", "cytoscape")
FORMATS = TABLE_FORMATS + GRAPH_FORMATS
CONTACT_COLUMNS = ("phone", "email", "line_id")
CONTACT_PROPS = ("contact_phone", "contact_email", "contact_line")
# Derived for search; nothing a person reading the graph needs.
_INTERNAL_PROPS = ("search_text", "search_words", "content_hash", "_lock")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_text(v) for v in value)
    return str(value)


def _codes(ids: Iterable[str | None]) -> str:
    return LIST_SEPARATOR.join(sorted(i.removeprefix("area:") for i in ids if i))


def _sources(ids: list[str]) -> str:
    return LIST_SEPARATOR.join(sorted(i for i in ids if not i.startswith(SOURCE_PREFIX)))


def _names(areas: AreaIndex, ids: list[str]) -> dict[str, str]:
    """The Thai names of a single government area, when they name it and nothing else."""
    empty = {"subdistrict": "", "district": "", "province": ""}
    if len(ids) != 1 or ids[0] not in areas.by_id:
        return empty
    place: Place = areas.by_id[ids[0]]
    if place.level not in empty:
        return empty
    names = dict(empty)
    for level in empty:
        up = areas.up(place, level)
        if up is not None:
            names[level] = up.name_th
    found, *_ = areas.by_names(names["subdistrict"], names["district"], names["province"])
    return names if found is not None and found.id == place.id else empty


async def _records(graph: Graph, kind: str, ids: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), 5000):
        rows = await graph.read(q.records_statement(LABEL[kind]), ids=ids[i : i + 5000])
        out.extend(record_from_row(LABEL[kind], r) for r in rows)
    return sorted(out, key=lambda r: r["id"])


async def _ids(graph: Graph, kind: str, within: str | None) -> list[str]:
    if within is None:
        rows = await graph.read(q.EXPORT_ALL[kind])
    else:
        rows = await graph.read(q.EXPORT_WITHIN[kind], within=within)
    return sorted({r["id"] for r in rows})


async def _check_area(graph: Graph, within: str | None) -> str | None:
    if within is None:
        return None
    area = within if within.startswith("area:") else f"area:{within}"
    if not await graph.read("MATCH (a:Area {id: $id}) RETURN a.id AS id", id=area):
        raise NotFound("Area", area)
    return area


def _common(rec: dict[str, Any]) -> dict[str, str]:
    return {
        "id": rec["id"],
        "note": _text(rec.get("note")),
        "synthetic": _text(rec.get("synthetic")),
        "assumption": _text(rec.get("assumption")),
        "sources": _sources(rec.get("source_ids") or []),
    }


def _plain(rec: dict[str, Any], keys: Iterable[str]) -> dict[str, str]:
    return {k: _text(rec.get(k)) for k in keys}


async def table_rows(
    graph: Graph, kind: str, *, within: str | None = None, contact: bool = False
) -> list[dict[str, str]]:
    """The rows an export of ``kind`` holds, by column key, in a stable order."""
    check_kind(kind)
    area = await _check_area(graph, within)
    areas = await area_index(graph)
    records = await _records(graph, kind, await _ids(graph, kind, area))
    rows: list[dict[str, str]] = []
    if kind == "organizations":
        for r in records:
            located = [r["located_in"]] if r.get("located_in") else []
            rows.append(
                {
                    **_common(r),
                    **_plain(
                        r,
                        (
                            "name_th",
                            "name_en",
                            "kind",
                            "unit_of",
                            "short_name_th",
                            "short_name_en",
                            "start_on",
                            "end_on",
                            "description_th",
                            "description_en",
                        ),
                    ),
                    "area_code": _codes(located),
                    **_names(areas, located),
                    "works_in": _codes(r.get("works_in") or []),
                }
            )
    elif kind == "people":
        members = await _memberships(graph, [r["id"] for r in records])
        for r in records:
            base = {
                **_common(r),
                **_plain(
                    r,
                    (
                        "honorific_th",
                        "given_name_th",
                        "family_name_th",
                        "given_name_en",
                        "family_name_en",
                        "tier",
                    ),
                ),
                "area_code": _codes(r.get("works_in") or []),
                **_names(areas, r.get("works_in") or []),
            }
            if contact:
                c = r.get("contact") or {}
                base.update({k: _text(c.get(k)) for k in CONTACT_COLUMNS})
            items = members.get(r["id"]) or [{}]
            rows.extend({**base, **item} for item in items)
    elif kind == "partnerships":
        for r in records:
            base = {
                **_common(r),
                **_plain(
                    r,
                    (
                        "name_th",
                        "name_en",
                        "kind",
                        "level",
                        "status",
                        "start_on",
                        "end_on",
                        "purpose_th",
                        "purpose_en",
                    ),
                ),
                "area_code": _codes(r.get("covers") or []),
                **_names(areas, r.get("covers") or []),
            }
            parties = sorted(r.get("parties") or [], key=lambda p: p["organization"])
            items = [
                {
                    "party": p["organization"],
                    "party_role": _text(p.get("role")),
                    "party_role_th": _text(p.get("role_th")),
                }
                for p in parties
            ] or [{}]
            rows.extend({**base, **item} for item in items)
    elif kind == "resources":
        flows = await _flows(graph, [r["id"] for r in records])
        for r in records:
            base = {
                **_common(r),
                **_plain(
                    r,
                    (
                        "name_th",
                        "name_en",
                        "kind",
                        "level",
                        "status",
                        "unit",
                        "pooled_into",
                        "description_th",
                        "description_en",
                    ),
                ),
                "stewards": _text(sorted(r.get("stewards") or [])),
                "area_code": _codes(r.get("serves") or []),
                **_names(areas, r.get("serves") or []),
            }
            rows.extend({**base, **item} for item in flows.get(r["id"]) or [{}])
    else:  # events
        for r in records:
            base = {
                **_common(r),
                **_plain(
                    r,
                    (
                        "name_th",
                        "name_en",
                        "on",
                        "place_th",
                        "place_en",
                        "attendance_more_than",
                        "summary_th",
                        "summary_en",
                    ),
                ),
                "organized_by": _text(sorted(r.get("organized_by") or [])),
                "decided": _text(sorted(r.get("decided") or [])),
                "area_code": _codes([r["held_in"]] if r.get("held_in") else []),
                **_names(areas, [r["held_in"]] if r.get("held_in") else []),
            }
            attendees = sorted(r.get("attendees") or [], key=lambda a: a["attendee"])
            items = [
                {
                    "attendee": a["attendee"],
                    "attendee_role": _text(a.get("role")),
                    "attendee_role_th": _text(a.get("role_th")),
                }
                for a in attendees
            ] or [{}]
            rows.extend({**base, **item} for item in items)
    return rows


async def _memberships(graph: Graph, people: list[str]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for i in range(0, len(people), 5000):
        for m in await graph.read(q.MEMBERSHIPS_OF, ids=people[i : i + 5000]):
            p = m["props"]
            out.setdefault(m["person"], []).append(
                {
                    "organization": m["organization"],
                    "role": _text(p.get("role")),
                    "role_th": _text(p.get("role_th")),
                    "member_since": _text(p.get("start_on")),
                    "member_until": _text(p.get("end_on")),
                }
            )
    for items in out.values():
        items.sort(key=lambda x: (x["organization"], x["role"]))
    return out


async def _flows(graph: Graph, resources: list[str]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for i in range(0, len(resources), 5000):
        for f in await graph.read(q.FLOWS_OF, ids=resources[i : i + 5000]):
            p = f["props"]
            contribution = f["type"] == "CONTRIBUTED"
            out.setdefault(f["resource"], []).append(
                {
                    "flow": "contribution" if contribution else "allocation",
                    "flow_id": _text(p.get("id")),
                    "counterpart": f["other"],
                    "amount": _text(p.get("amount")),
                    "on": _text(p.get("on")),
                    "in_kind": _text(p.get("in_kind")) if contribution else "",
                    "flow_purpose_th": _text(p.get("purpose_th")),
                    "flow_purpose_en": _text(p.get("purpose_en")),
                }
            )
    for items in out.values():
        items.sort(key=lambda x: x["flow_id"])
    return out


async def export_table(
    graph: Graph, kind: str, fmt: str, *, within: str | None = None, contact: bool = False
) -> bytes:
    """One kind as a CSV or XLSX file, the import's columns (contact columns only when
    ``contact``)."""
    rows = await table_rows(graph, kind, within=within, contact=contact)
    exclude = () if contact or kind != "people" else CONTACT_COLUMNS
    return write_table(kind, rows, fmt, exclude=exclude)


async def export_tables(
    graph: Graph, fmt: str, *, within: str | None = None, contact: bool = False
) -> dict[str, bytes]:
    """Every kind, ``{kind}.{fmt}`` -> bytes."""
    return {
        f"{kind}.{fmt}": await export_table(graph, kind, fmt, within=within, contact=contact)
        for kind in KINDS
    }


# --- the graph as a network file ------------------------------------------------------------------


def _scalar(value: Any) -> Any:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _attrs(props: dict[str, Any], contact: bool) -> dict[str, Any]:
    return {
        k: _scalar(v)
        for k, v in sorted(props.items())
        if v is not None
        and k not in _INTERNAL_PROPS
        and (contact or k not in CONTACT_PROPS)
        and v != []
    }


async def network(graph: Graph, *, within: str | None = None, contact: bool = False) -> Any:
    """The graph (or an area's subtree and what is tied to it) as a networkx MultiDiGraph:
    nodes by id with their label and properties, edges with their type and properties."""
    import networkx as nx

    area = await _check_area(graph, within)
    keep: set[str] | None = None
    if area is not None:
        rows = await graph.read(q.SUBTREE_IDS, within=area)
        keep = {i for i in (rows[0]["ids"] if rows else []) if i}
    g = nx.MultiDiGraph()
    for r in sorted(await graph.read(q.GRAPH_NODES), key=lambda r: r["id"]):
        if keep is not None and r["id"] not in keep:
            continue
        labels = sorted(r["labels"])
        attrs = _attrs(r["props"], contact)
        attrs.pop("id", None)
        # ``label`` is what Gephi and Cytoscape show: the name; ``node_label`` the graph's label.
        name = r["props"].get("name_th") or r["props"].get("title_en") or r["id"]
        g.add_node(r["id"], **{**attrs, "label": name, "node_label": labels[0] if labels else ""})
    edges = await graph.read(q.GRAPH_EDGES)
    edges.sort(key=lambda e: (e["source"], e["type"], e["target"], str(e["props"].get("key"))))
    for n, e in enumerate(edges):
        if e["source"] not in g or e["target"] not in g:
            continue
        props = _attrs(e["props"], contact)
        if "id" in props:
            props["rel_id"] = props.pop("id")
        key = g.add_edge(e["source"], e["target"], key=f"e{n}")
        g.edges[e["source"], e["target"], key].update({**props, "rel_type": e["type"]})
    _one_type_per_attribute(g.nodes.values())
    _one_type_per_attribute(g.edges.values())
    return g


def _one_type_per_attribute(items: Iterable[dict[str, Any]]) -> None:
    """GEXF and GraphML declare one type per attribute: an amount stored as 0 on one node and
    220000.0 on another is made a float everywhere; a mix with text, text."""
    items = list(items)
    kinds: dict[str, set[type]] = {}
    for attrs in items:
        for k, v in attrs.items():
            kinds.setdefault(k, set()).add(type(v))
    for k, seen in kinds.items():
        if len(seen) < 2:
            continue
        cast: type = float if seen <= {int, float} else str
        for attrs in items:
            if k in attrs:
                attrs[k] = cast(attrs[k])


async def export_network(
    graph: Graph, fmt: str, *, within: str | None = None, contact: bool = False
) -> bytes:
    """GraphML, GEXF or Cytoscape JSON."""
    import networkx as nx

    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(GRAPH_FORMATS)}")
    g = await network(graph, within=within, contact=contact)
    if fmt == "cytoscape":
        return json.dumps(
            nx.cytoscape_data(g), ensure_ascii=False, sort_keys=True, indent=1
        ).encode("utf-8")
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(g, buf, encoding="utf-8")
    else:
        nx.write_gexf(g, buf, encoding="utf-8")
    return buf.getvalue()
