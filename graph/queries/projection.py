"""How a node or relationship becomes a row: map literals generated from the read models.

A projection names every field of its read model (``graph.read``) and nothing else, so a
statement returns exactly what the model needs, and the search text, content hash and other
internal properties never leave the engine. Projections are explicit map literals
(``{id: n.id, name_th: n.name_th}``) rather than map projections (``n {.id}``): the embedded
engine loses the outer map when a map projection is nested inside a map literal.

Two storage conventions are read back here, in one place: an absent list property is an empty
list (the loader stores no empty lists), and an absent ``synthetic`` or ``assumption`` flag is
false (relationships store them only when true).
"""

from __future__ import annotations

import typing
from functools import cache

from graph.models.person import Tier
from graph.read import NODE_MODELS, ReadModel
from graph.registry import NODE_LABELS

FLAGS = ("synthetic", "assumption")

# The materialized subtree counts every area carries (graph.queries.rollup writes them).
AREA_COUNTS: dict[str, str] = {
    "organizations": "rollup_organizations",
    "people": "rollup_people",
    "partnerships": "rollup_partnerships",
    "resources": "rollup_resources",
    "pools": "rollup_pools",
    "pooled_amount": "rollup_pooled_amount",
    "contributions": "rollup_contributions",
}
COUNTS_KEY = "_counts"  # key of those counts in an area's row
# How many people of each leadership tier work in the subtree (same refresh).
TIER_COUNTS_KEY = "_tiers"


def _is_list(annotation: object) -> bool:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is list:
        return True
    return len(args) == 1 and typing.get_origin(args[0]) is list


def _expression(model: type[ReadModel], var: str, field: str) -> str:
    nested = model.NESTED.get(field)
    if nested is not None:
        return "{" + ", ".join(f"{k}: {var}.{prop}" for k, prop in nested.items()) + "}"
    prop = model.STORED_AS.get(field, field)
    if field in FLAGS:
        return f"coalesce({var}.{prop}, false)"
    if field == "revision":  # nodes and links written before any change are at revision 1
        return f"coalesce({var}.revision, 1)"
    if _is_list(model.model_fields[field].annotation):
        return f"coalesce({var}.{prop}, [])"
    return f"{var}.{prop}"


def model_map(model: type[ReadModel], var: str) -> str:
    """Every field of ``model`` read from the node or relationship ``var``, as a map literal."""
    return "{" + ", ".join(f"{f}: {_expression(model, var, f)}" for f in model.model_fields) + "}"


def model_entries(model: type[ReadModel], var: str) -> list[str]:
    return [f"{f}: {_expression(model, var, f)}" for f in model.model_fields]


def node_entries(label: str, var: str) -> list[str]:
    """The entries of a node's map: its model's fields, and for an area its rollup counts."""
    entries = model_entries(NODE_MODELS[label], var)
    if label == "Area":
        counts = ", ".join(f"{k}: {var}.{prop}" for k, prop in AREA_COUNTS.items())
        entries.append(f"{COUNTS_KEY}: {{{counts}}}")
        tiers = ", ".join(f"{t.value}: {var}.rollup_tier_{t.value}" for t in Tier)
        entries.append(f"{TIER_COUNTS_KEY}: {{{tiers}}}")
    return entries


@cache
def node_map(label: str, var: str) -> str:
    return "{" + ", ".join(node_entries(label, var)) + "}"


@cache
def any_node_map(var: str) -> str:
    """A node of any label: the fields of every label's model (null where a label has none),
    and its label. Used where one list holds nodes of several labels (a path)."""
    entries: dict[str, str] = {"label": f"labels({var})[0]"}
    for label in NODE_LABELS:
        for entry in node_entries(label, var):
            name, _, expr = entry.partition(": ")
            if entries.setdefault(name, expr) != expr:
                raise ValueError(f"field {name} is read differently by two labels")
    return "{" + ", ".join(f"{k}: {v}" for k, v in entries.items()) + "}"


# What a network view draws of a node of any label: its name, kind and level, and whether it
# is generated data. Missing properties are null.
SUMMARY_FIELDS = (
    "id",
    "name_th",
    "name_en",
    "name_latn",
    "text_th",
    "text_en",
    "title_th",
    "title_en",
    "kind",
    "level",
    "tier",
    "start_on",
    "end_on",
)


@cache
def summary_map(var: str) -> str:
    entries = [f"{f}: {var}.{f}" for f in SUMMARY_FIELDS]
    entries.append(f"synthetic: coalesce({var}.synthetic, false)")
    return "{" + ", ".join(entries) + "}"
