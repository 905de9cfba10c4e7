//! The protocol crate's own failures: making or reading a signing key.
//!
//! Everything the other side sent that this side will not take is a
//! [`Refusal`](crate::Refusal) instead, with its stable code. These are the
//! few failures that are this computer's, not the wire's. `taoli-core` wraps
//! them as its `internal.secrets` error, with these messages.

/// A failure of this crate that is not a refusal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The operating system gave no random numbers for a new key.
    #[error("密钥处理失败：无法从操作系统取得随机数（{0}）")]
    Random(String),

    /// A kept signing key is not 32 bytes long (a damaged keychain entry).
    #[error("密钥处理失败：签名密钥应为 {expected} 字节，实为 {actual} 字节")]
    KeyLength { expected: usize, actual: usize },
}

impl Error {
    /// The message in English (`Display` is the Chinese one).
    pub fn message_in_english(&self) -> String {
        match self {
            Error::Random(detail) => {
                format!(
                    "Handling a key failed: the operating system gave no random numbers ({detail})"
                )
            }
            Error::KeyLength { expected, actual } => format!(
                "Handling a key failed: a signing key should be {expected} bytes, not {actual}"
            ),
        }
    }
}

/// The crate's result; the error defaults to [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
