"""Where a fact comes from: the article, the geothai dataset, or generated demo data."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from graph.models.common import Id, ShortText


class SourceKind(StrEnum):
    article = "article"
    dataset = "dataset"
    reference = "reference"  # a public document used for an assumption
    synthetic = "synthetic"


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: Id
    kind: SourceKind
    title_th: ShortText | None = None
    title_en: ShortText
    publisher: ShortText | None = None
    author: ShortText | None = None
    url: str | None = None
    published_on: dt.date | None = None
    version: str | None = None
    file: str | None = None
    note: str | None = None
