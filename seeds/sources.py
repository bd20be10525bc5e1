"""The seed files and geothai, turned into validated datasets that cite their sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.dataset import Dataset, DatasetError, Problem, parse_dataset
from graph.models import Area, AreaLevel
from graph.models.common import Id

DATA_DIR = Path(__file__).parent / "data"
GEOTHAI_SOURCE = "src:geothai"
COUNTRY_ID = "area:TH"


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DatasetError([Problem(str(path), "<file>", "<file>", f"cannot read: {exc}")]) from exc
    except yaml.YAMLError as exc:
        raise DatasetError([Problem(str(path), "<file>", "<yaml>", str(exc))]) from exc


def load_file(path: Path) -> Dataset:
    """A seed file as a validated dataset (sections it does not know are reported)."""
    raw = read_yaml(path)
    if isinstance(raw, dict):
        raw = {k: v for k, v in raw.items() if k != "province_groups"}
    return parse_dataset(raw, origin=str(path))


class GroupMembership(BaseModel):
    model_config = ConfigDict(extra="forbid")

    group: Id
    provinces: list[str] = Field(min_length=1)
    source_ids: list[Id] = Field(min_length=1)


def province_groups(
    path: Path,
) -> tuple[dict[str, str], dict[str, list[Id]], list[GroupMembership]]:
    """Province code -> group id, group id -> sources, from the ``province_groups`` section."""
    import geothai

    raw = read_yaml(path)
    items = raw.get("province_groups", []) if isinstance(raw, dict) else []
    problems: list[Problem] = []
    parent: dict[str, str] = {}
    sources: dict[str, list[Id]] = {}
    memberships: list[GroupMembership] = []
    for i, item in enumerate(items or []):
        where = f"province_groups[{i}]"
        try:
            m = GroupMembership.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"])
                problems.append(Problem(str(path), where, field, err["msg"]))
            continue
        memberships.append(m)
        sources[m.group] = m.source_ids
        for j, code in enumerate(m.provinces):
            if geothai.province(code) is None:
                problems.append(
                    Problem(
                        str(path),
                        f"{where} (group {m.group})",
                        f"provinces.{j}",
                        f"unknown province code {code!r}",
                    )
                )
            elif code in parent:
                problems.append(
                    Problem(
                        str(path),
                        f"{where} (group {m.group})",
                        f"provinces.{j}",
                        f"province {code} is already in {parent[code]}",
                    )
                )
            else:
                parent[code] = m.group
    if problems:
        raise DatasetError(problems)
    return parent, sources, memberships


def geothai_dataset(province_parent: dict[str, str], group_sources: dict[str, list[Id]]) -> Dataset:
    """The country and every province, district and subdistrict, each under its parent.

    A province sits under its province group where ``province_parent`` says so (that link
    cites the grouping's source, as an assumption), else directly under the country.
    """
    import geothai

    src = [GEOTHAI_SOURCE]
    areas = [
        Area(
            id=COUNTRY_ID,
            code="TH",
            level=AreaLevel.country,
            name_th="ประเทศไทย",
            name_en="Thailand",
            source_ids=src,
            note="The root of the area tree.",
        )
    ]
    for p in geothai.provinces():
        group = province_parent.get(p.code)
        areas.append(
            Area(
                id=f"area:{p.code}",
                code=p.code,
                level=AreaLevel.province,
                name_th=p.name_th,
                name_en=p.name_en,
                aliases=["จังหวัด" + p.name_th],
                parent=group or COUNTRY_ID,
                source_ids=src,
                parent_source_ids=group_sources.get(group, []) if group else [],
                parent_assumption=bool(group),
            )
        )
        for d in geothai.districts(p.code):
            areas.append(
                Area(
                    id=f"area:{d.code}",
                    code=d.code,
                    level=AreaLevel.district,
                    name_th=d.name_th,
                    name_en=d.name_en,
                    parent=f"area:{p.code}",
                    source_ids=src,
                )
            )
            for s in geothai.subdistricts(d.code):
                areas.append(
                    Area(
                        id=f"area:{s.code}",
                        code=s.code,
                        level=AreaLevel.subdistrict,
                        name_th=s.name_th,
                        name_en=s.name_en,
                        parent=f"area:{d.code}",
                        source_ids=src,
                    )
                )
    return Dataset(origin=f"geothai {geothai_version()}", areas=areas)


def geothai_version() -> str:
    from importlib.metadata import version

    import geothai

    return f"package {version('geothai')}, data {geothai.DATA_VERSION}"
