"""`/health`: whether the engine answers, the schema's version and the rollups' state, within
its own short time limit."""

from __future__ import annotations

import asyncio
import logging

from fastapi.responses import JSONResponse

from graph.db import Graph
from graph.derived import rollup_state
from graph.errors import GraphError
from graph.migrations import applied_versions
from graph.queries.admin import PING

log = logging.getLogger(__name__)


async def health_response(graph: Graph, engine: str, timeout_s: float) -> JSONResponse:
    """The answer of `/health`, asked through ``graph``: 200 (``ok`` or ``degraded``), or 503
    with a code when the engine does not answer within ``timeout_s`` or is gone."""
    try:
        async with asyncio.timeout(timeout_s):
            await graph.read(PING)
            versions = await applied_versions(graph)
            rollups = await rollup_state(graph)
    except TimeoutError:
        log.warning("/health: the engine did not answer within %gs", timeout_s)
        return _unavailable(
            "ENGINE_TIMEOUT",
            f"ฐานข้อมูลไม่ตอบภายใน {timeout_s:g} วินาที "
            f"(the graph engine did not answer within {timeout_s:g} s)",
        )
    except GraphError as exc:
        log.warning("/health: %s", exc)  # the details stay in the log
        return _unavailable(
            "SERVICE_UNAVAILABLE",
            "ติดต่อฐานข้อมูลไม่ได้ (the graph engine is unavailable)",
        )
    stale = rollups.state == "stale"
    return JSONResponse(
        {
            "status": "degraded" if stale else "ok",
            "engine": engine,
            "schema_version": max(versions, default=0),
            "rollups": rollups.state,
            **({"warning": rollups.describe()} if stale else {}),
        }
    )


def _unavailable(code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"status": "unavailable", "errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=503,
    )
