//! Indicator records (指标记录): a teacher's values for one information group
//! (信息项), keyed by indicator code. Single-record groups (基本信息, 联系方式)
//! hold one row; multi-record groups (学习经历, 工作经历 …) hold rows in order.

use serde::Serialize;
use ts_rs::TS;

/// Field values keyed by indicator code.
pub type Fields = serde_json::Map<String, serde_json::Value>;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct IndicatorRecord {
    pub id: String,
    pub teacher_id: String,
    /// The information group (信息项), e.g. 基本信息.
    pub group_code: String,
    /// Position within a multi-record group, from 1.
    #[ts(type = "number")]
    pub row_order: i64,
    #[ts(type = "Record<string, unknown>")]
    pub fields: Fields,
    /// Bumped on every change; an edit names the version it started from.
    #[ts(type = "number")]
    pub version: i64,
    pub updated_at: String,
}
