"""Plans for a level and a year, their goals and the mechanisms that carry them out."""

from __future__ import annotations

from graph.entities import RelationOf

area = RelationOf("Plan", "area")
goals = RelationOf("Plan", "goals")
mechanisms = RelationOf("Plan", "mechanisms")
presented_by = RelationOf("Plan", "presented_by")
decided_at = RelationOf("Plan", "decided_at")
goal_plans = RelationOf("Goal", "plans")
mechanism_area = RelationOf("Mechanism", "area")
mechanism_plans = RelationOf("Mechanism", "plans")
embodied_by = RelationOf("Mechanism", "embodied_by")
