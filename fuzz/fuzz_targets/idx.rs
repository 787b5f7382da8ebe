//! Fuzzes the idx parser: any bytes give a value or an error, never a panic.
#![no_main]

use latent_studio::front_door::{FileKind, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse(FileKind::Idx, data);
});
