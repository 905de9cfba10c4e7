//! `taoli-upstream`: the reference upstream server for Taoli's batch protocol.
//!
//! Only the crate's place in the workspace exists so far: the protocol, the
//! server (`serve`, `enroll-code`, `review`) and their tests arrive with the
//! signed-batches capability. Until then the binary says so and exits 1.

use std::process::ExitCode;

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("--version" | "-V") => {
            println!("taoli-upstream {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "taoli-upstream：参考上游服务器尚未提供任何命令（随“签名批次上传”功能一起实现）。\n\
                 taoli-upstream: the reference upstream server has no commands yet; they arrive with signed batch upload."
            );
            ExitCode::from(1)
        }
    }
}
