; Helix variant of ../highlights.scm: the same patterns with Helix's scope names
; (constant.numeric, namespace, variable.other.member, comment.block.documentation, …).
; Keep it in step with ../highlights.scm; test.sh checks that both compile.


; Comments
(line_comment) @comment.line
(block_comment) @comment.block
(doc_comment) @comment.block.documentation

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
  key: _ @variable.other.member)

(band
  name: _ @variable.other.member)

; Enumerated values: up/down, daily…yearly, low/medium/high, planned…stalled
(constant) @constant.builtin

; Attributes: `@allow(code, …)`
(attribute
  level: _ @attribute)

(lint_name) @constant

; Declaration sites
(perspective
  name: (identifier) @namespace)

(kpi
  name: (identifier) @type)

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

(escape_sequence) @constant.character.escape

(number) @constant.numeric

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
