//! The PostgreSQL half of the suite runs on a throwaway cluster, one per
//! test process, each test with a database of its own: the cluster is
//! `taoli_rush::pgcluster` (initdb and pg_ctl as the `postgres` user when
//! run as root, stopped and removed by a watchdog when the process ends),
//! which the deadline rush runs over too, so it exists once.
//!
//! `TAOLI_TEST_POSTGRES` (a connection string to a server where the user may
//! create databases) uses that server instead.

/// A new empty database on the cluster, as a connection string.
pub fn fresh_database() -> String {
    let cluster = taoli_rush::pgcluster::shared()
        .unwrap_or_else(|e| panic!("cannot start the test PostgreSQL: {e}"));
    cluster
        .fresh_database()
        .unwrap_or_else(|e| panic!("cannot create a test database: {e}"))
}
