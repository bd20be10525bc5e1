"""Data in and out over HTTP: spreadsheet templates, imports (file upload) and exports.

- ``GET /data/templates/{kind}.{csv|xlsx}``: the empty template of a kind;
- ``POST /data/import`` (multipart ``file``; ``kind``, ``dry_run`` in the query): the report as
  JSON: 200 when it was written (or the dry run found no error), 422 with every error's row,
  column and reason when it had any (nothing written), 400 when the file is not a spreadsheet
  of that kind. A coordinator imports records tied to its areas, an admin anything;
- ``GET /data/export/{kind}.{csv|xlsx}`` and ``GET /data/export/graph.{graphml|gexf|json}``
  (``area`` in the query for a subtree): contact data only for a caller allowed to see it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from graph.accounts import Caller
from graph.errors import NotFound
from graph.exports import export_network, export_table
from graph.imports import ImportRefused, import_file
from graph.runtime import Runtime
from graph.settings import Settings
from graph.spreadsheet import KINDS, SpreadsheetError, format_of, template
from graph.writes import Forbidden
from schema.context import caller_of

MAX_UPLOAD = 50 * 1024 * 1024  # bytes: a 10,000-row workbook is about 1 MB
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX,
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "json": "application/json",
}
NETWORK_FORMATS = {"graphml": "graphml", "gexf": "gexf", "json": "cytoscape"}


def _split(name: str, allowed: tuple[str, ...]) -> tuple[str, str]:
    stem, _, fmt = name.rpartition(".")
    if fmt not in allowed or not stem:
        raise HTTPException(404, f"expected NAME.{'|'.join(allowed)}, not {name!r}")
    return stem, fmt


def _download(data: bytes, filename: str, fmt: str) -> Response:
    return Response(
        data,
        media_type=MEDIA[fmt],
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def data_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/data", tags=["data"])

    async def who(request: Request) -> tuple[Runtime, Caller]:
        rt: Runtime = request.app.state.runtime
        return rt, await caller_of(request, rt.graph, settings)

    @router.get("/templates/{name}")
    async def get_template(name: str) -> Response:
        kind, fmt = _split(name, ("csv", "xlsx"))
        if kind not in KINDS:
            raise HTTPException(404, f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
        return _download(template(kind, fmt), name, fmt)

    @router.post("/import")
    async def post_import(
        request: Request,
        file: Annotated[UploadFile, File(description="A .csv or .xlsx file of one kind.")],
        kind: Annotated[str | None, Query(description="The file's kind.")] = None,
        dry_run: Annotated[bool, Query(description="Check and report; write nothing.")] = False,
    ) -> JSONResponse:
        rt, caller = await who(request)
        if not caller.can_write:
            raise HTTPException(
                403, f"a {caller.role.value} may not import (นำเข้าข้อมูลได้เฉพาะผู้ประสานงาน)"
            )
        data = await file.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise HTTPException(413, f"at most {MAX_UPLOAD // 1024 // 1024} MB per file")
        name = file.filename or "upload"
        try:
            report = await import_file(
                rt.graph, caller, data, name, format_of(name), kind=kind, dry_run=dry_run
            )
        except ImportRefused as exc:
            return JSONResponse(exc.report.as_json(), status_code=422)
        except SpreadsheetError as exc:
            raise HTTPException(400, str(exc)) from None
        except Forbidden as exc:
            raise HTTPException(403, str(exc)) from None
        return JSONResponse(report.as_json())

    @router.get("/export/{name}")
    async def get_export(
        request: Request,
        name: str,
        area: Annotated[str | None, Query(description="An area code or id: its subtree.")] = None,
    ) -> Response:
        rt, caller = await who(request)
        stem, fmt = _split(name, ("csv", "xlsx", "graphml", "gexf", "json"))
        contact = caller.can_see_contact
        try:
            if stem == "graph" and fmt in NETWORK_FORMATS:
                data = await export_network(
                    rt.graph, NETWORK_FORMATS[fmt], within=area, contact=contact
                )
            elif stem in KINDS and fmt in ("csv", "xlsx"):
                data = await export_table(rt.graph, stem, fmt, within=area, contact=contact)
            else:
                raise HTTPException(404, f"no export {name!r}")
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        return _download(data, name, fmt)

    return router
