"""The summary a run or a growth run ends with, printed to the terminal."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from bench.report import MiB, RunResult, ms


def print_run(result: RunResult, console: Console) -> None:
    table = Table(
        title=f"{result.engine}, scale {result.scale:g} (national network), ms",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    # Short headers and the field names: the table fits a terminal 80 columns wide.
    for name in ("question", "n", "err", "GQL p50", "p95", "p99", "raw p50", "ratio", "trips"):
        table.add_column(name, justify="left" if name == "question" else "right", no_wrap=True)
    table.add_column("met", no_wrap=True)
    for q in result.questions:
        table.add_row(
            q.name,
            str(q.samples),
            f"[red]{q.errors}[/red]" if q.errors else "0",
            ms(q.graphql.p50),
            ms(q.graphql.p95),
            ms(q.graphql.p99),
            ms(q.raw.p50),
            "–" if q.ratio_p50 is None else f"{q.ratio_p50:.2f}",
            "–" if q.round_trips_median is None else f"{q.round_trips_median:g}",
            "[green]yes[/green]" if q.met else "[red]no[/red]",
        )
    console.print(table)
    g = result.graph
    console.print(
        f"graph: {g.get('nodes', 0):,} nodes, {g.get('relationships', 0):,} relationships"
    )
    if result.load is not None:
        load = result.load
        console.print(
            f"load: {load.elements:,} elements in {load.wall_seconds:.1f} s = "
            f"[bold]{load.per_second:,.0f}/s[/bold]; rollups {load.rollup_seconds:.1f} s"
        )
    f = result.floors
    if f is not None:
        console.print(
            f"floor of a request (p50): HTTP alone {f.http_ms:.2f} ms, this API's "
            f"{{ __typename }} {f.api_ms:.2f} ms"
        )
    c = result.concurrency
    if c is not None:
        colour = "red" if c.errors else "green"
        console.print(
            f"concurrency: {c.clients} clients, {c.elapsed_s:.0f} s: {c.requests_per_s:.1f} "
            f"requests/s, p50 {ms(c.latency.p50)} ms, p99 {ms(c.latency.p99)} ms, "
            f"[{colour}]{c.errors} errors[/{colour}]"
        )
    if result.memory is not None:
        console.print(
            f"memory: peak RSS {result.memory.peak_rss_bytes / MiB:,.0f} MiB "
            f"({result.memory.process})"
        )
