" Vim syntax file
" Language:    bsc (Balanced Scorecard text files, *.bsc)
" Maintainer:  the bsc project (editors/vim)
"
" Keywords in bsc are contextual: `objective target "T"` declares an objective called
" `target`. Ids are therefore picked out by context before keywords get a chance:
"   - the word after perspective/objective/measure/kpi/initiative (nextgroup),
"   - the KPI after `from`, the list after `supports`,
"   - every word inside `map { ... }`.
" A nextgroup (and a region's contains=) only lets its own groups match, so a keyword
" spelled id stays an id there.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn sync minlines=200

" ---- comments -------------------------------------------------------------------
syn keyword bscTodo contained TODO FIXME XXX NOTE
syn match   bscComment    "//.*$" contains=bscTodo,@Spell
" `///` (but not `////`) is a doc comment; defined later, so it wins at the same column.
syn match   bscDocComment "///\%(/\)\@!.*$" contains=bscTodo,@Spell
" Block comments nest: the region contains itself.
syn region  bscBlockComment start="/\*" end="\*/" contains=bscBlockComment,bscTodo,@Spell fold extend
syn cluster bscComments contains=bscComment,bscDocComment,bscBlockComment

" ---- strings --------------------------------------------------------------------
" One line; escapes \\ \" \n \t \u{HEX} (1-6 hex digits, a Unicode scalar value).
syn region  bscString start=/"/ skip=/\\\\\|\\"/ end=/"\|$/ oneline contains=bscEscapeError,bscEscape,@Spell
syn match   bscEscapeError contained /\\./
syn match   bscEscapeError contained /\\u\%({[^}"]*}\?\)\?/
syn match   bscEscape      contained /\\[\\"nt]/
syn match   bscEscape      contained /\\u{\%(0*[Dd][89A-Fa-f]\x\x}\)\@!\%(\x\{1,5}\|0\x\{5}\|10\x\{4}\)}/

" ---- numbers and periods -----------------------------------------------------------
" -digits(.digits) with `_` between digits, then k/M/B, then %.
syn match   bscNumber /\%(\w\)\@<!-\=\d\%(_\=\d\)*\%(\.\d\%(_\=\d\)*\)\=[kMB]\=%\=\w\@!/
" 2025-H1, 2025-Q3, 2025-07, 2025-W14, 2025-07-31 (defined after numbers: they win).
syn match   bscPeriod /\%(\w\|-\)\@<!\d\{4}-\%([HQW]\d\+\|\d\d\%(-\d\d\)\=\)\%(\w\|-\)\@!/
" A bare year is a period where the grammar expects one, a number elsewhere.
syn match   bscPeriod /\%(\<\%(by\|at\|due\|start\|end\|as_of\|period\)\s\+\)\@<=\d\{4}\%(\w\|-\|\.\d\)\@!/
syn match   bscPeriod /\%(\.\.\s*\)\@<=\d\{4}\%(\w\|-\|\.\d\)\@!/
syn match   bscPeriod /\%(\w\|-\)\@<!\d\{4}\ze\s*\%(:\|\.\.\)/

" ---- attributes -------------------------------------------------------------------
syn match   bscAttrError  /@\h\w*/
syn region  bscAttribute  matchgroup=bscAttrName start=/@\%(allow\|warn\|deny\)\>\s*(/ end=/)/ contains=bscLintName,bscComma,@bscComments
syn match   bscLintName   contained /\h[[:alnum:]_-]*/

" ---- keywords ---------------------------------------------------------------------
syn keyword bscDecl  use scorecard cascade align
syn keyword bscDecl  perspective nextgroup=bscPerspectiveId skipwhite
syn keyword bscDecl  objective   nextgroup=bscObjectiveId   skipwhite
syn keyword bscDecl  measure     nextgroup=bscMeasureId     skipwhite
syn keyword bscDecl  kpi         nextgroup=bscKpiId         skipwhite
syn keyword bscDecl  initiative  nextgroup=bscInitiativeId  skipwhite
syn match   bscPerspectiveId contained /\h\w*/
syn match   bscObjectiveId   contained /\h\w*/
syn match   bscMeasureId     contained /\h\w*/
syn match   bscKpiId         contained /\h\w*/
syn match   bscInitiativeId  contained /\h\w*/

syn keyword bscFrom     from     nextgroup=bscKpiRef skipwhite
syn match   bscKpiRef   contained /\h\w*/
" `supports a, b,` may continue on the next line after a comma.
syn keyword bscSupports supports nextgroup=bscSupportsList skipwhite skipnl
syn match   bscSupportsList contained /\h\w*\%(\_s*,\_s*\h\w*\)*/ contains=bscRef,bscComma
syn match   bscRef      contained /\h\w*/

syn keyword bscProperty owner vision mission period as_of bands level question due weight
syn keyword bscProperty unit direction baseline target threshold frequency leading lagging
syn keyword bscProperty source formula actuals budget start end impact feasibility status
syn keyword bscProperty progress by at green amber currency
syn keyword bscProperty compute sheet column row key sql note spent
" The functions of computed measures, before `(` (a measure may be called `sum`).
syn match   bscFunction /\<\%(lag\|sum\|avg\|ytd\|growth\)\ze\s*(/
syn keyword bscEnum     up down daily weekly monthly quarterly yearly low medium high
syn keyword bscEnum     planned active done stalled

" ---- punctuation ------------------------------------------------------------------
syn match   bscArrow  /->/
syn match   bscRange  /\.\./
syn match   bscColon  /:/
syn match   bscComma  /,/

" ---- blocks -----------------------------------------------------------------------
syn region  bscBlock  matchgroup=bscBrace start=/{/ end=/}/ transparent fold
" Inside `map { ... }` every word is an objective id, even one spelled like a keyword.
" `map` is matched here, not as a keyword (keywords would win over the region start).
syn region  bscMap    matchgroup=bscDecl start=/\<map\>\_s*\ze{/ matchgroup=bscBrace end=/}/ contains=bscMapBrace,bscMapId,bscArrow,bscColon,bscComma,bscString,@bscComments fold
syn match   bscMapBrace contained /{/
syn match   bscMapId    contained /\h\w*/

" ---- highlight links --------------------------------------------------------------
hi def link bscTodo          Todo
hi def link bscComment       Comment
hi def link bscFunction      Function
hi def link bscDocComment    SpecialComment
hi def link bscBlockComment  Comment
hi def link bscString        String
hi def link bscEscape        SpecialChar
hi def link bscEscapeError   Error
hi def link bscNumber        Number
hi def link bscPeriod        Special
hi def link bscAttrName      PreProc
hi def link bscAttribute     PreProc
hi def link bscAttrError     Error
hi def link bscLintName      Constant
hi def link bscDecl          Structure
hi def link bscPerspectiveId Type
hi def link bscObjectiveId   Function
hi def link bscMeasureId     Function
hi def link bscKpiId         Type
hi def link bscInitiativeId  Function
hi def link bscFrom          Keyword
hi def link bscKpiRef        Type
hi def link bscSupports      Keyword
hi def link bscRef           Identifier
hi def link bscMapId         Identifier
hi def link bscProperty      Keyword
hi def link bscEnum          Constant
hi def link bscArrow         Operator
hi def link bscRange         Operator
hi def link bscColon         Delimiter
hi def link bscComma         Delimiter
hi def link bscBrace         Delimiter
hi def link bscMapBrace      Delimiter

let b:current_syntax = 'bsc'

let &cpo = s:cpo_save
unlet s:cpo_save
