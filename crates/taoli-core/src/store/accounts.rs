//! Accounts in the school file: signing in and out, the idle lock, and the
//! 系统管理员's account management. Every change here, every sign-in and every
//! failed one goes into the audit trail.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::Deserialize;
use serde_json::json;
use ts_rs::TS;

use super::{FileKey, SchoolFile, revisions};
use crate::account::{Actor, NewUser, Permission, Role, Session, User, valid_user_name};
use crate::error::AccountError;
use crate::error::{Error, Result};
use crate::protocol::SigningKey;
use crate::revision::{Action, Entity};
use crate::secrets::{check_password_strength, hash_password, verify_password};
use crate::time::now;

/// Wrong passwords in a row before an account is locked.
pub const MAX_FAILED_SIGN_INS: u32 = 5;
/// How long a locked account waits, in minutes.
pub const LOCK_MINUTES: u32 = 5;
/// How long the app may sit unused before it locks itself.
pub const IDLE_LIMIT: Duration = Duration::from_secs(10 * 60);

/// An account name and its password, as typed at sign-in.
#[derive(Clone, Deserialize, TS)]
pub struct Credentials {
    pub name: String,
    pub password: String,
}

impl Credentials {
    pub fn new(name: impl Into<String>, password: impl Into<String>) -> Credentials {
        Credentials {
            name: name.into(),
            password: password.into(),
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("name", &self.name)
            .field("password", &"…")
            .finish()
    }
}

/// What the UI needs after a school file is opened: the school, who is
/// signed in (nobody yet, after an open), and whether it has any account.
#[derive(Debug, Clone, serde::Serialize, TS)]
pub struct OpenedSchool {
    pub school: crate::school::School,
    pub session: Option<Session>,
    pub has_users: bool,
}

/// Who is signed in to an open school file, and since when nothing happened.
///
/// Shared by every handle of the file opened for this session
/// ([`SchoolFile::second_handle`]): locking, signing out or signing in again
/// on the first ends it for all of them.
#[derive(Debug)]
pub(crate) struct SignedIn {
    actor: Actor,
    last_active: Mutex<Instant>,
    locked: AtomicBool,
    /// Signed out, or replaced by another sign-in.
    ended: AtomicBool,
    /// The school's signing key, once the 系统管理员 password unlocked the
    /// copy kept in the school file during this session (docs/batches.md):
    /// forgotten when the session is locked or ends, wiped when dropped.
    signing_key: Mutex<Option<SigningKey>>,
}

impl SignedIn {
    pub(crate) fn new(actor: Actor) -> Arc<SignedIn> {
        Arc::new(SignedIn {
            actor,
            last_active: Mutex::new(Instant::now()),
            locked: AtomicBool::new(false),
            ended: AtomicBool::new(false),
            signing_key: Mutex::new(None),
        })
    }

    fn last_active(&self) -> MutexGuard<'_, Instant> {
        // An Instant cannot be left half-written: a poisoned lock is taken over.
        self.last_active.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn signing_key(&self) -> MutexGuard<'_, Option<SigningKey>> {
        self.signing_key.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock(&self) {
        self.locked.store(true, Ordering::SeqCst);
        *self.signing_key() = None;
    }

    fn end(&self) {
        self.ended.store(true, Ordering::SeqCst);
        self.lock();
    }
}

const COLUMNS: &str = "name, role, disabled_at, created_at, last_sign_in_at";

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role_code: String = row.get(1)?;
    let role = role_of(&role_code);
    let disabled_at: Option<String> = row.get(2)?;
    Ok(User {
        name: row.get(0)?,
        role,
        role_label: role.label().to_owned(),
        disabled: disabled_at.is_some(),
        created_at: row.get(3)?,
        last_sign_in_at: row.get(4)?,
    })
}

/// The role a stored code names. The table's CHECK allows only the three
/// codes; anything else reads as the least privileged role.
fn role_of(code: &str) -> Role {
    Role::ALL
        .into_iter()
        .find(|r| r.code() == code)
        .unwrap_or(Role::InfoViewer)
}

fn account_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM account", [], |r| r.get(0))?)
}

fn find_user(conn: &Connection, name: &str) -> Result<Option<User>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM account WHERE name = ?1"),
            [name],
            user_from_row,
        )
        .optional()?)
}

fn existing_user(conn: &Connection, name: &str) -> Result<User> {
    find_user(conn, name)?
        .ok_or_else(|| Error::Account(AccountError::UserNotFound(name.to_owned())))
}

fn active_admins(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM account WHERE role = 'system_admin' AND disabled_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}

/// Writes a new account (checked) and records it.
pub(crate) fn insert_user(tx: &Transaction<'_>, new: &NewUser, by: &Actor) -> Result<User> {
    let name = valid_user_name(&new.name)?;
    check_password_strength(&new.password)?;
    if find_user(tx, &name)?.is_some() {
        return Err(AccountError::UserExists(name).into());
    }
    let hash = hash_password(&new.password)?;
    let at = now();
    tx.execute(
        "INSERT INTO account (name, role, password_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        (&name, new.role.code(), &hash, &at),
    )?;
    revisions::record(
        tx,
        by,
        Entity::Account,
        &name,
        None,
        Action::Create,
        None,
        Some(&json!({ "name": name, "role": new.role.code() })),
    )?;
    existing_user(tx, &name)
}

/// Every account row as stored (hashes included), to carry across a restore.
pub(crate) type SavedAccounts = Vec<[Option<String>; 8]>;

pub(crate) fn saved_accounts(conn: &Connection) -> Result<SavedAccounts> {
    let mut stmt = conn.prepare(
        "SELECT name, role, password_hash, disabled_at, locked_until, last_sign_in_at, created_at, updated_at FROM account",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok([
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
        ])
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// After a restore: puts back the accounts the file had. Accounts are not
/// the school's data but who may use it: a restore must not bring back an
/// account disabled since, an old password, or (from a backup made before
/// accounts existed) no account at all. It also keeps the file key and the
/// 系统管理员's password in step.
pub(crate) fn put_back_accounts(tx: &Transaction<'_>, saved: &SavedAccounts) -> Result<()> {
    tx.execute("DELETE FROM account", [])?;
    for row in saved {
        tx.execute(
            "INSERT INTO account (name, role, password_hash, disabled_at, locked_until, last_sign_in_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params_from_iter(row.iter()),
        )?;
    }
    Ok(())
}

impl SchoolFile {
    /// The signed-in account, or why there is none. Every operation asks
    /// through here; it also keeps the idle clock.
    pub(crate) fn require(&self, permission: Permission) -> Result<Actor> {
        let Some(session) = &self.session else {
            return Err(if account_count(&self.conn)? == 0 {
                Error::Account(AccountError::NoUsersYet)
            } else {
                Error::Account(AccountError::NotSignedIn)
            });
        };
        if session.ended.load(Ordering::SeqCst) {
            return Err(AccountError::NotSignedIn.into());
        }
        if session.locked.load(Ordering::SeqCst)
            || session.last_active().elapsed() > self.idle_limit
        {
            session.lock();
            return Err(AccountError::SessionLocked.into());
        }
        session.actor.require(permission)?;
        if !self.second {
            // Only what the person does keeps the session awake; a second
            // handle's work (the sync worker's) does not.
            *session.last_active() = Instant::now();
        }
        Ok(session.actor.clone())
    }

    /// The signing key this session unlocked, if it is `key_id`.
    pub(crate) fn session_signing_key(&self, key_id: &str) -> Result<Option<SigningKey>> {
        let Some(session) = &self.session else {
            return Ok(None);
        };
        let kept = session.signing_key();
        match kept.as_ref() {
            Some(key) if key.key_id() == key_id => {
                Ok(Some(SigningKey::from_bytes(&key.to_bytes()[..])?))
            }
            _ => Ok(None),
        }
    }

    /// Keeps the signing key unlocked with the 系统管理员 password for the
    /// rest of the session, so that it is asked for once (and the sync
    /// worker can sign).
    pub(crate) fn keep_session_signing_key(&self, key: &SigningKey) -> Result<()> {
        if let Some(session) = &self.session {
            *session.signing_key() = Some(SigningKey::from_bytes(&key.to_bytes()[..])?);
        }
        Ok(())
    }

    /// Whether reads show ID and phone numbers masked for the signed-in account.
    pub(crate) fn masked(&self) -> bool {
        self.session.as_ref().is_none_or(|s| s.actor.sees_masked())
    }

    /// The signed-in account, if any.
    pub fn session(&self) -> Option<Session> {
        self.session.as_ref().map(|s| Session::of(&s.actor))
    }

    /// The school, who is signed in and whether there are accounts.
    pub fn opened(&self) -> Result<OpenedSchool> {
        Ok(OpenedSchool {
            school: self.school()?,
            session: self.session(),
            has_users: self.has_users()?,
        })
    }

    /// Whether the file has any account yet (files made before accounts
    /// existed have none until their first 系统管理员 is created).
    pub fn has_users(&self) -> Result<bool> {
        Ok(account_count(&self.conn)? > 0)
    }

    /// Signs in. Five wrong passwords in a row lock the account for five
    /// minutes; a disabled account is refused. Both outcomes are audited.
    pub fn sign_in(&mut self, credentials: &Credentials) -> Result<Session> {
        if account_count(&self.conn)? == 0 {
            return Err(AccountError::NoUsersYet.into());
        }
        // A failed attempt leaves the session as it was (a locked one stays
        // locked); only success replaces it.
        let name = crate::text::normalize_person_name(&credentials.name);
        let Some(stored) = StoredSignIn::read(&self.conn, &name)? else {
            // As slow as a wrong password, so that the time the answer
            // takes does not tell which account names exist.
            let _ = verify_password(unknown_account_hash()?, &credentials.password);
            return Err(sign_in_failed(MAX_FAILED_SIGN_INS - 1));
        };
        if let Some(minutes) = locked_minutes_left(stored.locked_until.as_deref()) {
            return Err(AccountError::AccountLocked {
                name,
                limit: MAX_FAILED_SIGN_INS,
                minutes,
            }
            .into());
        }
        if !verify_password(&stored.password_hash, &credentials.password)? {
            return Err(self.count_failed_sign_in(name, &stored)?);
        }
        if stored.disabled_at.is_some() {
            return Err(AccountError::AccountDisabled(name).into());
        }
        let actor = self.record_sign_in(&name)?;
        let session = Session::of(&actor);
        self.start_session(actor, &credentials.password)?;
        Ok(session)
    }

    /// Counts a wrong password against the account, locking it at the
    /// limit (audited); the refusal to give.
    fn count_failed_sign_in(&mut self, name: String, stored: &StoredSignIn) -> Result<Error> {
        // A lock that has run out starts a fresh count.
        let failures = if stored.locked_until.is_some() {
            1
        } else {
            stored.failed_attempts.saturating_add(1)
        };
        let lock = failures >= MAX_FAILED_SIGN_INS;
        let until = lock.then(|| {
            let now = Utc::now();
            now.checked_add_signed(chrono::Duration::minutes(i64::from(LOCK_MINUTES)))
                .unwrap_or(now)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        });
        let by = Actor::new(name.clone(), role_of(""));
        self.write(|tx| {
            tx.execute(
                "UPDATE account SET failed_attempts = ?2, locked_until = ?3 WHERE name = ?1",
                (&name, if lock { 0 } else { failures }, &until),
            )?;
            revisions::record(
                tx,
                &by,
                Entity::Account,
                &name,
                None,
                Action::SignInFailed,
                None,
                Some(&json!({ "failed_attempts": failures, "locked_until": until })),
            )
        })?;
        Ok(if lock {
            Error::Account(AccountError::AccountLocked {
                name,
                limit: MAX_FAILED_SIGN_INS,
                minutes: i64::from(LOCK_MINUTES),
            })
        } else {
            sign_in_failed(MAX_FAILED_SIGN_INS.saturating_sub(failures))
        })
    }

    /// Clears the account's failed attempts and records the sign-in
    /// (audited); who is signed in now.
    fn record_sign_in(&mut self, name: &str) -> Result<Actor> {
        let user = existing_user(&self.conn, name)?;
        let actor = Actor::new(user.name.clone(), user.role);
        self.write(|tx| {
            let at = now();
            tx.execute(
                "UPDATE account SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = ?2 WHERE name = ?1",
                (name, &at),
            )?;
            revisions::record(
                tx,
                &actor,
                Entity::Account,
                name,
                None,
                Action::SignIn,
                None,
                Some(&json!({ "signed_in_as": user.role.code() })),
            )
        })?;
        Ok(actor)
    }

    /// Makes `actor` the session (ending the one before) and, for a
    /// 系统管理员 on a file not encrypted yet, encrypts it under `password`.
    fn start_session(&mut self, actor: Actor, password: &str) -> Result<()> {
        let admin = actor.role() == Role::SystemAdmin;
        self.holder_signed_in(Some(actor.name()));
        if let Some(before) = self.session.replace(SignedIn::new(actor)) {
            before.end();
        }
        if admin && !self.is_encrypted() {
            // A file from before encryption (or whose first encryption
            // failed): the 系统管理员's password encrypts it now.
            self.encrypt(FileKey::derive(password, FileKey::new_salt()?)?)?;
        }
        Ok(())
    }

    /// Writes `change`, which sets a 系统管理员's password: the file key
    /// follows the 系统管理员 password set last, so an encrypted file is
    /// written anew under the key that password derives (with the file's
    /// own salt), with `change` inside it, in one step
    /// ([`SchoolFile::rekey_with`]): a crash leaves either the old key and
    /// the old password or the new key and the new password, never one
    /// without the other. A plaintext file, or the same password again,
    /// is an ordinary transaction.
    pub(crate) fn write_with_admin_password<T>(
        &mut self,
        password: &str,
        change: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let Some(current) = &self.key else {
            return self.write(change);
        };
        let new = FileKey::derive(password, *current.salt())?;
        if new.key().as_bytes() == current.key().as_bytes() {
            // The same password: the file is already under its key.
            return self.write(change);
        }
        self.rekey_with(new, change)
    }

    /// Signs out: the file stays open, but nothing more can be done until
    /// someone signs in.
    pub fn sign_out(&mut self) {
        if let Some(session) = self.session.take() {
            session.end();
        }
        self.holder_signed_in(None);
    }

    /// Locks the session now (the app's 锁定 button, or its idle timer).
    pub fn lock(&mut self) {
        if let Some(session) = &self.session {
            session.lock();
        }
    }

    /// Unlocks a locked session with the signed-in account's password.
    pub fn unlock(&mut self, password: &str) -> Result<Session> {
        let name = match &self.session {
            Some(session) => session.actor.name().to_owned(),
            None => return Err(AccountError::NotSignedIn.into()),
        };
        self.sign_in(&Credentials::new(name, password))
    }

    /// How long the session may sit idle before it locks (10 minutes).
    pub fn set_idle_limit(&mut self, limit: Duration) {
        self.idle_limit = limit;
    }

    /// Creates the first account of a file that has none (one made before
    /// accounts existed): it must be a 系统管理员, who is then signed in.
    pub fn create_first_admin(&mut self, admin: &Credentials) -> Result<Session> {
        if account_count(&self.conn)? > 0 {
            return Err(AccountError::UsersExist.into());
        }
        let name = valid_user_name(&admin.name)?;
        check_password_strength(&admin.password)?;
        let actor = Actor::new(name.clone(), Role::SystemAdmin);
        let first = NewUser {
            name: name.clone(),
            role: Role::SystemAdmin,
            password: admin.password.clone(),
        };
        // Signed in already for the rewrite (encrypting the backups beside
        // a plaintext file reads them as the 系统管理员); a failure adds
        // nobody and signs nobody in.
        let before = self.session.replace(SignedIn::new(actor.clone()));
        let written = if self.is_encrypted() {
            // Encrypted before it had accounts: the key follows this
            // 系统管理员's password, like every 系统管理员 password set.
            self.write_with_admin_password(&admin.password, |tx| insert_user(tx, &first, &actor))
        } else {
            // A plaintext file is encrypted under that password, the
            // account written inside the encrypted file: both or neither.
            FileKey::derive(&admin.password, FileKey::new_salt()?).and_then(|key| {
                self.encrypt_with(key, |tx| insert_user(tx, &first, &actor))
                    .map(|(user, _)| user)
            })
        };
        if let Err(error) = written {
            self.session = before;
            return Err(error);
        }
        self.holder_signed_in(Some(actor.name()));
        Ok(Session::of(&actor))
    }

    /// Sets a new password: one's own (any role, after giving the current
    /// one), or anyone's by a 系统管理员, which also lifts a lock.
    pub fn change_password(
        &mut self,
        name: &str,
        current: Option<&str>,
        new_password: &str,
    ) -> Result<()> {
        let Some(session) = &self.session else {
            return Err(AccountError::NotSignedIn.into());
        };
        let own = session.actor.name() == name.trim();
        let actor = if own {
            self.require(Permission::TeachersView)?
        } else {
            self.require(Permission::UsersManage)?
        };
        check_password_strength(new_password)?;
        if own {
            let hash: String = self.conn.query_row(
                "SELECT password_hash FROM account WHERE name = ?1",
                [actor.name()],
                |r| r.get(0),
            )?;
            if !verify_password(&hash, current.unwrap_or_default())? {
                return Err(AccountError::WrongCurrentPassword.into());
            }
        }
        let target = existing_user(&self.conn, name.trim())?;
        // A signing key kept in the school file follows its 系统管理员's own
        // password change (docs/batches.md); a reset by someone else cannot
        // carry it (the old password is not given).
        let rewrapped = match (target.role, own, current) {
            (Role::SystemAdmin, true, Some(current)) => {
                self.rewrapped_signing_key(current, new_password)?
            }
            _ => None,
        };
        let hash = hash_password(new_password)?;
        let change = |tx: &Transaction<'_>| {
            let user = existing_user(tx, name.trim())?;
            tx.execute(
                "UPDATE account SET password_hash = ?2, failed_attempts = 0, locked_until = NULL, updated_at = ?3 WHERE name = ?1",
                (&user.name, &hash, now()),
            )?;
            if let Some(wrapped) = &rewrapped {
                tx.execute(
                    "UPDATE enrollment SET wrapped_key = ?1 WHERE id = 1 AND key_place = 'school_file'",
                    [wrapped],
                )?;
            }
            revisions::record(
                tx,
                &actor,
                Entity::Account,
                &user.name,
                None,
                Action::Update,
                None,
                Some(&json!({ "password_changed": true })),
            )
        };
        if target.role == Role::SystemAdmin {
            // The file's key and the account's password in one step.
            self.write_with_admin_password(new_password, change)
        } else {
            self.write(change)
        }
    }
}

/// The hash an unknown account name's password is checked against: made
/// once per process, with the parameters of every account's hash
/// ([`hash_password`]), from a password nobody types.
fn unknown_account_hash() -> Result<&'static str> {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash.as_str());
    }
    let made = hash_password("no account has this password")?;
    Ok(HASH.get_or_init(|| made).as_str())
}

/// Minutes until a lock ends, rounded up; None when there is no lock or it
/// has ended.
fn locked_minutes_left(locked_until: Option<&str>) -> Option<i64> {
    let until = DateTime::parse_from_rfc3339(locked_until?).ok()?;
    let left = until.with_timezone(&Utc).signed_duration_since(Utc::now());
    (left > chrono::Duration::zero()).then(|| left.num_seconds().saturating_add(59) / 60)
}

/// Account administration (账号管理, 系统管理员 only): the accounts, adding
/// one, disabling one, giving one another role. Reached with
/// [`SchoolFile::accounts`]; signing in, the session and one's own password
/// stay on the handle.
#[derive(Debug)]
pub struct Accounts<'a> {
    school: &'a mut SchoolFile,
}

impl SchoolFile {
    /// [`Accounts`]: account administration (账号管理).
    pub fn accounts(&mut self) -> Accounts<'_> {
        Accounts { school: self }
    }
}

impl Accounts<'_> {
    /// Every account, by name.
    pub fn list(&self) -> Result<Vec<User>> {
        self.school.require(Permission::UsersManage)?;
        let mut stmt = self
            .school
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM account ORDER BY name"))?;
        let rows = stmt.query_map([], user_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds an account (系统管理员 only).
    /// A new 系统管理员's password becomes the file's password too.
    pub fn add(&mut self, new: &NewUser) -> Result<User> {
        let actor = self.school.require(Permission::UsersManage)?;
        let name = valid_user_name(&new.name)?;
        check_password_strength(&new.password)?;
        if find_user(&self.school.conn, &name)?.is_some() {
            return Err(AccountError::UserExists(name).into());
        }
        if new.role == Role::SystemAdmin {
            // The new 系统管理员's password becomes the file's, with the
            // account in the same step.
            return self
                .school
                .write_with_admin_password(&new.password, |tx| insert_user(tx, new, &actor));
        }
        self.school.write(|tx| insert_user(tx, new, &actor))
    }

    /// Disables or re-enables an account. The last active 系统管理员 cannot
    /// be disabled.
    pub fn set_disabled(&mut self, name: &str, disabled: bool) -> Result<User> {
        let actor = self.school.require(Permission::UsersManage)?;
        self.school.write(|tx| {
            let user = existing_user(tx, name)?;
            if user.disabled == disabled {
                return Ok(user);
            }
            if disabled && user.role == Role::SystemAdmin && active_admins(tx)? <= 1 {
                return Err(AccountError::LastAdmin(user.name).into());
            }
            let at = now();
            tx.execute(
                "UPDATE account SET disabled_at = ?2, updated_at = ?3 WHERE name = ?1",
                (&user.name, disabled.then_some(&at), &at),
            )?;
            revisions::record(
                tx,
                &actor,
                Entity::Account,
                &user.name,
                None,
                Action::Update,
                Some(&json!({ "disabled": user.disabled })),
                Some(&json!({ "disabled": disabled })),
            )?;
            existing_user(tx, &user.name)
        })
    }

    /// Gives an account another role. The last active 系统管理员 keeps theirs.
    pub fn set_role(&mut self, name: &str, role: Role) -> Result<User> {
        let actor = self.school.require(Permission::UsersManage)?;
        self.school.write(|tx| {
            let user = existing_user(tx, name)?;
            if user.role == role {
                return Ok(user);
            }
            if user.role == Role::SystemAdmin && !user.disabled && active_admins(tx)? <= 1 {
                return Err(AccountError::LastAdmin(user.name).into());
            }
            tx.execute(
                "UPDATE account SET role = ?2, updated_at = ?3 WHERE name = ?1",
                (&user.name, role.code(), now()),
            )?;
            revisions::record(
                tx,
                &actor,
                Entity::Account,
                &user.name,
                None,
                Action::Update,
                Some(&json!({ "role": user.role.code() })),
                Some(&json!({ "role": role.code() })),
            )?;
            existing_user(tx, &user.name)
        })
    }
}

/// What signing in reads of an account.
struct StoredSignIn {
    password_hash: String,
    disabled_at: Option<String>,
    failed_attempts: u32,
    locked_until: Option<String>,
}

impl StoredSignIn {
    fn read(conn: &Connection, name: &str) -> Result<Option<StoredSignIn>> {
        Ok(conn
            .query_row(
                "SELECT password_hash, disabled_at, failed_attempts, locked_until FROM account WHERE name = ?1",
                [name],
                |r| {
                    Ok(StoredSignIn {
                        password_hash: r.get(0)?,
                        disabled_at: r.get(1)?,
                        failed_attempts: r.get(2)?,
                        locked_until: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }
}

/// A wrong password (or an unknown name), with the attempts left.
fn sign_in_failed(left: u32) -> Error {
    Error::Account(AccountError::SignInFailed {
        left,
        limit: MAX_FAILED_SIGN_INS,
        minutes: LOCK_MINUTES,
    })
}
