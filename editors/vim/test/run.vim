" Runs the checks in checks.txt and the indent round trip; writes results to $BSC_VIM_OUT.
" Invoked by ../test.sh as: vim -u NONE -N -es -S run.vim
set nocompatible
let s:root = $BSC_REPO
let s:here = s:root . '/editors/vim'
execute 'set rtp^=' . fnameescape(s:here)
filetype plugin indent on
syntax on

let s:out = []
let s:pass = 0
let s:fail = 0

function! s:Ok(msg) abort
  let s:pass += 1
endfunction
function! s:Fail(msg) abort
  let s:fail += 1
  call add(s:out, 'FAIL ' . a:msg)
endfunction

" ---- syntax groups at searched positions ----
for s:line in readfile(s:here . '/test/checks.txt')
  if s:line =~# '^\s*\%(#\|$\)'
    continue
  endif
  let s:parts = split(s:line, ' | ')
  let [s:file, s:pat, s:want] = [trim(s:parts[0]), s:parts[1], trim(s:parts[2])]
  let s:path = s:file ==# 'sample' ? s:here . '/test/sample.bsc' : s:root . '/' . s:file
  if expand('%:p') !=# fnamemodify(s:path, ':p')
    execute 'silent edit! ' . fnameescape(s:path)
  endif
  if &filetype !=# 'bsc'
    call s:Fail(s:file . ': filetype is "' . &filetype . '", not bsc')
    continue
  endif
  call cursor(1, 1)
  let [s:l, s:c] = searchpos(s:pat, 'cW')
  if s:l == 0
    call s:Fail(s:file . ': pattern not found: ' . s:pat)
    continue
  endif
  let s:got = synIDattr(synID(s:l, s:c, 1), 'name')
  if s:got ==# s:want
    call s:Ok('')
  else
    call s:Fail(printf('%s:%d:%d /%s/: expected %s, got %s', s:file, s:l, s:c, s:pat, s:want, s:got ==# '' ? '(none)' : s:got))
  endif
endfor

" ---- settings from ftplugin ----
execute 'silent edit! ' . fnameescape(s:here . '/test/sample.bsc')
for [s:opt, s:want] in [['&l:commentstring', '// %s'], ['&l:shiftwidth', 2], ['&l:expandtab', 1], ['&l:indentexpr', 'GetBscIndent(v:lnum)']]
  if eval(s:opt) ==# s:want
    call s:Ok('')
  else
    call s:Fail(printf('%s is %s, expected %s', s:opt, string(eval(s:opt)), string(s:want)))
  endif
endfor

" ---- indent: re-indenting a formatted file changes nothing ----
for s:file in ['test/sample.bsc'] + map(glob(s:root . '/examples/*.bsc', 0, 1), 'v:val') + [s:root . '/std/kpis.bsc']
  let s:path = s:file =~# '^/' ? s:file : s:here . '/' . s:file
  execute 'silent edit! ' . fnameescape(s:path)
  let s:before = getline(1, '$')
  " Flatten first, so the indent really comes from indent/bsc.vim.
  silent! %s/^\s\+//
  silent normal! gg=G
  let s:after = getline(1, '$')
  let s:bad = filter(range(len(s:before)), 's:before[v:val] !=# s:after[v:val]')
  if empty(s:bad)
    call s:Ok('')
  else
    let s:i = s:bad[0]
    call s:Fail(printf('indent %s:%d: expected %s, got %s (%d lines differ)', fnamemodify(s:path, ':.'), s:i + 1, string(s:before[s:i]), string(s:after[s:i]), len(s:bad)))
  endif
  silent edit! %
endfor

call add(s:out, printf('%d passed, %d failed', s:pass, s:fail))
call writefile(s:out, $BSC_VIM_OUT)
if s:fail > 0
  cquit!
endif
qall!
