#!/usr/bin/env bash
# Builds and tests the tree-sitter grammar for bsc:
#   1. installs the tree-sitter CLI (from crates.io, pinned) when it is missing;
#   2. `tree-sitter generate --abi 14` (Neovim before 0.11 and older Helix load ABI 14 at
#      most) and `tree-sitter test` (corpus, highlight and tags tests); when `nvim` is
#      installed, it loads the built parser, parses the queries and an example;
#   3. the agreement check: for every .bsc file under examples/, std/ and tests/fixtures/
#      of the repository, tree-sitter and bsc (the pest grammar) must agree on whether the
#      file is syntactically valid. Files listed in expected-disagreements.txt are skipped:
#      bsc reports some errors as `syntax` that a context-free grammar cannot see.
# Prints `N passed, M failed` last; exits non-zero when anything failed.
#
# Environment: TS_CLI_VERSION (default below), TS_ROOT (install root, default
# /opt/tree-sitter), BSC (the bsc binary, default <repo>/target/debug/bsc).

set -uo pipefail

TS_CLI_VERSION="${TS_CLI_VERSION:-0.27.1}"
TS_ROOT="${TS_ROOT:-/opt/tree-sitter}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BSC="${BSC:-$REPO/target/debug/bsc}"

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

# --- 1. the CLI -----------------------------------------------------------------------
if ! command -v tree-sitter >/dev/null 2>&1; then
  if [ ! -x "$TS_ROOT/bin/tree-sitter" ]; then
    echo "== installing tree-sitter-cli $TS_CLI_VERSION into $TS_ROOT (needs cargo and a C compiler)"
    cargo install tree-sitter-cli --version "$TS_CLI_VERSION" --locked --root "$TS_ROOT" ||
      { fail "cargo install tree-sitter-cli"; finish; }
  fi
  export PATH="$TS_ROOT/bin:$PATH"
fi
have="$(tree-sitter --version)"
echo "== using $have ($(command -v tree-sitter))"
case "$have" in
  *" $TS_CLI_VERSION") ;;
  *) echo "   note: this grammar is tested with tree-sitter $TS_CLI_VERSION" ;;
esac
command -v python3 >/dev/null 2>&1 || { fail "python3 is needed for the agreement check"; finish; }

cd "$HERE" || exit 1
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# --- 2. generate and test ---------------------------------------------------------------
gen_args=()
command -v node >/dev/null 2>&1 || gen_args=(--js-runtime native)
# ABI 14, not the CLI's default 15: Neovim releases before 0.11 refuse ABI 15.
echo "== tree-sitter generate --abi 14"
if tree-sitter generate --abi 14 "${gen_args[@]}"; then pass; else fail "tree-sitter generate"; finish; fi
if grep -q '^#define LANGUAGE_VERSION 14$' src/parser.c; then pass; else fail "src/parser.c is not ABI 14"; fi

echo "== tree-sitter test"
tree-sitter test --json-summary >"$WORK/test.json" 2>"$WORK/test.err"
test_rc=$?
counts="$(python3 - "$WORK/test.json" <<'EOF'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except Exception:
    print("0 0"); sys.exit()
ok = bad = 0
def walk(node):
    global ok, bad
    if isinstance(node, dict):
        if "outcome" in node:
            outcome = node["outcome"]
            if isinstance(outcome, dict):   # highlight/tag tests: {"AssertionPassed": {...}}
                outcome = next(iter(outcome), "")
            if outcome in ("Passed", "Fixed", "Skipped", "Platform", "AssertionPassed"):
                ok += 1
            else:
                bad += 1
                print("FAIL: tree-sitter test:", node.get("name"), "-", node["outcome"], file=sys.stderr)
        for v in node.values():
            walk(v)
    elif isinstance(node, list):
        for v in node:
            walk(v)
for key in ("parse_results", "highlight_results", "tag_results", "query_results"):
    walk(data.get(key))
print(ok, bad)
EOF
)"
read -r t_ok t_bad <<<"$counts"
echo "   $t_ok tests passed, $t_bad failed"
passed=$((passed + t_ok))
failed=$((failed + t_bad))
if [ "$test_rc" -ne 0 ] && [ "$t_bad" -eq 0 ]; then
  cat "$WORK/test.err"
  fail "tree-sitter test exited with status $test_rc"
fi

# --- 3. agreement with the pest grammar -------------------------------------------------
echo "== queries, and agreement with bsc (pest)"
if ! tree-sitter build -o "$WORK/bsc.so" . >"$WORK/build.log" 2>&1; then
  cat "$WORK/build.log"
  fail "tree-sitter build"
  finish
fi
# Every query file must compile (the highlight and tags tests above use only some).
for q in queries/*.scm queries/*/*.scm; do
  [ -e "$q" ] || continue
  if tree-sitter query -q -l "$WORK/bsc.so" --lang-name bsc "$q" "$REPO/examples/bakery.bsc" \
    >"$WORK/query.log" 2>&1; then
    pass
  else
    grep -i 'error' "$WORK/query.log" | head -3
    fail "query $q does not compile"
  fi
done

# Neovim (Debian's is 0.7) loads the parser and parses an example without an error.
if command -v nvim >/dev/null 2>&1; then
  cat >"$WORK/load.lua" <<'LUA'
-- (The names of Neovim 0.7; later releases renamed them.)
local q = vim.treesitter.query
local get_query, parse_query = q.get or q.get_query, q.parse or q.parse_query
local add = vim.treesitter.language.add and function(l, p) return vim.treesitter.language.add(l, { path = p }) end
  or vim.treesitter.require_language
local ok, err = pcall(add, "bsc", vim.env.BSC_PARSER)
if not ok then
  io.stdout:write("not loaded: " .. tostring(err) .. "\n")
  vim.cmd("cquit 1")
end
-- editors/neovim on the runtimepath gives the filetype and the queries where Neovim
-- looks for them.
vim.opt.runtimepath:append(vim.env.BSC_NVIM_RTP)
vim.cmd("runtime! ftdetect/*.vim")
vim.cmd("edit " .. vim.fn.fnameescape(vim.env.BSC_FILE))
if vim.bo.filetype ~= "bsc" or not get_query("bsc", "highlights")
  or not get_query("bsc", "folds") then
  io.stdout:write("editors/neovim: filetype " .. vim.bo.filetype .. ", queries not found\n")
  vim.cmd("cquit 1")
end
-- Its queries parse in this Neovim too (no predicate it lacks).
for _, q in ipairs(vim.fn.glob(vim.env.BSC_QUERIES .. "/*.scm", false, true)) do
  local okq, errq = pcall(parse_query, "bsc", table.concat(vim.fn.readfile(q), "\n"))
  if not okq then
    io.stdout:write(q .. ": " .. tostring(errq) .. "\n")
    vim.cmd("cquit 1")
  end
end
local text = table.concat(vim.fn.readfile(vim.env.BSC_FILE), "\n")
local root = vim.treesitter.get_string_parser(text, "bsc"):parse()[1]:root()
io.stdout:write(root:type() .. (root:has_error() and " with errors" or "") .. "\n")
vim.cmd(root:has_error() and "cquit 1" or "qall!")
LUA
  out="$(BSC_PARSER="$WORK/bsc.so" BSC_FILE="$REPO/examples/bakery.bsc" BSC_QUERIES="$HERE/queries" \
    BSC_NVIM_RTP="$REPO/editors/neovim" \
    timeout 60 nvim --headless -u NONE -i NONE -c "luafile $WORK/load.lua" 2>&1)"
  if [ $? -eq 0 ] && grep -q '^source_file$' <<<"$out"; then
    pass
    echo "   $(nvim --version | head -1) loads the parser and its queries"
  else
    fail "nvim cannot load the parser: $out"
  fi
else
  echo "   note: no nvim, the Neovim load check is skipped"
fi

if [ ! -x "$BSC" ]; then
  echo "   building bsc (cargo build in $REPO)"
  # cargo waits by itself when another build holds the lock; retry on other failures.
  for attempt in 1 2 3; do
    (cd "$REPO" && cargo build --quiet) && break
    sleep 20
  done
  [ -x "$BSC" ] || { fail "no bsc binary at $BSC"; finish; }
fi

declare -A skip=()
while IFS= read -r line; do
  line="${line%%#*}"
  path="$(echo "$line" | awk '{print $1}')"
  [ -n "$path" ] || continue
  skip["$path"]=1
  [ -e "$REPO/$path" ] || echo "   note: $path is listed in expected-disagreements.txt but does not exist"
done <"$HERE/expected-disagreements.txt"

# pest side: does `bsc check FILE --format json` report a `syntax` diagnostic in FILE?
pest_verdict() {
  "$BSC" check "$1" --format json 2>/dev/null | python3 -c '
import json, os, sys
target = os.path.realpath(sys.argv[1])
try:
    diags = json.load(sys.stdin).get("diagnostics", [])
except Exception:
    print("invalid\tno JSON from bsc"); sys.exit()   # bsc could not read the file
bad = [d for d in diags if d.get("code") == "syntax"
       and (not d.get("file") or os.path.realpath(d["file"]) == target)]
print("invalid\t" + bad[0].get("message", "") if bad else "valid\t")' "$1"
}

# tree-sitter side: exit status, and no ERROR or MISSING node in the tree.
ts_verdict() {
  local out rc
  out="$(tree-sitter parse -l "$WORK/bsc.so" --lang-name bsc "$1" 2>&1)"
  rc=$?
  if [ "$rc" -ne 0 ] || grep -q '(ERROR\|(MISSING' <<<"$out"; then echo invalid; else echo valid; fi
}

agree=0
disagree=0
skipped=0
cd "$REPO" || exit 1
while IFS= read -r -d '' file; do
  rel="${file#./}"
  if [ -n "${skip[$rel]+x}" ]; then
    skipped=$((skipped + 1))
    continue
  fi
  ts="$(ts_verdict "$rel")"
  IFS=$'\t' read -r pe message <<<"$(pest_verdict "$rel")"
  if [ "$ts" = "$pe" ]; then
    agree=$((agree + 1))
    pass
  else
    disagree=$((disagree + 1))
    fail "$rel: tree-sitter says $ts, bsc says $pe${message:+ ($message)}"
    # Errors bsc finds after parsing or before it: list the file if that is the cause.
    if [ "$ts" = valid ] &&
      grep -qiE 'escape|not a Unicode character|out of range|NUL byte|UTF-8|zip|XML' <<<"$message"; then
      echo "   if that is what the file tests, add to expected-disagreements.txt:"
      printf '   %-40s %s\n' "$rel" "$message"
    fi
  fi
done < <(find ./examples ./std ./tests/fixtures -name '*.bsc' -type f -print0 2>/dev/null | sort -z)
echo "   $agree files agree, $disagree disagree, $skipped skipped (expected-disagreements.txt)"

finish
