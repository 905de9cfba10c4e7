//! 调动 (a transfer: the teacher's 人事关系 moves to another school) as a
//! state machine both ends and the upstream run alike (issue #19).
//!
//! The receiving school (调入学校) starts it; then, in this order, its
//! county (调入校主管教育行政部门) confirms, the sending school (调出学校)
//! confirms and, when the sending school is in another county, that county
//! (调出校主管教育行政部门) confirms. The last confirmation completes it: the
//! teacher leaves the sending school (调出) and the receiving school may take
//! the record (调档). Whoever's turn it is may decline instead, with a
//! reason; the receiving school may withdraw (撤回) until the sending school
//! has confirmed. Nothing is ever approved by itself.
//!
//! Every step carries its own id: a step applied twice (a retried upload, a
//! `.taolibatch` file carried after the online copy arrived) is the same
//! step and changes nothing; a step out of turn is refused with what the
//! transfer waits for.

use serde::{Deserialize, Serialize};

use crate::MAX_REASON_CHARS;

/// Who acts on a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferParty {
    /// 调入学校: starts the transfer, may withdraw it.
    ReceivingSchool,
    /// 调入校主管教育行政部门.
    ReceivingCounty,
    /// 调出学校.
    SendingSchool,
    /// 调出校主管教育行政部门 (a cross-county transfer only).
    SendingCounty,
}

impl TransferParty {
    /// The party's name as the national system says it.
    pub fn label(self) -> &'static str {
        match self {
            TransferParty::ReceivingSchool => "调入学校",
            TransferParty::ReceivingCounty => "调入校主管教育行政部门",
            TransferParty::SendingSchool => "调出学校",
            TransferParty::SendingCounty => "调出校主管教育行政部门",
        }
    }

    /// The party's name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            TransferParty::ReceivingSchool => "the receiving school",
            TransferParty::ReceivingCounty => "the receiving school's education bureau",
            TransferParty::SendingSchool => "the sending school",
            TransferParty::SendingCounty => "the sending school's education bureau",
        }
    }
}

/// What a party does at its step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferAction {
    /// 同意 (confirms its step).
    Confirm,
    /// 不同意, with a reason; ends the transfer.
    Decline,
    /// 撤回 (the receiving school, before the sending school confirms).
    Withdraw,
}

/// Where a transfer stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum TransferStage {
    /// Waiting for `party` to confirm or decline.
    Waiting { party: TransferParty },
    /// Every confirmation is in: the teacher moves.
    Completed,
    /// Declined by `party`, for `reason`.
    Declined {
        party: TransferParty,
        reason: String,
    },
    /// Withdrawn by the receiving school.
    Withdrawn,
}

impl TransferStage {
    /// Whether nothing more can happen to the transfer.
    pub fn is_closed(&self) -> bool {
        !matches!(self, TransferStage::Waiting { .. })
    }
}

/// One step of a transfer, as it travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferStep {
    /// The step's own id (a UUID): the same step twice is one step.
    pub step_id: String,
    pub party: TransferParty,
    pub action: TransferAction,
    /// Why, for a decline (required) or a withdrawal (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When, RFC 3339.
    pub at: String,
}

/// Why a step cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferRefusal {
    /// Not this party's turn.
    #[error("这一步现在应由{}办理，不是{}", .waiting.label(), .party.label())]
    NotYourTurn {
        waiting: TransferParty,
        party: TransferParty,
    },
    /// The transfer is over.
    #[error("这项调动已经{}，不能再办理", closed_label(.stage))]
    Closed { stage: TransferStage },
    /// A decline without a reason, or one too long.
    #[error("不同意时请写明理由（1–{max} 个字）")]
    ReasonRequired { max: usize },
    /// A withdrawal by anyone but the receiving school, or after the
    /// sending school confirmed.
    #[error("只有调入学校可以撤回，且须在调出学校同意之前")]
    CannotWithdraw,
    /// The receiving school does not confirm its own request.
    #[error("调入学校发起调动后无需再同意")]
    NothingToConfirm,
    /// The same step id with other content.
    #[error("步骤 {step_id} 已经办理过，内容与这次不同")]
    StepConflict { step_id: String },
    /// A request without something it needs.
    #[error("调动申请缺少{}，请填写", .field.label())]
    Missing { field: RequestField },
    /// A request's value longer than it may be.
    #[error("调动申请的{}超过 {max} 个字，请精简", .field.label())]
    TooLong { field: RequestField, max: usize },
    /// A school code that is not ten digits.
    #[error("学校标识码「{code}」应为 10 位数字")]
    SchoolCode { code: String },
    /// A transfer from a school to itself.
    #[error("调出学校与调入学校是同一所学校，不是调动")]
    SameSchool,
    /// A date that is not a day of the calendar.
    #[error("计划调动日期「{value}」不是有效日期（格式 YYYY-MM-DD）")]
    BadDate { value: String },
}

fn closed_label(stage: &TransferStage) -> &'static str {
    match stage {
        TransferStage::Completed => "办结",
        TransferStage::Declined { .. } => "被退回",
        TransferStage::Withdrawn => "撤回",
        TransferStage::Waiting { .. } => "在办理中",
    }
}

impl TransferRefusal {
    /// The message in English (`Display` is the Chinese one).
    pub fn message_in_english(&self) -> String {
        match self {
            TransferRefusal::NotYourTurn { waiting, party } => format!(
                "this step is for {} to take, not {}",
                waiting.label_en(),
                party.label_en()
            ),
            TransferRefusal::Closed { stage } => {
                let said = match stage {
                    TransferStage::Completed => "completed",
                    TransferStage::Declined { .. } => "declined",
                    TransferStage::Withdrawn => "withdrawn",
                    TransferStage::Waiting { .. } => "under way",
                };
                format!("the transfer is already {said}; nothing more can be done to it")
            }
            TransferRefusal::ReasonRequired { max } => {
                format!("a decline needs a reason (1–{max} characters)")
            }
            TransferRefusal::CannotWithdraw => "only the receiving school can withdraw, and only \
                 before the sending school has confirmed"
                .to_owned(),
            TransferRefusal::NothingToConfirm => {
                "the receiving school started the transfer; it has nothing to confirm".to_owned()
            }
            TransferRefusal::StepConflict { step_id } => {
                format!("step {step_id} was already taken, with other content")
            }
            TransferRefusal::Missing { field } => {
                format!("the transfer request has no {}", field.label_en())
            }
            TransferRefusal::TooLong { field, max } => format!(
                "the transfer request's {} is longer than {max} characters",
                field.label_en()
            ),
            TransferRefusal::SchoolCode { code } => {
                format!("the school code \"{code}\" should be 10 digits")
            }
            TransferRefusal::SameSchool => {
                "the sending and the receiving school are the same school".to_owned()
            }
            TransferRefusal::BadDate { value } => {
                format!("the planned date \"{value}\" is not a date (YYYY-MM-DD)")
            }
        }
    }
}

/// A value of a [`TransferRequest`] a refusal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestField {
    Name,
    IdType,
    IdNumber,
    Reason,
    DocumentNo,
}

impl RequestField {
    /// The value's name on the national system's forms.
    pub fn label(self) -> &'static str {
        match self {
            RequestField::Name => "姓名",
            RequestField::IdType => "身份证件类型",
            RequestField::IdNumber => "身份证件号码",
            RequestField::Reason => "调动原因",
            RequestField::DocumentNo => "文号",
        }
    }

    /// The value's name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            RequestField::Name => "name",
            RequestField::IdType => "ID type",
            RequestField::IdNumber => "ID number",
            RequestField::Reason => "reason",
            RequestField::DocumentNo => "document number",
        }
    }
}

/// The longest name a request may carry.
pub const MAX_TRANSFER_NAME_CHARS: usize = 50;
/// The longest ID number a request may carry.
pub const MAX_TRANSFER_ID_NUMBER_CHARS: usize = 30;
/// The longest 文号 a request may carry.
pub const MAX_TRANSFER_DOCUMENT_CHARS: usize = 100;

/// What the receiving school (调入学校) asks: the teacher by ID and name,
/// the school they come from, when, why. It travels in the school's next
/// batch; the transfer is then [`Transfer::requested`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRequest {
    /// The transfer's id (a UUID), made by the receiving school: the same
    /// request sent twice is one transfer.
    pub transfer_id: String,
    /// 身份证件类型, a code of the catalog's table.
    pub id_type: String,
    /// 身份证件号码.
    pub id_number: String,
    /// 姓名.
    pub name: String,
    /// 调出学校's 学校标识码.
    pub sending_school: String,
    /// 调入学校's 学校标识码 (the school asking).
    pub receiving_school: String,
    /// 计划调动日期, YYYY-MM-DD.
    pub planned_date: String,
    /// 调动原因.
    pub reason: String,
    /// 文号, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_no: Option<String>,
}

impl TransferRequest {
    /// Whether the request is one the upstream can take: every value there,
    /// within its length, both schools ten-digit codes and not the same, the
    /// date a day of the calendar. The first thing wrong, said for a clerk.
    pub fn check(&self) -> Result<(), TransferRefusal> {
        required(RequestField::Name, &self.name, MAX_TRANSFER_NAME_CHARS)?;
        required(RequestField::IdType, &self.id_type, 10)?;
        required(
            RequestField::IdNumber,
            &self.id_number,
            MAX_TRANSFER_ID_NUMBER_CHARS,
        )?;
        for code in [&self.sending_school, &self.receiving_school] {
            if code.len() != 10 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(TransferRefusal::SchoolCode { code: code.clone() });
            }
        }
        if self.sending_school == self.receiving_school {
            return Err(TransferRefusal::SameSchool);
        }
        if chrono::NaiveDate::parse_from_str(&self.planned_date, "%Y-%m-%d").is_err() {
            return Err(TransferRefusal::BadDate {
                value: self.planned_date.clone(),
            });
        }
        required(RequestField::Reason, &self.reason, MAX_REASON_CHARS)?;
        if let Some(document) = &self.document_no {
            required(
                RequestField::DocumentNo,
                document,
                MAX_TRANSFER_DOCUMENT_CHARS,
            )?;
        }
        Ok(())
    }
}

/// A value that must be there, trimmed, and at most `max` characters.
fn required(field: RequestField, value: &str, max: usize) -> Result<(), TransferRefusal> {
    let value = value.trim();
    if value.is_empty() {
        return Err(TransferRefusal::Missing { field });
    }
    if value.chars().count() > max {
        return Err(TransferRefusal::TooLong { field, max });
    }
    Ok(())
}

/// What applying a step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The step moved the transfer on.
    Taken,
    /// The step was already taken (same id, same content): nothing changed.
    Again,
}

/// A transfer's confirmations so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// Whether the sending school is in another county (its county then
    /// confirms too).
    pub cross_county: bool,
    /// The steps taken, in order.
    pub steps: Vec<TransferStep>,
}

impl Transfer {
    /// A transfer the receiving school has just requested.
    pub fn requested(cross_county: bool) -> Transfer {
        Transfer {
            cross_county,
            steps: Vec::new(),
        }
    }

    /// The confirmations a transfer needs, in order.
    pub fn confirmers(&self) -> &'static [TransferParty] {
        if self.cross_county {
            &[
                TransferParty::ReceivingCounty,
                TransferParty::SendingSchool,
                TransferParty::SendingCounty,
            ]
        } else {
            &[TransferParty::ReceivingCounty, TransferParty::SendingSchool]
        }
    }

    /// Where the transfer stands.
    pub fn stage(&self) -> TransferStage {
        let mut confirmed = 0usize;
        for step in &self.steps {
            match step.action {
                TransferAction::Confirm => confirmed = confirmed.saturating_add(1),
                TransferAction::Decline => {
                    return TransferStage::Declined {
                        party: step.party,
                        reason: step.reason.clone().unwrap_or_default(),
                    };
                }
                TransferAction::Withdraw => return TransferStage::Withdrawn,
            }
        }
        match self.confirmers().get(confirmed) {
            Some(party) => TransferStage::Waiting { party: *party },
            None => TransferStage::Completed,
        }
    }

    /// Whether the receiving school may still withdraw.
    pub fn can_withdraw(&self) -> bool {
        !self.stage().is_closed()
            && !self
                .steps
                .iter()
                .any(|s| s.party == TransferParty::SendingSchool)
    }

    /// Takes `step`, or says why it cannot be taken. The same step again
    /// (same id and content) is [`Applied::Again`] and changes nothing.
    pub fn apply(&mut self, step: TransferStep) -> Result<Applied, TransferRefusal> {
        if let Some(taken) = self.steps.iter().find(|s| s.step_id == step.step_id) {
            return if same_step(taken, &step) {
                Ok(Applied::Again)
            } else {
                Err(TransferRefusal::StepConflict {
                    step_id: step.step_id,
                })
            };
        }
        let stage = self.stage();
        let TransferStage::Waiting { party: waiting } = stage else {
            return Err(TransferRefusal::Closed { stage });
        };
        match step.action {
            TransferAction::Withdraw => {
                if step.party != TransferParty::ReceivingSchool || !self.can_withdraw() {
                    return Err(TransferRefusal::CannotWithdraw);
                }
            }
            TransferAction::Confirm | TransferAction::Decline => {
                if step.party == TransferParty::ReceivingSchool {
                    return Err(TransferRefusal::NothingToConfirm);
                }
                if step.party != waiting {
                    return Err(TransferRefusal::NotYourTurn {
                        waiting,
                        party: step.party,
                    });
                }
                if step.action == TransferAction::Decline && !reason_ok(step.reason.as_deref()) {
                    return Err(TransferRefusal::ReasonRequired {
                        max: MAX_REASON_CHARS,
                    });
                }
            }
        }
        self.steps.push(step);
        Ok(Applied::Taken)
    }
}

/// The same step: who, what and why (the time a retry stamps may differ).
fn same_step(a: &TransferStep, b: &TransferStep) -> bool {
    a.party == b.party && a.action == b.action && a.reason == b.reason
}

fn reason_ok(reason: Option<&str>) -> bool {
    reason
        .map(str::trim)
        .is_some_and(|r| !r.is_empty() && r.chars().count() <= MAX_REASON_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: &str, party: TransferParty, action: TransferAction) -> TransferStep {
        TransferStep {
            step_id: id.to_owned(),
            party,
            action,
            reason: None,
            at: "2027-03-01T08:00:00Z".to_owned(),
        }
    }

    fn declined(id: &str, party: TransferParty, reason: &str) -> TransferStep {
        TransferStep {
            reason: Some(reason.to_owned()),
            ..step(id, party, TransferAction::Decline)
        }
    }

    use TransferAction::{Confirm, Withdraw};
    use TransferParty::{ReceivingCounty, ReceivingSchool, SendingCounty, SendingSchool};

    #[test]
    fn an_in_county_transfer_is_complete_once_the_county_and_the_sending_school_confirm() {
        let mut t = Transfer::requested(false);
        assert_eq!(
            t.stage(),
            TransferStage::Waiting {
                party: ReceivingCounty
            }
        );
        t.apply(step("1", ReceivingCounty, Confirm)).unwrap();
        assert_eq!(
            t.stage(),
            TransferStage::Waiting {
                party: SendingSchool
            }
        );
        t.apply(step("2", SendingSchool, Confirm)).unwrap();
        assert_eq!(t.stage(), TransferStage::Completed);
    }

    #[test]
    fn a_cross_county_transfer_waits_for_the_sending_county_last() {
        let mut t = Transfer::requested(true);
        t.apply(step("1", ReceivingCounty, Confirm)).unwrap();
        t.apply(step("2", SendingSchool, Confirm)).unwrap();
        assert_eq!(
            t.stage(),
            TransferStage::Waiting {
                party: SendingCounty
            }
        );
        t.apply(step("3", SendingCounty, Confirm)).unwrap();
        assert_eq!(t.stage(), TransferStage::Completed);
    }

    #[test]
    fn a_step_out_of_turn_is_refused_naming_whose_turn_it_is() {
        let mut t = Transfer::requested(true);
        let refused = t.apply(step("1", SendingSchool, Confirm)).unwrap_err();
        assert_eq!(
            refused,
            TransferRefusal::NotYourTurn {
                waiting: ReceivingCounty,
                party: SendingSchool
            }
        );
        assert!(refused.to_string().contains("调入校主管教育行政部门"));
        assert!(t.steps.is_empty());
    }

    #[test]
    fn the_same_step_twice_is_taken_once() {
        let mut t = Transfer::requested(false);
        assert_eq!(
            t.apply(step("1", ReceivingCounty, Confirm)),
            Ok(Applied::Taken)
        );
        let mut again = step("1", ReceivingCounty, Confirm);
        again.at = "2027-03-02T09:00:00Z".to_owned();
        assert_eq!(t.apply(again), Ok(Applied::Again));
        assert_eq!(t.steps.len(), 1);
    }

    #[test]
    fn a_step_id_reused_for_other_content_is_a_conflict() {
        let mut t = Transfer::requested(false);
        t.apply(step("1", ReceivingCounty, Confirm)).unwrap();
        let other = declined("1", ReceivingCounty, "编制已满");
        assert!(matches!(
            t.apply(other),
            Err(TransferRefusal::StepConflict { .. })
        ));
    }

    #[test]
    fn a_decline_ends_the_transfer_with_its_reason() {
        let mut t = Transfer::requested(false);
        t.apply(step("1", ReceivingCounty, Confirm)).unwrap();
        t.apply(declined("2", SendingSchool, "该教师本学期任毕业班课程"))
            .unwrap();
        assert_eq!(
            t.stage(),
            TransferStage::Declined {
                party: SendingSchool,
                reason: "该教师本学期任毕业班课程".to_owned()
            }
        );
        let after = t.apply(step("3", SendingSchool, Confirm)).unwrap_err();
        assert!(matches!(after, TransferRefusal::Closed { .. }));
        assert!(after.to_string().contains("被退回"));
    }

    #[test]
    fn a_decline_needs_a_reason() {
        let mut t = Transfer::requested(false);
        for blank in [None, Some("   ")] {
            let mut s = step("1", ReceivingCounty, TransferAction::Decline);
            s.reason = blank.map(str::to_owned);
            assert_eq!(
                t.apply(s),
                Err(TransferRefusal::ReasonRequired {
                    max: MAX_REASON_CHARS
                })
            );
        }
        assert!(t.steps.is_empty());
    }

    #[test]
    fn the_receiving_school_may_withdraw_until_the_sending_school_confirms() {
        let mut early = Transfer::requested(false);
        early.apply(step("1", ReceivingCounty, Confirm)).unwrap();
        assert!(early.can_withdraw());
        early.apply(step("2", ReceivingSchool, Withdraw)).unwrap();
        assert_eq!(early.stage(), TransferStage::Withdrawn);

        let mut late = Transfer::requested(true);
        late.apply(step("1", ReceivingCounty, Confirm)).unwrap();
        late.apply(step("2", SendingSchool, Confirm)).unwrap();
        assert!(!late.can_withdraw());
        assert_eq!(
            late.apply(step("3", ReceivingSchool, Withdraw)),
            Err(TransferRefusal::CannotWithdraw)
        );
    }

    #[test]
    fn only_the_receiving_school_withdraws() {
        let mut t = Transfer::requested(false);
        assert_eq!(
            t.apply(step("1", ReceivingCounty, Withdraw)),
            Err(TransferRefusal::CannotWithdraw)
        );
    }

    #[test]
    fn the_receiving_school_has_nothing_to_confirm() {
        let mut t = Transfer::requested(false);
        assert_eq!(
            t.apply(step("1", ReceivingSchool, Confirm)),
            Err(TransferRefusal::NothingToConfirm)
        );
    }

    #[test]
    fn every_refusal_is_said_in_english_too() {
        let refusals = [
            TransferRefusal::NotYourTurn {
                waiting: SendingCounty,
                party: ReceivingCounty,
            },
            TransferRefusal::Closed {
                stage: TransferStage::Withdrawn,
            },
            TransferRefusal::ReasonRequired { max: 200 },
            TransferRefusal::CannotWithdraw,
            TransferRefusal::NothingToConfirm,
            TransferRefusal::StepConflict {
                step_id: "x".into(),
            },
            TransferRefusal::Missing {
                field: RequestField::DocumentNo,
            },
            TransferRefusal::TooLong {
                field: RequestField::Name,
                max: 50,
            },
            TransferRefusal::SchoolCode { code: "1".into() },
            TransferRefusal::SameSchool,
            TransferRefusal::BadDate { value: "x".into() },
        ];
        for r in refusals {
            assert!(!r.message_in_english().is_empty());
            assert_ne!(r.message_in_english(), r.to_string());
        }
    }

    fn request() -> TransferRequest {
        TransferRequest {
            transfer_id: "0190a1b2-0000-7000-8000-000000000001".into(),
            id_type: "1".into(),
            id_number: "51072319850315002X".into(),
            name: "王芳".into(),
            sending_school: "2151072201".into(),
            receiving_school: "2151072202".into(),
            planned_date: "2027-09-01".into(),
            reason: "夫妻两地分居".into(),
            document_no: Some("三教人〔2027〕12号".into()),
        }
    }

    #[test]
    fn a_complete_request_passes_its_check() {
        assert_eq!(request().check(), Ok(()));
    }

    #[test]
    fn a_request_without_a_name_says_so() {
        let r = TransferRequest {
            name: "  ".into(),
            ..request()
        };
        let refused = r.check().unwrap_err();
        assert_eq!(
            refused,
            TransferRefusal::Missing {
                field: RequestField::Name
            }
        );
        assert!(refused.to_string().contains("缺少姓名"));
        assert!(refused.message_in_english().contains("name"));
    }

    #[test]
    fn a_school_code_that_is_not_ten_digits_is_named() {
        let r = TransferRequest {
            sending_school: "215107220".into(),
            ..request()
        };
        assert_eq!(
            r.check(),
            Err(TransferRefusal::SchoolCode {
                code: "215107220".into()
            })
        );
    }

    #[test]
    fn a_transfer_to_the_same_school_is_refused() {
        let r = TransferRequest {
            sending_school: "2151072202".into(),
            ..request()
        };
        assert_eq!(r.check(), Err(TransferRefusal::SameSchool));
    }

    #[test]
    fn a_planned_date_off_the_calendar_is_refused() {
        let r = TransferRequest {
            planned_date: "2027-02-30".into(),
            ..request()
        };
        assert!(matches!(r.check(), Err(TransferRefusal::BadDate { .. })));
    }

    #[test]
    fn a_reason_over_the_limit_is_refused_with_the_limit() {
        let r = TransferRequest {
            reason: "长".repeat(MAX_REASON_CHARS + 1),
            ..request()
        };
        assert_eq!(
            r.check(),
            Err(TransferRefusal::TooLong {
                field: RequestField::Reason,
                max: MAX_REASON_CHARS
            })
        );
    }

    #[test]
    fn a_request_without_a_document_number_is_fine() {
        let r = TransferRequest {
            document_no: None,
            ..request()
        };
        assert_eq!(r.check(), Ok(()));
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains("document_no"), "{text}");
    }

    #[test]
    fn a_transfer_travels_as_json_and_back() {
        let mut t = Transfer::requested(true);
        t.apply(step("1", ReceivingCounty, Confirm)).unwrap();
        t.apply(declined("2", SendingSchool, "不同意")).unwrap();
        let text = serde_json::to_string(&t).unwrap();
        assert!(text.contains("\"party\":\"sending_school\""), "{text}");
        let back: Transfer = serde_json::from_str(&text).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.stage(), t.stage());
    }
}
