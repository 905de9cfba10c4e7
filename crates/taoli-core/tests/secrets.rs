//! Secrets (密钥): the in-memory secret store, the school key wrapped under the
//! 系统管理员 password (Argon2id + XChaCha20-Poly1305) and its stored form,
//! and account password hashing. The real keychain is `tests/keychain.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::sync::Arc;
use std::thread;

use serde_json::Value;
use taoli_core::error::SecretsError;
use taoli_core::error::{Error, ErrorKind};
use taoli_core::secrets::{
    KdfParams, MIN_PASSWORD_CHARS, MemorySecretStore, SecretKey, SecretStore, WrappedKey,
    check_password_strength, hash_password, school_key_account, unwrap, verify_password, wrap,
    wrap_with,
};

const PASSWORD: &str = "桃李满天下2026";

fn wrapped() -> (SecretKey, WrappedKey) {
    let key = SecretKey::generate().unwrap();
    let wrapped = wrap(&key, PASSWORD).unwrap();
    (key, wrapped)
}

/// The stored form as a JSON object, to alter one field.
fn stored(wrapped: &WrappedKey) -> serde_json::Map<String, Value> {
    match serde_json::from_str(&wrapped.to_json().unwrap()).unwrap() {
        Value::Object(object) => object,
        other => panic!("not an object: {other}"),
    }
}

/// Flips one bit of a base64 field's decoded bytes and writes it back.
fn flip_bit(object: &mut serde_json::Map<String, Value>, field: &str) {
    use base64ct::{Base64, Encoding};
    let mut bytes = Base64::decode_vec(object[field].as_str().unwrap()).unwrap();
    bytes[0] ^= 0x01;
    object[field] = Value::String(Base64::encode_string(&bytes));
}

fn assert_damaged(result: Result<WrappedKey, Error>) {
    match result {
        Err(error @ Error::Secrets(SecretsError::WrappedKeyDamaged { .. })) => {
            assert_eq!(error.code(), "secrets.wrapped_key_damaged");
            assert!(error.to_string().contains("已损坏"), "{error}");
        }
        other => panic!("expected WrappedKeyDamaged, got {other:?}"),
    }
}

#[test]
fn a_secret_set_can_be_read_back_and_deleted() {
    let store = MemorySecretStore::new();
    let account = school_key_account("2151012345");
    assert_eq!(account, "school-key:2151012345");
    store.set(&account, b"secret bytes").unwrap();
    assert_eq!(
        store.get(&account).unwrap().unwrap().as_slice(),
        b"secret bytes"
    );
    store.delete(&account).unwrap();
    assert!(store.get(&account).unwrap().is_none());
}

#[test]
fn a_secret_never_set_is_none_and_deleting_it_is_fine() {
    let store = MemorySecretStore::new();
    assert!(store.get("school-key:0000000000").unwrap().is_none());
    store.delete("school-key:0000000000").unwrap();
}

#[test]
fn setting_a_secret_again_replaces_it() {
    let store = MemorySecretStore::new();
    store.set("a", b"first").unwrap();
    store.set("a", b"second").unwrap();
    assert_eq!(store.get("a").unwrap().unwrap().as_slice(), b"second");
}

#[test]
fn the_memory_store_is_shared_safely_between_threads() {
    let store: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::new());
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let store = Arc::clone(&store);
            thread::spawn(move || store.set(&format!("account-{i}"), &[i; 4]).unwrap())
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    for i in 0..8u8 {
        assert_eq!(
            store
                .get(&format!("account-{i}"))
                .unwrap()
                .unwrap()
                .as_slice(),
            &[i; 4]
        );
    }
}

#[test]
fn the_memory_store_debug_names_accounts_but_not_secrets() {
    let store = MemorySecretStore::new();
    store.set("school-key:2151012345", b"do-not-print").unwrap();
    let shown = format!("{store:?}");
    assert!(shown.contains("school-key:2151012345"), "{shown}");
    assert!(!shown.contains("do-not-print"), "{shown}");
}

#[test]
fn a_wrapped_key_unwraps_with_its_password() {
    let (key, wrapped) = wrapped();
    let unwrapped = unwrap(&wrapped, PASSWORD).unwrap();
    assert_eq!(unwrapped.as_bytes(), key.as_bytes());
}

#[test]
fn a_key_wrapped_in_the_stored_form_unwraps_after_reading_it_back() {
    let (key, wrapped) = wrapped();
    let read = WrappedKey::from_json(&wrapped.to_json().unwrap()).unwrap();
    assert_eq!(read, wrapped);
    assert_eq!(unwrap(&read, PASSWORD).unwrap().as_bytes(), key.as_bytes());
}

#[test]
fn a_wrong_password_is_refused() {
    let (_, wrapped) = wrapped();
    let error = unwrap(&wrapped, "桃李满天下2027").unwrap_err();
    assert!(
        matches!(error, Error::Secrets(SecretsError::WrongPassword)),
        "{error:?}"
    );
    assert_eq!(error.code(), "secrets.wrong_password");
    assert_eq!(error.kind(), ErrorKind::User);
    assert!(error.to_string().starts_with("密码不正确"), "{error}");
}

#[test]
fn a_password_differing_only_in_case_is_refused() {
    let key = SecretKey::generate().unwrap();
    let wrapped = wrap(&key, "Correct-Horse").unwrap();
    assert!(matches!(
        unwrap(&wrapped, "correct-horse"),
        Err(Error::Secrets(SecretsError::WrongPassword))
    ));
}

#[test]
fn a_tampered_ciphertext_is_refused_as_damaged() {
    let (_, wrapped) = wrapped();
    let mut object = stored(&wrapped);
    flip_bit(&mut object, "ct");
    assert_damaged(WrappedKey::from_json(&Value::Object(object).to_string()));
}

#[test]
fn a_tampered_nonce_is_refused_as_damaged() {
    let (_, wrapped) = wrapped();
    let mut object = stored(&wrapped);
    flip_bit(&mut object, "nonce");
    assert_damaged(WrappedKey::from_json(&Value::Object(object).to_string()));
}

#[test]
fn a_tampered_salt_is_refused_as_damaged() {
    let (_, wrapped) = wrapped();
    let mut object = stored(&wrapped);
    flip_bit(&mut object, "salt");
    assert_damaged(WrappedKey::from_json(&Value::Object(object).to_string()));
}

#[test]
fn tampered_parameters_are_refused_as_damaged() {
    let (_, wrapped) = wrapped();
    let mut object = stored(&wrapped);
    object["m"] = Value::from(8192);
    assert_damaged(WrappedKey::from_json(&Value::Object(object).to_string()));
}

#[test]
fn an_altered_ciphertext_with_a_matching_checksum_is_still_refused() {
    // Someone who rewrites the checksum too gets past the damage check, but
    // not past the cipher's tag.
    let (_, mut wrapped) = wrapped();
    wrapped.ciphertext[0] ^= 0x01;
    let read = WrappedKey::from_json(&wrapped.to_json().unwrap()).unwrap();
    assert!(matches!(
        unwrap(&read, PASSWORD),
        Err(Error::Secrets(SecretsError::WrongPassword))
    ));
}

#[test]
fn an_altered_nonce_or_salt_with_a_matching_checksum_is_still_refused() {
    let (_, wrapped) = wrapped();
    let mut nonce = wrapped.clone();
    nonce.nonce[0] ^= 0x01;
    assert!(matches!(
        unwrap(&nonce, PASSWORD),
        Err(Error::Secrets(SecretsError::WrongPassword))
    ));
    let mut salt = wrapped;
    salt.salt[0] ^= 0x01;
    assert!(matches!(
        unwrap(&salt, PASSWORD),
        Err(Error::Secrets(SecretsError::WrongPassword))
    ));
}

#[test]
fn a_truncated_ciphertext_is_refused_as_damaged() {
    let (_, mut wrapped) = wrapped();
    wrapped.ciphertext.truncate(40);
    assert!(matches!(
        unwrap(&wrapped, PASSWORD),
        Err(Error::Secrets(SecretsError::WrappedKeyDamaged { .. }))
    ));
    assert_damaged(WrappedKey::from_json(&wrapped.to_json().unwrap()));
}

#[test]
fn a_stored_form_that_is_not_json_or_lacks_a_field_is_refused_as_damaged() {
    assert_damaged(WrappedKey::from_json("not json"));
    assert_damaged(WrappedKey::from_json("[1, 2]"));
    assert_damaged(WrappedKey::from_json("{}"));
    let (_, wrapped) = wrapped();
    let mut object = stored(&wrapped);
    object.remove("nonce");
    assert_damaged(WrappedKey::from_json(&Value::Object(object).to_string()));
}

#[test]
fn an_unknown_algorithm_is_refused_as_damaged() {
    let (_, wrapped) = wrapped();
    let mut object = stored(&wrapped);
    object["kdf"] = Value::from("scrypt");
    assert_damaged(WrappedKey::from_json(&Value::Object(object).to_string()));
}

#[test]
fn parameters_asking_for_too_much_memory_are_refused_before_deriving() {
    // A copy asking for 4 GiB must be refused, not allocated.
    let (_, mut wrapped) = wrapped();
    wrapped.params.memory_kib = 4 * 1024 * 1024;
    assert!(matches!(
        unwrap(&wrapped, PASSWORD),
        Err(Error::Secrets(SecretsError::WrappedKeyDamaged { .. }))
    ));
    assert_damaged(WrappedKey::from_json(&wrapped.to_json().unwrap()));
}

#[test]
fn two_wraps_of_the_same_key_differ() {
    let key = SecretKey::generate().unwrap();
    let first = wrap(&key, PASSWORD).unwrap();
    let second = wrap(&key, PASSWORD).unwrap();
    assert_ne!(first.salt, second.salt);
    assert_ne!(first.nonce, second.nonce);
    assert_ne!(first.ciphertext, second.ciphertext);
    assert_eq!(unwrap(&first, PASSWORD).unwrap().as_bytes(), key.as_bytes());
    assert_eq!(
        unwrap(&second, PASSWORD).unwrap().as_bytes(),
        key.as_bytes()
    );
}

#[test]
fn the_stored_form_names_its_algorithms_version_and_parameters() {
    let (_, wrapped) = wrapped();
    let object = stored(&wrapped);
    assert_eq!(object["v"], 1);
    assert_eq!(object["kdf"], "argon2id");
    assert_eq!(object["aead"], "xchacha20poly1305");
    assert_eq!(object["m"], 19 * 1024);
    assert_eq!(object["t"], 2);
    assert_eq!(object["p"], 1);
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    for field in ["salt", "nonce", "ct", "check"] {
        assert!(keys.contains(&field), "{keys:?}");
    }
    // Compact: one line, field order as written.
    let text = wrapped.to_json().unwrap();
    assert!(text.starts_with(r#"{"v":1,"kdf":"argon2id","m":19456,"t":2,"p":1,"salt":""#));
    assert!(!text.contains('\n') && !text.contains(' '), "{text}");
}

#[test]
fn the_wrapped_key_round_trips_through_serde() {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Holder {
        key: WrappedKey,
    }
    let (key, wrapped) = wrapped();
    let text = serde_json::to_string(&Holder {
        key: wrapped.clone(),
    })
    .unwrap();
    let back: Holder = serde_json::from_str(&text).unwrap();
    assert_eq!(back.key, wrapped);
    assert_eq!(
        unwrap(&back.key, PASSWORD).unwrap().as_bytes(),
        key.as_bytes()
    );
    // A damaged one fails serde too, with the Chinese reason.
    let error = serde_json::from_str::<WrappedKey>(r#"{"v":1}"#).unwrap_err();
    assert!(error.to_string().contains("已损坏"), "{error}");
}

#[test]
fn an_unknown_version_is_refused() {
    let (_, wrapped) = wrapped();
    let mut object = stored(&wrapped);
    object["v"] = Value::from(2);
    // A later version may have other fields altogether.
    object.remove("kdf");
    let error = WrappedKey::from_json(&Value::Object(object).to_string()).unwrap_err();
    assert!(
        matches!(
            error,
            Error::Secrets(SecretsError::WrappedKeyUnsupported {
                version: 2,
                supported: 1
            })
        ),
        "{error:?}"
    );
    assert_eq!(error.code(), "secrets.wrapped_key_unsupported");
    assert!(error.to_string().contains("升级桃李"), "{error}");
}

#[test]
fn unwrapping_uses_the_parameters_stored_with_the_key() {
    let key = SecretKey::generate().unwrap();
    let light = KdfParams {
        memory_kib: 8 * 1024,
        iterations: 1,
        parallelism: 1,
    };
    let wrapped = wrap_with(&key, PASSWORD, light).unwrap();
    let read = WrappedKey::from_json(&wrapped.to_json().unwrap()).unwrap();
    assert_eq!(read.params, light);
    assert_eq!(unwrap(&read, PASSWORD).unwrap().as_bytes(), key.as_bytes());
}

#[test]
fn wrapping_under_a_weak_password_is_refused() {
    let key = SecretKey::generate().unwrap();
    assert!(matches!(
        wrap(&key, "1234567"),
        Err(Error::Secrets(SecretsError::WeakPassword {
            len: 7,
            min: 8
        }))
    ));
    assert!(matches!(
        wrap(&key, ""),
        Err(Error::Secrets(SecretsError::EmptyPassword { .. }))
    ));
}

#[test]
fn debug_of_a_key_does_not_show_its_bytes() {
    let key = SecretKey::from_slice(&[0xab; 32]).unwrap();
    let shown = format!("{key:?} {key:#?}");
    assert!(!shown.to_lowercase().contains("ab"), "{shown}");
    assert!(!shown.contains("171"), "{shown}");
    assert!(shown.contains("hidden"), "{shown}");
}

#[test]
fn a_password_hash_verifies_its_password_and_refuses_others() {
    let phc = hash_password(PASSWORD).unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    assert!(!phc.contains(PASSWORD));
    assert!(verify_password(&phc, PASSWORD).unwrap());
    assert!(!verify_password(&phc, "桃李满天下2027").unwrap());
    assert!(!verify_password(&phc, "").unwrap());
}

#[test]
fn two_hashes_of_one_password_differ() {
    let first = hash_password(PASSWORD).unwrap();
    let second = hash_password(PASSWORD).unwrap();
    assert_ne!(first, second);
    assert!(verify_password(&first, PASSWORD).unwrap());
    assert!(verify_password(&second, PASSWORD).unwrap());
}

#[test]
fn a_malformed_or_foreign_password_hash_is_refused() {
    for phc in [
        "",
        "not a hash",
        "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
    ] {
        let error = verify_password(phc, PASSWORD).unwrap_err();
        assert!(
            matches!(
                error,
                Error::Secrets(SecretsError::PasswordHashInvalid { .. })
            ),
            "{phc}: {error:?}"
        );
        assert_eq!(error.code(), "secrets.password_hash_invalid");
    }
}

#[test]
fn hashing_a_weak_password_is_refused() {
    assert!(matches!(
        hash_password("short"),
        Err(Error::Secrets(SecretsError::WeakPassword { .. }))
    ));
}

#[test]
fn an_empty_password_is_refused() {
    for password in ["", "   ", "\t\n"] {
        let error = check_password_strength(password).unwrap_err();
        assert!(
            matches!(
                error,
                Error::Secrets(SecretsError::EmptyPassword { min: 8 })
            ),
            "{error:?}"
        );
        assert_eq!(error.code(), "secrets.password_empty");
        assert!(error.to_string().contains("不能为空"), "{error}");
    }
}

#[test]
fn a_password_shorter_than_eight_characters_is_refused() {
    let error = check_password_strength("abc1234").unwrap_err();
    assert!(
        matches!(
            error,
            Error::Secrets(SecretsError::WeakPassword { len: 7, min: 8 })
        ),
        "{error:?}"
    );
    assert_eq!(error.code(), "secrets.password_weak");
    assert_eq!(error.kind(), ErrorKind::User);
    assert!(error.to_string().contains("至少要 8 个"), "{error}");
}

#[test]
fn password_length_counts_characters_not_bytes() {
    assert_eq!(MIN_PASSWORD_CHARS, 8);
    // Seven 汉字 are 21 bytes of UTF-8 but still seven characters.
    assert!(matches!(
        check_password_strength("桃李满天下春晖"),
        Err(Error::Secrets(SecretsError::WeakPassword { len: 7, .. }))
    ));
    check_password_strength("桃李满天下春晖寸草").unwrap();
    check_password_strength("abcd1234").unwrap();
}

#[test]
fn a_password_typed_full_width_verifies_against_its_half_width_form() {
    let phc = hash_password("Taoli2026").unwrap();
    assert!(verify_password(&phc, "Ｔａｏｌｉ２０２６").unwrap());
}

#[test]
fn a_key_wrapped_under_a_full_width_password_unwraps_with_the_half_width_one() {
    let key = SecretKey::generate().unwrap();
    let wrapped = wrap(&key, "ｗａｎｇ老师１２３").unwrap();
    let back = unwrap(&wrapped, "wang老师123").unwrap();
    assert_eq!(back.as_bytes(), key.as_bytes());
}

#[test]
fn case_still_counts_after_normalizing() {
    let phc = hash_password("Taoli2026").unwrap();
    assert!(!verify_password(&phc, "ｔａｏｌｉ２０２６").unwrap());
}
