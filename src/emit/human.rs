//! Human diagnostics, drawn by miette the way rustc draws them: the code, the message,
//! the source with labelled spans, and the help line. Labels in other files become
//! related notes with their own source.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, Severity,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Located, Report};
use crate::codes::Level;
use crate::source::{SourceFile, Sources};
use crate::span::{FileId, Span};

/// Lines longer than this are not shown as source context (a minified or binary file
/// would flood the terminal); the location is given instead.
const MAX_CONTEXT_LINE: usize = 400;

/// A file's text under its display name.
struct Src<'a>(&'a SourceFile);

impl SourceCode for Src<'_> {
    /// miette's reader for `str` counts lines from the start of the text it is given, which
    /// made every snippet cost a scan of the file up to it. It is given the text from the
    /// first context line on instead (found with the line index), and its answer is moved
    /// back: the same lines, line numbers and columns, at a cost independent of the offset.
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let file = self.0;
        // miette looks at the byte before the span (its end is `offset + len - 1`), so
        // the window starts on the line of that byte, `before` lines up.
        let first = file
            .line_index(span.offset().saturating_sub(1))
            .saturating_sub(before);
        let base = file.line_start(first + 1).min(span.offset());
        let local = SourceSpan::new((span.offset() - base).into(), span.len());
        // miette ends lines only at `\n`: it reads a lone `\r` (classic Mac OS, a line end
        // for bsc) as one, at the same offset.
        let inner = file.text_lf()[base..].read_span(&local, before, after)?;
        let data_span = SourceSpan::new((inner.span().offset() + base).into(), inner.span().len());
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            inner.data(),
            data_span,
            inner.line() + first,
            inner.column(),
            // miette counts the line ends from the start of the text up to where it
            // stopped; it compares this with line numbers to merge nearby snippets.
            inner.line_count() + first,
        )))
    }
}

/// One diagnostic (or a note on it) in miette's terms.
struct View<'a> {
    code: Option<String>,
    severity: Severity,
    message: String,
    help: Option<String>,
    src: Option<Src<'a>>,
    labels: Vec<LabeledSpan>,
    /// Labels in other files, one note per file, drawn after the diagnostic. Not miette's
    /// `related`: it heads each with a severity word ("Advice:") and the code, which a
    /// note does not have, so an empty "Advice:" line came before every such note.
    notes: Vec<View<'a>>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.src.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn long_line(file: &SourceFile, span: Span) -> bool {
    let (line, _) = file.line_col(span.start as usize);
    let start = file.line_start(line);
    let end = file.text[start..]
        .find(['\n', '\r'])
        .map_or(file.text.len(), |i| start + i);
    end - start > MAX_CONTEXT_LINE
}

fn labeled(span: Span, message: &str, primary: bool) -> LabeledSpan {
    let text = (!message.is_empty()).then(|| message.to_string());
    let s = SourceSpan::new((span.start as usize).into(), span.len());
    if primary {
        LabeledSpan::new_primary_with_span(text, s)
    } else {
        LabeledSpan::new_with_span(text, s)
    }
}

fn view<'a>(item: &Located<'a>) -> View<'a> {
    let d = item.diag;
    let sources: &'a Sources = &item.compilation.sources;
    let file = d.span.file;
    let f = sources.get(file);
    let show_source = !long_line(f, d.span);
    let mut message = d.message.clone();
    if !show_source {
        let l = &item.location;
        message = format!("{message}\n  at {}:{}:{}", l.file, l.line, l.column);
    }
    let mut labels = vec![labeled(d.span, &d.label, true)];
    let mut others: Vec<(FileId, Vec<LabeledSpan>, String)> = Vec::new();
    for l in &d.labels {
        if l.span.file == file {
            labels.push(labeled(l.span, &l.message, false));
        } else {
            match others.iter_mut().find(|(f, _, _)| *f == l.span.file) {
                Some((_, ls, _)) => ls.push(labeled(l.span, &l.message, false)),
                None => others.push((
                    l.span.file,
                    vec![labeled(l.span, &l.message, false)],
                    l.message.clone(),
                )),
            }
        }
    }
    let notes = others
        .into_iter()
        .map(|(fid, labels, msg)| {
            let f = sources.get(fid);
            View {
                code: None,
                severity: Severity::Advice,
                message: format!("{msg} (in {})", f.name),
                help: None,
                src: Some(Src(f)),
                labels,
                notes: Vec::new(),
            }
        })
        .collect();
    View {
        code: Some(d.code.name().to_string()),
        severity: if d.level == Level::Error {
            Severity::Error
        } else {
            Severity::Warning
        },
        message,
        help: d.help.clone(),
        src: show_source.then_some(Src(f)),
        labels,
        notes,
    }
}

/// Draws every diagnostic of the report, then a summary line.
pub fn render(report: &Report<'_>, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for item in &report.items {
        let v = view(item);
        if !out.is_empty() {
            out.push('\n');
        }
        if handler.render_report(&mut out, &v).is_err() {
            out.push_str(&format!("{}: {}\n", item.diag.code, item.diag.message));
        }
        for note in &v.notes {
            out.push('\n');
            if handler.render_report(&mut out, note).is_err() {
                out.push_str(&format!("note: {}\n", note.message));
            }
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    if report.items.len() > STATISTICS_FROM {
        out.push_str(&per_code(report));
    }
    out.push_str(&summary(report.errors(), report.warnings()));
    out
}

/// With more diagnostics than this, the counts per code are printed at the end (as ruff's
/// `--statistics` does), so that a few errors are not lost among many warnings.
const STATISTICS_FROM: usize = 20;

/// `errors: cycle ×2` and `warnings: orphan ×65, stale-data ×3`: each level's codes, the
/// most frequent first (ties in the order of `bsc explain`).
fn per_code(report: &Report<'_>) -> String {
    let mut out = String::new();
    for (level, name) in [(Level::Error, "errors"), (Level::Warning, "warnings")] {
        let mut counts: Vec<(crate::codes::Code, usize)> = Vec::new();
        for item in report.items.iter().filter(|i| i.diag.level == level) {
            match counts.iter_mut().find(|(c, _)| *c == item.diag.code) {
                Some((_, n)) => *n += 1,
                None => counts.push((item.diag.code, 1)),
            }
        }
        if counts.is_empty() {
            continue;
        }
        counts.sort_by_key(|&(code, n)| (std::cmp::Reverse(n), code));
        let list: Vec<String> = counts
            .iter()
            .map(|(code, n)| format!("{} ×{n}", code.name()))
            .collect();
        out.push_str(&format!("{name}: {}\n", list.join(", ")));
    }
    out
}

/// `2 errors, 1 warning` (or `no problems found`).
pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems found\n".to_string(),
        (0, w) => format!("{}\n", plural(w, "warning")),
        (e, 0) => format!("{}\n", plural(e, "error")),
        (e, w) => format!("{}, {}\n", plural(e, "error"), plural(w, "warning")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line-indexed reader gives miette exactly what its own reader of the whole
    /// text gives: the same lines, span, line, column and line count, for every offset,
    /// span length and number of context lines.
    #[test]
    fn snippets_read_from_the_line_index_match_miettes_reader() {
        let texts = [
            "scorecard \"T\" {}\nperspective financial {\n  objective a \"A\" {}\n}\n\nmap { a -> b }\n",
            "é x\n𝄞y\n\n\nlast line without end",
            "one\r\ntwo\r\n\r\nthree\r\nfour",
            // Classic Mac OS: miette is shown a lone `\r` as `\n`.
            "one\rtwo\r\rthree\r",
            "",
            "\n\n\n",
        ];
        for text in texts {
            let file = SourceFile::new("t.bsc".into(), None, text.to_string());
            let src = Src(&file);
            let seen = crate::source::lone_cr_as_lf(text);
            let starts: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for &start in &starts {
                for &end in starts.iter().filter(|&&e| e >= start) {
                    for (before, after) in [(0, 0), (1, 1), (2, 1), (3, 3)] {
                        let span = SourceSpan::new(start.into(), end - start);
                        let want = seen.as_ref().read_span(&span, before, after);
                        let got = src.read_span(&span, before, after);
                        let (want, got) = match (want, got) {
                            (Ok(w), Ok(g)) => (w, g),
                            (Err(_), Err(_)) => continue,
                            (w, g) => panic!(
                                "{text:?} {start}..{end}: {:?} vs {:?}",
                                w.is_ok(),
                                g.is_ok()
                            ),
                        };
                        let at = format!("{text:?} {start}..{end} ±{before},{after}");
                        assert_eq!(got.data(), want.data(), "{at}");
                        assert_eq!(got.span(), want.span(), "{at}");
                        assert_eq!(got.line(), want.line(), "{at}");
                        assert_eq!(got.column(), want.column(), "{at}");
                        assert_eq!(got.line_count(), want.line_count(), "{at}");
                        assert_eq!(got.name(), Some("t.bsc"), "{at}");
                    }
                }
            }
        }
    }
}
