"""Limits on what one request may ask: an estimate of its cost, and the database round trips
it made (reported back in the response's ``extensions``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from graph.db import RoundTrips, _counter
from schema.errors import PageSizeExceeded, TooComplex

# Fields that run a whole question: they cost more than a plain field.
QUESTION_COST = {
    "partners": 20,
    "connection": 50,
    "neighborhood": 50,
    "onboarding": 30,
    "rollup": 10,
    "coverage": 10,
    "pools": 10,
    "search": 10,
    "flows": 5,
}
SIZE_ARGUMENTS = ("first", "limit")


class QueryCost(SchemaExtension):
    """Refuse an operation whose estimated cost is above ``max_cost``.

    Each field costs 1 (a question more, see QUESTION_COST), times the sizes (`first`,
    `limit`) of every list it is nested in. It is an estimate made before anything runs.
    """

    def __init__(self, max_cost: int, max_page_size: int) -> None:
        self.max_cost = max_cost
        self.max_page_size = max_page_size

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        doc = ctx.graphql_document
        if doc is not None:
            fragments = {
                d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)
            }
            variables = ctx.variables or {}
            for op in doc.definitions:
                if isinstance(op, OperationDefinitionNode):
                    _check_page_sizes(op.selection_set, fragments, variables, self.max_page_size)
                    cost = _cost(op.selection_set, 1, fragments, variables, set())
                    if cost > self.max_cost:
                        raise TooComplex(
                            f"this query would cost about {cost:,} units, more than the "
                            f"{self.max_cost:,} allowed; ask for smaller pages (`first`) or "
                            "fewer nested lists"
                        )
        yield


def _arg(field: FieldNode, name: str, variables: dict[str, Any]) -> int | None:
    for arg in field.arguments or ():
        if arg.name.value == name:
            if isinstance(arg.value, IntValueNode):
                return int(arg.value.value)
            if isinstance(arg.value, VariableNode):
                value = variables.get(arg.value.name.value)
                if isinstance(value, int):
                    return value
    return None


def _size(field: FieldNode, variables: dict[str, Any]) -> int:
    for name in SIZE_ARGUMENTS:
        value = _arg(field, name, variables)
        if value is not None:
            return max(value, 1)
    return 1


def _fields(
    selection: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> Iterator[FieldNode]:
    """Every field of a selection, however deep, through fragments too."""
    if selection is None:
        return
    for node in selection.selections:
        if isinstance(node, FieldNode):
            yield node
            yield from _fields(node.selection_set, fragments, seen)
        elif isinstance(node, InlineFragmentNode):
            yield from _fields(node.selection_set, fragments, seen)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name in fragments and name not in seen:
                yield from _fields(fragments[name].selection_set, fragments, seen | {name})


def _check_page_sizes(
    selection: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    max_page_size: int,
) -> None:
    """Refuse an oversized page before anything runs, with the error that names it."""
    for field in _fields(selection, fragments):
        first = _arg(field, "first", variables)
        if first is not None and first > max_page_size:
            raise PageSizeExceeded(
                f"{field.name.value}(first: {first}) asks for more than the maximum page size "
                f"of {max_page_size}; page through the results with `after`"
            )


def _cost(
    selection: SelectionSetNode | None,
    multiplier: int,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    seen: set[str],
) -> int:
    if selection is None:
        return 0
    total = 0
    for node in selection.selections:
        if isinstance(node, FieldNode):
            own = QUESTION_COST.get(node.name.value, 1)
            inner = multiplier * _size(node, variables)
            total += multiplier * own + _cost(node.selection_set, inner, fragments, variables, seen)
        elif isinstance(node, InlineFragmentNode):
            total += _cost(node.selection_set, multiplier, fragments, variables, seen)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name in fragments and name not in seen:
                total += _cost(
                    fragments[name].selection_set, multiplier, fragments, variables, seen | {name}
                )
    return total


class DatabaseRoundTrips(SchemaExtension):
    """Count the statements sent to the engine for this operation; report them back.

    With ``trace`` (the server setting KB_TRACE_STATEMENTS, for the benchmark only) the
    statements and their parameters are returned too, so they can be replayed as raw Cypher.
    """

    def __init__(self, trace: bool = False) -> None:
        self.trace = trace

    def on_operation(self) -> Iterator[None]:
        self.counter = RoundTrips(record=self.trace)
        token = _counter.set(self.counter)
        try:
            yield
        finally:
            _counter.reset(token)

    def get_results(self) -> dict[str, Any]:
        results: dict[str, Any] = {"dbRoundTrips": self.counter.count}
        if self.trace:
            results["statements"] = [{"query": q, "params": p} for q, p in self.counter.statements]
        return results
