//! What the store asks of a database engine: run a statement inside a
//! transaction, with positional parameters (`$1`, `$2`, … as PostgreSQL
//! writes them) and rows of four kinds of value. The store's logic is
//! written once against [`Tx`]; `sqlite.rs` and `postgres.rs` are the two
//! engines under it.

use std::fmt;

use crate::error::{Error, Result};

/// A parameter or a column's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<u64> for Value {
    fn from(v: u64) -> Value {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Bytes(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// The parameters of one statement.
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::db::sql::Value::from($v)),*][..] };
}
pub(crate) use args;

/// One row of a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row(pub(crate) Vec<Value>);

impl Row {
    fn at(&self, i: usize) -> Result<&Value> {
        self.0
            .get(i)
            .ok_or_else(|| Error::Storage(format!("结果中没有第 {i} 列")))
    }

    pub(crate) fn int(&self, i: usize) -> Result<i64> {
        match self.at(i)? {
            Value::Int(v) => Ok(*v),
            other => Err(mismatch(i, "整数", other)),
        }
    }

    /// A count or size, never negative.
    pub(crate) fn count(&self, i: usize) -> Result<u64> {
        Ok(u64::try_from(self.int(i)?).unwrap_or(0))
    }

    pub(crate) fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| mismatch(i, "文字", &Value::Null))
    }

    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::Text(v) => Ok(Some(v.clone())),
            other => Err(mismatch(i, "文字", other)),
        }
    }

    pub(crate) fn bytes(&self, i: usize) -> Result<Vec<u8>> {
        self.opt_bytes(i)?
            .ok_or_else(|| mismatch(i, "字节", &Value::Null))
    }

    pub(crate) fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::Bytes(v) => Ok(Some(v.clone())),
            other => Err(mismatch(i, "字节", other)),
        }
    }
}

fn mismatch(i: usize, wanted: &str, got: &Value) -> Error {
    Error::Storage(format!("第 {i} 列应是{wanted}，实为 {got:?}"))
}

/// One transaction of an engine.
pub(crate) trait Tx {
    /// Runs a statement; the rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;

    /// Runs statements separated by `;`, without parameters (a migration).
    fn execute_script(&mut self, sql: &str) -> Result<()>;

    /// Runs a query; every row.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;

    /// Inserts `rows` (each a value for every one of `columns`) into
    /// `table` in one go: a binary `COPY` on PostgreSQL, one prepared
    /// statement run for each row on SQLite (in-process, where a statement
    /// costs no round trip). Constraints, indexes and triggers apply as to
    /// any `INSERT`.
    fn insert_rows(&mut self, table: &str, columns: &[&str], rows: &[Vec<Value>]) -> Result<()>;

    /// Holds `key` until the transaction ends, so that two server processes
    /// over one database take one school's writes one after the other
    /// (a no-op where the engine lets one writer in at a time).
    fn lock(&mut self, key: &str) -> Result<()>;

    /// The clause that locks the rows a `SELECT` reads until the
    /// transaction ends: `FOR UPDATE` where the engine has it.
    fn for_update(&self) -> &'static str;

    /// Runs a query; its first row, if any.
    fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Runs a query that answers exactly one row.
    fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row> {
        self.query_opt(sql, params)?
            .ok_or_else(|| Error::Storage(format!("查询没有结果：{sql}")))
    }
}

/// The work of one transaction. It may run more than once: an engine runs it
/// again from the start when the database asks (a serialization failure).
pub(crate) type Work<'a> = dyn FnMut(&mut dyn Tx) -> Result<()> + 'a;

/// A database engine the store runs on.
pub(crate) trait Engine: Send + Sync + fmt::Debug {
    /// Runs `work` in a write transaction, committed when it returns `Ok`,
    /// rolled back when it returns `Err`.
    fn write(&self, work: &mut Work<'_>) -> Result<()>;

    /// Runs `work` in a read-only transaction.
    fn read(&self, work: &mut Work<'_>) -> Result<()>;

    /// The migrations not yet applied, by name.
    fn pending_migrations(&self) -> Result<Vec<&'static str>>;

    /// Applies every pending migration, in order; the names applied.
    fn migrate(&self) -> Result<Vec<&'static str>>;

    /// The database, as the operator named it (a password left out).
    fn describe(&self) -> String;
}

/// One migration: a file of `migrations/<engine>/`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    pub(crate) version: i64,
    pub(crate) name: &'static str,
    pub(crate) sql: &'static str,
}
