// The network explorer at /: search, a page per person, organization and area, the path
// between two entities, and the neighbourhood drawn with Cytoscape.js. Thai first, English
// beside (or the other way round after the language switch). Everything it loads comes from
// this app: the bundle, the styles and the Sarabun font.
import cytoscape from "cytoscape";
import "./explorer.css";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// --- language --------------------------------------------------------------------------------

let lang: "th" | "en" = localStorage.getItem("kb-lang") === "en" ? "en" : "th";

function esc(text: unknown): string {
  return String(text ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

/** A label in both languages: the chosen one first, the other beside it, smaller. */
function bi(th: string | null | undefined, en: string | null | undefined): string {
  const [first, second, l1, l2] =
    lang === "th" ? [th || en, en, "th", "en"] : [en || th, th, "en", "th"];
  const other = second && second !== first ? ` <span class="other" lang="${l2}">${esc(second)}</span>` : "";
  return `<span lang="${l1}">${esc(first)}</span>${other}`;
}

/** Text in the chosen language only (attributes, placeholders, chart labels). */
function one(th: string | null | undefined, en: string | null | undefined): string {
  return (lang === "th" ? th || en : en || th) ?? "";
}

const TYPES: Record<string, [string, string]> = {
  Area: ["พื้นที่", "Area"],
  Organization: ["องค์กร", "Organization"],
  Person: ["บุคคล", "Person"],
  Event: ["การประชุม", "Meeting"],
  Partnership: ["ความร่วมมือ", "Partnership"],
  Resource: ["ทรัพยากร", "Resource"],
  Plan: ["แผน", "Plan"],
  Goal: ["เป้าหมาย", "Goal"],
  Mechanism: ["กลไก", "Mechanism"],
  Source: ["แหล่งข้อมูล", "Source"],
};
const LEVELS: Record<string, [string, string]> = {
  country: ["ประเทศ", "Country"],
  region: ["ภาค", "Region"],
  province_group: ["กลุ่มจังหวัด", "Province group"],
  province: ["จังหวัด", "Province"],
  district: ["อำเภอ", "District"],
  subdistrict: ["ตำบล", "Subdistrict"],
  community: ["ชุมชน", "Community"],
};
const TIERS: Record<string, [string, string]> = {
  core_leader: ["แกนนำหลัก", "Core leader"],
  second_tier_leader: ["ผู้นำแถว 2", "Second-tier leader"],
  member: ["สมาชิก", "Member"],
  staff: ["เจ้าหน้าที่", "Staff"],
  partner: ["ภาคี", "Partner"],
  official: ["เจ้าหน้าที่รัฐ", "Official"],
};

function term(table: Record<string, [string, string]>, key: string | null | undefined): string {
  if (!key) return "";
  const pair = table[key];
  return pair ? bi(pair[0], pair[1]) : esc(key);
}

/** An ISO date in the Buddhist Era, as Thai readers write it (or in English). */
function date(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(`${iso}T00:00:00`);
  const th = d.toLocaleDateString("th-TH", { day: "numeric", month: "long", year: "numeric" });
  const en = d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  return bi(th, en);
}

/** " · since X until Y" for a fact that holds over a time; nothing when no date is stored. */
function validity(start: string | null | undefined, end: string | null | undefined): string {
  const parts = [
    start ? `${bi("ตั้งแต่", "since")} ${date(start)}` : "",
    end ? `${bi("ถึง", "until")} ${date(end)}` : "",
  ].filter(Boolean);
  return parts.length ? ` · ${parts.join(" ")}` : "";
}

// --- the API -----------------------------------------------------------------------------------

const TOKEN_KEY = "kb-token";

async function gql(query: string, variables: Json = {}): Promise<Json> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  const resp = await fetch("/graphql", {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = await resp.json();
  if (body.errors?.length) {
    const e = body.errors[0];
    const code = e.extensions?.code ?? "ERROR";
    if (!body.data || Object.values(body.data).every((v) => v === null)) {
      throw new Error(`${code}: ${e.message}`);
    }
  }
  return body.data;
}

// Where a fact comes from: asked for with every fact a page shows.
const SRC = "sources { titleTh titleEn }";

const NAMES = `
  ... on Area { nameTh nameEn level code }
  ... on Organization { nameTh nameEn }
  ... on Person { nameTh nameEn tier }
  ... on Event { nameTh nameEn dateTh }
  ... on Partnership { nameTh nameEn level }
  ... on Resource { nameTh nameEn level }
  ... on Plan { nameTh nameEn }
  ... on Mechanism { nameTh nameEn }`;

const SEARCH = `query Search($text: String!) {
  search(text: $text, first: 15) { label score guessed node { id synthetic ${NAMES} } } }`;

const NODE = `query Node($id: ID!) {
  node(id: $id) { __typename id synthetic assumption sources { titleTh titleEn } ${NAMES}
    ... on Person { contactVisible contact { phone email lineId } worksIn { id nameTh nameEn level } }
    ... on Organization { locatedIn { id nameTh nameEn level } }
    ... on Event { placeTh placeEn summaryTh summaryEn heldIn { id nameTh nameEn } }
  } }`;

const ONBOARDING = `query Onboarding($id: ID!) {
  onboarding(person: $id) {
    areas { id nameTh nameEn level }
    memberships { role roleTh startOn endOn synthetic ${SRC} organization { id nameTh nameEn } }
    mentors { synthetic ${SRC} mentor { id nameTh nameEn tier } }
    peersInArea { total people { id nameTh nameEn tier } }
    provinceGroup { id nameTh nameEn }
    keyPeople { level role roleTh area { id nameTh nameEn } person { id nameTh nameEn } organization { id nameTh nameEn } }
    partnerships { through partnership { id nameTh nameEn kind level synthetic ${SRC} } }
    resources { through resource { id nameTh nameEn kind level synthetic ${SRC} } }
    meetings { role roleTh synthetic ${SRC} event { id nameTh nameEn dateTh on } }
  } }`;

const PARTNERS = `query Partners($id: ID!, $hops: Int!) {
  partners(of: $id, hops: $hops, first: 15) {
    hops ties organization { id nameTh nameEn kind } path { textTh textEn } } }`;

const ROLLUP = `query Rollup($id: ID!) {
  rollup(area: $id) {
    organizations people partnerships resources pools pooledAmount
    ancestors { id nameTh nameEn level }
    children { area { id nameTh nameEn level } organizations people partnerships resources pools pooledAmount }
  }
  coverage(area: $id) { withoutPartnership { id } withoutMechanism { id } withoutPool { id } }
  pools(within: $id, first: 20) {
    pools { id nameTh nameEn level synthetic flows { contributed allocated balance } } } }`;

const ORGANIZATION = `query Organization($id: ID!) {
  node(id: $id) { ... on Organization {
    partnerships { role roleTh synthetic ${SRC}
      partnership { id nameTh nameEn level status startOn endOn synthetic ${SRC} } }
    stewards { id nameTh nameEn level synthetic ${SRC} flows { contributed allocated balance } }
    contributions { id amount on inKind synthetic ${SRC} resource { id nameTh nameEn level } }
    allocationsReceived { id amount on purposeTh purposeEn synthetic ${SRC} resource { id nameTh nameEn } }
  } } }`;

const PARTNERSHIP = `query Partnership($id: ID!) {
  node(id: $id) { ... on Partnership {
    kind status startOn endOn purposeTh purposeEn
    covers { id nameTh nameEn level }
    parties { role roleTh synthetic ${SRC} organization { id nameTh nameEn kind } }
    allocationsReceived { id amount on purposeTh purposeEn synthetic ${SRC} resource { id nameTh nameEn } }
  } } }`;

const RESOURCE = `query Resource($id: ID!) {
  node(id: $id) { ... on Resource {
    kind status unit descriptionTh descriptionEn
    flows { contributed allocated balance feederCount contributedWithFeeders }
    stewards { id nameTh nameEn }
    serves { id nameTh nameEn level }
    pooledInto { id nameTh nameEn level }
    feeders { id nameTh nameEn level }
    contributions { id amount on inKind synthetic ${SRC} contributor { id nameTh nameEn } }
    allocations { id amount on purposeTh purposeEn synthetic ${SRC} recipient { __typename id
      ... on Organization { nameTh nameEn } ... on Partnership { nameTh nameEn } } }
  } } }`;

const NEIGHBOURHOOD = `query Neighbourhood($id: ID!) {
  neighborhood(id: $id, depth: 1, limit: 80) { truncated cytoscape } }`;

const CONNECTION = `query Connection($from: ID!, $to: ID!) {
  connection(from: $from, to: $to) {
    length textTh textEn
    nodes { id nameTh nameEn node { __typename ... on Event { dateTh } } }
    steps { from to type labelTh labelEn } } }`;

// --- the page ----------------------------------------------------------------------------------

const main = document.getElementById("main") as HTMLElement;
let graphs = 0; // pictures drawn so far, for unique element ids

function link(id: string, th: string, en?: string | null): string {
  return `<a href="#/node/${encodeURIComponent(id)}">${bi(th, en)}</a>`;
}

function sourcesTitle(sources: Json[] | undefined): string {
  if (!sources?.length) return "";
  const names = sources.map((s) => one(s.titleTh, s.titleEn)).join("; ");
  return `${one("แหล่งข้อมูล", "Source")}: ${names}`;
}

/** Where a fact comes from, on hover (title) and on tap (the button takes the focus, and the
 * note shows while it has it); nothing when the fact names no source. */
function src(sources: Json[] | undefined): string {
  const text = sourcesTitle(sources);
  if (!text) return "";
  return ` <button type="button" class="src" data-testid="source" title="${esc(text)}" aria-label="${esc(text)}" data-src="${esc(text)}">ⓘ</button>`;
}

/** A fact's badges: generated demo data marked as such, and where the fact comes from. */
function provenance(fact: Json): string {
  return `${syntheticBadge(fact.synthetic)}${src(fact.sources)}`;
}

function syntheticBadge(synthetic: boolean): string {
  return synthetic
    ? `<span class="badge synthetic" title="${esc(one("ข้อมูลตัวอย่างที่สร้างขึ้น ไม่ใช่ข้อเท็จจริง", "Generated demo data, not a fact"))}">${bi("ข้อมูลสมมติ", "synthetic")}</span>`
    : "";
}

function section(th: string, en: string, body: string, testid = ""): string {
  return `<section class="card"${testid ? ` data-testid="${testid}"` : ""}><h2>${bi(th, en)}</h2>${body}</section>`;
}

function list(items: string[], empty = true): string {
  if (!items.length) return empty ? `<p class="muted">${bi("ไม่มี", "none")}</p>` : "";
  return `<ul>${items.map((i) => `<li>${i}</li>`).join("")}</ul>`;
}

function nameOf(n: Json): string {
  return n.__typename === "Event" && n.dateTh ? `${n.nameTh} (${n.dateTh})` : n.nameTh;
}

/** A performance mark once what was just put on the page has been painted (the second
 * animation frame after it), for `kb bench paint`. */
function painted(name: string): void {
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark(name)));
}

function failed(err: unknown): string {
  return `<p class="error" role="alert">${bi("เกิดข้อผิดพลาด", "Something went wrong")}: ${esc((err as Error).message)}</p>`;
}

// --- search with suggestions ---------------------------------------------------------------------

/** A search box whose suggestions, grouped by kind, call `pick` (or open the page). */
function searchBox(
  host: HTMLElement,
  label: [string, string],
  pick: (id: string, name: string) => void,
  testid: string,
): void {
  const inputId = `q-${testid}`;
  host.innerHTML = `
    <label for="${inputId}">${bi(label[0], label[1])}</label>
    <input id="${inputId}" type="search" autocomplete="off" data-testid="${testid}"
      placeholder="${esc(one("ชื่อ จังหวัด ตำบล องค์กร บุคคล หรือรหัส", "name, province, organization, person or code"))}">
    <div class="suggestions" data-testid="${testid}-results" aria-live="polite"></div>`;
  const input = host.querySelector("input") as HTMLInputElement;
  const box = host.querySelector(".suggestions") as HTMLElement;
  let timer = 0;
  let asked = 0;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const text = input.value.trim();
    if (!text) {
      box.innerHTML = "";
      return;
    }
    timer = window.setTimeout(async () => {
      const mine = ++asked;
      try {
        const hits: Json[] = (await gql(SEARCH, { text })).search;
        if (mine !== asked) return;
        if (!hits.length) {
          box.innerHTML = `<p class="muted">${bi("ไม่พบ", "No match")}</p>`;
          return;
        }
        const groups = new Map<string, Json[]>();
        for (const h of hits) groups.set(h.label, [...(groups.get(h.label) ?? []), h]);
        // Nothing matched as typed: every suggestion is a guess at a slip or another spelling.
        const guess = hits.every((h) => h.guessed)
          ? `<p class="muted" data-testid="${testid}-did-you-mean">${bi("ไม่พบตามที่พิมพ์ หมายถึง…", "Nothing as typed. Did you mean…")}</p>`
          : "";
        box.innerHTML = guess + [...groups]
          .map(
            ([kind, hs]) => `<div class="group"><h3>${term(TYPES, kind)}</h3>${hs
              .map(
                (h) => `<button type="button" data-id="${esc(h.node.id)}" data-name="${esc(h.node.nameTh)}">
                  ${bi(h.node.nameTh, h.node.nameEn)}
                  <span class="muted">${term(LEVELS, h.node.level)}${term(TIERS, h.node.tier)}</span>
                  ${syntheticBadge(h.node.synthetic)}</button>`,
              )
              .join("")}</div>`,
          )
          .join("");
      } catch (err) {
        box.innerHTML = failed(err);
      }
    }, 200);
  });
  input.addEventListener("keydown", (ev) => {
    const first = box.querySelector("button");
    if (ev.key === "Enter" && first) first.click();
  });
  box.addEventListener("click", (ev) => {
    const button = (ev.target as HTMLElement).closest("button");
    if (!button) return;
    box.innerHTML = "";
    input.value = button.dataset.name ?? "";
    pick(button.dataset.id as string, button.dataset.name as string);
  });
}

// --- the network picture -------------------------------------------------------------------------

const COLOURS: Record<string, string> = {
  Area: "#2e7d32",
  Organization: "#1565c0",
  Person: "#c62828",
  Event: "#6a1b9a",
  Partnership: "#ef6c00",
  Resource: "#00838f",
};

function nodeLabel(data: Json): string {
  const th = data.nameTh ?? data.name_th ?? data.label;
  return one(th, data.nameEn ?? data.name_en ?? th);
}

// A node's size says its level: the wider the area it works at, the bigger; the node the picture
// is about is the biggest of all.
const LEVEL_SIZE: Record<string, number> = {
  country: 24,
  region: 22,
  province_group: 20,
  province: 18,
  district: 15,
  subdistrict: 13,
  community: 12,
};

function size(n: cytoscape.NodeSingular): number {
  if (n.data("depth") === 0) return 28;
  return LEVEL_SIZE[n.data("level") as string] ?? 16;
}

/** Draws elements with Cytoscape.js; a tap on a node adds its own neighbourhood. */
function drawGraph(host: HTMLElement, elements: Json[], layout = "cose"): cytoscape.Core {
  host.innerHTML = `
    <div class="graph-tools">
      <span data-testid="graph-count"></span>
      <button type="button" data-act="png">PNG</button>
      <button type="button" data-act="csv">CSV</button>
    </div>
    <fieldset class="graph-filters" data-filter="kind"><legend>${bi("แสดง", "Show")}</legend></fieldset>
    <fieldset class="graph-filters" data-filter="level"><legend>${bi("ระดับ", "Level")}</legend></fieldset>
    <div class="graph-filters">
      <label for="valid-on-${++graphs}">${bi("ณ วันที่", "As on")}</label>
      <input type="date" id="valid-on-${graphs}" data-testid="valid-on">
    </div>
    <div class="graph" data-testid="graph" role="img"
      aria-label="${esc(one("แผนภาพเครือข่าย แตะโหนดเพื่อขยาย", "Network picture; tap a node to expand it"))}"></div>
    <p class="muted graph-hint">${bi("แตะโหนดเพื่อขยายเครือข่าย แตะสองครั้งเพื่อเปิดหน้า", "Tap a node to expand it; double-tap to open its page")}</p>`;
  const cy = cytoscape({
    container: host.querySelector(".graph") as HTMLElement,
    elements: elements.map((e) =>
      e.data.source ? e : { data: { ...e.data, display: nodeLabel(e.data) } },
    ),
    wheelSensitivity: 0.3,
    style: [
      {
        selector: "node",
        style: {
          label: "data(display)",
          "font-family": "Sarabun, sans-serif",
          "font-size": 10,
          "text-wrap": "ellipsis",
          "text-max-width": "110px",
          "background-color": (n: cytoscape.NodeSingular) => COLOURS[n.data("type")] ?? "#555",
          width: size,
          height: size,
        },
      },
      { selector: "node[?synthetic]", style: { "border-width": 2, "border-style": "dashed", "border-color": "#888" } },
      {
        selector: "edge",
        style: {
          width: 1,
          "line-color": "#aaa",
          "curve-style": "bezier",
          "target-arrow-shape": "triangle",
          "target-arrow-color": "#aaa",
          "arrow-scale": 0.6,
        },
      },
    ],
    layout: { name: layout, animate: false } as cytoscape.LayoutOptions,
  });
  // The last picture drawn, for the browser console and the browser tests (to find a node's
  // position on the screen and tap it there).
  (window as Json).kbGraph = cy;
  const count = host.querySelector('[data-testid="graph-count"]') as HTMLElement;
  const showCount = () => {
    const nodes = cy.nodes().length;
    const shown = cy.nodes().filter((n) => n.style("display") !== "none").length;
    count.dataset.nodes = String(nodes);
    count.dataset.shown = String(shown);
    const partly = shown < nodes ? ` (${bi("แสดง", "shown")} ${shown})` : "";
    count.innerHTML = `${bi("โหนด", "nodes")} ${nodes}${partly} · ${bi("เส้น", "edges")} ${cy.edges().length}`;
  };
  // Filters. A node of a hidden kind or level (and its edges) stays in the picture, undrawn. With
  // a date, a relationship that did not hold on it (a membership that began later or had ended)
  // is undrawn, and so is a node that did not run on it (a partnership, a plan) or that the
  // date leaves without any drawn relationship; the node the picture is about always shows.
  const kindBox = host.querySelector('[data-filter="kind"]') as HTMLElement;
  const levelBox = host.querySelector('[data-filter="level"]') as HTMLElement;
  const dateInput = host.querySelector('[data-testid="valid-on"]') as HTMLInputElement;
  const hidden = { kind: new Set<string>(), level: new Set<string>() };
  const heldOn = (d: Json, on: string) =>
    !on || ((!d.start_on || d.start_on <= on) && (!d.end_on || d.end_on >= on));
  const applyFilters = () => {
    const on = dateInput.value;
    cy.batch(() => {
      cy.edges().forEach((e) => {
        e.style("display", heldOn(e.data(), on) ? "element" : "none");
      });
      cy.nodes().forEach((n) => {
        const d = n.data();
        const edges = n.connectedEdges();
        const stranded =
          on && d.depth !== 0 && edges.length > 0 && edges.every((e) => !heldOn(e.data(), on));
        const show =
          !hidden.kind.has(d.type) &&
          !(d.level && hidden.level.has(d.level)) &&
          heldOn(d, on) &&
          !stranded;
        n.style("display", show ? "element" : "none");
      });
    });
    showCount();
  };
  const showFilters = () => {
    const boxes = (key: "kind" | "level", values: string[], table: Record<string, [string, string]>) => {
      const box = key === "kind" ? kindBox : levelBox;
      box.querySelectorAll("label").forEach((l) => l.remove());
      box.hidden = values.length === 0;
      for (const value of values) {
        const swatch = key === "kind" ? `<span class="swatch" style="background:${COLOURS[value] ?? "#555"}"></span>` : "";
        box.insertAdjacentHTML(
          "beforeend",
          `<label><input type="checkbox" data-${key}="${esc(value)}" ${hidden[key].has(value) ? "" : "checked"}>${swatch}${term(table, value)}</label>`,
        );
      }
    };
    boxes("kind", [...new Set(cy.nodes().map((n) => n.data("type") as string))].sort(), TYPES);
    const order = Object.keys(LEVELS);
    const levels = [...new Set(cy.nodes().map((n) => n.data("level") as string).filter(Boolean))];
    boxes("level", levels.sort((a, b) => order.indexOf(a) - order.indexOf(b)), LEVELS);
  };
  host.addEventListener("change", (ev) => {
    const input = ev.target as HTMLInputElement;
    for (const key of ["kind", "level"] as const) {
      const value = input.dataset[key];
      if (value === undefined) continue;
      if (input.checked) hidden[key].delete(value);
      else hidden[key].add(value);
    }
    applyFilters();
  });
  showCount();
  showFilters();
  const expanded = new Set<string>();
  cy.on("tap", "node", async (ev) => {
    const id = ev.target.id();
    if (expanded.has(id)) return;
    expanded.add(id);
    try {
      const hood = (await gql(NEIGHBOURHOOD, { id })).neighborhood;
      const fresh = (hood.cytoscape as Json[]).filter((e) => cy.getElementById(e.data.id).empty());
      cy.add(
        fresh.map((e) =>
          e.data.source ? e : { data: { ...e.data, depth: 1, display: nodeLabel(e.data) } },
        ),
      );
      cy.layout({ name: "cose", animate: false } as cytoscape.LayoutOptions).run();
      showFilters();
      applyFilters();
    } catch (err) {
      expanded.delete(id);
      count.insertAdjacentHTML("afterend", failed(err));
    }
  });
  cy.on("dbltap", "node", (ev) => {
    location.hash = `#/node/${encodeURIComponent(ev.target.id())}`;
  });
  host.querySelector('[data-act="png"]')?.addEventListener("click", () => {
    download("network.png", cy.png({ output: "blob", bg: "#ffffff", full: true }) as Blob);
  });
  host.querySelector('[data-act="csv"]')?.addEventListener("click", () => {
    // What is shown: the nodes the filters leave drawn.
    const rows = [["id", "type", "level", "name_th", "name_en", "start_on", "end_on", "synthetic"]];
    cy.nodes().forEach((n) => {
      if (n.style("display") === "none") return;
      const d = n.data();
      rows.push([
        n.id(), d.type, d.level ?? "", d.nameTh ?? d.name_th ?? d.label, d.nameEn ?? d.name_en ?? "",
        d.start_on ?? "", d.end_on ?? "", d.synthetic ? "true" : "false",
      ]);
    });
    const csv = rows.map((r) => r.map((v) => `"${String(v ?? "").replace(/"/g, '""')}"`).join(",")).join("\n");
    download("network.csv", new Blob([`\ufeff${csv}`], { type: "text/csv" }));
  });
  return cy;
}

function download(name: string, blob: Blob): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// --- pages -------------------------------------------------------------------------------------

function home(): void {
  main.innerHTML = `
    <section class="card intro">
      <h1>${bi("สำรวจเครือข่ายขบวนองค์กรชุมชน", "Explore the community-organization network")}</h1>
      <p>${bi(
        "ค้นหาบุคคล องค์กร หรือพื้นที่ แล้วดูว่าเชื่อมโยงกับใครบ้าง",
        "Search for a person, an organization or an area, and see who they are connected to.",
      )}</p>
      <div class="search" id="home-search"></div>
      <p><a href="#/node/area%3Acodi-central-west">${bi("ภาคกลางและตะวันตก", "Central and Western region")}</a>
       · <a href="#/path">${bi("เราเชื่อมโยงกันอย่างไร?", "How are we connected?")}</a>
       · <a href="/graphql">GraphiQL</a></p>
    </section>`;
  searchBox(
    document.getElementById("home-search") as HTMLElement,
    ["ค้นหา", "Search"],
    (id) => {
      location.hash = `#/node/${encodeURIComponent(id)}`;
    },
    "search",
  );
}

async function nodePage(id: string): Promise<void> {
  main.innerHTML = `<p class="muted">${bi("กำลังโหลด…", "Loading…")}</p>`;
  let node: Json;
  try {
    node = (await gql(NODE, { id })).node;
  } catch (err) {
    main.innerHTML = failed(err);
    return;
  }
  const kind = node.__typename as string;
  const detail =
    kind === "Area"
      ? term(LEVELS, node.level)
      : kind === "Person"
        ? term(TIERS, node.tier)
        : kind === "Event"
          ? esc(node.dateTh)
          : term(TYPES, kind);
  main.innerHTML = `
    <section class="card head">
      <p class="kind">${term(TYPES, kind)} ${syntheticBadge(node.synthetic)}
        ${node.assumption ? `<span class="badge">${bi("สมมติฐาน", "assumption")}</span>` : ""}</p>
      <h1 data-testid="title">${bi(node.nameTh, node.nameEn)}</h1>
      <p>${detail}</p>
      <div id="extra"></div>
      <p class="muted sources">${esc(sourcesTitle(node.sources))}</p>
    </section>
    <section class="card" data-testid="connections"><h2>${bi("เครือข่ายรอบตัว", "Connections")}</h2>
      <div id="graph"></div><div id="neighbours"></div></section>
    <div id="body"><p class="muted">${bi("กำลังโหลด…", "Loading…")}</p></div>`;
  painted("kb-head");
  const extra = document.getElementById("extra") as HTMLElement;
  if (kind === "Person") {
    const areas = (node.worksIn as Json[]).map((a) => link(a.id, a.nameTh, a.nameEn)).join(", ");
    const contact = node.contactVisible && node.contact
      ? [node.contact.phone, node.contact.email, node.contact.lineId && `LINE ${node.contact.lineId}`]
          .filter(Boolean)
          .map(esc)
          .join(" · ")
      : `<span class="muted">${bi("ข้อมูลติดต่อแสดงเฉพาะผู้มีสิทธิ์ (ใส่โทเคน)", "Contact data only for those allowed (enter a token)")}</span>`;
    extra.innerHTML = `<p>${bi("ทำงานใน", "Works in")}: ${areas}</p><p data-testid="contact">${bi("ติดต่อ", "Contact")}: ${contact}</p>`;
  } else if (kind === "Organization" && node.locatedIn) {
    extra.innerHTML = `<p>${bi("ที่ตั้ง", "Located in")}: ${link(node.locatedIn.id, node.locatedIn.nameTh, node.locatedIn.nameEn)}</p>`;
  } else if (kind === "Event") {
    extra.innerHTML = `<p>${bi(node.placeTh, node.placeEn)}</p><p>${bi(node.summaryTh, node.summaryEn)}</p>`;
  }
  const body = document.getElementById("body") as HTMLElement;
  const parts: Promise<void>[] = [neighbourhood(id)];
  if (kind === "Person") parts.push(personBody(id, body));
  else if (kind === "Organization") parts.push(organizationBody(id, body));
  else if (kind === "Area") parts.push(areaBody(id, body));
  else if (kind === "Partnership") parts.push(partnershipBody(id, body));
  else if (kind === "Resource") parts.push(resourceBody(id, body));
  else body.innerHTML = "";
  await Promise.all(parts);
}

async function neighbourhood(id: string): Promise<void> {
  const host = document.getElementById("graph") as HTMLElement;
  const listHost = document.getElementById("neighbours") as HTMLElement;
  try {
    const hood = (await gql(NEIGHBOURHOOD, { id })).neighborhood;
    const elements = hood.cytoscape as Json[];
    drawGraph(host, elements);
    painted("kb-graph");
    const nodes = new Map(elements.filter((e) => !e.data.source).map((e) => [e.data.id, e.data]));
    const items = elements
      .filter((e) => e.data.source)
      .map((e) => {
        const other = e.data.source === id ? e.data.target : e.data.source;
        const n = nodes.get(other);
        if (!n) return "";
        const when = validity(e.data.start_on, e.data.end_on);
        return `${bi(e.data.label_th, e.data.label)}: ${link(n.id, n.name_th ?? n.label, n.name_en)} <span class="muted">${term(TYPES, n.type)}${n.level ? ` · ${term(LEVELS, n.level)}` : ""}${when}</span>`;
      })
      .filter(Boolean);
    listHost.innerHTML = `${hood.truncated ? `<p class="muted">${bi("แสดงบางส่วน", "Partly shown")}</p>` : ""}
      <details><summary>${bi("รายการความเชื่อมโยง", "List of connections")} (${items.length})</summary>${list(items)}</details>`;
  } catch (err) {
    host.innerHTML = failed(err);
  }
}

async function personBody(id: string, body: HTMLElement): Promise<void> {
  try {
    const o = (await gql(ONBOARDING, { id })).onboarding;
    const members = (o.memberships as Json[]).map(
      (m) => `${bi(m.roleTh ?? m.role, m.role)} · ${link(m.organization.id, m.organization.nameTh, m.organization.nameEn)}<span class="muted">${validity(m.startOn, m.endOn)}</span> ${provenance(m)}`,
    );
    const mentors = (o.mentors as Json[]).map((m) => `${link(m.mentor.id, m.mentor.nameTh, m.mentor.nameEn)} <span class="muted">${term(TIERS, m.mentor.tier)}</span> ${provenance(m)}`);
    const peers = (o.peersInArea.people as Json[]).map((p) => link(p.id, p.nameTh, p.nameEn));
    const keys = (o.keyPeople as Json[]).map(
      (k) => `${term(LEVELS, k.level)} ${link(k.area.id, k.area.nameTh, k.area.nameEn)}: ${link(k.person.id, k.person.nameTh, k.person.nameEn)} <span class="muted">${bi(k.roleTh ?? k.role, k.role)} · ${bi(k.organization.nameTh, k.organization.nameEn)}</span>`,
    );
    const partnerships = (o.partnerships as Json[]).map((p) => `${link(p.partnership.id, p.partnership.nameTh, p.partnership.nameEn)} <span class="muted">${term(LEVELS, p.partnership.level)}</span> ${provenance(p.partnership)}`);
    const resources = (o.resources as Json[]).map((r) => `${link(r.resource.id, r.resource.nameTh, r.resource.nameEn)} <span class="muted">${term(LEVELS, r.resource.level)}</span> ${provenance(r.resource)}`);
    const meetings = (o.meetings as Json[]).map((m) => `${link(m.event.id, m.event.nameTh, m.event.nameEn)} <span class="muted" data-testid="meeting-date">${esc(m.event.dateTh)}</span> ${provenance(m)}`);
    body.innerHTML =
      section("บทบาทและการเป็นสมาชิก", "Roles and memberships", list(members), "memberships") +
      section("พี่เลี้ยง", "Mentors", list(mentors)) +
      section("คนสำคัญระดับที่สูงขึ้น", "Key people a level up", list(keys), "key-people") +
      section("เพื่อนในพื้นที่", "Peers in the area", `<p class="muted">${bi("ทั้งหมด", "total")} ${o.peersInArea.total}</p>${list(peers)}`) +
      section("ความร่วมมือที่เข้าถึงได้", "Partnerships within reach", list(partnerships), "partnerships") +
      section("ทรัพยากรร่วม", "Shared resources", list(resources), "resources") +
      section("การประชุมที่เข้าร่วม", "Meetings attended", list(meetings), "meetings");
    painted("kb-person");
  } catch (err) {
    body.innerHTML = failed(err);
  }
}

const fmt = (n: number) => n.toLocaleString(lang === "th" ? "th-TH" : "en-GB");

/** An amount of money with its date, e.g. "50,000 บาท · 1 มีนาคม 2566". */
function money(amount: number, on: string | null | undefined, inKind = false): string {
  const kind = inKind ? ` ${bi("(สิ่งของ)", "(in kind)")}` : "";
  return `${fmt(amount)} ${bi("บาท", "baht")}${kind}${on ? ` · ${date(on)}` : ""}`;
}

/** A contribution or an allocation: the other end (``who``), the amount and its date, the
 * purpose where one is given, and the fact's badges. */
function flowItem(who: Json, x: Json): string {
  const purpose = x.purposeTh || x.purposeEn ? ` <span class="muted">${bi(x.purposeTh, x.purposeEn)}</span>` : "";
  return `${link(who.id, who.nameTh, who.nameEn)}: ${money(x.amount, x.on, x.inKind)}${purpose} ${provenance(x)}`;
}

function flowsLine(f: Json): string {
  if (!f) return "";
  return `<span class="muted">${bi("สมทบ", "in")} ${fmt(f.contributed)} · ${bi("จัดสรร", "out")} ${fmt(f.allocated)} · ${bi("คงเหลือ", "balance")} ${fmt(f.balance)}</span>`;
}

async function organizationBody(id: string, body: HTMLElement): Promise<void> {
  const facts = document.createElement("div");
  facts.className = "facts";
  body.innerHTML = section(
    "ภาคีที่เข้าถึงได้",
    "Partners within reach",
    `<label for="hops">${bi("จำนวนขั้น", "hops")}: <output id="hops-out">2</output></label>
     <input id="hops" type="range" min="1" max="4" value="2" data-testid="hops">
     <div id="partners"></div>`,
    "partners",
  );
  const slider = document.getElementById("hops") as HTMLInputElement;
  const load = async () => {
    const out = document.getElementById("partners") as HTMLElement;
    (document.getElementById("hops-out") as HTMLElement).textContent = slider.value;
    try {
      const partners: Json[] = (await gql(PARTNERS, { id, hops: Number(slider.value) })).partners;
      out.innerHTML = list(
        partners.map(
          (p) => `${link(p.organization.id, p.organization.nameTh, p.organization.nameEn)} <span class="muted">${p.hops} ${bi("ขั้น", "hops")}</span><br><small>${bi(p.path.textTh, p.path.textEn)}</small>`,
        ),
      );
    } catch (err) {
      out.innerHTML = failed(err);
    }
  };
  slider.addEventListener("change", load);
  body.append(facts);
  await Promise.all([load(), organizationFacts(id, facts)]);
}

/** An organization's partnerships and its part in shared resources (pools it stewards, what it
 * put in, what it received). */
async function organizationFacts(id: string, host: HTMLElement): Promise<void> {
  try {
    const o = (await gql(ORGANIZATION, { id })).node;
    const partnerships = (o.partnerships as Json[]).map(
      (x) => `${link(x.partnership.id, x.partnership.nameTh, x.partnership.nameEn)}
        <span class="muted">${term(LEVELS, x.partnership.level)}${x.roleTh || x.role ? ` · ${bi(x.roleTh ?? x.role, x.role)}` : ""}${validity(x.partnership.startOn, x.partnership.endOn)}</span>
        ${provenance(x)}`,
    );
    const stewards = (o.stewards as Json[]).map(
      (r) => `${link(r.id, r.nameTh, r.nameEn)} <span class="muted">${term(LEVELS, r.level)}</span> ${provenance(r)}<br>${flowsLine(r.flows)}`,
    );
    const given = (o.contributions as Json[]).map(
      (c) => flowItem(c.resource, c),
    );
    const received = (o.allocationsReceived as Json[]).map(
      (a) => flowItem(a.resource, a),
    );
    host.outerHTML =
      section("ความร่วมมือที่เป็นภาคี", "Partnerships it is party to", list(partnerships), "org-partnerships") +
      section(
        "กองทุนและทรัพยากรร่วม",
        "Pools and shared resources",
        `<h3>${bi("ดูแล", "Stewards")}</h3>${list(stewards)}
         <h3>${bi("สมทบ", "Contributed")}</h3>${list(given)}
         <h3>${bi("ได้รับจัดสรร", "Received")}</h3>${list(received)}`,
        "org-pools",
      );
  } catch (err) {
    host.innerHTML = failed(err);
  }
}

async function partnershipBody(id: string, body: HTMLElement): Promise<void> {
  try {
    const x = (await gql(PARTNERSHIP, { id })).node;
    const parties = (x.parties as Json[]).map(
      (p) => `${link(p.organization.id, p.organization.nameTh, p.organization.nameEn)}${p.roleTh || p.role ? ` <span class="muted">${bi(p.roleTh ?? p.role, p.role)}</span>` : ""} ${provenance(p)}`,
    );
    const covers = (x.covers as Json[]).map((a) => `${link(a.id, a.nameTh, a.nameEn)} <span class="muted">${term(LEVELS, a.level)}</span>`);
    const received = (x.allocationsReceived as Json[]).map(
      (a) => flowItem(a.resource, a),
    );
    const purpose = x.purposeTh || x.purposeEn ? `<p>${bi(x.purposeTh, x.purposeEn)}</p>` : "";
    body.innerHTML =
      section("ภาคี", "Parties", `${purpose}<p class="muted">${validity(x.startOn, x.endOn).replace(/^ · /, "")}</p>${list(parties)}`, "parties") +
      section("พื้นที่ที่ครอบคลุม", "Areas covered", list(covers)) +
      section("ได้รับจัดสรรจากกองทุน", "Received from pools", list(received));
  } catch (err) {
    body.innerHTML = failed(err);
  }
}

async function resourceBody(id: string, body: HTMLElement): Promise<void> {
  try {
    const r = (await gql(RESOURCE, { id })).node;
    const names = (xs: Json[]) => xs.map((a) => `${link(a.id, a.nameTh, a.nameEn)}${a.level ? ` <span class="muted">${term(LEVELS, a.level)}</span>` : ""}`);
    const given = (r.contributions as Json[]).map(
      (c) => flowItem(c.contributor, c),
    );
    const out = (r.allocations as Json[]).map(
      (a) => flowItem(a.recipient, a),
    );
    const withFeeders = r.flows?.feederCount
      ? `<p class="muted">${bi(`รวม ${r.flows.feederCount} กองที่สมทบเข้ามา: สมทบ`, `with the ${r.flows.feederCount} pools feeding it: in`)} ${fmt(r.flows.contributedWithFeeders)}</p>`
      : "";
    const up = r.pooledInto ? `<p>${bi("สมทบเข้า", "Feeds")}: ${names([r.pooledInto]).join("")}</p>` : "";
    body.innerHTML =
      section(
        "กองทุน: สมทบและจัดสรร",
        "Pool: in and out",
        `<p data-testid="flows">${flowsLine(r.flows)}</p>${withFeeders}${up}
         <h3>${bi("ผู้ดูแล", "Stewards")}</h3>${list(names(r.stewards))}
         <h3>${bi("พื้นที่ที่ให้บริการ", "Serves")}</h3>${list(names(r.serves))}
         <h3>${bi("กองทุนที่สมทบเข้ามา", "Pools feeding it")}</h3>${list(names(r.feeders))}`,
        "resource-flows",
      ) +
      section("การสมทบ", "Contributions", list(given), "contributions") +
      section("การจัดสรร", "Allocations", list(out), "allocations");
  } catch (err) {
    body.innerHTML = failed(err);
  }
}

async function areaBody(id: string, body: HTMLElement): Promise<void> {
  try {
    const d = await gql(ROLLUP, { id });
    const r = d.rollup;
    const gaps = d.coverage;
    const without = (key: string) => new Set((gaps?.[key] ?? []).map((a: Json) => a.id));
    const noPartnership = without("withoutPartnership");
    const noMechanism = without("withoutMechanism");
    const noPool = without("withoutPool");
    const crumbs = (r.ancestors as Json[])
      .slice()
      .reverse()
      .map((a) => link(a.id, a.nameTh, a.nameEn))
      .join(" › ");
    const totals = `<dl class="totals" data-testid="rollup-totals">
      <div><dt>${bi("องค์กร", "organizations")}</dt><dd data-testid="organizations">${fmt(r.organizations)}</dd></div>
      <div><dt>${bi("บุคคล", "people")}</dt><dd data-testid="people">${fmt(r.people)}</dd></div>
      <div><dt>${bi("ความร่วมมือ", "partnerships")}</dt><dd data-testid="partnerships">${fmt(r.partnerships)}</dd></div>
      <div><dt>${bi("ทรัพยากร", "resources")}</dt><dd>${fmt(r.resources)}</dd></div>
      <div><dt>${bi("กองทุนร่วม", "pools")}</dt><dd>${fmt(r.pools)}</dd></div>
      <div><dt>${bi("ยอดสมทบ (บาท)", "pooled (baht)")}</dt><dd>${fmt(r.pooledAmount)}</dd></div></dl>`;
    const children = r.children as Json[];
    const most = Math.max(1, ...children.map((c) => c.organizations));
    const rows = children
      .map((c) => {
        const flags = [
          noPartnership.has(c.area.id) ? bi("ไม่มีความร่วมมือ", "no partnership") : "",
          noMechanism.has(c.area.id) ? bi("ไม่มีกลไก", "no mechanism") : "",
          noPool.has(c.area.id) ? bi("ไม่มีกองทุน", "no pool") : "",
        ].filter(Boolean);
        return `<tr class="${flags.length ? "gap" : ""}">
          <th scope="row">${link(c.area.id, c.area.nameTh, c.area.nameEn)}${flags.length ? `<br><small class="gap-flags">${flags.join(" · ")}</small>` : ""}</th>
          <td><span class="bar" style="width:${Math.round((60 * c.organizations) / most)}px"></span>${fmt(c.organizations)}</td>
          <td>${fmt(c.people)}</td><td>${fmt(c.partnerships)}</td><td>${fmt(c.pools)}</td></tr>`;
      })
      .join("");
    const level = children[0]?.area.level;
    const table = children.length
      ? `<div class="table-wrap"><table data-testid="rollup-children">
          <caption>${term(LEVELS, level)}</caption>
          <thead><tr><th scope="col">${bi("พื้นที่", "area")}</th><th scope="col">${bi("องค์กร", "orgs")}</th>
            <th scope="col">${bi("บุคคล", "people")}</th><th scope="col">${bi("ความร่วมมือ", "partnerships")}</th>
            <th scope="col">${bi("กองทุน", "pools")}</th></tr></thead><tbody>${rows}</tbody></table></div>`
      : "";
    if (crumbs) {
      (document.getElementById("extra") as HTMLElement).innerHTML =
        `<nav class="crumbs" aria-label="${esc(one("พื้นที่ที่อยู่เหนือขึ้นไป", "areas above"))}">${crumbs}</nav>`;
    }
    const pools = ((d.pools?.pools ?? []) as Json[]).map(
      (p) => `<tr><th scope="row">${link(p.id, p.nameTh, p.nameEn)} ${syntheticBadge(p.synthetic)}<br><small class="muted">${term(LEVELS, p.level)}</small></th>
        <td>${fmt(p.flows?.contributed ?? 0)}</td><td>${fmt(p.flows?.allocated ?? 0)}</td><td>${fmt(p.flows?.balance ?? 0)}</td></tr>`,
    );
    const poolTable = pools.length
      ? `<div class="table-wrap"><table data-testid="pools">
          <thead><tr><th scope="col">${bi("กองทุน", "pool")}</th><th scope="col">${bi("สมทบ", "contributed")}</th>
            <th scope="col">${bi("จัดสรร", "allocated")}</th><th scope="col">${bi("คงเหลือ", "balance")}</th></tr></thead>
          <tbody>${pools.join("")}</tbody></table></div>`
      : `<p class="muted">${bi("ไม่มี", "none")}</p>`;
    body.innerHTML =
      section("สรุปตามระดับ", "Rollup by level", totals + table, "rollup") +
      section("กองทุนร่วม: สมทบและจัดสรร (บาท)", "Pools: contributed and allocated (baht)", poolTable);
  } catch (err) {
    body.innerHTML = failed(err);
  }
}

function pathPage(params: URLSearchParams): void {
  main.innerHTML = `
    <section class="card">
      <h1>${bi("เราเชื่อมโยงกันอย่างไร?", "How are we connected?")}</h1>
      <div class="search" id="from"></div>
      <div class="search" id="to"></div>
      <div id="path-result" data-testid="path"></div>
    </section>`;
  const chosen = { from: params.get("from") ?? "", to: params.get("to") ?? "" };
  const go = () => {
    if (chosen.from && chosen.to) {
      location.hash = `#/path?from=${encodeURIComponent(chosen.from)}&to=${encodeURIComponent(chosen.to)}`;
    }
  };
  searchBox(document.getElementById("from") as HTMLElement, ["จาก", "From"], (id) => {
    chosen.from = id;
    go();
  }, "from");
  searchBox(document.getElementById("to") as HTMLElement, ["ถึง", "To"], (id) => {
    chosen.to = id;
    go();
  }, "to");
  if (chosen.from && chosen.to) void drawPath(chosen.from, chosen.to);
}

async function drawPath(from: string, to: string): Promise<void> {
  const out = document.getElementById("path-result") as HTMLElement;
  out.innerHTML = `<p class="muted">${bi("กำลังค้นหาเส้นทาง…", "Finding the path…")}</p>`;
  try {
    const paths: Json[] = (await gql(CONNECTION, { from, to })).connection;
    if (!paths.length) {
      out.innerHTML = `<p>${bi("ไม่พบเส้นทาง", "No path found")}</p>`;
      return;
    }
    const p = paths[0];
    const ends = [p.nodes[0], p.nodes[p.nodes.length - 1]];
    (["from", "to"] as const).forEach((box, i) => {
      const input = document.getElementById(`q-${box}`) as HTMLInputElement | null;
      if (input && !input.value) input.value = one(ends[i].nameTh, ends[i].nameEn);
    });
    const byId = new Map((p.nodes as Json[]).map((n) => [n.id, n]));
    const name = (nid: string) => {
      const n = byId.get(nid);
      return n ? link(n.id, nameOf({ ...n, ...n.node }), n.nameEn) : esc(nid);
    };
    const steps = (p.steps as Json[]).map(
      (s) => `${name(s.from)} <span class="step">→ ${bi(s.labelTh, s.labelEn)} →</span> ${name(s.to)}`,
    );
    out.innerHTML = `<p data-testid="path-length">${bi("จำนวนขั้น", "steps")}: ${p.length}</p>
      <p>${bi(p.textTh, p.textEn)}</p><ol class="steps">${steps.map((s) => `<li>${s}</li>`).join("")}</ol>
      <div id="path-graph"></div>`;
    const elements = [
      ...(p.nodes as Json[]).map((n) => ({
        data: { id: n.id, nameTh: nameOf({ ...n, ...n.node }), nameEn: n.nameEn, type: n.node.__typename, depth: 1 },
      })),
      ...(p.steps as Json[]).map((s, i) => ({ data: { id: `step-${i}`, source: s.from, target: s.to } })),
    ];
    drawGraph(document.getElementById("path-graph") as HTMLElement, elements, "breadthfirst");
  } catch (err) {
    out.innerHTML = failed(err);
  }
}

// --- routing, language, token --------------------------------------------------------------------

function route(): void {
  const hash = location.hash.replace(/^#/, "") || "/";
  window.scrollTo(0, 0);
  if (hash.startsWith("/node/")) void nodePage(decodeURIComponent(hash.slice(6)));
  else if (hash.startsWith("/path")) pathPage(new URLSearchParams(hash.split("?")[1] ?? ""));
  else home();
}

function chrome(): void {
  document.documentElement.lang = lang;
  const header = document.getElementById("top") as HTMLElement;
  header.innerHTML = `
    <a class="brand" href="#/">${bi("เครือข่าย พอช.", "CODI network")}</a>
    <nav>
      <a href="#/path">${bi("เส้นทาง", "Path")}</a>
      <button type="button" id="lang" data-testid="lang">${lang === "th" ? "English" : "ไทย"}</button>
      <details class="token"><summary>${bi("โทเคน", "Token")}</summary>
        <label for="token">${bi("โทเคนสำหรับดูข้อมูลติดต่อ", "Token to see contact data")}</label>
        <input id="token" type="password" autocomplete="off" value="${esc(sessionStorage.getItem(TOKEN_KEY) ?? "")}">
        <button type="button" id="token-save">${bi("ใช้", "Use")}</button>
      </details>
    </nav>`;
  (document.getElementById("lang") as HTMLElement).addEventListener("click", () => {
    lang = lang === "th" ? "en" : "th";
    localStorage.setItem("kb-lang", lang);
    chrome();
    route();
  });
  (document.getElementById("token-save") as HTMLElement).addEventListener("click", () => {
    const value = (document.getElementById("token") as HTMLInputElement).value.trim();
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
    route();
  });
}

window.addEventListener("hashchange", route);
chrome();
route();
