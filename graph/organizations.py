"""Organizations and bodies: where they are, who belongs, what they take part in.

Their partner networks are a question of their own (``graph.network.partners``).
"""

from __future__ import annotations

from graph.entities import RelationOf

located_in = RelationOf("Organization", "located_in")
works_in = RelationOf("Organization", "works_in")
unit_of = RelationOf("Organization", "unit_of")
units = RelationOf("Organization", "units")
members = RelationOf("Organization", "members")
partnerships = RelationOf("Organization", "partnerships")
contributions = RelationOf("Organization", "contributions")
stewards = RelationOf("Organization", "stewards")
allocations_received = RelationOf("Organization", "allocations_received")
events_attended = RelationOf("Organization", "events_attended")
