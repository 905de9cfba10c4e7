//! The production engine: PostgreSQL, through a bounded pool of blocking
//! connections (run off the async threads, like every store call).
//!
//! Transactions are READ COMMITTED; what must not interleave is serialized
//! explicitly: [`Tx::lock`] takes a transaction-scoped advisory lock (one
//! school's writes, from whichever server process, take turns while other
//! schools' proceed), and `FOR UPDATE` locks the rows read before a change.
//! Unique keys make the rest impossible (one received batch a school and
//! sequence). A transaction the database aborts as a deadlock, a
//! serialization failure or a lost race to insert the same key runs again
//! from the start, at most [`ATTEMPTS`] times.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, Config, IsolationLevel, NoTls, Statement};

use crate::db::migrations;
use crate::db::sql::{Engine, Row, Tx, Value, Work};
use crate::error::{Error, Result};

/// How many times a transaction runs before its failure is the answer.
const ATTEMPTS: u32 = 5;

/// How long a request waits for a free connection.
const POOL_WAIT: Duration = Duration::from_secs(30);

/// A pooled connection and the statements prepared on it.
pub(crate) struct Connection {
    client: Client,
    statements: HashMap<String, Statement>,
}

#[derive(Debug)]
struct Manager {
    config: Config,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = postgres::Error;

    fn connect(&self) -> std::result::Result<Connection, postgres::Error> {
        Ok(Connection {
            client: self.config.connect(NoTls)?,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut Connection) -> std::result::Result<(), postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut Connection) -> bool {
        conn.client.is_closed()
    }
}

pub(crate) struct Postgres {
    /// Always `Some` until dropped.
    pool: Option<r2d2::Pool<Manager>>,
    shown: String,
}

impl Drop for Postgres {
    /// Closing a blocking connection blocks: where the store is dropped on
    /// an async thread (a server shutting down), the pool is closed on a
    /// thread of its own.
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres")
            .field("database", &self.shown)
            .finish_non_exhaustive()
    }
}

/// The database a connection string names, without its password.
fn shown(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_default();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or_default();
    format!("postgresql://{user}@{host}:{port}/{db}")
}

impl Postgres {
    /// Connects to the database `url` names (`postgresql://…` or
    /// `host=… dbname=…`), keeping at most `pool_size` connections.
    pub(crate) fn connect(url: &str, pool_size: u32) -> Result<Postgres> {
        let mut config = Config::from_str(url).map_err(|e| Error::DatabaseUrl {
            detail: e.to_string(),
        })?;
        // What a database administrator sees in pg_stat_activity.
        if config.get_application_name().is_none() {
            config.application_name("taoli-upstream");
        }
        let shown = shown(&config);
        // One connection first: its failure says what is wrong (refused,
        // no such database, password) at once, where the pool would only
        // time out.
        let probe = std::thread::scope(|s| {
            s.spawn(|| config.connect(NoTls).map(drop))
                .join()
                .unwrap_or_else(|_| Ok(()))
        });
        probe.map_err(|e| Error::ConnectDatabase {
            database: shown.clone(),
            detail: e.to_string(),
        })?;
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(POOL_WAIT)
            .build(Manager { config })
            .map_err(|e| Error::ConnectDatabase {
                database: shown.clone(),
                detail: e.to_string(),
            })?;
        Ok(Postgres {
            pool: Some(pool),
            shown,
        })
    }

    fn run(&self, read_only: bool, work: &mut Work<'_>) -> Result<()> {
        let pool = self
            .pool
            .as_ref()
            .ok_or_else(|| Error::Pool("连接池已关闭".into()))?;
        let mut conn = pool.get().map_err(|e| Error::Pool(e.to_string()))?;
        let mut attempt = 1;
        loop {
            match once(&mut conn, read_only, work) {
                Err(Error::Postgres(e)) if attempt < ATTEMPTS && retryable(&e) => {
                    attempt = attempt.saturating_add(1);
                    // Another transaction won the race; step aside a moment.
                    std::thread::sleep(Duration::from_millis(u64::from(attempt).saturating_mul(5)));
                }
                other => return other,
            }
        }
    }
}

fn retryable(error: &postgres::Error) -> bool {
    error.code().is_some_and(|code| {
        *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
            || *code == SqlState::UNIQUE_VIOLATION
    })
}

fn once(conn: &mut Connection, read_only: bool, work: &mut Work<'_>) -> Result<()> {
    let Connection { client, statements } = conn;
    let tx = if read_only {
        client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?
    } else {
        client.transaction()?
    };
    let mut handle = PgTx { tx, statements };
    work(&mut handle)?;
    handle.tx.commit()?;
    Ok(())
}

impl Engine for Postgres {
    fn write(&self, work: &mut Work<'_>) -> Result<()> {
        self.run(false, work)
    }

    fn read(&self, work: &mut Work<'_>) -> Result<()> {
        self.run(true, work)
    }

    fn pending_migrations(&self) -> Result<Vec<&'static str>> {
        let mut names = Vec::new();
        self.write(&mut |tx| {
            names = migrations::pending(tx, migrations::POSTGRES)?
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
            names = migrations::apply(tx, migrations::POSTGRES)?;
            Ok(())
        })?;
        Ok(names)
    }

    fn describe(&self) -> String {
        self.shown.clone()
    }
}

struct PgTx<'a> {
    tx: postgres::Transaction<'a>,
    statements: &'a mut HashMap<String, Statement>,
}

impl PgTx<'_> {
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(stmt) = self.statements.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self.tx.prepare(sql)?;
        self.statements.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }
}

fn params(values: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

impl Tx for PgTx<'_> {
    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64> {
        let stmt = self.statement(sql)?;
        Ok(self.tx.execute(&stmt, &params(values))?)
    }

    fn execute_script(&mut self, sql: &str) -> Result<()> {
        Ok(self.tx.batch_execute(sql)?)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>> {
        let stmt = self.statement(sql)?;
        let rows = self.tx.query(&stmt, &params(values))?;
        rows.iter().map(read_row).collect()
    }

    fn insert_rows(&mut self, table: &str, columns: &[&str], rows: &[Vec<Value>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        // Binary COPY names each column's type; the upstream's columns are
        // BIGINT, TEXT and BYTEA, and a NULL is written alike in any type.
        let types: Vec<Type> = (0..columns.len())
            .map(|i| {
                rows.iter()
                    .filter_map(|row| row.get(i))
                    .find(|v| **v != Value::Null)
                    .map_or(Type::TEXT, copy_type)
            })
            .collect();
        let sql = format!(
            "COPY {table} ({}) FROM STDIN (FORMAT binary)",
            columns.join(", ")
        );
        let writer = self.tx.copy_in(&sql)?;
        let mut writer = BinaryCopyInWriter::new(writer, &types);
        for row in rows {
            writer.write(&params(row))?;
        }
        writer.finish()?;
        Ok(())
    }

    fn lock(&mut self, key: &str) -> Result<()> {
        self.query(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[Value::from(key)],
        )?;
        Ok(())
    }

    fn for_update(&self) -> &'static str {
        " FOR UPDATE"
    }
}

/// The column type a value is sent as in a binary `COPY`.
fn copy_type(value: &Value) -> Type {
    match value {
        Value::Int(_) => Type::INT8,
        Value::Bytes(_) => Type::BYTEA,
        Value::Null | Value::Text(_) => Type::TEXT,
    }
}

fn read_row(row: &postgres::Row) -> Result<Row> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let value = match *column.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(i64::from(v))),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(i64::from(v))),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(i64::from(v))),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Bytes),
            // A void function's answer (an advisory lock).
            Type::VOID => None,
            _ => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) if *ty == Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
            Value::Int(v) if *ty == Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
            Value::Int(v) => v.to_sql(ty, out),
            Value::Text(v) => v.to_sql(ty, out),
            Value::Bytes(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
