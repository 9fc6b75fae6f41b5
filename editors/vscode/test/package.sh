#!/bin/sh
# Builds the .vsix as the README says (`npm run package`, offline once `npm install` has
# run) and checks the package without installing it: its manifest, and that it holds
# the extension's files, the bundled language client, and nothing of the tests.
# Prints `N passed, M failed` last.
set -u
cd "$(dirname "$0")/.." || exit 1
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if ! npm run --silent package -- --out "$WORK/bsc.vsix" </dev/null >"$WORK/log" 2>&1; then
  cat "$WORK/log"
  echo "0 passed, 1 failed"
  exit 1
fi
python3 - "$WORK/bsc.vsix" <<'PY'
import json, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
ok = bad = 0
def check(cond, what):
    global ok, bad
    if cond:
        ok += 1
    else:
        bad += 1
        print("FAIL:", what)
pkg = json.loads(z.read("extension/package.json"))
manifest = z.read("extension.vsixmanifest").decode()
check('Id="bsc-language"' in manifest and 'Publisher="bsc"' in manifest, "manifest identity")
check(pkg["main"].lstrip("./") and "extension/" + pkg["main"].lstrip("./") in names, "main file packaged")
check(pkg.get("license") == "MIT" and "extension/LICENSE.txt" in names, "license")
for f in ["language-configuration.json", "syntaxes/bsc.tmLanguage.json", "readme.md"]:
    check("extension/" + f in names, f + " packaged")
check("extension/node_modules/vscode-languageclient/node.js" in names, "the language client is bundled")
check(not any(n.startswith("extension/test/") for n in names), "no tests packaged")
check(not any("/node_modules/@vscode/vsce" in n or "vscode-tmgrammar-test" in n for n in names),
      "no development dependencies packaged")
readme = z.read("extension/readme.md").decode()
links = [l for l in re.findall(r"\]\(([^)]+)\)", readme) if not re.match(r"https?://|#", l)]
check(not links, "README links resolve outside the repository: %s" % links)
print("%d passed, %d failed" % (ok, bad))
sys.exit(1 if bad else 0)
PY
