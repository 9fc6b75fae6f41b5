// Opens bsc's HTML reports in Debian's headless Chromium (playwright-core, no
// downloaded browser) and checks what a reader sees: no console error, no network
// request, one map node per objective inside its perspective's band, no overlapping
// nodes, tooltips with the rationale and the score trace, and no script from the
// source text ever running.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, basename } from "node:path";
import { pathToFileURL } from "node:url";
import { root, bsc, launchChromium, buildReport } from "./common.mjs";

const out = join(root, "tests", "browser", "output");
mkdirSync(out, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "bsc-browser-"));

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => { await browser?.close(); });

const build = (file, name) => buildReport(work, file, name);

/** Opens a report, recording console errors, requests and dialogs. */
async function open(html) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = { console: [], requests: [], dialogs: [] };
  page.on("console", (m) => { if (m.type() === "error") problems.console.push(m.text()); });
  page.on("pageerror", (e) => problems.console.push(String(e)));
  page.on("dialog", async (d) => { problems.dialogs.push(d.message()); await d.dismiss(); });
  const url = pathToFileURL(html).href;
  page.on("request", (r) => { if (r.url() !== url) problems.requests.push(r.url()); });
  await page.goto(url);
  return { page, problems };
}

const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".bsc")).sort();

for (const ex of examples) {
  test(`report of ${ex}`, async () => {
    const name = basename(ex, ".bsc");
    const { html, json } = build(join(root, "examples", ex), name);
    const { page, problems } = await open(html);

    // One node per objective, each inside the band of its perspective.
    const nodes = await page.$$eval("svg a.node", (as) => as.map((a) => {
      const r = a.querySelector("rect").getBoundingClientRect();
      return { id: a.getAttribute("href").slice("#obj-".length), x: r.x, y: r.y, w: r.width, h: r.height };
    }));
    for (const n of nodes) n.band = json.objectives.find((o) => o.id === n.id)?.perspective;
    assert.equal(nodes.length, json.objectives.length);
    assert.deepEqual(nodes.map((n) => n.id).sort(), json.objectives.map((o) => o.id).sort());
    const bands = await page.$$eval("svg g.band", (gs) => Object.fromEntries(gs.map((g) => {
      const r = g.querySelector("rect").getBoundingClientRect();
      return [g.dataset.band, { y: r.y, h: r.height }];
    })));
    for (const n of nodes) {
      const b = bands[n.band];
      assert.ok(n.y >= b.y - 0.5 && n.y + n.h <= b.y + b.h + 0.5, `${n.id} lies inside band ${n.band}`);
    }
    // Bands stack in level order, highest on top.
    const order = json.perspectives.filter((p) => p.objectives.length).sort((a, b) => b.level - a.level).map((p) => p.id);
    const byY = Object.entries(bands).sort((a, b) => a[1].y - b[1].y).map(([id]) => id);
    assert.deepEqual(byY, order);
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i], b = nodes[j];
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        assert.ok(!overlap, `${a.id} and ${b.id} overlap`);
      }
    }
    // Hovering a link shows its rationale: the mouse goes to a point of the arrow that
    // no node covers.
    const withRationale = json.links.findIndex((l) => l.rationale);
    if (withRationale >= 0) {
      const l = json.links[withRationale];
      const point = await page.evaluate((want) => {
        const edges = [...document.querySelectorAll("#map-box path.edge")].filter((g) => document.getElementById(`link-${g.dataset.n}`).textContent.includes(want));
        for (const g of edges) {
          const path = g;
          const len = path.getTotalLength();
          for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
            const p = path.getPointAtLength(len * t);
            // The map scrolls inside its box: bring the point into view first.
            const box = document.getElementById("map-box");
            box.scrollLeft = Math.max(0, p.x - box.clientWidth / 2);
            box.scrollIntoView({ block: "center" });
            const m = path.getScreenCTM();
            const x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
            if (document.elementFromPoint(x, y)?.closest(".edge") === g) return { x, y };
          }
        }
        return null;
      }, l.rationale);
      assert.ok(point, "a link with a rationale can be pointed at");
      await page.mouse.move(point.x, point.y);
      const tip = page.locator("#tip");
      await tip.waitFor({ state: "visible" });
      assert.ok((await tip.textContent()).includes(l.rationale));
    }
    // Hovering a measure's status shows how it was computed.
    const scored = json.measures.find((m) => m.status !== "none");
    if (scored) {
      await page.locator(`#m-${scored.id} .badge`).hover();
      const text = await page.locator("#tip").textContent();
      assert.ok(text.includes("progress:") && text.includes("status:"), text);
    }
    // Map nodes link to their table rows.
    const href = await page.locator("svg a.node").first().getAttribute("href");
    assert.equal(await page.locator(href).count(), 1);

    // Status is never told by colour alone, and its colours meet WCAG AA (4.5:1).
    const contrasts = await page.evaluate(() => {
      const rgb = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
      const out = [];
      for (const el of document.querySelectorAll(".badge")) {
        const cs = getComputedStyle(el);
        out.push({ what: el.textContent.trim(), ratio: ratio(cs.color, cs.backgroundColor), words: /[a-z]/.test(el.textContent) });
      }
      for (const node of document.querySelectorAll("svg a.node")) {
        const st = node.querySelector(".st"), rect = node.querySelector("rect");
        out.push({ what: st.textContent, ratio: ratio(getComputedStyle(st).fill, getComputedStyle(rect).fill), words: /(green|amber|red|none)/.test(st.textContent) });
      }
      return out;
    });
    assert.ok(contrasts.length > 0);
    for (const c of contrasts) {
      assert.ok(c.ratio >= 4.5, `contrast ${c.ratio.toFixed(2)} of "${c.what}"`);
      assert.ok(c.words, `"${c.what}" says its status in words`);
    }

    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    assert.deepEqual(problems.console, [], "no console errors");
    assert.deepEqual(problems.requests, [], "no network requests");
    await page.close();
  });
}

// Markup and script smuggled into every text field of a scorecard.
const payloads = [
  `<script>window.__xss=1</script>`,
  `<img src=x onerror="window.__xss=1">`,
  `<svg onload="window.__xss=1">`,
  `<svg><script>window.__xss=1</script></svg>`,
  `"><script>window.__xss=1</script>`,
  `'><img src=x onerror=window.__xss=1>`,
  `" onmouseover="window.__xss=1" x="`,
  `' onfocus='window.__xss=1' autofocus='`,
  `javascript:window.__xss=1`,
  `<a href="javascript:window.__xss=1">click</a>`,
  `</style><script>window.__xss=1</script>`,
  `</title><script>window.__xss=1</script>`,
  `</textarea><script>window.__xss=1</script>`,
  `<iframe src="javascript:window.__xss=1"></iframe>`,
  `<body onload=window.__xss=1>`,
  `<details open ontoggle=window.__xss=1>`,
  `<input autofocus onfocus=window.__xss=1>`,
  `<math><mtext><script>window.__xss=1</script></mtext></math>`,
  `<object data="javascript:window.__xss=1">`,
  `<embed src="javascript:window.__xss=1">`,
  `<video><source onerror="window.__xss=1">`,
  `<audio src=x onerror=window.__xss=1>`,
  `<marquee onstart=window.__xss=1>`,
  `<svg><animate onbegin=window.__xss=1 attributeName=x dur=1s>`,
  `<svg><a xlink:href="javascript:window.__xss=1"><text>x</text></a></svg>`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">`,
  `<base href="javascript:window.__xss=1//">`,
  `{{ 7*7 }}<script>window.__xss=1</script>`,
  `\u003cscript\u003ewindow.__xss=1\u003c/script\u003e`,
  `<scr<script>ipt>window.__xss=1</scr</script>ipt>`,
  `&lt;script&gt;window.__xss=1&lt;/script&gt;`,
  `\u202e<script>window.__xss=1</script>`,
  `<style>@import 'javascript:window.__xss=1';</style>`,
  `<link rel=stylesheet href=javascript:window.__xss=1>`,
  `<form><button formaction=javascript:window.__xss=1>x</button></form>`,
];

/** A bsc string literal of `s`. */
const lit = (s) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

test(`no script from the source runs (${payloads.length} payloads in every text field)`, async () => {
  for (let k = 0; k < payloads.length; k++) {
    const p = lit(payloads[k]);
    const src = `
/// ${payloads[k]}
scorecard ${p} { vision ${p} mission ${p} owner ${p} period 2025-01 .. 2025-12 }
/// ${payloads[k]}
perspective learning ${p} { question ${p}
  /// ${payloads[k]}
  objective a ${p} { owner ${p}
    /// ${payloads[k]}
    measure ma ${p} { unit ${p} baseline 1 target 5 threshold 2 source ${p} formula ${p} leading
      actuals { 2025-01: 2, 2025-02: 3 } } }
}
perspective internal { objective b ${p} { owner ${p} measure mb ${p} { unit ${p} baseline 5 target 1 actuals { 2025-02: 2 } } } }
perspective customer { objective c ${p} { owner ${p} measure mc ${p} { unit "%" baseline 5% target 9% actuals { 2025-02: 7% } } } }
perspective financial { objective d ${p} { owner ${p} measure md ${p} { unit ${p} baseline 1 target 2 actuals { 2025-02: 2 } } } }
initiative i ${p} { owner ${p} start 2025-01 end 2025-06 impact high feasibility high supports a }
map { a -> b -> c -> d : ${p} }
`;
    const file = join(work, `xss${k}.bsc`);
    writeFileSync(file, src);
    const { html } = build(file, `xss${k}`);
    const text = readFileSync(html, "utf8");
    assert.ok(!/<script>window/.test(text), `payload ${k} is escaped in the file`);
    const { page, problems } = await open(html);
    // Hover every element with a tooltip and focus every link: nothing may run.
    for (const sel of ["svg a.node", "svg path.edge", "svg a[href^='#link-']", "tr.measure .badge", ".tbar"]) {
      const els = page.locator(sel);
      for (let i = 0; i < Math.min(await els.count(), 4); i++) await els.nth(i).hover({ force: true });
    }
    assert.equal(await page.evaluate(() => window.__xss), undefined, `payload ${k}: ${payloads[k]}`);
    assert.deepEqual(problems.dialogs, []);
    assert.deepEqual(problems.requests, [], `payload ${k} made no request`);
    assert.equal(await page.locator("#title").textContent(), payloads[k], "the title shows as text");
    await page.close();
  }
});
