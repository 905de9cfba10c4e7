//! Refusals (拒收): why the upstream, or the client checking what the
//! upstream sent, would not take something.
//!
//! Every refusal has a stable machine code ([`RefusalCode`], snake_case on the
//! wire) and a Chinese message for the clerk that says what is wrong and what
//! to do; particulars in words travel in English too (`detail_en`), for the
//! English window. On the wire a refusal is
//! `{"code":"…","message":"…","detail_en":"…"}` with the HTTP status
//! [`RefusalCode::http_status`] gives (`docs/protocol.md`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::PROTOCOL_VERSION;

/// The machine code of a refusal. Stable: the client acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The protocol version is not `taoli-batch/1`.
    UnsupportedVersion,
    /// The signature algorithm is not one this side knows (only `ed25519`).
    UnsupportedAlgorithm,
    /// Larger than the protocol allows (manifest, payload or decompressed payload).
    TooLarge,
    /// A request (envelope, enrollment, review decision) that cannot be read.
    MalformedRequest,
    /// The manifest cannot be read, is not canonical, or its fields are invalid.
    MalformedManifest,
    /// The payload cannot be decompressed or read, or disagrees with its manifest.
    MalformedPayload,
    /// An answer from the upstream (receipt, review page, enrollment) that cannot be read.
    MalformedResponse,
    /// The signature does not verify over the exact signed bytes.
    BadSignature,
    /// The signing key is not registered with the upstream.
    KeyUnknown,
    /// The signing key was revoked (the school enrolled again, or the county revoked it).
    KeyRevoked,
    /// The school named is not the one the key (or the enrollment code) belongs to.
    WrongSchool,
    /// The batch's sequence number was already taken by an accepted batch.
    SequenceReplayed,
    /// The batch does not follow the last accepted batch (a gap, or another base).
    SequenceOutOfOrder,
    /// The payload's SHA-256 differs from the manifest's.
    PayloadHashMismatch,
    /// The batch id is already used by a batch with other bytes.
    BatchConflict,
    /// A resumed upload does not start where the upstream's copy ends.
    OffsetMismatch,
    /// No batch with that id.
    BatchNotFound,
    /// The enrollment code (报送码) is unknown, already used or expired.
    EnrollmentCodeInvalid,
    /// The upstream's receipt does not verify against the pinned key or does
    /// not match the batch it answers.
    ReceiptInvalid,
    /// A signed request is too old or too far in the future.
    RequestExpired,
    /// The upstream failed; try again later.
    ServerError,
    /// Too many requests from this school (or this address) for now: the
    /// answer's `Retry-After` says how many seconds to wait (HTTP 429).
    RateLimited,
    /// The request took longer than the upstream allows (a slow upload, a
    /// slow reader): nothing of it was kept; send it again (HTTP 408).
    RequestTimeout,
    /// A code this build does not know (a newer upstream); the message says what.
    #[serde(other)]
    Unknown,
}

impl RefusalCode {
    /// Every code, in documentation order.
    pub const ALL: [RefusalCode; 24] = [
        RefusalCode::UnsupportedVersion,
        RefusalCode::UnsupportedAlgorithm,
        RefusalCode::TooLarge,
        RefusalCode::MalformedRequest,
        RefusalCode::MalformedManifest,
        RefusalCode::MalformedPayload,
        RefusalCode::MalformedResponse,
        RefusalCode::BadSignature,
        RefusalCode::KeyUnknown,
        RefusalCode::KeyRevoked,
        RefusalCode::WrongSchool,
        RefusalCode::SequenceReplayed,
        RefusalCode::SequenceOutOfOrder,
        RefusalCode::PayloadHashMismatch,
        RefusalCode::BatchConflict,
        RefusalCode::OffsetMismatch,
        RefusalCode::BatchNotFound,
        RefusalCode::EnrollmentCodeInvalid,
        RefusalCode::ReceiptInvalid,
        RefusalCode::RequestExpired,
        RefusalCode::ServerError,
        RefusalCode::RateLimited,
        RefusalCode::RequestTimeout,
        RefusalCode::Unknown,
    ];

    /// The wire form, e.g. `bad_signature`.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::UnsupportedVersion => "unsupported_version",
            RefusalCode::UnsupportedAlgorithm => "unsupported_algorithm",
            RefusalCode::TooLarge => "too_large",
            RefusalCode::MalformedRequest => "malformed_request",
            RefusalCode::MalformedManifest => "malformed_manifest",
            RefusalCode::MalformedPayload => "malformed_payload",
            RefusalCode::MalformedResponse => "malformed_response",
            RefusalCode::BadSignature => "bad_signature",
            RefusalCode::KeyUnknown => "key_unknown",
            RefusalCode::KeyRevoked => "key_revoked",
            RefusalCode::WrongSchool => "wrong_school",
            RefusalCode::SequenceReplayed => "sequence_replayed",
            RefusalCode::SequenceOutOfOrder => "sequence_out_of_order",
            RefusalCode::PayloadHashMismatch => "payload_hash_mismatch",
            RefusalCode::BatchConflict => "batch_conflict",
            RefusalCode::OffsetMismatch => "offset_mismatch",
            RefusalCode::BatchNotFound => "batch_not_found",
            RefusalCode::EnrollmentCodeInvalid => "enrollment_code_invalid",
            RefusalCode::ReceiptInvalid => "receipt_invalid",
            RefusalCode::RequestExpired => "request_expired",
            RefusalCode::ServerError => "server_error",
            RefusalCode::RateLimited => "rate_limited",
            RefusalCode::RequestTimeout => "request_timeout",
            RefusalCode::Unknown => "unknown",
        }
    }

    /// The code as `taoli_core::Error::code` names it: `protocol.<code>`.
    pub fn error_code(self) -> &'static str {
        match self {
            RefusalCode::UnsupportedVersion => "protocol.unsupported_version",
            RefusalCode::UnsupportedAlgorithm => "protocol.unsupported_algorithm",
            RefusalCode::TooLarge => "protocol.too_large",
            RefusalCode::MalformedRequest => "protocol.malformed_request",
            RefusalCode::MalformedManifest => "protocol.malformed_manifest",
            RefusalCode::MalformedPayload => "protocol.malformed_payload",
            RefusalCode::MalformedResponse => "protocol.malformed_response",
            RefusalCode::BadSignature => "protocol.bad_signature",
            RefusalCode::KeyUnknown => "protocol.key_unknown",
            RefusalCode::KeyRevoked => "protocol.key_revoked",
            RefusalCode::WrongSchool => "protocol.wrong_school",
            RefusalCode::SequenceReplayed => "protocol.sequence_replayed",
            RefusalCode::SequenceOutOfOrder => "protocol.sequence_out_of_order",
            RefusalCode::PayloadHashMismatch => "protocol.payload_hash_mismatch",
            RefusalCode::BatchConflict => "protocol.batch_conflict",
            RefusalCode::OffsetMismatch => "protocol.offset_mismatch",
            RefusalCode::BatchNotFound => "protocol.batch_not_found",
            RefusalCode::EnrollmentCodeInvalid => "protocol.enrollment_code_invalid",
            RefusalCode::ReceiptInvalid => "protocol.receipt_invalid",
            RefusalCode::RequestExpired => "protocol.request_expired",
            RefusalCode::ServerError => "protocol.server_error",
            RefusalCode::RateLimited => "protocol.rate_limited",
            RefusalCode::RequestTimeout => "protocol.request_timeout",
            RefusalCode::Unknown => "protocol.unknown",
        }
    }

    /// The HTTP status the upstream answers this refusal with.
    pub fn http_status(self) -> u16 {
        match self {
            RefusalCode::UnsupportedVersion
            | RefusalCode::UnsupportedAlgorithm
            | RefusalCode::MalformedRequest
            | RefusalCode::MalformedManifest => 400,
            RefusalCode::BadSignature
            | RefusalCode::KeyUnknown
            | RefusalCode::KeyRevoked
            | RefusalCode::RequestExpired => 401,
            RefusalCode::WrongSchool | RefusalCode::EnrollmentCodeInvalid => 403,
            RefusalCode::BatchNotFound => 404,
            RefusalCode::SequenceReplayed
            | RefusalCode::SequenceOutOfOrder
            | RefusalCode::BatchConflict
            | RefusalCode::OffsetMismatch => 409,
            RefusalCode::RequestTimeout => 408,
            RefusalCode::TooLarge => 413,
            RefusalCode::RateLimited => 429,
            RefusalCode::PayloadHashMismatch | RefusalCode::MalformedPayload => 422,
            RefusalCode::MalformedResponse
            | RefusalCode::ReceiptInvalid
            | RefusalCode::Unknown
            | RefusalCode::ServerError => 500,
        }
    }

    /// Whether sending the same thing again later may succeed (the link, or
    /// the upstream, failed) rather than needing a change first.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            RefusalCode::ServerError
                | RefusalCode::OffsetMismatch
                | RefusalCode::RequestExpired
                | RefusalCode::RateLimited
                | RefusalCode::RequestTimeout
        )
    }

    /// The clerk's message: what is wrong and what to do.
    pub fn message(self) -> &'static str {
        match self {
            RefusalCode::UnsupportedVersion => {
                "上报数据的协议版本不受支持（上级系统只接受 taoli-batch/1）。请把桃李升级到最新版本后重新上报。"
            }
            RefusalCode::UnsupportedAlgorithm => {
                "上报数据使用的签名算法不受支持。请把桃李升级到最新版本后重新上报。"
            }
            RefusalCode::TooLarge => {
                "这一批上报的数据超过了上级系统一次能接收的上限。请分成几批上报；如果仍然出现，请联系县级教师信息管理员。"
            }
            RefusalCode::MalformedRequest => {
                "上级系统无法读取这次请求的内容。请把桃李升级到最新版本后重试；如果仍然出现，请联系县级教师信息管理员。"
            }
            RefusalCode::MalformedManifest => {
                "批次清单的内容不完整或格式不对，上级系统没有接收。请重新生成这一批次后上报；如果仍然出现，请联系县级教师信息管理员。"
            }
            RefusalCode::MalformedPayload => {
                "批次中的教师数据无法读取，或与批次清单不一致，上级系统没有接收。请重新生成这一批次后上报。"
            }
            RefusalCode::MalformedResponse => {
                "上级系统的答复无法读取，这次上报的结果还不能确认。请稍后重试；如果仍然出现，请联系县级教师信息管理员。"
            }
            RefusalCode::BadSignature => {
                "批次的签名与内容不符：数据在传输中被改动，或不是用本校登记的签名密钥签的。上级系统没有接收。请重新上报；如果仍然出现，请联系县级教师信息管理员。"
            }
            RefusalCode::KeyUnknown => {
                "上级系统不认得这台电脑的签名密钥：本校还没有在这台电脑上登记。请向县教育局申请报送码，在桃李中登记后再上报。"
            }
            RefusalCode::KeyRevoked => {
                "这台电脑的签名密钥已经停用（本校已在别的电脑上重新登记，或县教育局停用了它）。请向县教育局申请新的报送码，重新登记后再上报。"
            }
            RefusalCode::WrongSchool => {
                "学校标识码与登记的学校不一致：这个签名密钥或报送码属于另一所学校。请核对本校的学校标识码；如果无误，请向县教育局申请本校的报送码。"
            }
            RefusalCode::SequenceReplayed => {
                "这一批次的序号已经用于上级系统收到的另一批次，上级系统不会重复接收。桃李会从上级系统取回已收到批次的回执，把改动放入新的批次重新上报；如果仍然出现，请联系县级教师信息管理员。"
            }
            RefusalCode::SequenceOutOfOrder => {
                "批次的顺序不对：它没有接在上级系统最后收到的批次之后。请先上报之前未完成的批次，或在桃李中重新生成这一批次。"
            }
            RefusalCode::PayloadHashMismatch => {
                "上级系统收到的数据与批次清单中的校验值不一致（传输中损坏或被改动），没有接收。请重新上报这一批次。"
            }
            RefusalCode::BatchConflict => {
                "这个批次编号已经用于另一份内容不同的批次，上级系统没有接收。请在桃李中重新生成批次后上报。"
            }
            RefusalCode::OffsetMismatch => {
                "续传的位置与上级系统已收到的不一致。桃李会从上级系统已收到的位置继续上传；请稍后重试。"
            }
            RefusalCode::BatchNotFound => "上级系统找不到这个批次。请在桃李中重新上报这一批次。",
            RefusalCode::EnrollmentCodeInvalid => {
                "报送码不正确、已经用过或已过期。请核对报送码（注意不要混淆字母和数字），或向县教育局重新申请一个报送码。"
            }
            RefusalCode::ReceiptInvalid => {
                "上级系统的回执无法验证（签名不符，或与上报的批次对不上），不能作为已上报的凭证。请稍后重新上报；如果仍然出现，请联系县级教师信息管理员。"
            }
            RefusalCode::RequestExpired => {
                "请求的时间与上级系统的时间相差太多，没有被接受。请核对这台电脑的日期和时间后重试。"
            }
            RefusalCode::ServerError => {
                "上级系统暂时出错，没有完成这次请求。请稍后重试；桃李会保留要上报的数据。"
            }
            RefusalCode::RateLimited => {
                "上级系统繁忙：本校短时间内的请求太多，上级系统请桃李稍后再来。桃李会按上级系统说的时间自动重试，要上报的数据都保留着，不需要做什么。"
            }
            RefusalCode::RequestTimeout => {
                "这次请求用的时间超过了上级系统允许的上限（网络太慢或中途停顿），上级系统没有保留它。桃李会自动重试；如果一直出现，请检查网络。"
            }
            RefusalCode::Unknown => {
                "上级系统拒收了这次上报，原因是本版本桃李不认识的。请把桃李升级到最新版本后重试。"
            }
        }
    }

    /// The clerk's message in English (the English UI's and `TAOLI_LANG=en`'s).
    pub fn message_en(self) -> &'static str {
        match self {
            RefusalCode::UnsupportedVersion => {
                "The protocol version of the reported data is not supported (the upstream takes taoli-batch/1 only). Update Taoli to the latest version and report again."
            }
            RefusalCode::UnsupportedAlgorithm => {
                "The reported data is signed with an algorithm that is not supported. Update Taoli to the latest version and report again."
            }
            RefusalCode::TooLarge => {
                "This batch is larger than the upstream takes at once. Report it in several batches; if this keeps happening, contact the county teacher information administrator."
            }
            RefusalCode::MalformedRequest => {
                "The upstream cannot read this request. Update Taoli to the latest version and try again; if this keeps happening, contact the county teacher information administrator."
            }
            RefusalCode::MalformedManifest => {
                "The batch manifest is incomplete or not in the right form, so the upstream did not take it. Make the batch again and report it; if this keeps happening, contact the county teacher information administrator."
            }
            RefusalCode::MalformedPayload => {
                "The teachers' data in the batch cannot be read, or does not match the batch manifest, so the upstream did not take it. Make the batch again and report it."
            }
            RefusalCode::MalformedResponse => {
                "The upstream's answer cannot be read, so the result of this report is not confirmed yet. Try again later; if this keeps happening, contact the county teacher information administrator."
            }
            RefusalCode::BadSignature => {
                "The batch's signature does not match its contents: the data was changed on the way, or was not signed with the signing key this school enrolled. The upstream did not take it. Report again; if this keeps happening, contact the county teacher information administrator."
            }
            RefusalCode::KeyUnknown => {
                "The upstream does not know this computer's signing key: the school has not enrolled on this computer. Ask the county education bureau for an enrollment code, enroll in Taoli, then report."
            }
            RefusalCode::KeyRevoked => {
                "This computer's signing key is no longer in use (the school enrolled again on another computer, or the county education bureau revoked it). Ask the county education bureau for a new enrollment code, enroll again, then report."
            }
            RefusalCode::WrongSchool => {
                "The school code does not match the enrolled school: this signing key or enrollment code belongs to another school. Check this school's school code; if it is right, ask the county education bureau for this school's enrollment code."
            }
            RefusalCode::SequenceReplayed => {
                "This batch's sequence number was already used by another batch the upstream received, and the upstream will not take it twice. Taoli fetches the receipts of the batches the upstream received and reports the changes again in a new batch; if this keeps happening, contact the county teacher information administrator."
            }
            RefusalCode::SequenceOutOfOrder => {
                "The batches are out of order: this one does not follow the last batch the upstream received. Report the unfinished batches before it first, or make this batch again in Taoli."
            }
            RefusalCode::PayloadHashMismatch => {
                "The data the upstream received does not match the check value in the batch manifest (damaged or changed on the way), so it was not taken. Report this batch again."
            }
            RefusalCode::BatchConflict => {
                "This batch id is already used by another batch with different contents, so the upstream did not take it. Make the batch again in Taoli and report it."
            }
            RefusalCode::OffsetMismatch => {
                "The point the upload resumed from does not match what the upstream has received. Taoli carries on from where the upstream's copy ends; try again later."
            }
            RefusalCode::BatchNotFound => {
                "The upstream cannot find this batch. Report this batch again in Taoli."
            }
            RefusalCode::EnrollmentCodeInvalid => {
                "The enrollment code is wrong, already used or expired. Check the enrollment code (do not confuse letters and digits), or ask the county education bureau for a new one."
            }
            RefusalCode::ReceiptInvalid => {
                "The upstream's receipt cannot be verified (its signature does not match, or it does not match the batch reported), so it does not prove the batch was reported. Report again later; if this keeps happening, contact the county teacher information administrator."
            }
            RefusalCode::RequestExpired => {
                "The time of the request is too far from the upstream's time, so it was not accepted. Check this computer's date and time, then try again."
            }
            RefusalCode::ServerError => {
                "The upstream failed and did not finish this request. Try again later; Taoli keeps the data to report."
            }
            RefusalCode::RateLimited => {
                "The upstream is busy: this school sent too many requests in a short time, and the upstream asks Taoli to come back later. Taoli tries again by itself when the upstream says; the data to report is kept, nothing needs doing."
            }
            RefusalCode::RequestTimeout => {
                "This request took longer than the upstream allows (the network is too slow or stalled), and the upstream kept none of it. Taoli tries again by itself; if this keeps happening, check the network."
            }
            RefusalCode::Unknown => {
                "The upstream refused this report for a reason this version of Taoli does not know. Update Taoli to the latest version and try again."
            }
        }
    }
}

impl fmt::Display for RefusalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal: the machine code, the clerk's message (the code's message,
/// with the particulars after it in 「」 or （）) and, when the particulars
/// are words, the same particulars in English.
///
/// Reading one ignores fields this build does not know, so a newer upstream
/// can add particulars without making its refusals unreadable; a refusal
/// without `detail_en` (an older upstream's) reads as before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[error("{message}")]
pub struct Refusal {
    pub code: RefusalCode,
    pub message: String,
    /// The particulars in English, for [`Refusal::message_in_english`]:
    /// present when they were given in both languages
    /// ([`Refusal::with_details`]), absent when there are none or they read
    /// the same in every language ([`Refusal::with_detail`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub detail_en: Option<String>,
}

impl Refusal {
    /// The refusal with the code's own message.
    pub fn new(code: RefusalCode) -> Refusal {
        Refusal {
            code,
            message: code.message().to_owned(),
            detail_en: None,
        }
    }

    /// The refusal with particulars that read the same in every language
    /// after the code's message: a number, an id, a school code, e.g.
    /// `（5100000001）`. Particulars in words take [`Refusal::with_details`],
    /// so that the English window does not show Chinese.
    pub fn with_detail(code: RefusalCode, detail: impl fmt::Display) -> Refusal {
        Refusal {
            code,
            message: format!("{}（{detail}）", code.message()),
            detail_en: None,
        }
    }

    /// The refusal with particulars in words, in Chinese after the code's
    /// message (e.g. `（序号 3，上级系统最后收到的是第 1 批）`) and in English
    /// for [`Refusal::message_in_english`] (e.g. `sequence number 3; the last
    /// batch the upstream received is batch 1`: a plain sentence, lower case
    /// first, as it stands in parentheses). Values (numbers, ids, a parser's
    /// words) are in both as they are.
    pub fn with_details(
        code: RefusalCode,
        detail: impl fmt::Display,
        detail_en: impl fmt::Display,
    ) -> Refusal {
        Refusal {
            code,
            message: format!("{}（{detail}）", code.message()),
            detail_en: Some(detail_en.to_string()),
        }
    }

    /// The refusal in English: the code's English message, with the English
    /// particulars after it. A refusal without them (an older upstream's, or
    /// particulars that read the same in every language) has its particulars
    /// as written; a message that is not the code's own (a newer upstream's
    /// words) follows as it came.
    pub fn message_in_english(&self) -> String {
        let english = self.code.message_en();
        if let Some(detail) = self.detail_en.as_deref().map(str::trim)
            && !detail.is_empty()
        {
            return format!("{english} ({detail})");
        }
        let particulars = self
            .message
            .strip_prefix(self.code.message())
            .unwrap_or(&self.message)
            .trim();
        let particulars = particulars
            .strip_prefix('（')
            .and_then(|p| p.strip_suffix('）'))
            .unwrap_or(particulars);
        if particulars.is_empty() {
            english.to_owned()
        } else {
            format!("{english} ({particulars})")
        }
    }

    /// The HTTP status this refusal is sent with.
    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }

    /// The wire form, compact JSON.
    pub fn to_json(&self) -> String {
        // A struct of a code and a string always serializes.
        serde_json::to_string(self)
            .unwrap_or_else(|_| format!("{{\"code\":\"{}\",\"message\":\"\"}}", self.code.as_str()))
    }

    /// Reads a refusal the upstream sent. Anything that is not one (an HTML
    /// error page from a proxy, say) is [`RefusalCode::MalformedResponse`],
    /// never a panic.
    pub fn decode(bytes: &[u8]) -> Result<Refusal, Refusal> {
        if bytes.len() > super::MAX_REFUSAL_BYTES {
            return Err(Refusal::with_details(
                RefusalCode::MalformedResponse,
                format!("拒收说明有 {} 字节，超过上限", bytes.len()),
                format!("the refusal has {} bytes, more than the limit", bytes.len()),
            ));
        }
        let refusal: Refusal = serde_json::from_slice(bytes).map_err(|e| {
            let error = super::codec::detail(&e.to_string());
            Refusal::with_details(
                RefusalCode::MalformedResponse,
                format!("不是 {PROTOCOL_VERSION} 的拒收说明：{error}"),
                format!("it is not a {PROTOCOL_VERSION} refusal: {error}"),
            )
        })?;
        if refusal.message.trim().is_empty() {
            return Ok(Refusal {
                message: refusal.code.message().to_owned(),
                ..refusal
            });
        }
        Ok(refusal)
    }
}
