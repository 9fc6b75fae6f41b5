// The review cycle in Debian's headless Chromium (LANGUAGE.md §9.4): the report shows a
// measure's note and projection beside it, spent against budget, the scorecard's and the
// objectives' score history as small charts; `bsc review --format html` is one page
// that prints to PDF with its agenda on it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root, bsc, launchChromium } from "./common.mjs";

const work = mkdtempSync(join(tmpdir(), "bsc-review-"));
const example = join(root, "examples", "logistics.bsc");

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => { await browser?.close(); });

async function open(html) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(pathToFileURL(html).href);
  return { page, errors };
}

test("the report shows notes, projections, spent against budget and score history", async () => {
  const html = join(work, "logistics.html");
  execFileSync(bsc, ["build", example, "-o", html], { stdio: ["ignore", "ignore", "pipe"] });
  const { page, errors } = await open(html);
  // The note of the red measure, beside it.
  const nps = page.locator("#m-shipper_nps");
  assert.match(await nps.innerText(), /Note: Shippers ask where their parcels are/);
  assert.match(await nps.innerText(), /at this pace: 2029-Q2, after its target date/);
  assert.ok(await nps.locator(".note").isVisible());
  // Spent against budget, with what is left.
  const body = await page.locator("body").innerText();
  assert.match(body, /spent 20,000 · 70,000 left/);
  // Totals: per objective and for the whole scorecard.
  assert.match(await page.locator("#budget-total").innerText(), /395,000\s+spent 292,000 \(74%\)/);
  assert.match(await page.locator("#obj-keep_customers").innerText(), /budget 90,000 · spent 20,000/);
  // The scorecard's history chart and one per objective with a history.
  assert.equal(await page.locator('svg[aria-label="score over 2025-01 – 2025-09"]').count(), 1);
  assert.ok(await page.locator("tr.objective svg.history path").count() >= 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the review agenda is one page that prints to PDF", async () => {
  const html = join(work, "review.html");
  writeFileSync(html, execFileSync(bsc, ["review", example, "--format", "html"], { encoding: "utf8" }));
  const { page, errors } = await open(html);
  assert.equal(await page.locator("main.review h1").count(), 1);
  const text = await page.locator("main.review").innerText();
  assert.match(text, /Monthly review: /);
  assert.match(text, /Red measures/);
  assert.match(text, /tracking portal is behind schedule/);
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(pages >= 1 && pages <= 3, `the agenda prints on 1–3 A4 pages, not ${pages}`);
  // Printed, the agenda's headings are all there (print media, nothing hidden).
  await page.emulateMedia({ media: "print" });
  assert.ok(await page.locator("main.review h2").first().isVisible());
  assert.deepEqual(errors, []);
  await page.close();
});
