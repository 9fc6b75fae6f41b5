//! Workbooks are read in a child process with bounded memory and time.
//!
//! calamine parses xlsx, xls and ods files whole, and a small hostile file can make it
//! allocate without end (a cycle in an xls container's sector chain, a sheet that declares
//! a billion cells). No check of ours can foresee every such file, so the `bsc` binary
//! reads workbooks in a copy of itself (`bsc __data-worker`) whose address space and CPU
//! time are capped with `setrlimit`, and which is killed after [`TIME_LIMIT`]. A worker
//! that dies is a `data` error, never the end of bsc. The request and the answer travel
//! as JSON over the worker's stdin and stdout.
//!
//! Without a worker (the library called from tests, fuzz targets, or a platform without
//! `setrlimit`) the workbook is read in-process.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::period::Grain;

use super::{Layout, Place, Point, Problem, Series, sheet};

/// The most memory a worker may map.
pub const MEMORY_LIMIT: u64 = 2 << 30;
/// The longest a worker may run.
pub const TIME_LIMIT: Duration = Duration::from_secs(20);

static WORKER: OnceLock<PathBuf> = OnceLock::new();

/// Reads workbooks through `exe` (the `bsc` binary itself) from now on.
pub fn use_worker(exe: PathBuf) {
    let _ = WORKER.set(exe);
}

/// A series to read from a sheet.
#[derive(Debug, Serialize, Deserialize)]
pub struct SheetRequest {
    pub name: String,
    pub sheet: Option<String>,
    pub layout: Layout,
    pub grain: Grain,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// A sheet's cells, as a table (for `bsc import`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TableCell {
    Empty,
    Number(f64),
    Text(String),
    /// A date cell, as its ISO date.
    Date(String),
}

/// What a worker is asked.
#[derive(Debug, Serialize, Deserialize)]
enum Job {
    Series(SheetRequest),
    Table { name: String, sheet: Option<String> },
}

/// What a worker answers.
#[derive(Debug, Serialize, Deserialize)]
enum Answer {
    Series {
        points: Vec<Point>,
        problems: Vec<Problem>,
    },
    Table(Result<(String, Vec<Vec<TableCell>>), Problem>),
}

/// Reads a series from a workbook, in a worker when there is one.
pub fn read_sheet(req: SheetRequest) -> Series {
    let SheetRequest {
        name,
        sheet,
        layout,
        grain,
        bytes,
    } = req;
    let job = Job::Series(SheetRequest {
        name: name.clone(),
        sheet,
        layout,
        grain,
        bytes: Vec::new(),
    });
    match run(&job, bytes) {
        Ok(Answer::Series { points, problems }) => Series {
            points,
            problems,
            ..Series::default()
        },
        Ok(Answer::Table(_)) => Series::default(),
        Err(why) => Series {
            problems: vec![failed(&name, &why)],
            ..Series::default()
        },
    }
}

/// Reads the cells of a workbook's sheet, in a worker when there is one.
pub fn read_table(
    name: &str,
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<(String, Vec<Vec<TableCell>>), Problem> {
    let job = Job::Table {
        name: name.to_string(),
        sheet: sheet.map(str::to_string),
    };
    match run(&job, bytes) {
        Ok(Answer::Table(t)) => t,
        Ok(Answer::Series { .. }) => Err(failed(name, "the worker answered something else")),
        Err(why) => Err(failed(name, &why)),
    }
}

fn failed(name: &str, why: &str) -> Problem {
    Problem::new(
        Place::Whole,
        format!("cannot read the workbook `{name}`: {why}"),
        "workbook named here",
    )
    .help("the file may be damaged: open it in the spreadsheet program and save it again")
}

/// Does `job` on `bytes`: in a worker, or here.
fn run(job: &Job, bytes: Vec<u8>) -> Result<Answer, String> {
    match WORKER.get() {
        Some(exe) if cfg!(unix) => isolated(exe, job, bytes),
        _ => Ok(answer(job, bytes)),
    }
}

/// The work itself.
fn answer(job: &Job, bytes: Vec<u8>) -> Answer {
    match job {
        Job::Series(r) => {
            let s = sheet::read(&r.name, bytes, r.sheet.as_deref(), &r.layout, r.grain);
            Answer::Series {
                points: s.points,
                problems: s.problems,
            }
        }
        Job::Table { name, sheet } => Answer::Table(sheet::table(name, bytes, sheet.as_deref())),
    }
}

fn isolated(exe: &std::path::Path, job: &Job, bytes: Vec<u8>) -> Result<Answer, String> {
    let header = serde_json::to_vec(job).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(exe);
    cmd.arg("__data-worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let cpu = TIME_LIMIT.as_secs();
        // SAFETY: setrlimit is async-signal-safe, and the closure touches nothing else.
        unsafe {
            cmd.pre_exec(move || {
                let limit = |resource, value: u64| {
                    let l = libc::rlimit {
                        rlim_cur: value as libc::rlim_t,
                        rlim_max: value as libc::rlim_t,
                    };
                    if libc::setrlimit(resource, &l) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                };
                limit(libc::RLIMIT_AS, MEMORY_LIMIT)?;
                limit(libc::RLIMIT_CPU, cpu)
            });
        }
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start a reader: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no pipe to the reader")?;
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&header);
        let _ = stdin.write_all(b"\n");
        let _ = stdin.write_all(&bytes);
    });
    let mut stdout = child.stdout.take().ok_or("no pipe from the reader")?;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let deadline = Instant::now() + TIME_LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "reading it took longer than {} s",
                    TIME_LIMIT.as_secs()
                ));
            }
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!(
            "reading it needs more than {} GiB of memory or {} s",
            MEMORY_LIMIT >> 30,
            TIME_LIMIT.as_secs()
        ));
    }
    serde_json::from_slice(&out).map_err(|e| format!("the reader's answer is not valid: {e}"))
}

/// The worker's side (`bsc __data-worker`): one job from stdin, its answer on stdout.
pub fn serve() -> i32 {
    let mut input = Vec::new();
    if std::io::stdin().read_to_end(&mut input).is_err() {
        return 2;
    }
    let split = input
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(input.len());
    let Ok(job) = serde_json::from_slice::<Job>(&input[..split]) else {
        return 2;
    };
    let bytes = input.get(split + 1..).unwrap_or_default().to_vec();
    let answer = answer(&job, bytes);
    match serde_json::to_vec(&answer) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(&out).and_then(|_| stdout.flush()).is_ok() {
                0
            } else {
                2
            }
        }
        Err(_) => 2,
    }
}
