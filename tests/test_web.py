"""The explorer at / and GraphiQL at /graphql in a real browser (the system's chromium driven by
Playwright), against the real app over HTTP on each engine, with no network beyond the app.

Every page is opened in a context that aborts, and records, any request to another origin: the
pages must work offline, so any such request fails the test. The expected figures come from the
API itself (the same server) or the demo network computed in Python.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from graph.dataset import Dataset
from tests.conftest import CONTACT_TOKEN, data, gql

playwright_api = pytest.importorskip("playwright.async_api")

CHROMIUM = os.environ.get("KB_TEST_CHROMIUM", "/usr/bin/chromium")
ONBOARD = "person:demo-710102-5"
DIRECTOR = "person:thiraphong-phromphochuenbun"
PARTNER = "person:piya-phuangsamli"  # the civil-society partner of the 19 Nov 2022 meeting
TIMEOUT_MS = 30_000


# The async API, on the session's event loop: the sync API runs a loop of its own in the main
# thread, which would stop the async fixtures (the engine under test) from running.
@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Any]:
    """Chromium from the system (Debian's `chromium`): Playwright's own download is not
    reachable here. Missing chromium fails the run in CI; elsewhere the tests are skipped, loudly."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = (
            f"BROWSER TESTS NOT RUN: no chromium at {CHROMIUM} "
            "(apt-get install chromium, or set KB_TEST_CHROMIUM)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    async with playwright_api.async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        await chromium.close()


@dataclass
class Visit:
    """A browser page on the app, and every request it made that left the app's origin."""

    page: Any
    origin: str
    elsewhere: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def goto(self, path: str) -> None:
        await self.page.goto(self.origin + path)


async def _open(
    browser: Any, api: str, width: int = 1280, height: int = 900
) -> AsyncIterator[Visit]:
    context = await browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    context.set_default_timeout(TIMEOUT_MS)
    visit = Visit(page=await context.new_page(), origin=api)

    async def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith((api + "/", "data:", "blob:")) or url == api:
            await route.continue_()
        else:
            visit.elsewhere.append(url)
            await route.abort()

    await context.route("**/*", guard)
    visit.page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
    try:
        yield visit
    finally:
        await context.close()
    assert visit.elsewhere == [], f"requests left the app's origin: {visit.elsewhere}"
    assert visit.errors == [], f"errors in the page: {visit.errors}"


@pytest_asyncio.fixture(loop_scope="session")
async def visit(api: str, browser: Any) -> AsyncIterator[Visit]:
    async for v in _open(browser, api):
        yield v


@pytest_asyncio.fixture(loop_scope="session")
async def phone(api: str, browser: Any) -> AsyncIterator[Visit]:
    async for v in _open(browser, api, width=375, height=800):
        yield v


async def _pick(visit: Visit, box: str, text: str, node_id: str) -> None:
    """Types into a search box and picks the suggestion for ``node_id``."""
    page = visit.page
    await page.get_by_test_id(box).fill(text)
    await page.get_by_test_id(f"{box}-results").locator(f'button[data-id="{node_id}"]').click()


async def _graph_nodes(visit: Visit) -> int:
    count = visit.page.get_by_test_id("graph-count")
    await count.wait_for()
    return int(await count.get_attribute("data-nodes"))


def _neighbours(http: httpx.Client, node_id: str) -> list[dict[str, Any]]:
    query = (
        """query($id: ID!) { neighborhood(id: $id, depth: 1, limit: 80) { nodes { id depth } } }"""
    )
    nodes: list[dict[str, Any]] = data(gql(http, query, {"id": node_id}))["neighborhood"]["nodes"]
    return nodes


# --- offline -------------------------------------------------------------------------------------


async def test_the_explorer_loads_everything_from_the_app_itself(visit: Visit) -> None:
    seen: list[str] = []
    visit.page.on("request", lambda r: seen.append(r.url))
    await visit.goto("/")
    await visit.page.get_by_test_id("search").wait_for()
    await _pick(visit, "search", "กาญจนบุรี", "area:71")
    await visit.page.get_by_test_id("rollup-totals").wait_for()
    await _graph_nodes(visit)
    loaded = await visit.page.evaluate(
        """async () => { await document.fonts.ready;
             return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family); }"""
    )
    assert "Sarabun" in loaded  # Thai is drawn with the bundled font, not boxes or a fallback
    assert any(u.endswith(".woff2") for u in seen)
    assert all(u.startswith(visit.origin) for u in seen), seen
    assert visit.elsewhere == []


async def test_graphiql_renders_offline_with_the_readme_questions_and_runs_one(
    visit: Visit,
) -> None:
    await visit.goto("/graphql")  # a browser asks for text/html
    page = visit.page
    await page.locator(".graphiql-container").wait_for()
    tabs = page.locator(".graphiql-tab")
    await tabs.first.wait_for()
    names = [t.strip() for t in await tabs.all_inner_texts()]
    assert names == [
        "Rollup",
        "PartnerNetwork",
        "ConnectionPath",
        "Onboarding",
        "Coverage",
        "SharedResources",
        "Search",
        "Neighbourhood",
    ]
    await page.locator(".graphiql-execute-button").click()
    result = page.locator(".result-window")
    await result.get_by_text("ภาคกลางและตะวันตก").first.wait_for()
    assert '"organizations"' in await result.inner_text()
    assert visit.elsewhere == []


def test_the_app_serves_no_page_that_names_a_cdn(http: httpx.Client) -> None:
    for path in ("/", "/graphql"):
        page = http.get(path, headers={"accept": "text/html"})
        assert page.status_code == 200
        assert "<script" in page.text
        assert not re.search(r"(src|href)=\"(https?:)?//", page.text), page.text


# --- what a user does -----------------------------------------------------------------------------


async def test_a_typo_in_the_search_box_says_did_you_mean(visit: Visit) -> None:
    await visit.goto("/")
    page = visit.page
    await page.get_by_test_id("search").fill("Kanchanabury")
    results = page.get_by_test_id("search-results")
    await results.locator('button[data-id="area:71"]').wait_for()
    assert "Did you mean" in await page.get_by_test_id("search-did-you-mean").inner_text()
    await page.get_by_test_id("search").fill("Kanchanaburi")
    await results.locator('button[data-id="area:71"]').wait_for()
    await page.get_by_test_id("search-did-you-mean").wait_for(state="detached")


async def test_search_for_a_province_opens_its_page_with_the_api_counts(
    visit: Visit, http: httpx.Client
) -> None:
    await visit.goto("/")
    page = visit.page
    await page.get_by_test_id("search").fill("กาญจนบุรี")
    results = page.get_by_test_id("search-results")
    await results.locator('button[data-id="area:71"]').wait_for()
    assert "พื้นที่" in await results.inner_text()  # grouped by kind, Thai first
    await results.locator('button[data-id="area:71"]').click()
    expected = data(
        gql(
            http,
            """{ rollup(area: "area:71") { organizations people partnerships
                 children { area { nameTh } } }
               pools(within: "area:71", first: 20) { pools { nameTh } } }""",
        )
    )
    pools = [p["nameTh"] for p in expected["pools"]["pools"]]
    expected = expected["rollup"]
    totals = page.get_by_test_id("rollup-totals")
    await totals.wait_for()
    assert (await page.get_by_test_id("title").inner_text()).startswith("กาญจนบุรี")
    for key in ("organizations", "people", "partnerships"):
        shown = (await totals.get_by_test_id(key).inner_text()).replace(",", "")
        assert int(shown) == expected[key], key
    table = await page.get_by_test_id("rollup-children").inner_text()
    assert expected["children"]
    for child in expected["children"]:
        assert child["area"]["nameTh"] in table
    assert await _graph_nodes(visit) == len(_neighbours(http, "area:71"))
    assert pools  # the demo pools money in Kanchanaburi
    shown_pools = await page.get_by_test_id("pools").inner_text()
    for name in pools:
        assert name in shown_pools


async def test_a_second_tier_leader_sees_key_people_a_level_up_and_shared_resources(
    visit: Visit, http: httpx.Client
) -> None:
    await visit.goto(f"/#/node/{ONBOARD}")
    page = visit.page
    expected = data(
        gql(
            http,
            """query($p: ID!) { onboarding(person: $p) { person { nameTh }
                 keyPeople { person { nameTh } } resources { resource { nameTh } } } }""",
            {"p": ONBOARD},
        )
    )["onboarding"]
    assert expected["keyPeople"] and expected["resources"]  # the demo gives this leader both
    key_people = page.get_by_test_id("key-people")
    await key_people.locator("li").first.wait_for()
    title = await page.get_by_test_id("title").inner_text()
    assert title.startswith(expected["person"]["nameTh"])
    shown = await key_people.inner_text()
    for k in expected["keyPeople"]:
        assert k["person"]["nameTh"] in shown
    resources = await page.get_by_test_id("resources").inner_text()
    assert expected["resources"][0]["resource"]["nameTh"] in resources
    assert "ข้อมูลติดต่อแสดงเฉพาะผู้มีสิทธิ์" in await page.get_by_test_id("contact").inner_text()


async def test_the_network_picture_grows_when_a_node_is_tapped(
    visit: Visit, http: httpx.Client
) -> None:
    await visit.goto("/#/node/org:codi-central-west")
    before = await _graph_nodes(visit)
    hood = _neighbours(http, "org:codi-central-west")
    assert before == len(hood)
    # The first neighbour whose own neighbourhood adds nodes to the picture.
    shown = {n["id"] for n in hood}
    grows = {
        n["id"]: {m["id"] for m in _neighbours(http, n["id"])} - shown
        for n in hood
        if n["depth"] == 1
    }
    target = next(node for node, more in grows.items() if more)
    page = visit.page
    # Tapped with the mouse, where the node is drawn on the screen.
    await page.get_by_test_id("graph").scroll_into_view_if_needed()
    box = await page.get_by_test_id("graph").bounding_box()
    pos = await page.evaluate("id => window.kbGraph.getElementById(id).renderedPosition()", target)
    await page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    await page.wait_for_function(
        "n => Number(document.querySelector('[data-testid=graph-count]').dataset.nodes) > n",
        arg=before,
    )
    assert await _graph_nodes(visit) == before + len(grows[target])
    # The filter by kind hides the people and shows them again.
    people = await page.evaluate("window.kbGraph.nodes('[type = \"Person\"]').length")
    assert people > 0
    visible = "window.kbGraph.nodes(':visible').length"
    all_shown = await page.evaluate(visible)
    await page.locator('.graph-filters input[data-kind="Person"]').uncheck()
    assert await page.evaluate(visible) == all_shown - people
    await page.locator('.graph-filters input[data-kind="Person"]').check()
    assert await page.evaluate(visible) == all_shown


async def test_the_network_picture_filters_by_level_and_by_date(
    visit: Visit, http: httpx.Client
) -> None:
    org = "org:codi-central-west"
    await visit.goto(f"/#/node/{org}")
    page = visit.page
    total = await _graph_nodes(visit)
    hood = data(
        gql(
            http,
            """query($id: ID!) { neighborhood(id: $id, depth: 1, limit: 80) {
                 nodes { id depth level startOn endOn }
                 edges { source target startOn endOn } } }""",
            {"id": org},
        )
    )["neighborhood"]
    assert total == len(hood["nodes"])
    shown = "Number(document.querySelector('[data-testid=graph-count]').dataset.shown)"

    # By level: the province-group nodes go, everything else stays.
    at_level = [n for n in hood["nodes"] if n["level"] == "province_group"]
    assert at_level  # the region's office works with every province group
    level_box = page.locator('.graph-filters input[data-level="province_group"]')
    await level_box.uncheck()
    assert await page.evaluate(shown) == total - len(at_level)
    await level_box.check()
    assert await page.evaluate(shown) == total

    # By date: memberships and partnerships begun after it are undrawn, and the people they
    # alone linked.
    day = "2019-01-01"

    def held(e: dict[str, Any]) -> bool:
        return (e["startOn"] is None or e["startOn"] <= day) and (
            e["endOn"] is None or e["endOn"] >= day
        )

    assert any(not held(e) for e in hood["edges"])  # members who joined after 2019
    stranded = {
        n["id"]
        for n in hood["nodes"]
        if n["depth"] > 0
        and all(not held(e) for e in hood["edges"] if n["id"] in (e["source"], e["target"]))
    }
    not_yet = {n["id"] for n in hood["nodes"] if not held(n)}
    assert stranded and not_yet
    stranded |= not_yet
    await page.get_by_test_id("valid-on").fill(day)
    await page.wait_for_function(f"{shown} < {total}")
    assert await page.evaluate(shown) == total - len(stranded)
    drawn_edges = await page.evaluate("window.kbGraph.edges(':visible').length")
    assert drawn_edges == sum(
        1
        for e in hood["edges"]
        if held(e) and e["source"] not in stranded and e["target"] not in stranded
    )
    await page.get_by_test_id("valid-on").fill("")
    await page.wait_for_function(f"{shown} === {total}")


async def test_an_organization_page_shows_its_partnerships_and_pools_with_their_sources(
    visit: Visit, http: httpx.Client
) -> None:
    org = "org:codi-central-west"
    expected = data(
        gql(
            http,
            """query($id: ID!) { node(id: $id) { ... on Organization {
                 partnerships { partnership { nameTh } sources { titleTh } }
                 contributions { amount resource { id nameTh } } } } }""",
            {"id": org},
        )
    )["node"]
    assert expected["partnerships"] and expected["contributions"]
    await visit.goto(f"/#/node/{org}")
    page = visit.page
    partnerships = page.get_by_test_id("org-partnerships")
    await partnerships.locator("li").first.wait_for()
    text = await partnerships.inner_text()
    for x in expected["partnerships"]:
        assert x["partnership"]["nameTh"] in text
    pools = await page.get_by_test_id("org-pools").inner_text()
    for c in expected["contributions"]:
        assert c["resource"]["nameTh"] in pools
        assert f"{c['amount']:,.0f}" in pools

    # Each fact names its source on hover (title) and on tap (the note shows with the focus).
    cited = next(x for x in expected["partnerships"] if x["sources"])
    title = cited["sources"][0]["titleTh"]
    marker = partnerships.locator(f'li:has-text("{cited["partnership"]["nameTh"]}") .src').first
    assert title in (await marker.get_attribute("title") or "")
    assert await marker.evaluate("b => getComputedStyle(b, '::after').content") in ("none", "")
    await marker.click()  # a tap: the button takes the focus
    note = await marker.evaluate("b => getComputedStyle(b, '::after').content")
    assert title in note

    # A pool it put money into: its page shows the same flows as the API.
    pool = expected["contributions"][0]["resource"]
    flows = data(
        gql(
            http,
            """query($id: ID!) { node(id: $id) { ... on Resource {
                 flows { contributed allocated }
                 contributions { contributor { nameTh } } } } }""",
            {"id": pool["id"]},
        )
    )["node"]
    await page.get_by_test_id("org-pools").get_by_role("link", name=pool["nameTh"]).first.click()
    shown = page.get_by_test_id("flows")
    await shown.wait_for()
    line = (await shown.inner_text()).replace(",", "")
    assert f"{flows['flows']['contributed']:.0f}" in line
    assert f"{flows['flows']['allocated']:.0f}" in line
    given = await page.get_by_test_id("contributions").inner_text()
    for c in flows["contributions"]:
        assert c["contributor"]["nameTh"] in given


async def test_the_path_between_the_director_and_the_partner_goes_through_the_meeting(
    visit: Visit,
) -> None:
    await visit.goto("/#/path")
    await _pick(visit, "from", "ธีรพงศ์", DIRECTOR)
    await _pick(visit, "to", "ปิยะ", PARTNER)
    path = visit.page.get_by_test_id("path")
    await path.locator("ol.steps li").first.wait_for()
    text = await path.inner_text()
    assert "ธีรพงศ์ พร้อมพอชื่นบุญ" in text
    assert "ปิยะ พวงสำลี" in text
    assert "19 พฤศจิกายน 2565" in text  # the meeting, with its real date in the Buddhist Era
    assert await path.locator("ol.steps li").count() == 2
    assert await _graph_nodes(visit) == 3


async def test_the_english_switch(visit: Visit) -> None:
    await visit.goto("/#/node/area:71")
    page = visit.page
    await page.get_by_test_id("rollup-totals").wait_for()
    assert (await page.get_by_test_id("title").inner_text()).startswith("กาญจนบุรี")
    await page.get_by_test_id("lang").click()
    await page.get_by_text("Rollup by level").wait_for()
    assert (await page.get_by_test_id("title").inner_text()).startswith("Kanchanaburi")
    assert await page.evaluate("document.documentElement.lang") == "en"


async def test_contact_data_only_with_a_token(visit: Visit, demo: Dataset) -> None:
    person = next(p for p in demo.people if p.contact and p.contact.phone)
    assert person.contact is not None and person.contact.phone
    await visit.goto(f"/#/node/{person.id}")
    page = visit.page
    contact = page.get_by_test_id("contact")
    await contact.wait_for()
    assert person.contact.phone not in await contact.inner_text()
    await page.locator("details.token summary").click()
    await page.locator("#token").fill(CONTACT_TOKEN)
    await page.locator("#token-save").click()
    await page.get_by_test_id("contact").get_by_text(person.contact.phone).wait_for()


@pytest.mark.parametrize("path", ["/", f"/#/node/{ONBOARD}", "/#/node/area:71"])
async def test_a_phone_screen_needs_no_horizontal_scrolling(phone: Visit, path: str) -> None:
    await phone.goto(path)
    page = phone.page
    await page.get_by_test_id("search" if path == "/" else "graph-count").wait_for()
    await page.wait_for_load_state("networkidle")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{path} is {width}px wide on a 375px screen"


# --- accessibility and screenshots ---------------------------------------------------------------

AXE = Path(__file__).parent / "assets" / "axe.min.js"  # axe-core, copied by web/build.sh
PAGES = [
    ("home", "/", "search"),
    ("person", f"/#/node/{ONBOARD}", "key-people"),
    ("organization", "/#/node/org:codi-central-west", "partners"),
    ("area", "/#/node/area:71", "rollup-totals"),
    ("pool", "/#/node/res:demo-pool-pg-central-lower-1", "contributions"),
    ("path", f"/#/path?from={DIRECTOR}&to={PARTNER}", "path-length"),
]


def _screenshot_dir(tmp_path: Path) -> Path:
    """docs/screenshots when asked for (KB_TEST_SCREENSHOTS=1, to refresh the README's
    pictures), otherwise a temporary folder: a test run leaves the work tree as it was."""
    if os.environ.get("KB_TEST_SCREENSHOTS") == "1":
        return Path(__file__).parent.parent / "docs" / "screenshots"
    return tmp_path


@pytest.mark.parametrize("screen", ["desktop", "phone"])
async def test_no_serious_accessibility_violations_and_a_screenshot_of_each_page(
    browser: Any, api: str, kb: Any, screen: str, tmp_path: Path
) -> None:
    width, height = (1280, 900) if screen == "desktop" else (375, 800)
    out = _screenshot_dir(tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    async for visit in _open(browser, api, width=width, height=height):
        page = visit.page
        for name, path, ready in PAGES:
            await visit.goto(path)
            await page.reload()  # a hash change alone does not reload
            await page.get_by_test_id(ready).wait_for()
            await page.wait_for_load_state("networkidle")
            await page.add_script_tag(path=str(AXE))
            violations = await page.evaluate(
                """async () => (await axe.run(document)).violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => `${v.id} (${v.impact}): ${v.nodes[0].html}`)"""
            )
            assert violations == [], f"{name} on a {screen}: {violations}"
            if kb.name == "embedded":
                tall = await page.evaluate("document.documentElement.scrollHeight")
                clip = {"x": 0, "y": 0, "width": width, "height": min(tall, 2 * height)}
                await page.screenshot(
                    path=str(out / f"{name}-{screen}.png"), clip=clip, full_page=True
                )
        if kb.name == "embedded":
            await visit.goto("/graphql")
            await page.locator(".graphiql-tab").first.wait_for()
            await page.screenshot(path=str(out / f"graphiql-{screen}.png"))


# --- the time to paint (kb bench paint) ------------------------------------------------------------


async def test_the_paint_benchmark_reads_the_marks_of_a_painted_person_page(
    browser: Any, api: str
) -> None:
    from bench.paint import MARKS, measure, table

    result = await measure(browser, api, ONBOARD, runs=2)
    for visit in (result.first_visit, result.return_visit):
        assert set(visit) == {"first contentful paint", *MARKS}
        for key, latency in visit.items():
            assert latency.n == 2 and latency.p50 is not None and latency.p50 > 0, key
        # The page's own content is painted after the browser's first paint.
        first_paint = visit["first contentful paint"].min
        assert first_paint is not None
        assert visit["onboarding view"].min is not None
        assert visit["onboarding view"].min >= first_paint
    assert table(result).count("\n") == 4 + len(result.first_visit) - 1
