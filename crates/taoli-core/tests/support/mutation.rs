//! Byte mutations for the proptest fuzzers (`fuzz_readers.rs`,
//! `fuzz_protocol.rs`): bits flipped, the end cut, bytes inserted or
//! overwritten, positions scaled to the input's length. Each fuzzer gives the
//! tokens its format tends to hold when damaged or hostile.
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::Index;

/// One change to a file's bytes; positions are scaled to its length.
#[derive(Debug, Clone)]
pub enum Mutation {
    Flip(Index, u8),
    Truncate(Index),
    Insert(Index, Vec<u8>),
    Overwrite(Index, Vec<u8>),
}

/// Mutations whose inserted or overwritten bytes are random or one of `tokens`.
pub fn mutation(tokens: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 1..16),
        prop::sample::select(tokens.to_vec()).prop_map(|t| t.as_bytes().to_vec()),
    ];
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(i, bit)| Mutation::Flip(i, bit)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), bytes.clone()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<Index>(), bytes).prop_map(|(i, b)| Mutation::Overwrite(i, b)),
    ]
}

pub fn mutate(bytes: &mut Vec<u8>, mutations: &[Mutation]) {
    for m in mutations {
        if bytes.is_empty() {
            return;
        }
        match m {
            Mutation::Flip(i, bit) => {
                let at = i.index(bytes.len());
                bytes[at] ^= 1 << bit;
            }
            Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len())),
            Mutation::Insert(i, b) => {
                let at = i.index(bytes.len() + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::Overwrite(i, b) => {
                let at = i.index(bytes.len());
                let end = (at + b.len()).min(bytes.len());
                bytes.splice(at..end, b.iter().copied());
            }
        }
    }
}
