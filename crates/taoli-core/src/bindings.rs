//! TypeScript declarations of every type the UI receives or sends, generated
//! from these Rust types (ts-rs) into one checked-in file, `ui/src/bindings.ts`.
//! A test fails when that file is stale; `TAOLI_UPDATE_BINDINGS=1 cargo test -p
//! taoli-core bindings` rewrites it.

use ts_rs::{Config, TS};

use crate::account::{NewUser, Permission, Role, Session, User};
use crate::audit::{AuditChange, AuditEntry, AuditPage, AuditQuery};
use crate::batches::{
    BatchExport, BatchState, BatchStatus, BatchSummary, EnrollmentInfo, HeldBack, KeyPlace,
    Missing, NextDeadline, OutboxStatus, PendingReview, ReceiptImport, ReceiptInfo, ReturnedBatch,
    ReturnedRecord, ReviewApproval, ReviewChange, ReviewField, ReviewStatus, ReviewTeacher,
    ReviewWarning, ReviewsApplied, StatusCounts, SubmitOutcome, SyncPass, SyncReport,
    TeacherUpload, TransportSettings, UploadStatus, UpstreamNotice, WaitingBatch,
};
use crate::catalog::{
    AllSets, Code, CodeTable, EffectiveCatalog, EffectiveField, EffectiveGroup, FieldType, Filler,
    IdNumberForm, IdType, IndicatorSet, PackInfo, Region, Regions, SchoolType, SchoolTypeScope,
    SetScope, Severity,
};
use crate::entry::RecordDraft;
use crate::error::{ErrorKind, ErrorPayload, Locale};
use crate::export::{ExportFormat, SchoolExport, SheetStyle, TeacherExport};
use crate::id_derived::IdDerivedValue;
use crate::id_number::IdGender;
use crate::import::notes::{ImportNote, ProblemGroup};
use crate::import::{
    ColumnMapping, FieldChange, FieldTarget, ImportCounts, ImportOptions, ImportRun, ImportSummary,
    MappingOverride, MappingSource, MessageSeverity, OnConflict, RosterInfo, RosterKind,
    RowMessage, RowPage, RowPreview, RowStatus, SheetInfo, SheetPreview, SkipReason, SkippedSheet,
    TextEncoding, UndoResult,
};
use crate::pending::PendingValue;
use crate::protocol::{Refusal, RefusalCode};
use crate::recent::RecentFile;
use crate::record::IndicatorRecord;
use crate::revision::{Action, Entity, Operation, Revision};
use crate::school::{NewSchool, School};
use crate::search::TeacherListing;
use crate::sheets::{
    PrintedSheet, PrintedSheets, SheetPrint, SheetsPreview, SignoffInfo, SignoffState,
};
use crate::stats::{ChartKind, Dimension, SchoolStats, StatsBucket, StatsDimension};
use crate::status_changes::{
    DepartedTeacher, NewStatusChange, RosterFilter, StatusChangeCounts, StatusRule, StatusTimeline,
};
use crate::status_event::{EventKind, EventState, StatusEvent};
use crate::store::{
    AuditBreak, AuditBreakReason, AuditCheck, Backup, BackupList, BackupReason,
    CopiedToThisComputer, Credentials, NetworkShare, OpenedSchool, RecoveryCodeShown,
    RecoveryStatus,
};
use crate::teacher::{NewTeacher, Teacher};
use crate::validate::{Problem, ValidationReport};
use crate::workbench::{Completeness, ReportingCounts, SignoffCounts, WorkbenchSummary};

/// The contents of `ui/src/bindings.ts`.
pub fn typescript() -> String {
    let cfg = Config::default();
    let decls = [
        ErrorKind::decl(&cfg),
        ErrorPayload::decl(&cfg),
        Locale::decl(&cfg),
        Role::decl(&cfg),
        Permission::decl(&cfg),
        Session::decl(&cfg),
        User::decl(&cfg),
        NewUser::decl(&cfg),
        Credentials::decl(&cfg),
        OpenedSchool::decl(&cfg),
        NetworkShare::decl(&cfg),
        CopiedToThisComputer::decl(&cfg),
        IndicatorSet::decl(&cfg),
        SchoolTypeScope::decl(&cfg),
        SchoolType::decl(&cfg),
        IdNumberForm::decl(&cfg),
        IdType::decl(&cfg),
        IdGender::decl(&cfg),
        IdDerivedValue::decl(&cfg),
        NewSchool::decl(&cfg),
        School::decl(&cfg),
        NewTeacher::decl(&cfg),
        Teacher::decl(&cfg),
        TeacherListing::decl(&cfg),
        RosterFilter::decl(&cfg),
        StatusEvent::decl(&cfg),
        EventKind::decl(&cfg),
        EventState::decl(&cfg),
        NewStatusChange::decl(&cfg),
        crate::entry::IdentityCorrection::decl(&cfg),
        crate::entry::CorrectionOutcome::decl(&cfg),
        crate::correction_request::CorrectionRequest::decl(&cfg),
        crate::correction_request::RequestState::decl(&cfg),
        crate::duplicates::DuplicatePair::decl(&cfg),
        crate::duplicates::DuplicateReason::decl(&cfg),
        crate::sheets::SignoffGaps::decl(&cfg),
        crate::sheets::SignoffGate::decl(&cfg),
        crate::sheets::SignoffLack::decl(&cfg),
        crate::workbench::ReviewCounts::decl(&cfg),
        StatusTimeline::decl(&cfg),
        DepartedTeacher::decl(&cfg),
        crate::status_changes::Departure::decl(&cfg),
        StatusRule::decl(&cfg),
        StatusChangeCounts::decl(&cfg),
        crate::catalog::Approval::decl(&cfg),
        IndicatorRecord::decl(&cfg),
        Entity::decl(&cfg),
        Action::decl(&cfg),
        Revision::decl(&cfg),
        RecentFile::decl(&cfg),
        TeacherExport::decl(&cfg),
        SchoolExport::decl(&cfg),
        ExportFormat::decl(&cfg),
        SheetStyle::decl(&cfg),
        AllSets::decl(&cfg),
        SetScope::decl(&cfg),
        Filler::decl(&cfg),
        FieldType::decl(&cfg),
        Code::decl(&cfg),
        CodeTable::decl(&cfg),
        EffectiveField::decl(&cfg),
        EffectiveGroup::decl(&cfg),
        EffectiveCatalog::decl(&cfg),
        Region::decl(&cfg),
        Regions::decl(&cfg),
        Severity::decl(&cfg),
        Problem::decl(&cfg),
        ValidationReport::decl(&cfg),
        RecordDraft::decl(&cfg),
        PackInfo::decl(&cfg),
        RosterKind::decl(&cfg),
        TextEncoding::decl(&cfg),
        SheetInfo::decl(&cfg),
        RosterInfo::decl(&cfg),
        FieldTarget::decl(&cfg),
        MappingSource::decl(&cfg),
        ColumnMapping::decl(&cfg),
        MappingOverride::decl(&cfg),
        OnConflict::decl(&cfg),
        ImportOptions::decl(&cfg),
        RowStatus::decl(&cfg),
        MessageSeverity::decl(&cfg),
        RowMessage::decl(&cfg),
        FieldChange::decl(&cfg),
        RowPreview::decl(&cfg),
        RowPage::decl(&cfg),
        SheetPreview::decl(&cfg),
        ImportCounts::decl(&cfg),
        SkippedSheet::decl(&cfg),
        SkipReason::decl(&cfg),
        ImportNote::decl(&cfg),
        ProblemGroup::decl(&cfg),
        ImportSummary::decl(&cfg),
        PendingValue::decl(&cfg),
        ImportRun::decl(&cfg),
        UndoResult::decl(&cfg),
        Dimension::decl(&cfg),
        ChartKind::decl(&cfg),
        StatsBucket::decl(&cfg),
        StatsDimension::decl(&cfg),
        SchoolStats::decl(&cfg),
        PrintedSheet::decl(&cfg),
        PrintedSheets::decl(&cfg),
        SheetsPreview::decl(&cfg),
        SignoffState::decl(&cfg),
        SheetPrint::decl(&cfg),
        SignoffInfo::decl(&cfg),
        Operation::decl(&cfg),
        AuditQuery::decl(&cfg),
        AuditChange::decl(&cfg),
        AuditEntry::decl(&cfg),
        AuditPage::decl(&cfg),
        AuditBreak::decl(&cfg),
        AuditBreakReason::decl(&cfg),
        AuditCheck::decl(&cfg),
        BackupReason::decl(&cfg),
        Backup::decl(&cfg),
        BackupList::decl(&cfg),
        RecoveryStatus::decl(&cfg),
        RecoveryCodeShown::decl(&cfg),
        RefusalCode::decl(&cfg),
        Refusal::decl(&cfg),
        KeyPlace::decl(&cfg),
        BatchState::decl(&cfg),
        UploadStatus::decl(&cfg),
        BatchStatus::decl(&cfg),
        EnrollmentInfo::decl(&cfg),
        UpstreamNotice::decl(&cfg),
        TransportSettings::decl(&cfg),
        BatchSummary::decl(&cfg),
        ReturnedRecord::decl(&cfg),
        TeacherUpload::decl(&cfg),
        HeldBack::decl(&cfg),
        StatusCounts::decl(&cfg),
        Missing::decl(&cfg),
        NextDeadline::decl(&cfg),
        OutboxStatus::decl(&cfg),
        Completeness::decl(&cfg),
        SignoffCounts::decl(&cfg),
        ReportingCounts::decl(&cfg),
        WorkbenchSummary::decl(&cfg),
        ReceiptInfo::decl(&cfg),
        ReceiptImport::decl(&cfg),
        BatchExport::decl(&cfg),
        WaitingBatch::decl(&cfg),
        ReturnedBatch::decl(&cfg),
        ReviewStatus::decl(&cfg),
        ReviewField::decl(&cfg),
        ReviewChange::decl(&cfg),
        ReviewWarning::decl(&cfg),
        ReviewTeacher::decl(&cfg),
        PendingReview::decl(&cfg),
        ReviewApproval::decl(&cfg),
        ReviewsApplied::decl(&cfg),
        SyncReport::decl(&cfg),
        SubmitOutcome::decl(&cfg),
        SyncPass::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in crates/taoli-core by ts-rs. Do not edit.\n\
         // Regenerate: TAOLI_UPDATE_BINDINGS=1 cargo test -p taoli-core --test bindings\n",
    );
    for decl in decls {
        out.push_str("\nexport ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}
