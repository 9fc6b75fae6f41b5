// Cascading scorecards in Debian's headless Chromium (LANGUAGE.md §9.6): the company's
// report, opened from disk, links to each department's report beside its file, shows
// the aligned department objectives under their company objective (in the table and on
// the map), and each department's report links back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root, bsc, launchChromium } from "./common.mjs";

// A copy of the example, so that the departments' reports are written there.
const work = mkdtempSync(join(tmpdir(), "bsc-cascade-"));
cpSync(join(root, "examples", "cascade"), work, { recursive: true });
mkdirSync(join(work, "out"));

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => { await browser?.close(); });

test("the company report links to each department's report and back", async () => {
  // The company's report in a folder of its own: links are relative to where it is.
  execFileSync(bsc, ["build", join(work, "company.bsc"), "-o", join(work, "out", "company.html")],
    { stdio: ["ignore", "ignore", "pipe"] });
  assert.ok(existsSync(join(work, "depts", "sales.html")));
  assert.ok(existsSync(join(work, "depts", "operations.html")));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(join(work, "out", "company.html")).href);
  // The departments, with their status.
  const depts = page.locator("section.departments li");
  assert.equal(await depts.count(), 2);
  assert.match(await depts.nth(0).innerText(), /Lindqvist Sales: FY2025 \(sales\)\s+✕ red · 55%/);
  // Under `grow_revenue`, in its row and on the map: the aligned sales objective.
  // The summary says why the company objective is red: the department objective aligned to it.
  const why = page.locator(".attn-item", { has: page.locator('a[href="#obj-grow_revenue"]') });
  assert.match(await why.innerText(), /sales: Win five key accounts: department objective, score \d+%/);
  assert.doesNotMatch(await why.innerText(), /although no measure/);
  const row = page.locator("#obj-grow_revenue");
  assert.match(await row.innerText(), /Departments: ✕ sales: Win five key accounts/);
  const node = page.locator('a.node[href="#obj-grow_revenue"] text.dept');
  assert.match((await node.allTextContents()).join(" "), /sales: Win five key accounts/);
  // Follow the aligned objective's link into the department's report, to its row.
  await row.locator("div.aligned a").first().click();
  await page.waitForURL(/depts\/sales\.html#obj-win_key_accounts$/);
  assert.equal(await page.locator("h1").innerText(), "Lindqvist Sales: FY2025");
  assert.ok(await page.locator("#obj-win_key_accounts").isVisible());
  // And back to the company.
  await page.locator("nav.up a").click();
  await page.waitForURL(/out\/company\.html$/);
  assert.equal(await page.locator("h1").innerText(), "Lindqvist Office Furniture: FY2025");
  // The departments list links to the operations report.
  await page.locator("section.departments a", { hasText: "Operations" }).click();
  await page.waitForURL(/depts\/operations\.html$/);
  assert.deepEqual(errors, []);
  await page.close();
});
