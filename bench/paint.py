"""Time to first meaningful paint of a person's page in the explorer, in a real browser.

    kb serve --demo                       # in one terminal (or any running server)
    .venv/bin/kb bench paint [--url http://127.0.0.1:8000] [--runs 10]

Opens ``/#/node/<person>`` in the system's chromium (driven by Playwright, as the browser tests
do) ``runs`` times in a fresh browser context (nothing cached: a first visit), then ``runs``
times again in one context (a return visit, scripts and fonts cached), and reads what the page
itself marked, each mark set once its content has been painted (the second animation frame
after it was put on the page):

- ``first contentful paint``: the browser's own (``paint`` timing): the header and "loading";
- ``head``: the person's name, tier and where they work;
- ``onboarding view``: the roles, mentors, key people a level up, partnerships, shared
  resources and meetings, the first meaningful paint of this page;
- ``network picture``: the ego network drawn.

All from the start of navigation, in milliseconds. Needs the dev extras (playwright) and
chromium (``KB_TEST_CHROMIUM``, default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.machine import describe_machine
from bench.stats import Latency, summarize

DEFAULT_PERSON = "person:demo-710102-5"  # a second-tier leader of the demo network
MARKS = {"head": "kb-head", "onboarding view": "kb-person", "network picture": "kb-graph"}
CHROMIUM = os.environ.get("KB_TEST_CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 60_000

_READ = """names => {
  const out = {};
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  out['first contentful paint'] = fcp ? fcp.startTime : null;
  for (const [key, mark] of Object.entries(names)) {
    const e = performance.getEntriesByName(mark, 'mark')[0];
    out[key] = e ? e.startTime : null;
  }
  return out;
}"""
_DONE = "names => Object.values(names).every(m => performance.getEntriesByName(m, 'mark').length)"


@dataclass
class PaintResult:
    url: str
    person: str
    runs: int
    measured_at: str
    machine: dict[str, Any]
    first_visit: dict[str, Latency] = field(default_factory=dict)
    return_visit: dict[str, Latency] = field(default_factory=dict)


async def _one(page: Any, url: str) -> dict[str, float]:
    await page.goto(url)
    await page.wait_for_function(_DONE, arg=MARKS, timeout=TIMEOUT_MS)
    found: dict[str, float | None] = await page.evaluate(_READ, MARKS)
    missing = [k for k, v in found.items() if v is None]
    if missing:
        raise RuntimeError(f"the page did not mark {missing} (is the explorer build current?)")
    return {k: float(v) for k, v in found.items() if v is not None}


async def measure(browser: Any, base_url: str, person: str, runs: int) -> PaintResult:
    """``runs`` first visits (each in a fresh context) and ``runs`` return visits."""
    url = f"{base_url.rstrip('/')}/#/node/{person}"
    first: list[dict[str, float]] = []
    again: list[dict[str, float]] = []
    for _ in range(runs):
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            first.append(await _one(await context.new_page(), url))
        finally:
            await context.close()
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = await context.new_page()
        await _one(page, url)  # fills the cache
        for _ in range(runs):
            await page.goto("about:blank")
            again.append(await _one(page, url))
    finally:
        await context.close()
    keys = ["first contentful paint", *MARKS]
    return PaintResult(
        url=url,
        person=person,
        runs=runs,
        measured_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        machine=describe_machine(),
        first_visit={k: summarize([r[k] for r in first]) for k in keys},
        return_visit={k: summarize([r[k] for r in again]) for k in keys},
    )


def table(result: PaintResult) -> str:
    lines = [
        f"Time to paint `{result.url}` ({result.runs} runs each), ms from the start of navigation",
        "",
        "| what is painted | first visit p50 | p95 | return visit p50 | p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, first in result.first_visit.items():
        again = result.return_visit[key]
        cells = [first.p50, first.p95, again.p50, again.p95]
        lines.append(f"| {key} | " + " | ".join(f"{c:.0f}" for c in cells) + " |")
    return "\n".join(lines)


async def run(base_url: str, person: str, runs: int) -> PaintResult:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        raise SystemExit(
            "kb bench paint needs Playwright: install the dev extras (make install-dev)"
        ) from None
    if not Path(CHROMIUM).exists():
        raise SystemExit(
            f"no chromium at {CHROMIUM} (apt-get install chromium, or set KB_TEST_CHROMIUM)"
        )
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            return await measure(browser, base_url, person, runs)
        finally:
            await browser.close()


def write(result: PaintResult, out: Path, label: str) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    as_json = out / f"first-paint-{label}.json"
    as_md = out / f"first-paint-{label}.md"
    as_json.write_text(json.dumps(asdict(result), ensure_ascii=False, indent=1) + "\n", "utf-8")
    machine = result.machine
    as_md.write_text(
        f"# Explorer: time to first meaningful paint ({label})\n\n"
        f"Measured {result.measured_at} by `kb bench paint` on {machine.get('cpu_model', '?')} "
        f"({machine.get('logical_cpus', '?')} CPUs, load {machine.get('load_average_at_start')} "
        f"at the start), chromium driven by Playwright, commit {machine.get('commit', '?')}.\n\n"
        + table(result)
        + "\n",
        "utf-8",
    )
    return as_json, as_md
