"""pydantic models: the contract of the data, validated once, on the way in.

A whole set of records, checked together, is a ``graph.dataset.Dataset``.
"""

from graph.models.area import Area, area_id
from graph.models.common import AreaLevel, be_year, ce_year
from graph.models.event import Attendance, Event
from graph.models.organization import Membership, Organization, OrganizationKind, Role
from graph.models.partnership import Partnership, PartnershipKind, Party, Status
from graph.models.person import Contact, Mentorship, Person, Tier
from graph.models.plan import Goal, GoalKind, Horizon, Mechanism, MechanismKind, Plan
from graph.models.resource import Allocation, Contribution, Resource, ResourceKind
from graph.models.source import Source, SourceKind

__all__ = [
    "Allocation",
    "Area",
    "AreaLevel",
    "Attendance",
    "Contact",
    "Contribution",
    "Event",
    "Goal",
    "GoalKind",
    "Horizon",
    "Mechanism",
    "MechanismKind",
    "Membership",
    "Mentorship",
    "Organization",
    "OrganizationKind",
    "Partnership",
    "PartnershipKind",
    "Party",
    "Person",
    "Plan",
    "Resource",
    "ResourceKind",
    "Role",
    "Source",
    "SourceKind",
    "Status",
    "Tier",
    "area_id",
    "be_year",
    "ce_year",
]
