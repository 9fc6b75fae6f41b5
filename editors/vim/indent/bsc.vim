" Vim indent file
" Language: bsc (Balanced Scorecard text files, *.bsc)
"
" Brace-based: one shiftwidth per open `{`; a line starting with `}` goes back one.
" A `supports` list continued after a comma is indented one more level. In a strategy
" map, a line that starts with `->` or `:` continues the chain above and is indented
" one more level.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetBscIndent(v:lnum)
setlocal indentkeys=0{,0},0),0:,0=->,!^F,o,O
setlocal nolisp nosmartindent nocindent autoindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< lisp< smartindent< cindent< autoindent<'

if exists('*GetBscIndent')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" The line without strings and comments (block comments are only cut on this line).
function! s:Code(lnum) abort
  let line = getline(a:lnum)
  let line = substitute(line, '"\%([^"\\]\|\\.\)*"', '""', 'g')
  let line = substitute(line, '/\*.\{-}\*/', '', 'g')
  let line = substitute(line, '//.*$', '', '')
  return line
endfunction

" The previous line that holds code (skips blank lines and whole-line comments).
function! s:PrevCode(lnum) abort
  let lnum = prevnonblank(a:lnum - 1)
  while lnum > 0 && getline(lnum) =~# '^\s*\%(//\|/\*\|\*\)'
    let lnum = prevnonblank(lnum - 1)
  endwhile
  return lnum
endfunction

function! s:IsContinuation(line) abort
  return a:line =~# '^\s*\%(->\|:\)'
endfunction

" If line `lnum` belongs to a `supports a, b,` list that runs over several lines, the
" number of the `supports` line, else 0.
function! s:SupportsStart(lnum) abort
  let lnum = a:lnum
  while lnum > 0
    let code = s:Code(lnum)
    if code =~# '^\s*supports\>'
      return lnum
    endif
    if code =~# '[{}]'
      return 0
    endif
    let lnum = s:PrevCode(lnum)
    if lnum == 0 || s:Code(lnum) !~# ',\s*$'
      return 0
    endif
  endwhile
  return 0
endfunction

function! GetBscIndent(lnum) abort
  let cur = getline(a:lnum)
  " Inside a block comment: keep what the user has (ftplugin's comments= lines it up).
  if cur =~# '^\s*\*' && !(cur =~# '^\s*\*/')
    return -1
  endif
  let plnum = s:PrevCode(a:lnum)
  if plnum == 0
    return 0
  endif
  let prev = s:Code(plnum)
  let ind = indent(plnum)

  " `supports a, b,` continued on the next line: one level deeper than `supports`;
  " after the list's last line, back to the level of `supports`.
  let slnum = s:SupportsStart(plnum)
  if slnum > 0
    if prev =~# ',\s*$'
      return indent(slnum) + shiftwidth()
    endif
    let ind = indent(slnum)
  endif

  " A chain continuation line above: go back to the chain's own level.
  if s:IsContinuation(prev)
    let ind -= shiftwidth()
  endif

  let opens = len(substitute(prev, '[^{]', '', 'g'))
  let closes = len(substitute(prev, '[^}]', '', 'g'))
  " A line that starts with `}` was already dedented when it was indented.
  if prev =~# '^\s*}'
    let closes -= 1
  endif
  let ind += (opens - closes) * shiftwidth()

  if cur =~# '^\s*[})]'
    let ind -= shiftwidth()
  elseif s:IsContinuation(cur)
    let ind += shiftwidth()
  endif
  return ind < 0 ? 0 : ind
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
