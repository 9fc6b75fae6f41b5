// The report on a wall, on a phone and on paper (issue 20, LANGUAGE.md §9.5), in
// Debian's headless Chromium: map text never under 9 px (computed font size × the SVG's
// scale) at 1400 and 400 px, with and without "fit to width"; no sideways scrolling of
// the page at 400 px; the numbered list of links visible with every rationale; the
// summary lists exactly the red and amber objectives; timeline labels never overlap;
// printed to PDF (A4 portrait, Letter landscape), `pdftotext` finds every objective
// title and every rationale, no hover-only hint, and no page ends with a heading.
// Screenshots (1400 and 420 px) and the PDFs go to tests/browser/output/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, basename } from "node:path";
import { pathToFileURL } from "node:url";
import { root, bsc, launchChromium, buildReport } from "./common.mjs";

const out = join(root, "tests", "browser", "output");
mkdirSync(out, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "bsc-legible-"));

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => { await browser?.close(); });

const build = (file, name) => buildReport(work, file, name);

async function open(html, width) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(pathToFileURL(html).href);
  return page;
}

/** The smallest map text as drawn: computed font size × the SVG's scale, in px. */
function smallestMapText(page) {
  return page.evaluate(() => {
    const svg = document.querySelector("#map-box svg");
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    let min = Infinity;
    for (const t of svg.querySelectorAll("text")) {
      if (!t.textContent.trim()) continue;
      min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale);
    }
    return min;
  });
}

/** Pairs of visible timeline labels (quarters and the as-of marker) that overlap. */
function overlappingTimelineLabels(page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll(".timeline .axis span, .timeline .asof span")]
      .filter((s) => s.textContent.trim())
      .map((s) => ({ text: s.textContent.trim(), r: s.getBoundingClientRect() }));
    const bad = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        // Text width, not the span's padding: compare the glyph boxes.
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
          bad.push(`${boxes[i].text} / ${boxes[j].text}`);
        }
      }
    }
    return bad;
  });
}

const norm = (s) => s.replace(/\s+/g, " ").trim();

function pdfText(pdf, pageNo) {
  const args = pageNo ? ["-f", String(pageNo), "-l", String(pageNo), pdf, "-"] : [pdf, "-"];
  return execFileSync("pdftotext", args, { encoding: "utf8" });
}

function pdfPages(pdf) {
  const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
  return Number(info.match(/Pages:\s+(\d+)/)[1]);
}

const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".bsc")).sort();

for (const ex of examples) {
  const name = basename(ex, ".bsc");

  test(`${ex}: legible at 1400 and 400 px`, async () => {
    const { html, json } = build(join(root, "examples", ex), name);
    for (const width of [1400, 400]) {
      const page = await open(html, width);
      const min = await smallestMapText(page);
      assert.ok(min >= 9 - 1e-6, `${name} at ${width}px: map text drawn at ${min.toFixed(2)} px`);
      // Never drawn larger than it is (11 px its smallest text): fitting only shrinks.
      assert.ok(min <= 11 + 1e-6, `${name} at ${width}px: map text enlarged to ${min.toFixed(2)} px`);
      // Fit to width shrinks the map only as far as 9 px text; the toggle is there only
      // for a map wider than its box.
      const wider = await page.evaluate(() => {
        const box = document.getElementById("map-box");
        return box.querySelector("svg").viewBox.baseVal.width > box.clientWidth + 1;
      });
      assert.equal(await page.isVisible("#fit"), wider, `${name} at ${width}px: the toggle shows when the map is wider than its box`);
      if (wider) {
        for (let k = 0; k < 2; k++) {
          await page.click("#fit");
          const fitted = await smallestMapText(page);
          assert.ok(fitted >= 9 - 0.05 && fitted <= 11 + 1e-6, `${name} at ${width}px, toggled: map text at ${fitted.toFixed(2)} px`);
        }
      }
      if (width === 400) {
        const { scroll, client } = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
        }));
        assert.ok(scroll <= client, `${name} at 400px: the page scrolls sideways (${scroll} > ${client})`);
        // Tables are cards: every field shown has something under its label.
        const hollow = await page.$$eval("table.cards td", (tds) => tds
          .filter((td) => getComputedStyle(td).display !== "none" && !td.textContent.trim() && !td.querySelector("svg, span, a"))
          .map((td) => `${td.closest("tr").id || td.closest("tr").className} cell ${td.cellIndex + 1}`));
        assert.deepEqual(hollow, [], `${name} at 400px: card fields without content`);
      }
      // The why in plain sight: one numbered item per link, every rationale shown.
      // (An <ol> without `start`, items without `value`: item i shows number i + 1.)
      assert.equal(await page.$$eval("ol.why[start], ol.why > li[value]", (es) => es.length), 0);
      const why = await page.$$eval("ol.why > li", (lis) => lis.map((li) => ({
        n: Number(li.id.slice("link-".length)), text: li.innerText, visible: li.getBoundingClientRect().height > 0,
      })));
      assert.equal(why.length, json.links.length);
      json.links.forEach((l, i) => {
        assert.equal(why[i].n, i + 1);
        assert.ok(why[i].visible, `link ${i + 1} is visible`);
        // A rationale shared by a chain of links is written under the first; the others
        // refer to it.
        const first = json.links.findIndex((x) => x.rationale === l.rationale);
        if (l.rationale && first === i) assert.ok(norm(why[i].text).includes(norm(l.rationale)), `rationale of link ${i + 1}`);
        if (l.rationale && first < i) assert.ok(why[i].text.includes(`The reason given for link ${first + 1}.`), `link ${i + 1} refers to link ${first + 1}`);
      });
      // The arrows carry the numbers.
      const numbers = await page.$$eval('#map-box a[href^="#link-"] text', (ts) => ts.map((t) => Number(t.textContent)));
      for (const n of numbers) assert.ok(n >= 1 && n <= json.links.length);
      // The summary lists exactly the red and amber objectives, red first.
      const listed = await page.$$eval(".attn-item .attn-head a", (as) => as.map((a) => a.getAttribute("href").slice(5)));
      const red = json.objectives.filter((o) => o.status === "red").map((o) => o.id);
      const amber = json.objectives.filter((o) => o.status === "amber").map((o) => o.id);
      assert.deepEqual([...listed].sort(), [...red, ...amber].sort());
      assert.deepEqual(listed.slice(0, red.length).sort(), [...red].sort());
      // Within a colour, the lowest score first.
      const score = (id) => json.objectives.find((o) => o.id === id).score;
      for (const part of [listed.slice(0, red.length), listed.slice(red.length)]) {
        for (let i = 1; i < part.length; i++) assert.ok(score(part[i - 1]) <= score(part[i]), `${part[i - 1]} before ${part[i]}`);
      }
      // Timeline labels never overlap.
      assert.deepEqual(await overlappingTimelineLabels(page), [], `${name} at ${width}px`);
      // Zero errors is not a red chip.
      if (json.errors === 0) {
        const cls = await page.locator(".scorebox .counts .badge", { hasText: "0 errors" }).getAttribute("class");
        assert.ok(!cls.includes("l-error"), cls);
      }
      // Every zero count (errors, warnings, objectives of a colour) is a neutral chip.
      const zeros = await page.$$eval(".scorebox .counts .badge", (bs) => bs
        .filter((b) => /^\D*0 /.test(b.textContent.trim())).map((b) => [b.textContent.trim(), b.className]));
      assert.ok(zeros.length >= 1, "some count is zero");
      for (const [text, cls] of zeros) assert.equal(cls, "badge l-zero", text);
      await page.screenshot({ path: join(out, `${name}-${width === 400 ? 420 : width}.png`), fullPage: true });
      await page.close();
    }
    // The screenshots of record are at 420 px; the check above ran at 400.
    const page420 = await open(html, 420);
    await page420.screenshot({ path: join(out, `${name}-420.png`), fullPage: true });
    await page420.close();
  });

  test(`${ex}: printed to PDF`, async () => {
    const { html, json } = build(join(root, "examples", ex), name);
    const page = await open(html, 1000);
    const headings = (await page.$$eval("main h1, main h2, main h3", (hs) => hs.map((h) => h.innerText)))
      .map(norm).filter(Boolean);
    // The printed map: each part narrow enough for 9 px text on a portrait A4 page, and
    // on a landscape Letter page (the narrower landscape) the landscape parts, no more of
    // them than the portrait ones.
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.isVisible("#map-hint"), false, `${name}: the scroll hint is not printed`);
    const count = {};
    for (const [orientation, width, height] of [["portrait", 703, 1000], ["landscape", 965, 700]]) {
      await page.setViewportSize({ width, height });
      const parts = await page.evaluate((o) => {
        const min = Math.min(...[...document.querySelectorAll("#map-box svg text")]
          .filter((t) => t.textContent.trim()).map((t) => parseFloat(getComputedStyle(t).fontSize)));
        const shown = [...document.querySelectorAll(".map-print")].filter((d) => getComputedStyle(d).display !== "none");
        if (shown.length !== 1 || !shown[0].classList.contains(o)) return null;
        return [...shown[0].querySelectorAll("svg")].map((s) => min * s.getBoundingClientRect().width / s.viewBox.baseVal.width);
      }, orientation);
      assert.ok(parts && parts.length >= 1, `${name}: the ${orientation} map parts are the ones printed`);
      for (const px of parts) assert.ok(px >= 9 - 1e-6, `${name} ${orientation}: printed map text at ${px.toFixed(2)} px`);
      count[orientation] = parts.length;
    }
    assert.ok(count.landscape <= count.portrait, JSON.stringify(count));
    await page.setViewportSize({ width: 1000, height: 1000 });
    for (const [format, landscape] of [["A4", false], ["Letter", true]]) {
      const pdf = join(out, `${name}-${format}-${landscape ? "landscape" : "portrait"}.pdf`);
      await page.pdf({ path: pdf, format, landscape, printBackground: true });
      const text = norm(pdfText(pdf));
      for (const o of json.objectives) assert.ok(text.includes(norm(o.title)), `${name} ${format}: objective "${o.title}" printed`);
      for (const l of json.links) {
        if (l.rationale) assert.ok(text.includes(norm(l.rationale)), `${name} ${format}: rationale "${l.rationale}" printed`);
      }
      assert.ok(!/hover/i.test(text), `${name} ${format}: a hover hint in print`);
      assert.ok(text.includes(norm(json.scorecard.title ?? "")), "footer or title");
      const pages = pdfPages(pdf);
      for (let p = 1; p <= pages; p++) {
        const lines = pdfText(pdf, p).split("\n").map(norm).filter(Boolean);
        // The page footer (title · as of, page numbers) is not content.
        const content = lines.filter((l) => !l.includes(" · as of ") && !/^\d+ \/ \d+$/.test(l));
        const last = content[content.length - 1] ?? "";
        assert.ok(!headings.includes(last), `${name} ${format}: page ${p} ends with the heading "${last}"`);
      }
    }
    await page.close();
  });
}

test("an as-of at the end of the timeline keeps its label inside the page on a phone", async () => {
  const file = join(work, "late.bsc");
  writeFileSync(file, `@allow(missing-perspective, orphan, unexplained-red, lagging-only, overdue-initiative, late-start)
scorecard "Late" { period 2025-01 .. 2025-12 as_of 2025-12 }
perspective financial {
  objective grow "Grow" { owner "CEO"
    measure revenue "Revenue" { unit "EUR" direction up baseline 1 target 2 actuals { 2025-11: 1.5, 2025-12: 1.6 } }
  }
}
initiative push "A push that runs to the very end of the year" { owner "CEO" start 2025-01 end 2025-12 supports grow }
`);
  const { html } = build(file, "late");
  for (const width of [400, 1400]) {
    const page = await open(html, width);
    const { scroll, client, label, box } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
      label: document.querySelector(".timeline .asof span").getBoundingClientRect().right,
      box: document.querySelector(".timeline").getBoundingClientRect().right,
    }));
    assert.ok(scroll <= client, `at ${width}px the page scrolls sideways (${scroll} > ${client})`);
    assert.ok(label <= box, `at ${width}px the as-of label ends at ${label}, past the timeline's ${box}`);
    await page.close();
  }
});
