"""Areas: the country, CODI's regions and province groups, and government areas below them."""

from __future__ import annotations

from pydantic import Field, model_validator

from graph.models.common import AreaLevel, Id, Named, ShortText


class Area(Named):
    level: AreaLevel
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]*$", max_length=40)
    parent: Id | None = Field(default=None, description="The area this one is PART_OF.")
    aliases: list[ShortText] = Field(
        default_factory=list, description="Other written forms, e.g. short and long names."
    )
    # Provenance of the PART_OF link when it is not the area's own (a province placed in a
    # province group by an editable assumption, while the province itself comes from geothai).
    parent_source_ids: list[Id] = Field(default_factory=list)
    parent_assumption: bool = False

    @model_validator(mode="after")
    def _parent_unless_country(self) -> Area:
        if self.level is not AreaLevel.country and self.parent is None:
            raise ValueError(f"an area of level {self.level} needs a parent")
        return self


def area_id(code: str) -> str:
    return f"area:{code}"
