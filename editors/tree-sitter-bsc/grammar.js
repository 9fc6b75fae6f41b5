/**
 * @file Tree-sitter grammar for bsc, the Balanced Scorecard language (`.bsc` files).
 *
 * It follows the reference grammar `grammar/bsc.pest` (LANGUAGE.md §3–4) rule for
 * rule: a file this grammar parses without ERROR/MISSING nodes is one the pest grammar
 * accepts, and the other way round (test.sh checks this on every .bsc file of the repo).
 *
 * Keywords are contextual, as in pest: `word` makes every keyword an identifier
 * wherever an identifier is expected, so an objective may be called `target`.
 *
 * The external scanner (src/scanner.c) lexes what a context-free lexer cannot:
 * comments (`//` line, `///` doc, and nestable block comments), string contents (so
 * that `/*` inside a string is text), and numbers and periods, which pest rejects when
 * an identifier character follows them directly (`12kg`, `5owner`, `2025-07x`).
 */

/* eslint-disable arrow-parens */
/* eslint-disable camelcase */
/* eslint-disable-next-line spaced-comment */
/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

/** A keyword-introduced property: `key value…`, as a `property` node. */
function prop(key, ...rest) {
  return seq(field('key', key), ...rest);
}

/** One of the given keywords, shown as a `constant` node. */
function constants($, ...words) {
  return choice(...words.map(w => alias(w, $.constant)));
}

/** `item ("," item)*`, no trailing comma. */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

module.exports = grammar({
  name: 'bsc',

  externals: $ => [
    $.line_comment,
    $.doc_comment,
    $.block_comment,
    $._string_content,
    $.number,
    $.period,
    // Valid nowhere: the scanner returns it for a line break inside a string, so that
    // the parser reports the error there; tree-sitter marks every external token valid
    // during error recovery, which is how the scanner knows it is recovering.
    $._error_sentinel,
  ],

  extras: $ => [
    /[ \t\r\n]/,
    $.line_comment,
    $.doc_comment,
    $.block_comment,
  ],

  word: $ => $.identifier,

  rules: {
    source_file: $ => repeat($._top_item),

    _top_item: $ => choice(
      $.use_declaration,
      $.cascade,
      $.align,
      $.scorecard,
      $.perspective,
      $.kpi,
      $.initiative,
      $.map,
    ),

    // ---------------------------------------------------------------- lexical

    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*/,

    // One line; `\\ \" \n \t \u{HEX}`. Like pest, any escaped character is accepted
    // here; bsc reports bad escapes after parsing.
    string: $ => seq(
      '"',
      repeat(choice($._string_content, $.escape_sequence)),
      token.immediate('"'),
    ),
    escape_sequence: _ => token.immediate(choice(
      /\\u\{[0-9A-Fa-f]*\}/,
      /\\[^\n\r]/,
    )),

    // ------------------------------------------------------- cascades (§9.6)

    // `cascade ID "path"`: a department scorecard.
    cascade: $ => seq(
      optional($._attributes),
      'cascade',
      field('name', $.identifier),
      field('path', $.string),
    ),
    // `align D.OBJ -> OBJ [weight N] [: "rationale"]`: nothing around the dot.
    align: $ => seq(
      optional($._attributes),
      'align',
      field('department', $.identifier),
      token.immediate('.'),
      field('source', alias(token.immediate(/[A-Za-z_][A-Za-z0-9_]*/), $.identifier)),
      '->',
      field('objective', $.identifier),
      optional(seq('weight', field('weight', $.number))),
      optional(seq(':', field('rationale', $.string))),
    ),

    // ----------------------------------------------------------- attributes

    // `@allow(code, …)`, `@warn(…)`, `@deny(…)` before a declaration.
    _attributes: $ => repeat1(field('attribute', $.attribute)),
    attribute: $ => seq(
      field('level', choice('@allow', '@warn', '@deny')),
      '(',
      commaSep1(field('lint', $.lint_name)),
      optional(','),
      ')',
    ),
    lint_name: _ => /[A-Za-z_][A-Za-z0-9_-]*/,

    // ---------------------------------------------------------- declarations

    use_declaration: $ => seq(
      optional($._attributes),
      'use',
      field('path', $.string),
    ),

    scorecard: $ => seq(
      optional($._attributes),
      'scorecard',
      field('title', $.string),
      '{',
      repeat(alias($._scorecard_property, $.property)),
      '}',
    ),
    _scorecard_property: $ => choice(
      prop('vision', field('value', $.string)),
      prop('mission', field('value', $.string)),
      prop('owner', field('value', $.string)),
      prop('period', field('start', $.period), '..', field('end', $.period)),
      prop('as_of', field('value', $.period)),
      prop('bands', field('value', $.bands)),
      prop('currency', field('value', $.string)),
    ),
    bands: $ => seq('{', repeat($.band), '}'),
    band: $ => seq(field('name', choice('green', 'amber')), field('value', $.number)),

    perspective: $ => seq(
      optional($._attributes),
      'perspective',
      field('name', $.identifier),
      optional(field('title', $.string)),
      '{',
      repeat(choice($.objective, alias($._perspective_property, $.property))),
      '}',
    ),
    _perspective_property: $ => choice(
      prop('level', field('value', $.number)),
      prop('question', field('value', $.string)),
    ),

    objective: $ => seq(
      optional($._attributes),
      'objective',
      field('name', $.identifier),
      field('title', $.string),
      '{',
      repeat(choice($.measure, alias($._objective_property, $.property))),
      '}',
    ),
    _objective_property: $ => choice(
      prop('owner', field('value', $.string)),
      prop('due', field('value', $.period)),
      prop('weight', field('value', $.number)),
    ),

    measure: $ => seq(
      optional($._attributes),
      'measure',
      field('name', $.identifier),
      field('title', $.string),
      optional(seq('from', field('kpi', $.identifier))),
      '{',
      repeat(alias($._measure_property, $.property)),
      '}',
    ),

    // A measure template, at top level.
    kpi: $ => seq(
      optional($._attributes),
      'kpi',
      field('name', $.identifier),
      field('title', $.string),
      '{',
      repeat(alias($._measure_property, $.property)),
      '}',
    ),

    _measure_property: $ => choice(
      prop('unit', field('value', $.string)),
      prop('direction', field('value', $._direction)),
      prop('baseline', field('value', $.number), optional(seq('at', field('period', $.period)))),
      prop('target', field('value', $.number), optional(seq('by', field('period', $.period)))),
      prop('threshold', field('value', $.number)),
      prop('frequency', field('value', $._frequency)),
      field('key', choice('leading', 'lagging')),
      prop('owner', field('value', $.string)),
      prop('source', field('value', $.string)),
      prop('formula', field('value', $.string)),
      prop('weight', field('value', $.number)),
      prop('actuals', choice(
        field('value', $.actuals),
        // A data file (LANGUAGE.md §9.2), its options in this order.
        seq(
          field('value', $.string),
          optional(seq('sheet', field('sheet', $.string))),
          optional(choice(
            seq('column', field('column', $.string)),
            seq('row', field('row', $.string), optional(seq('key', field('key', $.string)))),
          )),
        ),
        seq('sql', field('database', $.string), field('query', $.string)),
      )),
      prop('compute', field('value', $._expression)),
      prop('note', field('period', $.period), field('value', $.string)),
    ),
    actuals: $ => seq('{', repeat(seq($.actual, optional(','))), '}'),

    // Computed measures (LANGUAGE.md §9.3): the usual precedence, left-associative.
    _expression: $ => choice(
      $.binary_expression,
      $.unary_expression,
      $.call,
      $.parenthesized_expression,
      $.number,
      $.identifier,
      // The name of a function is an id where no `(` follows (a measure may be called `sum`).
      alias($._function_name, $.identifier),
    ),
    _function_name: _ => choice('lag', 'sum', 'avg', 'ytd', 'growth'),
    binary_expression: $ => choice(
      prec.left(1, seq(
        field('left', $._expression),
        field('operator', choice('+', '-')),
        field('right', $._expression),
      )),
      prec.left(2, seq(
        field('left', $._expression),
        field('operator', choice('*', '/')),
        field('right', $._expression),
      )),
    ),
    unary_expression: $ => prec(3, seq('-', field('operand', $._expression))),
    parenthesized_expression: $ => seq('(', $._expression, ')'),
    call: $ => seq(
      field('function', $._function_name),
      '(',
      field('argument', $._expression),
      optional(seq(',', field('periods', $.number))),
      ')',
    ),
    actual: $ => seq(field('period', $.period), ':', field('value', $.number)),

    initiative: $ => seq(
      optional($._attributes),
      'initiative',
      field('name', $.identifier),
      field('title', $.string),
      '{',
      repeat(alias($._initiative_property, $.property)),
      '}',
    ),
    _initiative_property: $ => choice(
      prop('owner', field('value', $.string)),
      prop('budget', field('value', $.number)),
      prop('start', field('value', $.period)),
      prop('end', field('value', $.period)),
      prop('impact', field('value', $._rating)),
      prop('feasibility', field('value', $._rating)),
      prop('status', field('value', $._status)),
      prop('progress', field('value', $.number)),
      prop('supports', commaSep1(field('value', $.identifier))),
      prop('spent', field('value', $.number)),
    ),
    // Enumerated values are keywords too; each shows as a `constant` node.
    _direction: $ => constants($, 'up', 'down'),
    _frequency: $ => constants($, 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'),
    _status: $ => constants($, 'planned', 'active', 'done', 'stalled'),
    _rating: $ => constants($, 'low', 'medium', 'high'),

    map: $ => seq(
      optional($._attributes),
      'map',
      '{',
      repeat($.chain),
      '}',
    ),
    // `a -> b -> c : "rationale"`: every arrow is one edge.
    chain: $ => seq(
      field('node', $.identifier),
      repeat1(seq('->', field('node', $.identifier))),
      optional(seq(':', field('rationale', $.string))),
    ),
  },
});
