" Vim filetype plugin
" Language: bsc (Balanced Scorecard text files, *.bsc)

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

" `///` doc comments before `//` so that gq and o continue the right leader.
setlocal comments=s1:/*,mb:*,ex:*/,:///,://
setlocal commentstring=//\ %s
setlocal formatoptions-=t formatoptions+=croqlj

" Two-space indent, as `bsc fmt` writes it.
setlocal expandtab shiftwidth=2 softtabstop=2

" `gf` on a `use "path"` finds path.bsc.
setlocal suffixesadd=.bsc

let b:undo_ftplugin = 'setlocal comments< commentstring< formatoptions< expandtab< shiftwidth< softtabstop< suffixesadd<'

let &cpo = s:cpo_save
unlet s:cpo_save
