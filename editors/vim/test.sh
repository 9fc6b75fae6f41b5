#!/bin/sh
# Checks editors/vim for real: syntax groups at known positions (test/checks.txt), the
# ftplugin settings, and that re-indenting formatted files (test/sample.bsc, examples/,
# std/) with indent/bsc.vim changes nothing. Needs vim (Debian: apt-get install vim-nox).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
if ! command -v vim >/dev/null 2>&1; then
  echo "vim is not installed" >&2
  exit 2
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
BSC_REPO="$repo" BSC_VIM_OUT="$out" vim -u NONE -i NONE -N -es -S "$here/test/run.vim" </dev/null >/dev/null 2>&1
status=$?
if [ ! -s "$out" ]; then
  echo "vim exited with status $status without writing results" >&2
  exit 1
fi
cat "$out"
if [ "$status" -ne 0 ] || grep -q '^FAIL' "$out"; then
  exit 1
fi
exit 0
