#!/usr/bin/env bash
# Runs every test of bsc. Installs first what the tests need and the machine lacks:
# Debian's chromium (for the browser tests) and the npm package playwright-core.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
  echo "test.sh: installing Debian's chromium"
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  echo "test.sh: installing playwright-core from npm"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo build --locked
cargo test --locked
# The formatter leaves the examples and the library as they are.
./target/debug/bsc fmt --check examples/*.bsc std/*.bsc
BSC_BIN="$PWD/target/debug/bsc" node --test tests/browser/
