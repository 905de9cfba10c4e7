//! The embedded engine: one SQLite file, for a single county's laptop and
//! the demo. WAL lets readers in beside the one writer SQLite allows; the
//! pool keeps a few connections so reads never wait for a write. Every write
//! is an `IMMEDIATE` transaction, so writers take turns and a request
//! interrupted anywhere leaves all of its work or none.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, TransactionBehavior};

use crate::db::migrations;
use crate::db::sql::{Engine, Row, Tx, Value, Work};
use crate::error::{Error, Result};

/// `PRAGMA application_id` of an upstream database ("TLUP").
const APPLICATION_ID: i64 = 0x544c_5550;

/// How long a writer waits for the one before it.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct Manager {
    path: PathBuf,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open(&self.path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut Connection) -> rusqlite::Result<()> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _: &mut Connection) -> bool {
        false
    }
}

#[derive(Debug)]
pub(crate) struct Sqlite {
    pool: r2d2::Pool<Manager>,
    path: PathBuf,
}

impl Sqlite {
    /// Opens (or creates) the database at `path`; with `migrate`, brings
    /// its tables up to date (the embedded store migrates itself when it
    /// serves).
    pub(crate) fn open(path: &Path, pool_size: u32, migrate: bool) -> Result<Sqlite> {
        let open_err = |source| Error::OpenDatabase {
            path: path.to_owned(),
            source,
        };
        let manager = Manager {
            path: path.to_owned(),
        };
        let first = r2d2::ManageConnection::connect(&manager).map_err(open_err)?;
        let app_id: i64 = first
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| Error::NotOurDatabase {
                path: path.to_owned(),
                detail: e.to_string(),
            })?;
        let tables: i64 =
            first.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID && !(app_id == 0 && tables == 0) {
            return Err(Error::NotOurDatabase {
                path: path.to_owned(),
                detail: format!("application_id 是 {app_id:#x}"),
            });
        }
        first.pragma_update(None, "journal_mode", "WAL")?;
        first.pragma_update(None, "application_id", APPLICATION_ID)?;
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(BUSY_TIMEOUT)
            .build(manager)
            .map_err(|e| Error::Pool(e.to_string()))?;
        let engine = Sqlite {
            pool,
            path: path.to_owned(),
        };
        if migrate {
            engine.migrate()?;
        }
        Ok(engine)
    }

    fn run(&self, behavior: TransactionBehavior, work: &mut Work<'_>) -> Result<()> {
        let mut conn = self.pool.get().map_err(|e| Error::Pool(e.to_string()))?;
        let tx = conn.transaction_with_behavior(behavior)?;
        let mut handle = SqliteTx { tx: &tx };
        work(&mut handle)?;
        tx.commit()?;
        Ok(())
    }
}

impl Engine for Sqlite {
    fn write(&self, work: &mut Work<'_>) -> Result<()> {
        self.run(TransactionBehavior::Immediate, work)
    }

    fn read(&self, work: &mut Work<'_>) -> Result<()> {
        self.run(TransactionBehavior::Deferred, work)
    }

    fn pending_migrations(&self) -> Result<Vec<&'static str>> {
        let mut names = Vec::new();
        self.write(&mut |tx| {
            names = migrations::pending(tx, migrations::SQLITE)?
                .iter()
                .map(|m| m.name)
                .collect();
            Ok(())
        })?;
        Ok(names)
    }

    fn migrate(&self) -> Result<Vec<&'static str>> {
        let mut names = Vec::new();
        self.write(&mut |tx| {
            names = migrations::apply(tx, migrations::SQLITE)?;
            Ok(())
        })?;
        Ok(names)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

struct SqliteTx<'a> {
    tx: &'a Connection,
}

/// `$1` as SQLite writes it: `?1`.
fn placeholders(sql: &str) -> Cow<'_, str> {
    if !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    Cow::Owned(sql.replace('$', "?"))
}

fn bind(value: &Value) -> rusqlite::types::Value {
    match value {
        Value::Null => rusqlite::types::Value::Null,
        Value::Int(v) => rusqlite::types::Value::Integer(*v),
        Value::Text(v) => rusqlite::types::Value::Text(v.clone()),
        Value::Bytes(v) => rusqlite::types::Value::Blob(v.clone()),
    }
}

fn read_value(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(v) => Value::Int(v),
        // No column of the upstream's is REAL; a sum may be.
        ValueRef::Real(v) => Value::Int(v as i64),
        ValueRef::Text(v) => Value::Text(String::from_utf8_lossy(v).into_owned()),
        ValueRef::Blob(v) => Value::Bytes(v.to_vec()),
    }
}

impl Tx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let mut stmt = self.tx.prepare_cached(&placeholders(sql))?;
        let params: Vec<_> = params.iter().map(bind).collect();
        let changed = stmt.execute(rusqlite::params_from_iter(params))?;
        Ok(changed as u64)
    }

    fn execute_script(&mut self, sql: &str) -> Result<()> {
        Ok(self.tx.execute_batch(sql)?)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut stmt = self.tx.prepare_cached(&placeholders(sql))?;
        let columns = stmt.column_count();
        let params: Vec<_> = params.iter().map(bind).collect();
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(read_value(row.get_ref(i)?));
            }
            out.push(Row(values));
        }
        Ok(out)
    }

    fn insert_rows(&mut self, table: &str, columns: &[&str], rows: &[Vec<Value>]) -> Result<()> {
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            marks.join(", ")
        );
        let mut stmt = self.tx.prepare_cached(&sql)?;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row.iter().map(bind)))?;
        }
        Ok(())
    }

    fn lock(&mut self, _key: &str) -> Result<()> {
        // Every write is IMMEDIATE: it already holds the only write lock.
        Ok(())
    }

    fn for_update(&self) -> &'static str {
        ""
    }
}
