; Highlights for bsc (Balanced Scorecard) files.
; Capture names are the common tree-sitter / nvim-treesitter ones (Zed uses most of them
; too; every editor falls back from `a.b` to `a`). Helix names some scopes differently:
; see helix/highlights.scm.

; Comments
(line_comment) @comment
(block_comment) @comment
(doc_comment) @comment.documentation

; Keywords that start a declaration, and the ones inside a header or property
[
  "use"
  "cascade"
  "align"
  "scorecard"
  "perspective"
  "objective"
  "measure"
  "kpi"
  "initiative"
  "map"
] @keyword

[
  "from"
  "by"
  "at"
  "sheet"
  "column"
  "row"
  "key"
  "sql"
] @keyword

; Functions of computed measures
(call
  function: _ @function.builtin)

(binary_expression
  operator: _ @operator)

(unary_expression
  "-" @operator)

; Property names (`owner`, `target`, `leading`, …) and band names
(property
  key: _ @property)

(band
  name: _ @property)

; Enumerated values: up/down, daily…yearly, low/medium/high, planned…stalled
(constant) @constant.builtin

; Attributes: `@allow(code, …)`
(attribute
  level: _ @attribute)

(lint_name) @constant

; Declaration sites
(perspective
  name: (identifier) @module)

(kpi
  name: (identifier) @type.definition)

(objective
  name: (identifier) @function)

(measure
  name: (identifier) @function)

(initiative
  name: (identifier) @function)

; References to declared ids
(measure
  kpi: (identifier) @type)

(property
  key: "supports"
  value: (identifier) @variable)

(chain
  node: (identifier) @variable)

; Literals
(string) @string

(escape_sequence) @string.escape

(number) @number

(period) @string.special

; Operators and punctuation
"->" @operator

".." @operator

[
  ":"
  ","
] @punctuation.delimiter

[
  "{"
  "}"
  "("
  ")"
] @punctuation.bracket

; Cascades: the department, its objective, and the company's
(cascade
  name: (identifier) @module)

(align
  department: (identifier) @module)
