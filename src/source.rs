//! The files of one compilation and their line index.
//!
//! Positions are byte offsets everywhere inside bsc; this module turns them into
//! 1-based lines and columns counted in Unicode characters (JSON, SARIF, GitHub) or in
//! UTF-16 code units (the language server).

use std::path::PathBuf;

use crate::span::{FileId, Span};

/// One loaded text: a `.bsc` file, a file of the bundled library, or a CSV file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path shown to the user: as given on the command line, or joined to the
    /// importing file's folder for imports; `std/…` for the bundled library.
    pub name: String,
    /// Where it was read from; `None` for the bundled library.
    pub path: Option<PathBuf>,
    pub text: String,
    line_starts: Vec<usize>,
    /// Per line: whether it is pure ASCII (columns are then byte differences).
    line_ascii: Vec<bool>,
    /// Whether a line ends with a lone `\r` (classic Mac OS).
    lone_cr: bool,
    /// The text with each lone `\r` as `\n`, made on first use ([`Self::text_lf`]).
    lf: std::sync::OnceLock<String>,
}

impl SourceFile {
    /// A file with its line index.
    pub fn new(name: String, path: Option<PathBuf>, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(line_ends(&text))
            .collect::<Vec<usize>>();
        let line_ascii = line_starts
            .iter()
            .enumerate()
            .map(|(i, &start)| {
                let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
                text.as_bytes()[start..end].is_ascii()
            })
            .collect();
        let lone_cr = line_starts[1..]
            .iter()
            .any(|&s| text.as_bytes()[s - 1] == b'\r');
        SourceFile {
            name,
            path,
            text,
            line_starts,
            line_ascii,
            lone_cr,
            lf: std::sync::OnceLock::new(),
        }
    }

    /// The text with each lone `\r` read as `\n` (same length and offsets), for readers
    /// that end lines only at `\n` (miette's snippets). The text itself when it has none.
    pub fn text_lf(&self) -> &str {
        if !self.lone_cr {
            return &self.text;
        }
        self.lf
            .get_or_init(|| lone_cr_as_lf(&self.text).into_owned())
    }

    /// 0-based line index of a byte offset (past the end: the last line).
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Clamps an offset into the text and onto a character boundary.
    fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// 1-based line and column (in Unicode characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let col = if self.line_ascii[line] {
            offset - start
        } else {
            self.text[start..offset].chars().count()
        };
        (line + 1, col + 1)
    }

    /// 0-based line and UTF-16 column of a byte offset, as the LSP counts them.
    pub fn line_col_utf16(&self, offset: usize) -> (u32, u32) {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let col: usize = if self.line_ascii[line] {
            offset - start
        } else {
            self.text[start..offset].chars().map(char::len_utf16).sum()
        };
        (line as u32, col as u32)
    }

    /// The byte offset of a 0-based line and UTF-16 column (clamped to the line).
    pub fn offset_utf16(&self, line: u32, col: u32) -> usize {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return self.text.len();
        };
        let end = self
            .line_starts
            .get(line as usize + 1)
            .map_or(self.text.len(), |e| e - 1);
        let mut units = 0u32;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= col {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }

    /// The byte offset where 1-based `line` starts (clamped to the text).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }
}

/// Where each line after the first starts: after `\n`, and after a `\r` that no `\n`
/// follows (classic Mac OS line ends), so that lines count as an editor counts them.
fn line_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let b = text.as_bytes();
    b.iter().enumerate().filter_map(move |(i, &c)| {
        (c == b'\n' || c == b'\r' && b.get(i + 1) != Some(&b'\n')).then_some(i + 1)
    })
}

/// `text` with every `\r` that no `\n` follows (a classic Mac OS line end) replaced by
/// `\n`: the same length and offsets, for readers that know only `\n` (miette's snippets,
/// the formatter). Borrowed when there is none.
pub fn lone_cr_as_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let lone = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
    if !(0..b.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes: Vec<u8> = (0..b.len())
        .map(|i| if lone(i) { b'\n' } else { b[i] })
        .collect();
    // Only ASCII bytes changed, so the text is still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()))
}

/// A resolved position for output: 1-based lines, columns in characters, end exclusive.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Every file of a compilation, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    /// The id the next added file will get.
    pub fn next_id(&self) -> FileId {
        FileId(self.files.len() as u32)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// All files with their ids, in load order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        let text = &self.get(span.file).text;
        text.get(span.range()).unwrap_or("")
    }

    /// The output location of a span.
    pub fn location(&self, span: Span) -> Location {
        let file = self.get(span.file);
        let (line, column) = file.line_col(span.start as usize);
        let (end_line, end_column) = file.line_col(span.end as usize);
        Location {
            file: file.name.clone(),
            line,
            column,
            end_line,
            end_column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = SourceFile::new("a".into(), None, "é x\n𝄞y".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (1, 3)); // after "é " (3 bytes, 2 chars)
        assert_eq!(f.line_col(5), (2, 1));
        assert_eq!(f.line_col(9), (2, 2)); // after the 4-byte clef
        assert_eq!(f.line_col_utf16(9), (1, 2)); // the clef is 2 UTF-16 units
        assert_eq!(f.offset_utf16(1, 2), 9);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let f = SourceFile::new("a".into(), None, "a\rb\r\nc\nd".into());
        assert_eq!(f.line_col(2), (2, 1));
        assert_eq!(f.line_col(5), (3, 1));
        assert_eq!(f.line_col(7), (4, 1));
        assert_eq!(f.line_start(2), 2);
    }
}
