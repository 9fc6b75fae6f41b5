#!/usr/bin/env bash
# Runs every test of bsc. Installs first what the tests need and the machine lacks
# (Debian's chromium, poppler-utils and vim, the npm packages of the browser and grammar tests).
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages: chromium (browser tests), poppler-utils (pdftotext, pdfinfo: the
# printed report's checks), vim (the vim syntax tests), neovim (0.7: the tree-sitter
# parser loads in a Neovim older than 0.11).
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
command -v vim >/dev/null 2>&1 || missing="$missing vim-nox"
command -v nvim >/dev/null 2>&1 || missing="$missing neovim"
if [ -n "$missing" ]; then
  echo "test.sh: installing$missing from Debian"
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq $missing >/dev/null
fi
# npm packages: playwright-core (drives Debian's chromium), the TextMate grammar tester,
# Microsoft's SARIF validator (a self-contained binary; no .NET needed).
for dir in tests/browser editors/vscode tests/sarif; do
  # (Again when the lock file changed since: a new package such as vsce.)
  if [ ! -d "$dir/node_modules" ] ||
    [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "test.sh: installing the npm packages of $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# PyPI: PyYAML, to read the pre-commit hooks and the GitHub Action in their test.
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo build --locked
cargo test --locked
# The formatter leaves the examples and the library as they are.
./target/debug/bsc fmt --check examples std
# The pre-commit hooks and the GitHub Action, run as they would run.
python3 tests/ci/hooks_and_action.py target/debug/bsc
# SARIF output passes Microsoft's validator without an error or a warning.
BSC_BIN="$PWD/target/debug/bsc" tests/sarif/validate.sh
# Editor grammars.
(cd editors/vscode && npm test --silent)
# The VS Code package: built offline as the README says, manifest and file list checked.
editors/vscode/test/package.sh
editors/vim/test.sh
editors/tree-sitter-bsc/test.sh
# The HTML report and `watch --serve` in headless Chromium.
BSC_BIN="$PWD/target/debug/bsc" node --test tests/browser/
