//! Accounts (账号) and roles (角色): signing in, the lockout after wrong
//! passwords, the idle lock, the 系统管理员's account management, and the
//! permission matrix checked by calling the core as each role.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::time::Duration;

use taoli_core::account::{Permission, mask, year_only};
use taoli_core::audit::AuditQuery;
use taoli_core::catalog::FieldType;
use taoli_core::error::{AccountError, SecretsError};
use taoli_core::export::ExportFormat;
use taoli_core::revision::{Entity, Operation};
use taoli_core::store::BackupReason;
use taoli_core::{Credentials, Error, NewSchool, NewTeacher, NewUser, Role, SchoolFile};
use tempfile::TempDir;

#[path = "support/accounts.rs"]
mod accounts;

use accounts::{ADMIN, CLERK, PASSWORD, VIEWER};

const ZHANG_SAN: &str = "11010519491231002X";

fn demo_school() -> NewSchool {
    NewSchool {
        code: "2151012345".into(),
        name: "桃李镇中心小学".into(),
        school_type: "211".into(),
        region_code: None,
    }
}

/// 张三's date of birth, as his ID number gives it.
const ZHANG_SAN_BORN: &str = "1949-12-31";

/// A school with the three accounts and 张三 (with a mobile number and his
/// date of birth), signed in as the clerk.
fn school(dir: &TempDir) -> (std::path::PathBuf, SchoolFile, String) {
    let path = dir.path().join("school.taoli");
    let mut file = accounts::create(&path, &demo_school()).unwrap();
    let teacher = file
        .data_entry()
        .add_teacher(&NewTeacher {
            name: "张三".into(),
            id_type: "1".into(),
            id_number: ZHANG_SAN.into(),
        })
        .unwrap();
    file.data_entry()
        .set_fields(
            &teacher.id,
            "联系方式",
            &[("mobile".to_owned(), "13812345678".to_owned())],
        )
        .unwrap();
    file.data_entry()
        .set_fields(
            &teacher.id,
            "基本信息",
            &[("birth_date".to_owned(), ZHANG_SAN_BORN.to_owned())],
        )
        .unwrap();
    (path, file, teacher.id)
}

fn wrong(name: &str) -> Credentials {
    Credentials::new(name, "not-the-password")
}

#[test]
fn a_new_school_file_is_signed_in_as_its_system_admin() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("new.taoli");
    let file = SchoolFile::create(&path, &demo_school(), &accounts::admin()).unwrap();
    let session = file.session().unwrap();
    assert_eq!(session.name, ADMIN);
    assert_eq!(session.role, Role::SystemAdmin);
    assert_eq!(session.role_label, "系统管理员");
}

#[test]
fn a_new_school_file_refuses_a_short_admin_password_and_leaves_nothing() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("new.taoli");
    let err =
        SchoolFile::create(&path, &demo_school(), &Credentials::new(ADMIN, "123")).unwrap_err();
    assert!(
        matches!(err, Error::Secrets(SecretsError::WeakPassword { .. })),
        "{err}"
    );
    assert!(!path.exists());
}

#[test]
fn an_opened_file_shows_nothing_before_sign_in() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    file.close().unwrap();
    let file = accounts::open_signed_out(&path).unwrap();
    assert!(file.session().is_none());
    let err = file.teachers().all().unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::NotSignedIn)),
        "{err}"
    );
    assert!(err.to_string().contains("请先登录"), "{err}");
}

#[test]
fn signing_in_with_the_right_password_gives_the_accounts_role() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    file.close().unwrap();
    let mut file = accounts::open_signed_out(&path).unwrap();
    let session = file.sign_in(&accounts::viewer()).unwrap();
    assert_eq!(session.role, Role::InfoViewer);
    assert!(session.masked);
    assert_eq!(session.permissions, vec![Permission::TeachersView]);
}

#[test]
fn a_wrong_password_is_refused_and_says_how_many_tries_are_left() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    let err = file.sign_in(&wrong(CLERK)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Account(AccountError::SignInFailed { left: 4, .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("还可以试 4 次"), "{err}");
    // A failed attempt leaves whoever was signed in as they were.
    assert_eq!(file.session().unwrap().name, CLERK);
}

#[test]
fn an_unknown_account_gets_the_same_answer_as_a_wrong_password() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    let err = file
        .sign_in(&Credentials::new("赵六", PASSWORD))
        .unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::SignInFailed { .. })),
        "{err}"
    );
}

#[test]
fn five_wrong_passwords_lock_the_account_even_against_the_right_one() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    for _ in 0..4 {
        file.sign_in(&wrong(CLERK)).unwrap_err();
    }
    let fifth = file.sign_in(&wrong(CLERK)).unwrap_err();
    assert!(
        matches!(
            fifth,
            Error::Account(AccountError::AccountLocked { minutes: 5, .. })
        ),
        "{fifth}"
    );
    let right = file.sign_in(&accounts::clerk()).unwrap_err();
    assert!(
        matches!(right, Error::Account(AccountError::AccountLocked { .. })),
        "{right}"
    );
    assert!(right.to_string().contains("分钟后再试"), "{right}");
}

#[test]
fn a_right_password_before_the_fifth_try_starts_the_count_again() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    for _ in 0..4 {
        file.sign_in(&wrong(CLERK)).unwrap_err();
    }
    file.sign_in(&accounts::clerk()).unwrap();
    let err = file.sign_in(&wrong(CLERK)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Account(AccountError::SignInFailed { left: 4, .. })
        ),
        "{err}"
    );
}

#[test]
fn a_system_admin_resetting_the_password_lifts_the_lock() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    for _ in 0..5 {
        file.sign_in(&wrong(CLERK)).unwrap_err();
    }
    file.sign_in(&accounts::admin()).unwrap();
    file.change_password(CLERK, None, "a-new-password").unwrap();
    file.sign_in(&Credentials::new(CLERK, "a-new-password"))
        .unwrap();
}

#[test]
fn a_disabled_account_cannot_sign_in() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.sign_in(&accounts::admin()).unwrap();
    let user = file.accounts().set_disabled(CLERK, true).unwrap();
    assert!(user.disabled);
    let err = file.sign_in(&accounts::clerk()).unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::AccountDisabled(_))),
        "{err}"
    );
}

#[test]
fn the_last_system_admin_can_be_neither_disabled_nor_given_another_role() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.sign_in(&accounts::admin()).unwrap();
    let err = file.accounts().set_disabled(ADMIN, true).unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::LastAdmin(_))),
        "{err}"
    );
    let err = file
        .accounts()
        .set_role(ADMIN, Role::InfoManager)
        .unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::LastAdmin(_))),
        "{err}"
    );
}

#[test]
fn an_account_name_is_taken_only_once() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.sign_in(&accounts::admin()).unwrap();
    let err = file
        .accounts()
        .add(&NewUser {
            name: CLERK.into(),
            role: Role::InfoViewer,
            password: PASSWORD.into(),
        })
        .unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::UserExists(_))),
        "{err}"
    );
}

#[test]
fn changing_ones_own_password_needs_the_current_one() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    let err = file
        .change_password(CLERK, Some("guess-guess"), "another-password")
        .unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::WrongCurrentPassword)),
        "{err}"
    );
    file.change_password(CLERK, Some(PASSWORD), "another-password")
        .unwrap();
    file.sign_in(&Credentials::new(CLERK, "another-password"))
        .unwrap();
}

#[test]
fn passwords_are_kept_only_as_argon2id_hashes() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    file.close().unwrap();
    let conn = accounts::raw_connection(&path);
    let hashes: Vec<String> = conn
        .prepare("SELECT password_hash FROM account")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(hashes.len(), 3);
    for hash in hashes {
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains(PASSWORD));
    }
}

#[test]
fn an_idle_session_locks_and_the_password_unlocks_it() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.set_idle_limit(Duration::ZERO);
    std::thread::sleep(Duration::from_millis(2));
    let err = file.teachers().all().unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::SessionLocked)),
        "{err}"
    );
    file.set_idle_limit(taoli_core::store::IDLE_LIMIT);
    // Still locked: a lock ends only with the password.
    assert!(matches!(
        file.teachers().all().unwrap_err(),
        Error::Account(AccountError::SessionLocked)
    ));
    file.unlock(PASSWORD).unwrap();
    assert_eq!(file.teachers().all().unwrap().len(), 1);
}

#[test]
fn locking_by_hand_needs_the_password_too() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.lock();
    assert!(matches!(
        file.teachers().all().unwrap_err(),
        Error::Account(AccountError::SessionLocked)
    ));
    file.unlock("not-it-at-all").unwrap_err();
    file.unlock(PASSWORD).unwrap();
    file.teachers().all().unwrap();
}

#[test]
fn a_viewer_reads_id_and_phone_numbers_masked() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, teacher) = school(&dir);
    file.sign_in(&accounts::viewer()).unwrap();
    let shown = &file.teachers().all().unwrap()[0];
    assert_eq!(shown.id_number, "110105**********2X");
    assert_eq!(
        file.teachers().get(&teacher).unwrap().id_number,
        "110105**********2X"
    );
    let records = file.teachers().records(&teacher).unwrap();
    let mobile = records
        .iter()
        .find_map(|r| r.fields.get("mobile"))
        .and_then(|v| v.as_str())
        .unwrap();
    assert_eq!(mobile, "138****5678");
    let born = records
        .iter()
        .find_map(|r| r.fields.get("birth_date"))
        .and_then(|v| v.as_str())
        .unwrap();
    assert_eq!(born, "1949年");
    let found = file.search().teachers("张").unwrap();
    assert_eq!(found.teachers[0].id_number, "110105**********2X");
    for record in file.teachers().all_records().unwrap() {
        let text = serde_json::to_string(&record.fields).unwrap();
        assert!(!text.contains(ZHANG_SAN_BORN), "{text}");
        assert!(!text.contains("13812345678"), "{text}");
    }
}

#[test]
fn a_viewer_sees_no_full_id_number_in_validation_messages() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.sign_in(&accounts::viewer()).unwrap();
    let report = file.validation().report().unwrap();
    for problem in &report.problems {
        assert!(!problem.message.contains(ZHANG_SAN), "{}", problem.message);
        assert!(
            !problem.message.contains("13812345678"),
            "{}",
            problem.message
        );
        for text in [&problem.message, &problem.message_en] {
            assert!(!text.contains(ZHANG_SAN_BORN), "{text}");
            assert!(!text.contains("19491231"), "{text}");
        }
        if let Some(value) = &problem.value {
            assert!(!value.contains(ZHANG_SAN_BORN), "{value}");
            assert!(!value.contains(ZHANG_SAN), "{value}");
        }
    }
}

/// A birth date that disagrees with the ID number is a problem whose
/// message quotes both: a 信息查询员 reads neither in full.
#[test]
fn a_viewer_sees_no_full_birth_date_in_a_message_that_quotes_one() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, teacher) = school(&dir);
    file.data_entry()
        .set_fields(
            &teacher,
            "基本信息",
            &[("birth_date".to_owned(), "1950-01-02".to_owned())],
        )
        .unwrap();
    let quoting = |file: &mut SchoolFile, needle: &str| {
        file.validation()
            .report()
            .unwrap()
            .problems
            .iter()
            .filter(|p| p.message.contains(needle))
            .count()
    };
    assert!(
        quoting(&mut file, "1950-01-02") > 0,
        "the clerk reads the date in the message"
    );
    file.sign_in(&accounts::viewer()).unwrap();
    assert_eq!(quoting(&mut file, "1950-01-02"), 0);
    assert_eq!(quoting(&mut file, ZHANG_SAN), 0);
    assert!(quoting(&mut file, "1950年") > 0);
}

/// A 信息查询员 may not export (least privilege, `roles.toml`): nothing
/// with a full ID number or date of birth leaves the school through them.
/// (Exports read through the same masking as the reads, should a role that
/// reads masked ever be allowed to export.)
#[test]
fn a_viewer_exports_nothing_with_a_full_id_number_or_birth_date() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.sign_in(&accounts::viewer()).unwrap();
    for (format, group) in [
        (ExportFormat::Json, None),
        (ExportFormat::Xlsx, None),
        (ExportFormat::Csv, Some("基本信息")),
    ] {
        let out = dir.path().join(format!("out.{}", format.code()));
        let refused = file.exports().to_file(format, group, &out);
        match refused {
            Err(Error::Account(AccountError::NotPermitted { .. })) => assert!(!out.exists()),
            Err(other) => panic!("{other}"),
            Ok(()) => {
                let bytes = std::fs::read(&out).unwrap();
                for needle in [ZHANG_SAN, ZHANG_SAN_BORN, "13812345678"] {
                    assert!(
                        !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                        "{needle} in the {format:?} export"
                    );
                }
            }
        }
        assert!(matches!(
            file.exports().as_format(format, group).unwrap_err(),
            Error::Account(AccountError::NotPermitted { .. })
        ));
    }
    assert!(matches!(
        file.exports().document().unwrap_err(),
        Error::Account(AccountError::NotPermitted { .. })
    ));
}

#[test]
fn a_manager_reads_full_numbers() {
    let dir = TempDir::new().unwrap();
    let (_, file, _) = school(&dir);
    assert_eq!(file.teachers().all().unwrap()[0].id_number, ZHANG_SAN);
}

#[test]
fn masking_keeps_the_region_of_an_id_number_and_the_ends_of_a_mobile() {
    assert_eq!(
        mask("513321198503040987", FieldType::IdNumber),
        "513321**********87"
    );
    assert_eq!(mask("13812345678", FieldType::Phone), "138****5678");
    // Shorter numbers keep at most a third.
    assert_eq!(mask("G12345678", FieldType::IdNumber), "G1******8");
    assert_eq!(year_only("1985-03-04"), "1985年");
}

/// The median of five timings of `f`.
fn median_of_five(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let start = std::time::Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

/// An unknown account name must not answer faster than a wrong password
/// (which runs Argon2id), or the time would tell which names exist.
#[test]
fn an_unknown_account_name_takes_as_long_as_a_wrong_password() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    // Warm up: the first unknown name also makes the hash it is checked against.
    let _ = file.sign_in(&wrong("没有这个人"));
    let mut unknown_names = (0..).map(|i| format!("没有这个人{i}"));
    let unknown = median_of_five(|| {
        let name = unknown_names.next().unwrap();
        assert!(matches!(
            file.sign_in(&wrong(&name)).unwrap_err(),
            Error::Account(AccountError::SignInFailed { .. })
        ));
    });
    // A fresh account each time, so none locks.
    let mut accounts_made = 0;
    file.sign_in(&accounts::admin()).unwrap();
    for i in 0..5 {
        file.accounts()
            .add(&NewUser {
                name: format!("试{i}"),
                role: Role::InfoViewer,
                password: PASSWORD.into(),
            })
            .unwrap();
        accounts_made += 1;
    }
    let mut known = (0..accounts_made).map(|i| format!("试{i}"));
    let wrong_password = median_of_five(|| {
        let name = known.next().unwrap();
        assert!(matches!(
            file.sign_in(&wrong(&name)).unwrap_err(),
            Error::Account(AccountError::SignInFailed { .. })
        ));
    });
    eprintln!("sign-in medians: unknown name {unknown:?}, wrong password {wrong_password:?}");
    assert!(
        unknown.as_secs_f64() >= 0.5 * wrong_password.as_secs_f64(),
        "unknown name {unknown:?}, wrong password {wrong_password:?}"
    );
}

#[test]
fn a_refused_operation_names_the_role_and_who_may_do_it() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.sign_in(&accounts::viewer()).unwrap();
    let err = file
        .data_entry()
        .add_teacher(&NewTeacher {
            name: "李四".into(),
            id_type: "1".into(),
            id_number: "110105198001011238".into(),
        })
        .unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::NotPermitted { .. })),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("信息查询员不能"), "{text}");
    assert!(text.contains("信息管理员"), "{text}");
}

/// One operation of the core, and the permission it needs.
struct Case {
    name: &'static str,
    needs: Permission,
    run: fn(&mut SchoolFile, &Ctx) -> taoli_core::Result<()>,
}

struct Ctx {
    teacher: String,
    dir: std::path::PathBuf,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "teachers",
            needs: Permission::TeachersView,
            run: |f, _| f.teachers().all().map(drop),
        },
        Case {
            name: "validate",
            needs: Permission::TeachersView,
            run: |f, _| f.validation().report().map(drop),
        },
        Case {
            name: "stats",
            needs: Permission::TeachersView,
            run: |f, _| f.stats().count().map(drop),
        },
        Case {
            name: "add_teacher",
            needs: Permission::TeachersEdit,
            run: |f, _| {
                f.data_entry()
                    .add_teacher(&NewTeacher {
                        name: "李四".into(),
                        id_type: "1".into(),
                        id_number: "110105198001011238".into(),
                    })
                    .map(drop)
            },
        },
        Case {
            name: "set_fields",
            needs: Permission::TeachersEdit,
            run: |f, c| {
                f.data_entry()
                    .set_fields(
                        &c.teacher,
                        "基本信息",
                        &[("ethnicity".to_owned(), "汉族".to_owned())],
                    )
                    .map(drop)
            },
        },
        Case {
            name: "import history",
            needs: Permission::Import,
            run: |f, _| f.imports().runs().map(drop),
        },
        Case {
            name: "export",
            needs: Permission::Export,
            run: |f, c| {
                f.exports()
                    .to_file(ExportFormat::Xlsx, None, &c.dir.join("out.xlsx"))
            },
        },
        Case {
            name: "sheets",
            needs: Permission::SheetsPrint,
            run: |f, c| {
                f.sheets()
                    .gather(std::slice::from_ref(&c.teacher))
                    .map(drop)
            },
        },
        Case {
            name: "audit log",
            needs: Permission::AuditView,
            run: |f, _| f.audit().log(&AuditQuery::default()).map(drop),
        },
        Case {
            name: "verify audit",
            needs: Permission::AuditView,
            run: |f, _| f.audit().verify().map(drop),
        },
        Case {
            name: "backup",
            needs: Permission::Backup,
            run: |f, _| f.backups().now(BackupReason::Manual).map(drop),
        },
        Case {
            name: "restore",
            needs: Permission::Restore,
            // A file that is no backup: allowed roles get past the check and
            // are refused by the backup check instead.
            run: |f, c| {
                let text = c.dir.join("not-a-backup.taoli");
                std::fs::write(&text, "x").unwrap();
                f.backups().restore(&text).map(drop)
            },
        },
        Case {
            name: "clear province pack",
            needs: Permission::SettingsManage,
            run: |f, _| f.province().clear(),
        },
        Case {
            name: "users",
            needs: Permission::UsersManage,
            run: |f, _| f.accounts().list().map(drop),
        },
        Case {
            name: "outbox status",
            needs: Permission::TeachersView,
            run: |f, _| f.reporting().outbox_status().map(drop),
        },
        Case {
            name: "receipts",
            needs: Permission::TeachersView,
            run: |f, _| f.reporting().receipts().map(drop),
        },
        Case {
            name: "build batch",
            needs: Permission::BatchesSubmit,
            // Not enrolled: allowed roles get past the check and are told
            // to enroll instead.
            run: |f, _| f.reporting().build_batch(None).map(drop),
        },
        Case {
            name: "enroll",
            needs: Permission::BatchesSubmit,
            run: |f, _| {
                f.reporting()
                    .enroll(
                        "not a url",
                        "AAAA",
                        &taoli_core::batches::KeyAccess::default(),
                        taoli_core::batches::Backoff::default(),
                    )
                    .map(drop)
            },
        },
        Case {
            name: "sync",
            needs: Permission::BatchesSubmit,
            run: |f, _| {
                f.reporting()
                    .sync(
                        &taoli_core::batches::KeyAccess::default(),
                        &taoli_core::batches::SyncOptions::default(),
                    )
                    .map(drop)
            },
        },
        Case {
            name: "import receipt",
            needs: Permission::BatchesSubmit,
            run: |f, c| {
                f.reporting()
                    .import_receipt(&c.dir.join("none.taolireceipt"))
                    .map(drop)
            },
        },
    ]
}

#[test]
fn every_role_may_do_exactly_what_the_permission_matrix_gives_it() {
    for role in Role::ALL {
        let who = match role {
            Role::SystemAdmin => accounts::admin(),
            Role::InfoManager => accounts::clerk(),
            Role::InfoViewer => accounts::viewer(),
        };
        for case in cases() {
            let dir = TempDir::new().unwrap();
            let (_, mut file, teacher) = school(&dir);
            file.sign_in(&who).unwrap();
            let ctx = Ctx {
                teacher,
                dir: dir.path().to_owned(),
            };
            let result = (case.run)(&mut file, &ctx);
            let refused = matches!(
                result,
                Err(Error::Account(AccountError::NotPermitted { .. }))
            );
            assert_eq!(
                refused,
                !role.allows(case.needs),
                "{} as {}: {result:?}",
                case.name,
                role.label()
            );
        }
    }
}

#[test]
fn the_three_roles_follow_the_national_split() {
    assert!(Role::SystemAdmin.allows(Permission::UsersManage));
    assert!(Role::SystemAdmin.allows(Permission::Restore));
    assert!(!Role::SystemAdmin.allows(Permission::TeachersEdit));
    assert!(Role::InfoManager.allows(Permission::TeachersEdit));
    assert!(Role::InfoManager.allows(Permission::Import));
    assert!(Role::InfoManager.allows(Permission::SheetsPrint));
    assert!(Role::InfoManager.allows(Permission::BatchesSubmit));
    assert!(!Role::InfoManager.allows(Permission::UsersManage));
    assert_eq!(
        Role::InfoViewer.permissions(),
        vec![Permission::TeachersView]
    );
}

#[test]
fn sign_ins_wrong_passwords_and_account_changes_are_in_the_audit_trail() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.sign_in(&wrong(VIEWER)).unwrap_err();
    file.sign_in(&accounts::admin()).unwrap();
    file.accounts().set_role(VIEWER, Role::InfoManager).unwrap();
    let page = file
        .audit()
        .log(&AuditQuery {
            operation: Some(Operation::Account),
            ..AuditQuery::default()
        })
        .unwrap();
    let actions: Vec<String> = page
        .entries
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e.actor,
                e.action.said(taoli_core::Locale::ZhCn),
                e.subject
            )
        })
        .collect();
    assert!(
        actions.contains(&format!("{VIEWER} 密码错误 {VIEWER}")),
        "{actions:?}"
    );
    assert!(
        actions.contains(&format!("{ADMIN} 登录 {ADMIN}")),
        "{actions:?}"
    );
    let change = page
        .entries
        .iter()
        .find(|e| e.changes.iter().any(|c| c.path == "角色"))
        .expect("the role change");
    assert_eq!(change.changes[0].before.as_deref(), Some("信息查询员"));
    assert_eq!(change.changes[0].after.as_deref(), Some("信息管理员"));
    assert!(file.audit().verify().unwrap().intact());
    assert!(
        file.audit()
            .revisions()
            .unwrap()
            .iter()
            .filter(|r| r.entity == Entity::Account)
            .all(|r| !r
                .new_value
                .as_ref()
                .is_some_and(|v| v.to_string().contains("argon2")))
    );
}

#[test]
fn a_file_without_accounts_takes_its_first_system_admin_once() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    file.close().unwrap();
    accounts::raw_connection(&path)
        .execute("DELETE FROM account", [])
        .unwrap();
    let mut file = accounts::open_signed_out(&path).unwrap();
    assert!(!file.has_users().unwrap());
    assert!(matches!(
        file.sign_in(&accounts::clerk()).unwrap_err(),
        Error::Account(AccountError::NoUsersYet)
    ));
    file.create_first_admin(&accounts::admin()).unwrap();
    assert!(matches!(
        file.create_first_admin(&Credentials::new("别人", PASSWORD))
            .unwrap_err(),
        Error::Account(AccountError::UsersExist)
    ));
}

#[test]
fn a_restore_keeps_the_accounts_as_they_are_now() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    let backup = file
        .backups()
        .now(taoli_core::store::BackupReason::Manual)
        .unwrap();
    file.sign_in(&accounts::admin()).unwrap();
    file.accounts().set_disabled(VIEWER, true).unwrap();
    file.change_password(ADMIN, Some(PASSWORD), "the-admin-password-now")
        .unwrap();
    file.backups()
        .restore_with_password(std::path::Path::new(&backup.path), PASSWORD)
        .unwrap();
    let viewer = file
        .accounts()
        .list()
        .unwrap()
        .into_iter()
        .find(|u| u.name == VIEWER)
        .unwrap();
    assert!(viewer.disabled, "a restore brought back a disabled account");
    file.sign_in(&Credentials::new(ADMIN, "the-admin-password-now"))
        .unwrap();
}
