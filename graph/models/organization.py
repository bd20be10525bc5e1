"""Organizations and bodies (councils, funds, agencies, teams) and who is a member of them."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from graph.models.common import Dated, Id, Named, Record, ShortText


class OrganizationKind(StrEnum):
    community_council = "community_council"  # สภาองค์กรชุมชนตำบล
    savings_group = "savings_group"  # กลุ่มออมทรัพย์
    welfare_fund = "welfare_fund"  # กองทุนสวัสดิการชุมชน
    cooperative = "cooperative"  # สหกรณ์
    community_network = "community_network"  # เครือข่ายองค์กรชุมชน
    community = "community"  # ชุมชน
    codi_office = "codi_office"  # พอช. and its regional offices
    government_agency = "government_agency"
    local_government = "local_government"  # อปท.
    civil_society = "civil_society"
    academic = "academic"
    private = "private"
    management_team = "management_team"  # ทีมบริหารภาค
    subcommittee = "subcommittee"  # คณะอนุกรรมการภาค
    working_group = "working_group"  # คณะทำงานระดับกลุ่มจังหวัด
    cohort = "cohort"  # a named group of people, e.g. the region's second-tier leaders


class Organization(Named, Dated):
    """``start_on``: founded or registered; ``end_on``: dissolved (a spreadsheet's dates)."""

    kind: OrganizationKind
    short_name_th: ShortText | None = None
    short_name_en: ShortText | None = None
    located_in: Id | None = Field(default=None, description="Area where it is based.")
    works_in: list[Id] = Field(default_factory=list, description="Areas it works in.")
    unit_of: Id | None = Field(default=None, description="Parent organization or body.")
    description_th: str | None = None
    description_en: str | None = None


class Role(StrEnum):
    member = "member"
    chair = "chair"
    vice_chair = "vice_chair"
    secretary = "secretary"
    treasurer = "treasurer"
    coordinator = "coordinator"
    committee_member = "committee_member"
    director = "director"
    staff = "staff"
    representative = "representative"
    advisor = "advisor"


class Membership(Record, Dated):
    """(Person)-[:MEMBER_OF]->(Organization), with a role and dates."""

    person: Id
    organization: Id
    role: Role = Role.member
    role_th: ShortText | None = None

    @property
    def key(self) -> str:
        return f"{self.person}|{self.organization}|{self.role}"
