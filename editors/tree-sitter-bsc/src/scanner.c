// External scanner for tree-sitter-bsc. Stateless; it lexes:
//   - line comments `// …` and doc comments `/// …` (but `////` is a line comment),
//     without a trailing `\r`; like bsc, it rejects a NUL byte or invalid UTF-8 in them;
//   - block comments `/* … */`, nestable up to MAX_COMMENT_DEPTH (as bsc: deeper is
//     an error there too);
//   - string contents between `"` and the next `"`, `\`, or line end (so that `/*` or
//     `//` inside a string is text, not a comment); a line break in a string is an error;
//   - like bsc, it rejects invalid UTF-8 inside strings and block comments;
//   - numbers and periods, which the pest grammar rejects when an identifier character
//     (or, after a period, a `-`) follows them directly: `12kg`, `5owner`, `2025-07x`.
//     Such text is no token at all, so the parser reports an error there.

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>

enum TokenType {
  LINE_COMMENT,
  DOC_COMMENT,
  BLOCK_COMMENT,
  STRING_CONTENT,
  NUMBER,
  PERIOD,
  ERROR_SENTINEL,
};

#define MAX_COMMENT_DEPTH 64

static inline bool is_digit(int32_t c) { return c >= '0' && c <= '9'; }

static inline bool is_ident_char(int32_t c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }

// A byte sequence that is not UTF-8 (bsc rejects it anywhere in a file). A NUL byte is
// rejected by bsc outside strings and block comments only, and so it is here.
static inline bool is_bad_char(TSLexer *lexer) { return lexer->lookahead < 0; }

// After the opening `/`; the lookahead is the second `/`.
static bool scan_line_comment(TSLexer *lexer) {
  advance(lexer);
  lexer->result_symbol = LINE_COMMENT;
  if (lexer->lookahead == '/') {
    advance(lexer);
    if (lexer->lookahead != '/') lexer->result_symbol = DOC_COMMENT;
  }
  lexer->mark_end(lexer);
  // A line ends at `\n`, `\r\n` or a lone `\r` (classic Mac OS): the comment ends before it.
  while (!lexer->eof(lexer) && lexer->lookahead != '\n' && lexer->lookahead != '\r') {
    if (lexer->lookahead == 0 || is_bad_char(lexer)) return false;
    advance(lexer);
    lexer->mark_end(lexer);
  }
  return true;
}

// After the opening `/`; the lookahead is `*`.
static bool scan_block_comment(TSLexer *lexer) {
  advance(lexer); // '*'
  unsigned depth = 1;
  for (;;) {
    if (lexer->eof(lexer) || is_bad_char(lexer)) return false; // unclosed, or not text
    int32_t c = lexer->lookahead;
    if (c == '/') {
      advance(lexer);
      if (lexer->lookahead == '*') {
        advance(lexer);
        if (++depth > MAX_COMMENT_DEPTH) return false;
      }
    } else if (c == '*') {
      advance(lexer);
      if (lexer->lookahead == '/') {
        advance(lexer);
        if (--depth == 0) {
          lexer->mark_end(lexer);
          lexer->result_symbol = BLOCK_COMMENT;
          return true;
        }
      }
    } else {
      advance(lexer);
    }
  }
}

// digits = DIGIT ("_"? DIGIT)*; the lookahead is a digit. Returns how many digits were
// read, or -1 when a `_` is not followed by a digit (then an identifier character, `_`,
// directly follows the digits: pest rejects the number or period).
static int scan_digits(TSLexer *lexer, bool *underscore) {
  int count = 0;
  for (;;) {
    while (is_digit(lexer->lookahead)) {
      advance(lexer);
      count++;
    }
    if (lexer->lookahead != '_') return count;
    advance(lexer);
    *underscore = true;
    if (!is_digit(lexer->lookahead)) return -1;
  }
}

// number = "-"? digits ("." digits)? ("k" | "M" | "B")? "%"? !ident_char,
// continuing after the integer digits (already read, end not yet marked).
static bool finish_number(TSLexer *lexer) {
  if (lexer->lookahead == '.') {
    lexer->mark_end(lexer); // `5.` or `5..`: the number ends before the dot
    advance(lexer);
    if (!is_digit(lexer->lookahead)) {
      lexer->result_symbol = NUMBER;
      return true;
    }
    bool underscore = false;
    if (scan_digits(lexer, &underscore) < 0) return false;
  }
  if (lexer->lookahead == 'k' || lexer->lookahead == 'M' || lexer->lookahead == 'B') {
    advance(lexer);
  }
  if (lexer->lookahead == '%') advance(lexer);
  if (is_ident_char(lexer->lookahead)) return false;
  lexer->mark_end(lexer);
  lexer->result_symbol = NUMBER;
  return true;
}

// period = DIGIT{4} ("-" (("H"|"Q"|"W") DIGIT+ | DIGIT{2} ("-" DIGIT{2})?))?
//          !(ident_char | "-"),
// continuing after the four year digits.
static bool finish_period(TSLexer *lexer) {
  if (lexer->lookahead == '-') {
    advance(lexer);
    int32_t c = lexer->lookahead;
    if (c == 'H' || c == 'Q' || c == 'W') {
      advance(lexer);
      if (!is_digit(lexer->lookahead)) return false;
      while (is_digit(lexer->lookahead)) advance(lexer);
    } else {
      for (int i = 0; i < 2; i++) {
        if (!is_digit(lexer->lookahead)) return false;
        advance(lexer);
      }
      if (lexer->lookahead == '-') {
        advance(lexer);
        for (int i = 0; i < 2; i++) {
          if (!is_digit(lexer->lookahead)) return false;
          advance(lexer);
        }
      }
    }
  }
  if (is_ident_char(lexer->lookahead) || lexer->lookahead == '-') return false;
  lexer->mark_end(lexer);
  lexer->result_symbol = PERIOD;
  return true;
}

// A number or a period, whichever the parser expects (when it expects both, during
// error recovery: a period if the text has the form of one, else a number).
static bool scan_number_or_period(TSLexer *lexer, bool number, bool period) {
  if (lexer->lookahead == '-') {
    if (!number) return false;
    advance(lexer);
    if (!is_digit(lexer->lookahead)) return false;
    bool underscore = false;
    if (scan_digits(lexer, &underscore) < 0) return false;
    return finish_number(lexer);
  }
  bool underscore = false;
  int count = scan_digits(lexer, &underscore);
  if (count < 0) return false;
  bool year = count == 4 && !underscore;
  if (period && year && (!number || lexer->lookahead == '-')) return finish_period(lexer);
  if (number) return finish_number(lexer);
  return false;
}

void *tree_sitter_bsc_external_scanner_create(void) { return NULL; }
void tree_sitter_bsc_external_scanner_destroy(void *payload) { (void)payload; }
unsigned tree_sitter_bsc_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}
void tree_sitter_bsc_external_scanner_deserialize(void *payload, const char *buffer,
                                                  unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

bool tree_sitter_bsc_external_scanner_scan(void *payload, TSLexer *lexer,
                                           const bool *valid_symbols) {
  (void)payload;
  bool recovering = valid_symbols[ERROR_SENTINEL];

  if (valid_symbols[STRING_CONTENT] && !recovering) {
    bool any = false;
    for (;;) {
      int32_t c = lexer->lookahead;
      if (lexer->eof(lexer) || is_bad_char(lexer) || c == '"' || c == '\\' || c == '\n' ||
          c == '\r') {
        break;
      }
      advance(lexer);
      any = true;
    }
    if (!any) {
      // A line break inside a string (the string is unclosed), or a byte that is not
      // text: return a token that is valid nowhere, so that the parser reports the error
      // here (the internal lexer would skip a line break as whitespace and might find a
      // comment after it).
      if (lexer->lookahead == '\n' || lexer->lookahead == '\r' || is_bad_char(lexer)) {
        advance(lexer);
        lexer->mark_end(lexer);
        lexer->result_symbol = ERROR_SENTINEL;
        return true;
      }
      return false;
    }
    lexer->mark_end(lexer);
    lexer->result_symbol = STRING_CONTENT;
    return true;
  }

  while (lexer->lookahead == ' ' || lexer->lookahead == '\t' || lexer->lookahead == '\r' ||
         lexer->lookahead == '\n') {
    lexer->advance(lexer, true);
  }

  int32_t c = lexer->lookahead;
  if (c == '/') {
    advance(lexer);
    if (lexer->lookahead == '*') return valid_symbols[BLOCK_COMMENT] && scan_block_comment(lexer);
    if (lexer->lookahead == '/') return valid_symbols[LINE_COMMENT] && scan_line_comment(lexer);
    return false;
  }
  if ((is_digit(c) || c == '-') && (valid_symbols[NUMBER] || valid_symbols[PERIOD])) {
    return scan_number_or_period(lexer, valid_symbols[NUMBER], valid_symbols[PERIOD]);
  }
  return false;
}
