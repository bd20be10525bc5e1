"""The FastAPI application: one engine and one driver per process, opened in the lifespan."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from api.guard import RequestGuard
from api.health import health_response
from graph.areas import ensure_rollups
from graph.memory import settle
from graph.runtime import Runtime, open_runtime
from graph.settings import Settings, get_settings

if TYPE_CHECKING:
    from seeds.pipeline import PlanElsewhere

log = logging.getLogger(__name__)

# The explorer and GraphiQL, built from web/ (web/build.sh) and shipped inside the package, so
# that every script, style and font comes from this app: no CDN, nothing needs internet access.
STATIC_DIR = Path(__file__).parent / "static"


@dataclass(frozen=True)
class SeedOnStart:
    demo: bool = False
    scale: float = 1.0
    # Progress of the seed's steps (``kb serve`` draws a bar per step), and what to call after.
    progress: Callable[[str, str, int, int], None] | None = None
    finished: Callable[[], None] | None = None
    # The seed's plan, being worked out in another process while the engine starts (kb serve
    # on a data directory that holds no database yet); closed when the seed is done.
    planned: PlanElsewhere | None = None


def create_app(
    settings: Settings | None = None, *, seed_on_start: SeedOnStart | None = None
) -> FastAPI:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(settings) as rt:
            if seed_on_start is not None:
                from seeds.pipeline import seed

                try:
                    result = await seed(
                        rt.graph,
                        demo=seed_on_start.demo,
                        scale=seed_on_start.scale,
                        skip_unchanged=True,
                        progress=seed_on_start.progress,
                        planned=seed_on_start.planned,
                        engine=rt.engine,
                    )
                finally:
                    if seed_on_start.planned is not None:
                        seed_on_start.planned.close()
                if seed_on_start.finished is not None:
                    seed_on_start.finished()
                if result.skipped:
                    log.info("seed skipped: the graph already holds these seed inputs")
                else:
                    log.info("seeded %d elements before serving", result.elements)
            rollups = await ensure_rollups(rt.graph, refresh=settings.refresh_stale_rollups)
            app.state.runtime = rt
            log.info("rollups: %s", rollups.describe())
            # Off the start-up path (about 2 s: PyThaiNLP's dictionaries, one full collection):
            # /health answers meanwhile, and a request that comes first loads what it needs.
            threading.Thread(target=settle, name="kb-settle", daemon=True).start()
            log.info("serving on %s", rt.engine.describe())
            yield

    app = FastAPI(
        title="CODI network knowledge base",
        summary="People, organizations, areas, partnerships and shared resources as one network.",
        version="0.1.0",
        lifespan=lifespan,
    )

    from api.data import XLSX, data_router

    # Compressed for a client that asks (every browser does): the explorer's script is 487 KB,
    # 179 KB compressed; a partner list's JSON a tenth of its size. Many users sit on office
    # networks and phones with poor connections. Level 1, as nginx's default: a 41 KB answer in
    # 0.07 ms against 0.26 at level 6, for 3.5 KB against 2.6 (measured). Bodies under 1 KB and
    # formats that are compressed already (fonts, images, XLSX, .gz backups) go as they are.
    app.add_middleware(
        GZipMiddleware,
        minimum_size=1024,
        compresslevel=1,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, XLSX),
    )
    app.add_middleware(
        RequestGuard, max_bytes=settings.max_request_bytes, body_timeout_s=settings.body_timeout_s
    )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Logged with its traceback here; the client gets a code, never the details.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {
                "errors": [
                    {
                        "message": "Unexpected error.",
                        "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                    }
                ]
            },
            status_code=500,
        )

    @app.get("/health")
    async def health(request: Request) -> JSONResponse:
        # Served here only where the app is not behind api.offload (in-process clients); under
        # `kb serve` /health is answered on the server's own loop (api/offload.py).
        rt: Runtime = request.app.state.runtime
        return await health_response(rt.graph, rt.engine.name, settings.health_timeout_s)

    explorer_html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def explorer() -> HTMLResponse:
        return HTMLResponse(explorer_html)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    from schema.app import graphql_router

    ide_html = (STATIC_DIR / "graphiql.html").read_text(encoding="utf-8")
    app.include_router(graphql_router(settings, ide_html=ide_html), prefix="/graphql")
    app.include_router(data_router(settings))
    return app
