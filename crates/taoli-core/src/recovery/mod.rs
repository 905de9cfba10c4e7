//! The recovery code (恢复码): the way back into an encrypted school file
//! when the 系统管理员 password and the computer's keychain are both lost.
//!
//! - `code.rs`: the code as written on paper (140 random bits, seven groups
//!   of five Crockford base32 characters, a check character per group).
//! - `sidecar.rs`: the recovery file (恢复文件, `学校.taoli.恢复`) beside the
//!   school file and in every backup folder: the file's keys, current and
//!   older, sealed under a key derived from the code.
//! - `sheet.rs`: the A4 sheet (恢复码保管单) to keep in the school safe.
//!
//! What the school file keeps, how a password change keeps the recovery file
//! in step, recovering and changing the code: `store/recovery.rs`. Design and
//! reasons: `docs/encryption.md` (「恢复码」).

mod code;
pub(crate) mod sheet;
pub(crate) mod sidecar;

pub use code::{CODE_BITS, CODE_CHARS, GROUP_CHARS, GROUPS, RecoveryCode};
pub use sheet::default_file_name as sheet_file_name;
pub use sidecar::{SIDECAR_SUFFIX, SIDECAR_VERSION, code_id, sidecar_in, sidecar_path};
