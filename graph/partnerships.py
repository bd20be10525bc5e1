"""Partnerships: two-party ties and many-party joint platforms (ถาดร่วม)."""

from __future__ import annotations

from graph.entities import RelationOf

covers = RelationOf("Partnership", "covers")
parties = RelationOf("Partnership", "parties")
allocations_received = RelationOf("Partnership", "allocations_received")
