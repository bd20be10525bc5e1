"""People, their memberships and mentors, and the onboarding view (question 4)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from graph import people, read
from graph.errors import NotFound
from graph.models import Role, Tier, be_year
from graph.people import OnboardingPlans
from graph.queries.relations import merge_plans
from graph.registry import label_of

# The onboarding view holds areas, partnerships, resources and meetings: their types must exist
# before it is derived from its model.
from schema.areas import Area
from schema.base import Connection, Node, Sourced, lookup, related, then
from schema.context import ctx
from schema.events import Attendance
from schema.lists import Sort, page
from schema.organizations import Organization, memberships_on
from schema.partnerships import Partnership  # noqa: F401
from schema.prefetch import follows, plan_of, same
from schema.resources import Resource  # noqa: F401

AreaRef = Area
AttendanceRef = Attendance


MembershipRef = Annotated["Membership", strawberry.lazy("schema.people")]
MentorshipRef = Annotated["Mentorship", strawberry.lazy("schema.people")]


@strawberry.experimental.pydantic.type(
    model=read.Contact,
    all_fields=True,
    description="Contact details: personal data, shown only to callers allowed to see them.",
)
class Contact:
    pass


@strawberry.experimental.pydantic.type(
    model=read.Person,
    all_fields=True,
    description="A person in the network; `nameLatn` is their Thai name romanized (PyThaiNLP, "
    "RTGS) when they have no English name.",
)
class Person(Node):
    id: strawberry.ID

    @strawberry.field(
        description="Personal contact data; null unless the caller may see it "
        "(see `contactVisible`)."
    )
    def contact(self, root: strawberry.Parent[read.Person], info: Info) -> Contact | None:
        if not ctx(info).can_see_contact:
            return None
        return root.contact  # type: ignore[return-value]

    @strawberry.field(description="Whether this caller may see personal contact data.")
    def contact_visible(self, root: strawberry.Parent[read.Person], info: Info) -> bool:
        return ctx(info).can_see_contact

    @strawberry.field(
        description="Areas the person works in.", metadata=follows(people.works_in, "Area")
    )
    def works_in(self, root: strawberry.Parent[read.Person], info: Info) -> list[AreaRef]:
        return related(info, root, people.works_in)

    @strawberry.field(
        description="Memberships and roles; only those valid on `validOn` when given.",
        metadata=follows(people.memberships, "Membership", via="organization"),
    )
    def memberships(
        self,
        root: strawberry.Parent[read.Person],
        info: Info,
        valid_on: dt.date | None = None,
        role: list[Role] | None = None,
    ) -> list[MembershipRef]:
        found = related(info, root, people.memberships)
        return then(found, lambda found: memberships_on(found, valid_on, role))

    @strawberry.field(
        description="Who mentors this person.",
        metadata=follows(people.mentors, "Mentorship", via="mentor"),
    )
    def mentors(self, root: strawberry.Parent[read.Person], info: Info) -> list[MentorshipRef]:
        return related(info, root, people.mentors)

    @strawberry.field(
        description="Whom this person mentors.",
        metadata=follows(people.mentees, "Mentorship", via="mentee"),
    )
    def mentees(self, root: strawberry.Parent[read.Person], info: Info) -> list[MentorshipRef]:
        return related(info, root, people.mentees)

    @strawberry.field(
        description="Meetings attended, with their role, latest first.",
        metadata=follows(people.events_attended, "Attendance", via="event"),
    )
    def events_attended(
        self, root: strawberry.Parent[read.Person], info: Info
    ) -> list[AttendanceRef]:
        return related(info, root, people.events_attended)


@strawberry.experimental.pydantic.type(
    model=read.Membership, all_fields=True, description="A person's membership of an organization."
)
class Membership(Sourced):
    @strawberry.field
    def person(self, root: strawberry.Parent[read.Membership]) -> Person:
        return root.get_related("person")

    @strawberry.field
    def organization(self, root: strawberry.Parent[read.Membership]) -> Organization:
        return root.get_related("organization")

    @strawberry.field(description="Start year in the Buddhist Era.")
    def start_year_be(self, root: strawberry.Parent[read.Membership]) -> int | None:
        return be_year(root.start_on.year) if root.start_on else None


@strawberry.experimental.pydantic.type(
    model=read.Mentorship, all_fields=True, description="Mentorship between two people (พี่เลี้ยง)."
)
class Mentorship(Sourced):
    @strawberry.field
    def mentor(self, root: strawberry.Parent[read.Mentorship]) -> Person:
        return root.get_related("mentor")

    @strawberry.field
    def mentee(self, root: strawberry.Parent[read.Mentorship]) -> Person:
        return root.get_related("mentee")


# --- 4. onboarding -------------------------------------------------------------------------------


@strawberry.experimental.pydantic.type(
    model=people.PeopleSample,
    all_fields=True,
    description="A sample of people, with how many there are in all.",
)
class PeopleSample:
    pass


@strawberry.experimental.pydantic.type(
    model=people.KeyPerson,
    all_fields=True,
    description="Someone holding a leading role in a body of an area one level up.",
)
class KeyPerson:
    pass


@strawberry.experimental.pydantic.type(
    model=people.ReachablePartnership,
    all_fields=True,
    description="A partnership a person can reach; `through`: 'area' (it works in their area "
    "or above) and/or 'membership' (a body they belong to is a party).",
)
class ReachablePartnership:
    pass


@strawberry.experimental.pydantic.type(
    model=people.ReachableResource,
    all_fields=True,
    description="A shared resource a person can reach; `through`: 'area' (it serves their area "
    "or above) and/or 'stewardship' (a body they belong to stewards it).",
)
class ReachableResource:
    pass


@strawberry.experimental.pydantic.type(
    model=people.Onboarding,
    all_fields=True,
    description="What a second-tier leader being onboarded should see (question 4): where they "
    "work and every area above, memberships valid on the date, mentors, peers in their area, "
    "people of the same tier in their province group (how many, and the nearest: in their "
    "district), leading roles in the bodies of their province, province group and region, the "
    "partnerships and shared resources within reach, and the meetings they attended.",
)
class Onboarding:
    person: Person = strawberry.field(metadata=same("Person"))


@strawberry.type
class PersonQueries:
    @strawberry.field(description="One person by id.")
    async def person(self, info: Info, id: strawberry.ID) -> Person | None:
        return await lookup(info, "Person", id)

    @strawberry.field(description="People; `within` keeps those working in an area's subtree.")
    async def people(
        self,
        info: Info,
        tier: list[Tier] | None = None,
        within: strawberry.ID | None = None,
        synthetic: bool | None = None,
        sort: Sort = Sort.name,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Person]:
        return await page(
            info, "Person", first, after, within=within, sort=sort, tiers=tier, synthetic=synthetic
        )

    @strawberry.field(
        description="4. What a person (a second-tier leader) should see: roles, "
        "mentors, peers, key people one level up, reachable partnerships and "
        "resources, meetings."
    )
    async def onboarding(
        self,
        info: Info,
        person: strawberry.ID,
        valid_on: dt.date | None = None,
        first: int = 20,
    ) -> Onboarding | None:
        size = ctx(info).page_size(first)
        if label_of(person) != "Person":
            raise NotFound("Person", person)
        plans = OnboardingPlans(
            person=merge_plans(
                plan_of(info, "person"),
                (
                    ("events_attended", plan_of(info, "meetings.event")),
                    ("memberships", plan_of(info, "memberships.organization")),
                    ("mentees", plan_of(info, "mentees.mentee")),
                    ("mentors", plan_of(info, "mentors.mentor")),
                    (
                        "works_in",
                        merge_plans(
                            plan_of(info, "areas"),
                            (
                                (
                                    "ancestors",
                                    merge_plans(
                                        plan_of(info, "above"), plan_of(info, "provinceGroup")
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            peer=plan_of(info, "peersInArea.people"),
            group_peer=plan_of(info, "peersInProvinceGroup.people"),
            key_person=plan_of(info, "keyPeople.person"),
            key_organization=plan_of(info, "keyPeople.organization"),
            partnership=plan_of(info, "partnerships.partnership"),
            resource=plan_of(info, "resources.resource"),
        )
        return await people.onboarding(  # type: ignore[return-value]
            ctx(info).graph, person, on=valid_on, limit=size, plans=plans
        )
