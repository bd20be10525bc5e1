"""Meetings: where they were held, who organized and attended them, what they decided."""

from __future__ import annotations

from graph.entities import RelationOf

held_in = RelationOf("Event", "held_in")
organized_by = RelationOf("Event", "organized_by")
attendees = RelationOf("Event", "attendees")
decided = RelationOf("Event", "decided")
