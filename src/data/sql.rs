//! SQLite queries: `actuals sql "file.sqlite" "SELECT period, value FROM …"`.
//!
//! The database is read like any data file (through the file layer: a regular file inside
//! the project root, at most 256 MiB) and opened from memory, read-only: nothing the
//! query does can touch a file. An authorizer allows reading and nothing else (no
//! `ATTACH`, no `PRAGMA`, no `VACUUM INTO`, no writes), extensions cannot be loaded (they
//! are not compiled in), and a query that runs longer than [`TIME_LIMIT`] is stopped. The
//! result has two columns per row: the period (text such as `2025-07`, or a year as an
//! integer) and the number (`NULL` is no actual).

use std::io::Cursor;
use std::time::{Duration, Instant};

use rusqlite::hooks::{AuthAction, Authorization};
use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, MAIN_DB, OpenFlags};

use crate::period::Grain;

use super::periods::period_cell;
use super::{Place, Point, Problem, Series};

/// The longest a query may run.
pub const TIME_LIMIT: Duration = Duration::from_secs(5);

/// Runs `query` on the database `name`.
pub fn read(name: &str, bytes: Vec<u8>, query: &str) -> Series {
    read_within(name, bytes, query, TIME_LIMIT)
}

/// Runs `query` on the database `name`, stopping it after `limit`.
fn read_within(name: &str, bytes: Vec<u8>, query: &str, limit: Duration) -> Series {
    let mut out = Series::default();
    let whole = |message: String, label: &str| Problem::new(Place::Whole, message, label);
    let conn = match open(bytes, limit) {
        Ok(c) => c,
        Err(e) => {
            out.problems.push(
                whole(
                    format!("cannot open the database `{name}`: {}", sqlite_words(&e)),
                    "database named here",
                )
                .help("the file must be a SQLite database"),
            );
            return out;
        }
    };
    let mut stmt = match conn.prepare(query) {
        Ok(s) => s,
        Err(e) => {
            out.problems.push(
                whole(
                    format!("the query on `{name}` fails: {}", sqlite_words(&e)),
                    "the query",
                )
                .help("bsc runs one SELECT that returns two columns: the period and the value"),
            );
            return out;
        }
    };
    if !stmt.readonly() {
        out.problems.push(
            whole(
                format!("the query on `{name}` does not only read"),
                "the query",
            )
            .help("bsc runs one SELECT that returns two columns: the period and the value"),
        );
        return out;
    }
    if stmt.column_count() != 2 {
        out.problems.push(
            whole(
                format!(
                    "the query on `{name}` returns {} column{}, not two",
                    stmt.column_count(),
                    if stmt.column_count() == 1 { "" } else { "s" }
                ),
                "the query",
            )
            .help("select two columns: the period (like '2025-07') and the value"),
        );
        return out;
    }
    let mut rows = match stmt.query([]) {
        Ok(r) => r,
        Err(e) => {
            out.problems.push(whole(
                format!("the query on `{name}` fails: {}", sqlite_words(&e)),
                "the query",
            ));
            return out;
        }
    };
    let mut n = 0;
    loop {
        let row = match rows.next() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => {
                out.problems.push(whole(
                    format!("the query on `{name}` fails: {}", sqlite_words(&e)),
                    "the query",
                ));
                break;
            }
        };
        n += 1;
        let place = Place::Row(n);
        let bad = |what: String, help: &str| {
            Problem::new(
                place.clone(),
                format!("row {n} of the query on `{name}`: {what}"),
                "the query",
            )
            .help(help.to_string())
        };
        let period = match row.get_ref(0) {
            Ok(ValueRef::Text(t)) => {
                let t = String::from_utf8_lossy(t);
                match period_cell(&t, Grain::Month) {
                    Some(p) => p,
                    None => {
                        out.problems.push(bad(
                            format!("`{t}` is not a period"),
                            "return periods as text like '2025-07' or '2025-Q3'",
                        ));
                        continue;
                    }
                }
            }
            Ok(ValueRef::Integer(y)) if (1..=9999).contains(&y) => {
                match crate::period::Period::parse(&format!("{y:04}")) {
                    Ok(p) => p,
                    Err(_) => continue,
                }
            }
            Ok(other) => {
                out.problems.push(bad(
                    format!("the period is {}", kind(other)),
                    "return periods as text like '2025-07' or '2025-Q3'",
                ));
                continue;
            }
            Err(e) => {
                out.problems
                    .push(bad(sqlite_words(&e), "return two columns"));
                continue;
            }
        };
        let value = match row.get_ref(1) {
            Ok(ValueRef::Null) => continue,
            Ok(ValueRef::Integer(i)) => i as f64,
            Ok(ValueRef::Real(f)) if f.is_finite() => f,
            Ok(other) => {
                out.problems.push(bad(
                    format!("the value is {}, not a number", kind(other)),
                    "return the value as a number (CAST(x AS REAL) if the column holds text)",
                ));
                continue;
            }
            Err(e) => {
                out.problems
                    .push(bad(sqlite_words(&e), "return two columns"));
                continue;
            }
        };
        out.points.push(Point {
            period,
            value,
            place,
        });
    }
    out
}

/// The database in memory, read-only, allowed only to read.
fn open(bytes: Vec<u8>, limit: Duration) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open_with_flags(
        ":memory:",
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let len = bytes.len();
    conn.deserialize_read_exact(MAIN_DB, Cursor::new(bytes), len, true)?;
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
    conn.authorizer(Some(|ctx: rusqlite::hooks::AuthContext<'_>| {
        match ctx.action {
            AuthAction::Select
            | AuthAction::Read { .. }
            | AuthAction::Function { .. }
            | AuthAction::Recursive => Authorization::Allow,
            _ => Authorization::Deny,
        }
    }))?;
    let deadline = Instant::now() + limit;
    conn.progress_handler(10_000, Some(move || Instant::now() > deadline))?;
    // Check the file really is a database before the user's query runs.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
    Ok(conn)
}

/// SQLite's own message, as the user can look it up.
fn sqlite_words(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(f, Some(msg))
            if f.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            format!("{msg} (stopped after {} s)", TIME_LIMIT.as_secs())
        }
        rusqlite::Error::SqliteFailure(f, None)
            if f.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            format!("interrupted (stopped after {} s)", TIME_LIMIT.as_secs())
        }
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        other => other.to_string(),
    }
}

fn kind(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => format!("the integer {i}"),
        ValueRef::Real(f) => format!("the number {f}"),
        ValueRef::Text(t) => format!("the text '{}'", String::from_utf8_lossy(t)),
        ValueRef::Blob(_) => "a blob".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database file's bytes, made by SQLite itself.
    fn database(setup: &str) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.sqlite");
        let c = Connection::open(&path).unwrap();
        c.execute_batch(setup).unwrap();
        drop(c);
        std::fs::read(path).unwrap()
    }

    fn sales() -> Vec<u8> {
        database(
            "CREATE TABLE sales(month TEXT, amount REAL);
             INSERT INTO sales VALUES ('2025-01', 10.5), ('2025-02', NULL), ('2025-03', 12), ('bad', 1), ('2025-04', 'x');",
        )
    }

    #[test]
    fn reads_two_columns_per_row() {
        let s = read("x.sqlite", sales(), "SELECT month, amount FROM sales");
        let v: Vec<(String, f64)> = s
            .points
            .iter()
            .map(|p| (p.period.to_string(), p.value))
            .collect();
        assert_eq!(v, [("2025-01".into(), 10.5), ("2025-03".into(), 12.0)]);
        let m: Vec<&str> = s.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            m,
            [
                "row 4 of the query on `x.sqlite`: `bad` is not a period",
                "row 5 of the query on `x.sqlite`: the value is the text 'x', not a number"
            ]
        );
    }

    #[test]
    fn nothing_but_reading() {
        for (query, words) in [
            ("SELECT month FROM sales", "returns 1 column, not two"),
            ("SELECT * FROM nope", "no such table: nope"),
            ("ATTACH DATABASE '/tmp/x.db' AS x", "not authorized"),
            ("PRAGMA table_info(sales)", "not authorized"),
            (
                "VACUUM INTO '/tmp/bsc-vacuum-test.db'",
                "does not only read",
            ),
            ("DELETE FROM sales", "not authorized"),
            ("SELECT load_extension('x'), 1", "not authorized"),
            (
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT '2025', max(x) FROM c",
                "interrupted",
            ),
        ] {
            let s = read_within("x.sqlite", sales(), query, Duration::from_millis(200));
            assert!(s.points.is_empty(), "{query}");
            let m = &s.problems[0].message;
            assert!(m.contains(words), "{query}: {m}");
        }
        assert!(!std::path::Path::new("/tmp/bsc-vacuum-test.db").exists());
    }

    #[test]
    fn a_file_that_is_not_a_database() {
        let s = read("x.sqlite", b"period,value\n".to_vec(), "SELECT 1, 2");
        assert!(
            s.problems[0]
                .message
                .starts_with("cannot open the database `x.sqlite`"),
            "{:?}",
            s.problems
        );
    }
}
