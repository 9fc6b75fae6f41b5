//! The `bsc` binary: hands the arguments to [`bsc::cli::run`] and exits with its status.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(bsc::cli::run(std::env::args_os()) as u8)
}
