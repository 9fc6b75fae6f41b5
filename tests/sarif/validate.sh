#!/usr/bin/env bash
# Validates bsc's SARIF with Microsoft's SARIF validator (`sarif-multitool validate`, the
# npm package @microsoft/sarif-multitool, which bundles a self-contained Linux binary: no
# .NET needed). The log of fixtures with errors, warnings, a CSV location and labels in an
# imported file must draw no error and no warning from it (SARIF1001, a rule whose `name`
# equals its `id`, is a warning). The validator exits 0 whatever it finds, so its own SARIF
# log is read and every result above `note` fails the test. Run by test.sh after `npm ci`
# in this folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
bsc="${BSC_BIN:-$PWD/target/debug/bsc}"
tool="$PWD/tests/sarif/node_modules/.bin/sarif-multitool"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
"$bsc" check --format sarif \
  tests/fixtures/fmt/messy.bsc \
  tests/fixtures/check/duplicate-period/fail_inline_and_csv.bsc \
  tests/fixtures/resolve/duplicate_across_files.bsc \
  > "$work/bsc.sarif" || status=$?
if [ "$status" -ne 1 ]; then
  echo "sarif: expected exit 1 (errors found) from bsc check, got $status" >&2
  exit 1
fi
"$tool" validate "$work/bsc.sarif" --output "$work/validation.sarif" --log ForceOverwrite --quiet

node - "$work/bsc.sarif" "$work/validation.sarif" <<'JS'
const fs = require("fs");
const [log, validation] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
const levels = new Set(log.runs[0].results.map((r) => r.level));
if (!levels.has("error") || !levels.has("warning")) {
  console.error(`sarif: the input should hold errors and warnings, has ${[...levels]}`);
  process.exit(1);
}
// A result without a level is a warning (SARIF 2.1.0 §3.27.10).
const bad = validation.runs[0].results.filter((r) => (r.level ?? "warning") !== "note" && r.level !== "none");
for (const r of validation.runs[0].results) {
  const args = (r.message.arguments ?? []).join("; ");
  console.error(`sarif: ${r.level ?? "warning"} ${r.ruleId}: ${args}`);
}
if (bad.length > 0) {
  console.error(`sarif: sarif-multitool reports ${bad.length} error(s) or warning(s) on bsc's SARIF`);
  process.exit(1);
}
console.log(`sarif: sarif-multitool validates bsc's SARIF (${log.runs[0].results.length} results)`);
JS
