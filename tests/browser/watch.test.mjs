// `bsc watch --serve` in Debian's headless Chromium: a save shows up in the open page
// without a manual reload; a broken save shows the error overlay over the last good
// report; the next good save clears it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { bsc, launchChromium } from "./common.mjs";

const plan = (title, extra = "") => `@allow(missing-perspective, orphan)
scorecard "${title}" { period 2025-01 .. 2025-12 }
perspective financial {
  objective margin "Margin" { owner "CFO"
    measure m "M" { unit "%" baseline 5% target 10% actuals { 2025-01: 6% } }
  }
}
${extra}
`;

test("the served page follows every save", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bsc-watch-"));
  const file = join(dir, "plan.bsc");
  writeFileSync(file, plan("First title"));
  const watch = spawn(bsc, ["watch", "plan.bsc", "--serve", "--port", "7950"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  watch.stderr.on("data", (d) => { log += d; });
  const browser = await launchChromium();
  try {
    const deadline = Date.now() + 15000;
    while (!/ok: .* ms\)/.test(log)) {
      assert.ok(Date.now() < deadline, `watch did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const url = log.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/)[1];
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    // The Content-Security-Policy allows what the page uses: no violation is reported.
    const violations = [];
    page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await page.goto(url);
    assert.equal(await page.locator("#title").textContent(), "First title");

    writeFileSync(file, plan("Second title"));
    await page.waitForFunction(() => document.querySelector("#title")?.textContent === "Second title", null, { timeout: 10000 });

    writeFileSync(file, plan("Broken", "map { margin -> nowhere }"));
    const overlay = page.locator("#bsc-error-overlay");
    await overlay.waitFor({ state: "visible", timeout: 10000 });
    const text = await overlay.textContent();
    assert.ok(text.includes("unknown objective `nowhere`"), text);
    assert.ok(text.includes("plan.bsc:8:"), "says where");
    assert.equal(await page.locator("#title").textContent(), "Second title", "the last good report stays underneath");

    writeFileSync(file, plan("Third title"));
    await page.waitForFunction(() => document.querySelector("#title")?.textContent === "Third title", null, { timeout: 10000 });
    assert.equal(await page.locator("#bsc-error-overlay").count(), 0, "a good save clears the overlay");
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    // The tooltip script runs under the policy: hovering a node shows its tip.
    await page.locator(".node").first().hover();
    assert.equal(await page.locator("#tip").isHidden(), false, "the report's own script runs");
  } finally {
    await browser.close();
    watch.kill("SIGINT");
  }
});
