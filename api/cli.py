"""`kb`: seed, serve, migrate, inspect and query the knowledge graph from the command line."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph.dataset import DatasetError
from graph.engine import EngineError
from graph.errors import GraphError
from graph.runtime import Runtime, open_runtime
from graph.settings import Settings

app = typer.Typer(
    help="Knowledge graph of CODI's community-organization network (ฐานความรู้เครือข่าย พอช.).",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
out = Console()
T = TypeVar("T")


def _settings() -> Settings:
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, rich_tracebacks=False)],
        force=True,
    )
    logging.getLogger("neo4j").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return settings


class _MigrationBar:
    """A progress bar for the migrations' data steps, shown only once one reports (a graph
    already up to date shows nothing): on a national graph such a step is minutes."""

    def __init__(self) -> None:
        self.bar: Progress | None = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = _progress()
            self.bar.start()
        if step not in self.tasks:
            self.tasks[step] = self.bar.add_task(f"migration: {step}", total=total)
        self.bar.update(self.tasks[step], completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _run(settings: Settings, work: Callable[[Runtime], Awaitable[T]], *, migrate: bool = True) -> T:
    """Open the engine, run ``work``, close; known errors become one clear line and exit 1."""

    async def main() -> T:
        bar = _MigrationBar()
        try:
            async with open_runtime(
                settings, apply_migrations=migrate, migration_progress=bar
            ) as rt:
                bar.close()
                return await work(rt)
        finally:
            bar.close()

    try:
        return asyncio.run(main())
    except DatasetError as exc:
        console.print(
            f"[red]seed refused:[/red] {escape(str(exc))}", soft_wrap=True, highlight=False
        )
        raise typer.Exit(1) from None
    except (EngineError, GraphError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(1) from None


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@app.command()
def seed(
    demo: Annotated[bool, typer.Option(help="Also load the synthetic demo network.")] = False,
    scale: Annotated[float, typer.Option(min=0.05, max=50, help="Size of the demo network.")] = 1.0,
    random_seed: Annotated[int, typer.Option("--seed", help="Seed of the demo generator.")] = 2565,
    data: Annotated[
        Path | None, typer.Option(help="Folder of seed files (default: the bundled ones).")
    ] = None,
) -> None:
    """Load sources, all government areas (geothai), the region and the article; idempotent."""
    from seeds.pipeline import seed as run_seed
    from seeds.sources import DATA_DIR

    settings = _settings()

    async def work(rt: Runtime) -> None:
        with _progress() as progress:
            tasks: dict[str, Any] = {}

            def tick(dataset: str, step: str, done: int, total: int) -> None:
                if dataset not in tasks:
                    tasks[dataset] = progress.add_task(dataset, total=total)
                progress.update(tasks[dataset], completed=done, description=f"{dataset}: {step}")

            result = await run_seed(
                rt.graph,
                demo=demo,
                scale=scale,
                random_seed=random_seed,
                data_dir=data or DATA_DIR,
                progress=tick,
                engine=rt.engine,
            )
        table = Table(title=f"Seeded into {rt.engine.describe()}")
        table.add_column("dataset")
        table.add_column("nodes", justify="right")
        table.add_column("relationships", justify="right")
        table.add_column("seconds", justify="right")
        table.add_column("elements/s", justify="right")
        table.add_column("rollups s", justify="right")
        for r in result.reports:
            table.add_row(
                r.origin,
                f"{sum(r.nodes.values()):,}",
                f"{sum(r.relationships.values()):,}",
                f"{r.seconds:.1f}",
                f"{r.per_second:,.0f}",
                f"{r.rollup_seconds:.1f}" if r.rollup_seconds else "-",
            )
        console.print(table)

    _run(settings, work)


@app.command()
def migrate() -> None:
    """Apply schema migrations (constraints, indexes, full-text search); idempotent."""
    from graph.migrations import LATEST, applied_versions
    from graph.migrations import migrate as run_migrate

    settings = _settings()

    async def work(rt: Runtime) -> None:
        bar = _MigrationBar()
        try:
            applied = await run_migrate(rt.graph, rt.engine, bar)
        finally:
            bar.close()
        versions = await applied_versions(rt.graph)
        for m in applied:
            console.print(f"applied migration {m.version}: {m.name}")
        console.print(f"schema at version {max(versions, default=0)} (latest {LATEST})")

    _run(settings, work, migrate=False)


@app.command()
def status() -> None:
    """Engine, schema version and counts per label."""
    from graph.migrations import applied_versions
    from graph.queries import admin
    from graph.queries.nodes import COUNT_NODES_BY_LABEL

    settings = _settings()

    async def work(rt: Runtime) -> None:
        labels = await rt.graph.read(COUNT_NODES_BY_LABEL)
        levels = await rt.graph.read(admin.COUNT_AREAS_BY_LEVEL)
        rels = await rt.graph.read_one(admin.COUNT_RELATIONSHIPS)
        versions = await applied_versions(rt.graph)
        out.print(f"engine: {rt.engine.describe()}")
        out.print(f"schema version: {max(versions, default=0)}")
        table = Table()
        table.add_column("label")
        table.add_column("nodes", justify="right")
        table.add_column("of which synthetic", justify="right")
        for r in labels:
            table.add_row(r["label"], f"{r['count']:,}", f"{r['synthetic'] or 0:,}")
        out.print(table)
        out.print("areas: " + ", ".join(f"{r['level']} {r['count']:,}" for r in levels))
        out.print(f"relationships: {(rels or {}).get('count', 0):,}")

    _run(settings, work)


def _parse_param(text: str) -> tuple[str, Any]:
    """`name=text` gives a string, `name:=json` a JSON value (number, list, ...), as in HTTPie."""
    name, sep, raw = text.partition("=")
    as_json = name.endswith(":")
    name = name.removesuffix(":")
    if not sep or not name.isidentifier():
        raise typer.BadParameter(f"expected name=text or name:=json, got {text!r}")
    if not as_json:
        return name, raw
    try:
        return name, json.loads(raw)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"{name}: not valid JSON ({exc.msg}): {raw!r}") from None


@app.command()
def query(
    cypher: Annotated[str, typer.Argument(help="A read-only Cypher statement.")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="name=text, or name:=json for numbers and lists."),
    ] = None,
) -> None:
    """Run read-only Cypher and print the rows as JSON (writes are refused)."""
    from graph.errors import ReadOnlyViolation
    from graph.readonly import ensure_read_only, run_read_only

    params = dict(_parse_param(p) for p in param or [])
    try:
        ensure_read_only(cypher)  # refuse before starting an engine
    except ReadOnlyViolation as exc:
        console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    settings = _settings()
    rows = _run(settings, lambda rt: run_read_only(rt.graph, cypher, params), migrate=False)
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default KB_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default KB_API_PORT).")] = None,
    seed: Annotated[bool, typer.Option(help="Seed the real data before serving.")] = False,
    demo: Annotated[bool, typer.Option(help="Seed the real data and the demo network.")] = False,
    scale: Annotated[float, typer.Option(min=0.05, max=50)] = 1.0,
) -> None:
    """Serve the API (/graphql, /health) on the configured engine."""
    from api.server import PortInUse, bind
    from api.server import serve as run_server

    settings = _settings()
    host, port = host or settings.api_host, port or settings.api_port
    try:
        # The port is taken first: a port in use is said at once, before the engine starts.
        sock = bind(host, port)
    except PortInUse as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(1) from None
    from graph.engine.embedded import holds_database

    planned = None
    if (seed or demo) and settings.engine_kind == "embedded" and not holds_database(settings):
        # A first start: the seed will certainly be written, so its rows are planned in
        # another process while this one imports the app and starts the engine.
        from seeds.pipeline import PlanElsewhere

        console.print("[dim]a first start: the seed is planned in another process[/dim]")
        planned = PlanElsewhere(demo=demo, scale=scale)
    from api.app import SeedOnStart, create_app

    bar = _progress()
    tasks: dict[str, Any] = {}

    def tick(dataset: str, step: str, done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        if dataset not in tasks:
            tasks[dataset] = bar.add_task(dataset, total=total)
        bar.update(tasks[dataset], completed=done, total=total, description=f"{dataset}: {step}")

    seed_opts = (
        SeedOnStart(demo=demo, scale=scale, progress=tick, finished=bar.stop, planned=planned)
        if (seed or demo)
        else None
    )
    application = create_app(settings, seed_on_start=seed_opts)
    run_server(
        application,
        settings,
        sock=sock,
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        log_config=None,
    )


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def bench(ctx: typer.Context) -> None:
    """Benchmark the questions on a national synthetic network (`kb bench --help`)."""
    # The benchmark and the national generator are not part of the product's import path:
    # they are loaded only when asked for.
    from bench.cli import app as bench_app

    bench_app(args=ctx.args, prog_name="kb bench")


# --- accounts and tokens -------------------------------------------------------------------------

token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="Who or what the token is for.")],
    role: Annotated[str, typer.Option(help="member, coordinator or admin.")] = "member",
    area: Annotated[
        list[str] | None,
        typer.Option(help="A coordinator's area: code (71) or id (area:pg-central-lower-1)."),
    ] = None,
    expires_days: Annotated[
        int | None, typer.Option(help="Days until the token stops working.")
    ] = None,
) -> None:
    """Create an account and print its token once (only a hash of it is kept)."""
    from graph.accounts import Role, create_token

    try:
        chosen = Role(role)
    except ValueError:
        raise typer.BadParameter(
            f"role must be member, coordinator or admin, not {role!r}", param_hint="--role"
        ) from None

    async def work(rt: Runtime) -> None:
        account, token = await create_token(
            rt.graph, name=name, role=chosen, areas=area, expires_in_days=expires_days
        )
        console.print(
            f"account {account.id} ({account.role.value}"
            + (f", areas {', '.join(account.areas)}" if account.areas else "")
            + (f", expires {account.expires_at}" if account.expires_at else "")
            + "): the token is shown once, keep it safe"
        )
        out.print(token, highlight=False, soft_wrap=True)

    _run(_settings(), work)


@token_app.command("list")
def token_list() -> None:
    """Every account: role, areas, created, expires, revoked."""
    from graph.accounts import list_accounts

    async def work(rt: Runtime) -> None:
        table = Table()
        table.add_column("account", no_wrap=True)
        for column in ("name", "role", "areas", "created", "expires", "revoked"):
            table.add_column(column, overflow="fold")
        for a in await list_accounts(rt.graph):
            table.add_row(
                a.id,
                a.name,
                a.role.value,
                ", ".join(a.areas),
                a.created_at[:19],
                (a.expires_at or "")[:19],
                (a.revoked_at or "")[:19],
            )
        out.print(table)

    _run(_settings(), work)


@token_app.command("revoke")
def token_revoke(
    account: Annotated[str, typer.Argument(help="The account id (kb token list).")],
) -> None:
    """Revoke an account's token: it stops working (at once here, within a minute elsewhere)."""
    from graph.accounts import revoke

    async def work(rt: Runtime) -> None:
        await revoke(rt.graph, account)
        console.print(f"revoked {account}")

    _run(_settings(), work)


# --- JSON Lines: export, backup, restore ---------------------------------------------------------


def _step_progress(progress: Progress) -> Callable[[str, int, int], None]:
    tasks: dict[str, Any] = {}

    def tick(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = progress.add_task(step, total=total)
        progress.update(tasks[step], completed=done, total=total)

    return tick


def _counts_table(title: str, nodes: dict[str, int], rels: dict[str, int]) -> Table:
    table = Table(title=title)
    table.add_column("label / type")
    table.add_column("count", justify="right")
    for name, n in sorted(nodes.items()):
        table.add_row(name, f"{n:,}")
    for name, n in sorted(rels.items()):
        table.add_row(f"[{name}]", f"{n:,}")
    table.add_row("total", f"{sum(nodes.values()) + sum(rels.values()):,}")
    return table


@app.command("export-jsonl")
def export_jsonl(
    file: Annotated[Path, typer.Argument(help="Where to write (.jsonl, or .jsonl.gz).")],
    area: Annotated[
        str | None, typer.Option(help="Only this area's subtree: code (71) or id.")
    ] = None,
    personal: Annotated[
        bool, typer.Option(help="Include contact data, accounts and the history of changes.")
    ] = False,
) -> None:
    """Every node and relationship (or an area's subtree) as sorted JSON Lines."""
    from graph import backup as bk

    async def work(rt: Runtime) -> None:
        with _progress() as progress:
            report = await bk.export_jsonl(
                rt.graph,
                file,
                area=bk.check_area_argument(area) if area else None,
                personal=personal,
                progress=_step_progress(progress),
            )
        console.print(
            _counts_table(
                f"{file}: {report.elements:,} lines in {report.seconds:.1f} s",
                report.nodes,
                report.relationships,
            )
        )

    _run(_settings(), work)


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write (.jsonl, or .jsonl.gz).")],
) -> None:
    """Back up the whole graph, personal data included, while the server runs (one file)."""
    from graph import backup as bk

    async def work(rt: Runtime) -> None:
        with _progress() as progress:
            report = await bk.backup(rt.graph, file, progress=_step_progress(progress))
        console.print(
            _counts_table(
                f"สำรองข้อมูลแล้ว · backed up {rt.engine.describe()} to {file} "
                f"({report.elements:,} elements, {report.seconds:.1f} s)",
                report.nodes,
                report.relationships,
            )
        )

    _run(_settings(), work)


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="A file written by kb backup.")],
) -> None:
    """Restore a backup into an EMPTY graph (either engine), then serve it as usual."""
    from graph import backup as bk

    async def work(rt: Runtime) -> None:
        with _progress() as progress:
            report = await bk.restore(
                rt.graph, file, engine=rt.engine, progress=_step_progress(progress)
            )
        console.print(
            _counts_table(
                f"กู้คืนแล้ว · restored {file} into {rt.engine.describe()} "
                f"({report.elements:,} elements, {report.seconds:.1f} s, "
                f"{report.per_second:,.0f}/s)",
                report.nodes,
                report.relationships,
            )
        )

    _run(_settings(), work)


# --- spreadsheets: templates, import, export -----------------------------------------------------


@app.command()
def template(
    kind: Annotated[
        str, typer.Argument(help="organizations, people, partnerships, resources or events.")
    ],
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "xlsx",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default KIND.FORMAT).")
    ] = None,
) -> None:
    """Write the empty spreadsheet template of a kind (XLSX with a sheet explaining each column)."""
    from graph.spreadsheet import FORMATS, KIND_TH, SpreadsheetError
    from graph.spreadsheet import template as make_template

    if fmt not in FORMATS:
        raise typer.BadParameter("csv or xlsx", param_hint="--format")
    try:
        data = make_template(kind, fmt)
    except SpreadsheetError as exc:
        raise typer.BadParameter(str(exc), param_hint="KIND") from None
    target = output or Path(f"{kind}.{fmt}")
    target.write_bytes(data)
    console.print(
        f"wrote {target} (แม่แบบ{KIND_TH[kind]}): one row per record, then `kb import {target}`"
    )


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file of one kind.", exists=True)],
    kind: Annotated[
        str | None, typer.Option(help="The file's kind (default: told by its columns).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")
    ] = False,
    report_json: Annotated[
        Path | None, typer.Option("--report", help="Also write the full report as JSON here.")
    ] = None,
) -> None:
    """Import a spreadsheet: every row checked, then all of it written in one transaction (or,
    with any error, nothing)."""
    from graph.accounts import OPERATOR
    from graph.imports import ImportRefused, import_file
    from graph.spreadsheet import SpreadsheetError, format_of

    settings = _settings()
    try:
        fmt = format_of(file.name)
    except SpreadsheetError as exc:
        raise typer.BadParameter(str(exc), param_hint="FILE") from None
    data = file.read_bytes()

    async def work(rt: Runtime) -> Any:
        with _progress() as progress:
            tasks: dict[str, Any] = {}

            def tick(step: str, done: int, total: int) -> None:
                key = step.split(" ")[0]
                if key not in tasks:
                    tasks[key] = progress.add_task(step, total=total)
                if not console.is_terminal and tasks.get("") != step:
                    # No live bar without a terminal: each step on a line of its own.
                    console.print(f"{step} ({done:,}/{total:,})", highlight=False)
                    tasks[""] = step
                progress.update(tasks[key], completed=done, total=total, description=step)

            try:
                return await import_file(
                    rt.graph, OPERATOR, data, str(file), fmt, kind=kind, dry_run=dry_run,
                    progress=tick,
                )  # fmt: skip
            except ImportRefused as exc:
                return exc.report
            except SpreadsheetError as exc:
                console.print(f"[red]cannot import:[/red] {escape(str(exc))}", soft_wrap=True)
                raise typer.Exit(1) from None

    report = _run(settings, work)
    if report_json is not None:
        report_json.write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
    errors = report.errors
    if errors:
        table = Table(title=f"{len(errors)} error(s) · ข้อผิดพลาด {len(errors)} รายการ")
        table.add_column("row · แถว", justify="right")
        table.add_column("column · คอลัมน์")
        table.add_column("reason · เหตุผล", overflow="fold")
        for e in errors[:200]:
            table.add_row(str(e.row), e.column, f"{e.reason_th}\n{e.reason}")
        out.print(table)
        if len(errors) > 200:
            out.print(f"... and {len(errors) - 200} more (--report FILE lists them all)")
    counts = report.counts
    summary = Table(
        title=f"{report.file}: {report.kind}" + (" (dry run · ทดลอง)" if dry_run else "")
    )
    for column in ("created · สร้าง", "updated · แก้ไข", "unchanged · ไม่เปลี่ยน", "error · ผิดพลาด"):
        summary.add_column(column, justify="right")
    summary.add_row(*(f"{counts[k]:,}" for k in ("created", "updated", "unchanged", "error")))
    out.print(summary)
    for label, by_status in sorted(report.records.items()):
        out.print(f"  {label}: " + ", ".join(f"{k} {v:,}" for k, v in by_status.items()))
    if errors:
        out.print("nothing was written · ไม่ได้บันทึกข้อมูลใด")
        raise typer.Exit(1)
    if dry_run:
        out.print("dry run: nothing was written · ทดลองเท่านั้น ไม่ได้บันทึก")
    elif report.written:
        out.print(f"written in {report.seconds:.1f} s, citing source {report.source_id}")
    else:
        out.print("nothing to change · ไม่มีข้อมูลที่ต้องเปลี่ยน")


@app.command()
def export(
    output: Annotated[
        Path, typer.Argument(help="A folder (csv, xlsx: one file per kind) or a file.")
    ],
    fmt: Annotated[
        str, typer.Option("--format", help="csv, xlsx, graphml, gexf or cytoscape.")
    ] = "csv",
    area: Annotated[
        str | None, typer.Option(help="Only this area's subtree: a code (71) or id.")
    ] = None,
    no_contact: Annotated[
        bool, typer.Option("--no-contact", help="Leave personal contact data out.")
    ] = False,
) -> None:
    """Export the graph (or an area's subtree): CSV or XLSX per kind, as the import reads them,
    or the network as GraphML, GEXF (Gephi) or Cytoscape JSON."""
    from graph.exports import FORMATS, TABLE_FORMATS, export_network, export_tables

    if fmt not in FORMATS:
        raise typer.BadParameter(", ".join(FORMATS), param_hint="--format")
    settings = _settings()
    # The command line is the operator's: it may see contact data unless told not to.
    contact = not no_contact

    async def work(rt: Runtime) -> dict[str, bytes]:
        if fmt in TABLE_FORMATS:
            return await export_tables(rt.graph, fmt, within=area, contact=contact)
        return {"": await export_network(rt.graph, fmt, within=area, contact=contact)}

    files = _run(settings, work)
    if fmt in TABLE_FORMATS:
        output.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (output / name).write_bytes(data)
            console.print(f"wrote {output / name} ({len(data):,} bytes)")
    else:
        output.write_bytes(files[""])
        console.print(f"wrote {output} ({len(files['']):,} bytes)")


if __name__ == "__main__":
    app()
