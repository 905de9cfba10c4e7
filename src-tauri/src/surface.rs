//! The command surface: each Tauri command is declared once, in the
//! `commands!` table of `commands.rs`, and this macro makes of it
//!
//! - the command functions, each body run inside [`guard`] (a panic becomes
//!   the 「内部错误」 reply instead of taking the window down);
//! - the handler list the app registers ([`crate::commands::handler`]);
//! - the command table ([`crate::commands::table`]) the UI's
//!   `ui/src/commands.ts` is generated from ([`typescript`]), with each
//!   argument under the camelCase name Tauri expects and its TypeScript
//!   type from ts-rs, the same as `ui/src/bindings.ts`.
//!
//! A command is `fn name(arg: Type, …) -> Answer = how { body }`, its body
//! giving a `Reply<Answer>`, with the app handle and the shell's state in
//! the two names the table starts with. `how` is where it runs: `sync` on
//! the window's thread (quick calls), `task` on the async runtime (work that
//! takes a while), `worker |w|` on the session's sync worker (what goes over
//! the network, its body giving a `taoli_core::Result`).

use taoli_core::panic_report;
use taoli_core::{ErrorKind, ErrorPayload, Locale};
use ts_rs::{Config, TS};

/// What a command's body gives: its answer, or why not, said in the
/// window's language only when the command answers ([`guard`]).
pub type Reply<T> = Result<T, Failure>;

/// What a Tauri command answers the window: the answer or an `ErrorPayload`.
pub type Answer<T> = Result<T, ErrorPayload>;

/// Why a command failed, not yet put in words.
#[derive(Debug)]
pub enum Failure {
    /// The core's error.
    Core(taoli_core::Error),
    /// The app's own: a key of the message catalogs and its arguments.
    App {
        code: &'static str,
        kind: ErrorKind,
        args: Vec<(&'static str, String)>,
    },
    /// Already said (the core's refusal of a sync worker, kept as said).
    Said(ErrorPayload),
}

impl From<taoli_core::Error> for Failure {
    fn from(error: taoli_core::Error) -> Failure {
        Failure::Core(error)
    }
}

impl From<ErrorPayload> for Failure {
    fn from(payload: ErrorPayload) -> Failure {
        Failure::Said(payload)
    }
}

impl Failure {
    /// The failure as the window receives it, in `locale`.
    pub fn said(self, locale: Locale) -> ErrorPayload {
        match self {
            Failure::Core(error) => ErrorPayload::new(&error, locale),
            Failure::App { code, kind, args } => ErrorPayload::app(code, kind, &args, locale),
            Failure::Said(payload) => payload,
        }
    }
}

pub fn payload(error: taoli_core::Error) -> Failure {
    Failure::Core(error)
}

/// Runs a command's work; a panic inside it becomes the 「内部错误」 reply
/// (`taoli_core::panic_report`) instead of taking the window down. The work
/// had the school file's transaction open, if any: it rolled back. A
/// failure is said in `locale` (the window's language).
pub fn guard<T>(locale: Locale, work: impl FnOnce() -> Reply<T>) -> Answer<T> {
    panic_report::catch(work)
        .unwrap_or_else(|report| Err(payload(report.into())))
        .map_err(|failure| failure.said(locale))
}

/// One command as the UI calls it.
#[derive(Debug)]
pub struct Command {
    pub name: &'static str,
    pub docs: &'static [&'static str],
    /// Each argument's Rust name and TypeScript type.
    pub args: Vec<(&'static str, String)>,
    pub returns: String,
}

/// The TypeScript of `T` as a command sends or receives it: JSON, so a
/// 64-bit integer is a `number` (as `bindings.ts` declares them).
pub fn ts<T: TS + ?Sized>() -> String {
    T::name(&Config::default().with_large_int("number"))
}

macro_rules! commands {
    (
        $app:ident, $state:ident;
        $(
            $(#[doc = $doc:literal])*
            fn $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty
                = $how:ident $(|$worker:ident|)? $body:block
        )*
    ) => {
        $(
            $crate::surface::command_fn!(
                $how [$($doc)*] $name [$app $state] ($($arg: $ty),*) $ret $(|$worker|)? $body
            );
        )*

        /// The handler of every command, for `tauri::Builder::invoke_handler`.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Every command, in the order declared.
        pub fn table() -> Vec<$crate::surface::Command> {
            vec![$(
                $crate::surface::Command {
                    name: stringify!($name),
                    docs: &[$($doc),*],
                    args: vec![$((stringify!($arg), $crate::surface::ts::<$ty>())),*],
                    returns: $crate::surface::ts::<$ret>(),
                }
            ),*]
        }
    };
}

macro_rules! command_fn {
    (sync [$($doc:literal)*] $name:ident [$app:ident $state:ident] ($($arg:ident: $ty:ty),*) $ret:ty $body:block) => {
        $(#[doc = $doc])*
        #[tauri::command]
        #[allow(unused_variables)]
        pub fn $name(
            $app: tauri::AppHandle,
            $state: tauri::State<'_, $crate::state::AppState>,
            $($arg: $ty),*
        ) -> $crate::surface::Answer<$ret> {
            $crate::surface::guard($state.locale(), || $body)
        }
    };
    (task [$($doc:literal)*] $name:ident [$app:ident $state:ident] ($($arg:ident: $ty:ty),*) $ret:ty $body:block) => {
        $(#[doc = $doc])*
        #[tauri::command]
        #[allow(unused_variables)]
        pub async fn $name(
            $app: tauri::AppHandle,
            $state: tauri::State<'_, $crate::state::AppState>,
            $($arg: $ty),*
        ) -> $crate::surface::Answer<$ret> {
            $crate::surface::guard($state.locale(), || $body)
        }
    };
    (worker [$($doc:literal)*] $name:ident [$app:ident $state:ident] ($($arg:ident: $ty:ty),*) $ret:ty |$worker:ident| $body:block) => {
        $(#[doc = $doc])*
        #[tauri::command]
        #[allow(unused_variables)]
        pub async fn $name(
            $app: tauri::AppHandle,
            $state: tauri::State<'_, $crate::state::AppState>,
            $($arg: $ty),*
        ) -> $crate::surface::Answer<$ret> {
            $crate::surface::on_worker(&$state, move |$worker| $body).await
        }
    };
}

pub(crate) use command_fn;
pub(crate) use commands;

/// Runs `f` on the session's sync worker (or says why there is none), on a
/// thread where blocking is allowed: the HTTP client blocks, which the async
/// runtime's own threads must never do. What goes over the network runs on
/// the worker's handle of the school file, never on the window's: a slow
/// link holds no other call.
pub async fn on_worker<T: Send + 'static>(
    state: &crate::state::AppState,
    f: impl FnOnce(&taoli_core::batches::SyncWorker) -> taoli_core::Result<T> + Send + 'static,
) -> Answer<T> {
    let locale = state.locale();
    let worker = state
        .worker()
        .map_err(|failure| Failure::from(failure).said(locale))?;
    tauri::async_runtime::spawn_blocking(move || guard(locale, || f(&worker).map_err(payload)))
        .await
        .map_err(|e| joined(e).said(locale))?
}

/// A blocking task that did not come back: its panic's report, or why not.
fn joined(error: tauri::Error) -> Failure {
    match error {
        tauri::Error::JoinError(join) if join.is_panic() => {
            payload(panic_report::report_of_other_thread(join.into_panic().as_ref()).into())
        }
        other => crate::state::task_failed(&other.to_string()),
    }
}

/// The contents of `ui/src/commands.ts`: a typed function per command, named
/// in camelCase, calling it through `ui/src/invoke.ts`.
pub fn typescript(commands: &[Command]) -> String {
    let mut types = std::collections::BTreeSet::new();
    let mut body = String::new();
    for command in commands {
        let args: Vec<(String, &str)> = command
            .args
            .iter()
            .map(|(name, ty)| (camel_case(name), ty.as_str()))
            .collect();
        let returns = match command.returns.as_str() {
            "null" => "void",
            other => other,
        };
        for ty in args.iter().map(|(_, ty)| *ty).chain([returns]) {
            types.extend(type_names(ty));
        }
        body.push('\n');
        if !command.docs.is_empty() {
            body.push_str("/**\n");
            for line in command.docs {
                body.push_str(" *");
                body.push_str(line.trim_end());
                body.push('\n');
            }
            body.push_str(" */\n");
        }
        let params: Vec<String> = args.iter().map(|(n, ty)| format!("{n}: {ty}")).collect();
        let call = if args.is_empty() {
            format!("invoke<{returns}>('{}')", command.name)
        } else {
            let names: Vec<&str> = args.iter().map(|(n, _)| n.as_str()).collect();
            format!(
                "invoke<{returns}>('{}', {{ {} }})",
                command.name,
                names.join(", ")
            )
        };
        body.push_str(&format!(
            "export function {}({}): Promise<{returns}> {{\n  return {call}\n}}\n",
            camel_case(command.name),
            params.join(", "),
        ));
    }
    let mut out = String::from(
        "// Generated from the command table in src-tauri/src/commands.rs. Do not edit.\n\
         // Regenerate: TAOLI_UPDATE_COMMANDS=1 cargo test -p taoli-app --test commands\n\
         import { invoke } from './invoke'\n",
    );
    if !types.is_empty() {
        out.push_str("import type {\n");
        for name in &types {
            out.push_str(&format!("  {name},\n"));
        }
        out.push_str("} from './bindings'\n");
    }
    out.push_str(&body);
    out
}

/// `teacher_ids` → `teacherIds`, as Tauri names a command's arguments.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The declared types a TypeScript type names (those from `bindings.ts`):
/// its capitalised words, but for TypeScript's own `Array`.
fn type_names(ty: &str) -> Vec<String> {
    ty.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()) && *w != "Array")
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_names_are_camel_case() {
        assert_eq!(camel_case("teacher_ids"), "teacherIds");
        assert_eq!(camel_case("admin_password"), "adminPassword");
        assert_eq!(camel_case("path"), "path");
    }

    #[test]
    fn type_names_are_the_declared_types() {
        assert_eq!(
            type_names("{ [key in string]: SignoffState } | Array<RecentFile> | null"),
            vec!["SignoffState", "RecentFile"]
        );
    }

    #[test]
    fn large_integers_are_numbers_and_unit_is_void() {
        assert_eq!(ts::<Option<i64>>(), "number | null");
        let commands = [Command {
            name: "delete_record",
            docs: &[" Deletes it."],
            args: vec![("record_id", ts::<String>())],
            returns: ts::<()>(),
        }];
        assert_eq!(
            typescript(&commands),
            "// Generated from the command table in src-tauri/src/commands.rs. Do not edit.\n\
             // Regenerate: TAOLI_UPDATE_COMMANDS=1 cargo test -p taoli-app --test commands\n\
             import { invoke } from './invoke'\n\
             \n/**\n * Deletes it.\n */\n\
             export function deleteRecord(recordId: string): Promise<void> {\n  \
             return invoke<void>('delete_record', { recordId })\n}\n"
        );
    }
}
