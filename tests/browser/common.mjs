// What the browser tests share: where the project and the binary are, Debian's headless
// Chromium started the same way, and a build of a report with its JSON model.
import { execFileSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const bsc = process.env.BSC_BIN || join(root, "target", "debug", "bsc");

/** Debian's Chromium (never a downloaded build), without network chatter of its own. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Builds `file` to `work/NAME.html`; returns its path and the scorecard's JSON model. */
export function buildReport(work, file, name) {
  const html = join(work, `${name}.html`);
  execFileSync(bsc, ["build", file, "-o", html], { stdio: ["ignore", "ignore", "pipe"] });
  const json = JSON.parse(execFileSync(bsc, ["build", file, "--format", "json", "-o", "-"], { encoding: "utf8" }));
  return { html, json };
}
