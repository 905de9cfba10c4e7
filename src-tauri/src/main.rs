// Keeps a console window from opening next to the app on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// Imports of large rosters allocate many small values; mimalloc does that
/// faster than the system allocator, especially across threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    taoli_app::run();
}
