"""From what a request selects to what the graph fetches in the same round trip (a *plan*).

A field that follows a relation declares it in its metadata (``follows``); a field whose object
is the same node seen another way (a rollup's ``area``) declares ``same``. Walking the request's
selection with these gives the plan (``graph.queries.relations.Plan``) that the root field
passes to the graph, so that ``organization { partnerships { partnership { parties {
organization { locatedIn } } } } }`` is one statement. What a plan could not foresee (a relation
below a node of several possible labels) is loaded on first use, one round trip per relation
for the whole request (``schema.loaders``).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from strawberry.types import Info

from graph.entities import RelationOf
from graph.queries.relations import NO_PLAN, Plan, merge_plans

INTERFACES = ("Node",)


@dataclass(frozen=True)
class Follows:
    relation: RelationOf
    type: str  # the GraphQL type the field returns
    via: str | None = None  # for a relationship type: the field holding the node at its far end


@dataclass(frozen=True)
class Same:
    type: str  # the GraphQL type of the same node


def follows(relation: RelationOf, type: str, via: str | None = None) -> dict[str, Any]:
    """Metadata of a field that follows ``relation`` to objects of GraphQL ``type``."""
    return {"prefetch": Follows(relation, type, via)}


def same(type: str) -> dict[str, Any]:
    """Metadata of a field whose object is the node its parent stands for."""
    return {"prefetch": Same(type)}


_FIELDS: weakref.WeakKeyDictionary[Any, dict[str, dict[str, Follows | Same]]] = (
    weakref.WeakKeyDictionary()
)


def _fields_of(info: Info, type_name: str) -> dict[str, Follows | Same]:
    """GraphQL field name -> what it fetches, for one type (computed once per schema)."""
    schema = info.schema
    per_type = _FIELDS.setdefault(schema, {})
    if type_name not in per_type:
        found: dict[str, Follows | Same] = {}
        definition = schema.get_type_by_name(type_name)
        for f in getattr(definition, "fields", ()):
            meta = (f.metadata or {}).get("prefetch")
            if meta is not None:
                found[schema.config.name_converter.get_graphql_name(f)] = meta
        per_type[type_name] = found
    return per_type[type_name]


def _fields(
    raw: GraphQLResolveInfo, selection: SelectionSetNode | None, type_name: str
) -> list[FieldNode]:
    """The fields of a selection that apply to ``type_name``, through fragments."""
    out: list[FieldNode] = []
    if selection is None:
        return out
    for node in selection.selections:
        if isinstance(node, FieldNode):
            out.append(node)
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            if condition in (None, type_name, *INTERFACES):
                out.extend(_fields(raw, node.selection_set, type_name))
        elif isinstance(node, FragmentSpreadNode):
            fragment = raw.fragments.get(node.name.value)
            if fragment and fragment.type_condition.name.value in (type_name, *INTERFACES):
                out.extend(_fields(raw, fragment.selection_set, type_name))
    return out


def _plan(
    info: Info, selections: list[SelectionSetNode | None], type_name: str, depth: int = 0
) -> Plan:
    if depth > 20:  # deeper than any request the depth limit lets through
        return NO_PLAN
    raw = info._raw_info
    known = _fields_of(info, type_name)
    plans: list[Plan] = []
    for selection in selections:
        for field in _fields(raw, selection, type_name):
            meta = known.get(field.name.value)
            if isinstance(meta, Same):
                plans.append(_plan(info, [field.selection_set], meta.type, depth + 1))
            elif isinstance(meta, Follows):
                sub = [field.selection_set]
                if meta.via is not None:
                    sub = [
                        f.selection_set
                        for f in _fields(raw, field.selection_set, meta.type)
                        if f.name.value == meta.via
                    ]
                    target = _via_type(info, meta)
                else:
                    target = meta.type
                plans.append(((meta.relation.name, _plan(info, sub, target, depth + 1)),))
    return merge_plans(*plans)


def _field_type(raw: GraphQLResolveInfo, type_name: str, field: str) -> str:
    graphql_type: Any = raw.schema.get_type(type_name)
    return str(get_named_type(graphql_type.fields[field].type).name)


def _via_type(info: Info, meta: Follows) -> str:
    """The GraphQL type of the far end of a relationship type (Membership.person: Person)."""
    return _field_type(info._raw_info, meta.type, meta.via or "")


def plan_of(info: Info, path: str = "", *, as_type: str | None = None) -> Plan:
    """The plan for the object the current field returns or, with ``path`` (dotted GraphQL
    field names), for the objects found along that path in it: ``plan_of(info,
    "peersInArea.people")``. ``as_type``: the concrete type to plan for where the path ends at
    an interface (a search hit's ``node``)."""
    raw = info._raw_info
    selections: list[SelectionSetNode | None] = [n.selection_set for n in raw.field_nodes]
    type_name = str(get_named_type(raw.return_type).name)
    for name in filter(None, path.split(".")):
        selections = [
            f.selection_set
            for s in selections
            for f in _fields(raw, s, type_name)
            if f.name.value == name
        ]
        type_name = _field_type(raw, type_name, name)
    return _plan(info, selections, as_type or type_name)


def plan_for_relation(info: Info) -> Plan:
    """The plan for the nodes at the far end of the relation the current field follows."""
    meta: Follows = info._field.metadata["prefetch"]
    raw = info._raw_info
    selections: list[SelectionSetNode | None] = [n.selection_set for n in raw.field_nodes]
    if meta.via is None:
        return _plan(info, selections, meta.type)
    sub = [
        f.selection_set
        for s in selections
        for f in _fields(raw, s, meta.type)
        if f.name.value == meta.via
    ]
    return _plan(info, sub, _via_type(info, meta))


def selects(info: Info, name: str) -> bool:
    """Whether the current field's selection asks for its field ``name`` (through fragments)."""
    raw = info._raw_info
    type_name = str(get_named_type(raw.return_type).name)
    return any(
        f.name.value == name
        for n in raw.field_nodes
        for f in _fields(raw, n.selection_set, type_name)
    )
