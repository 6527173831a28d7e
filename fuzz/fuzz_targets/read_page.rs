//! Any bytes through the page reader: it must never panic, and whatever it
//! makes of them must serialise to a spec that reads back the same.
#![no_main]

use feishu_codegen::read::{read_page, Outcome};
use feishu_codegen::spec::Spec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let result = read_page("fuzz.md", bytes);
    for d in &result.diagnostics {
        assert!(d.line >= 1);
    }
    if let Outcome::Endpoint(spec) = result.outcome {
        let yaml = spec.to_yaml();
        let back = Spec::from_yaml(&yaml).expect("a written spec reads back");
        assert_eq!(back.to_yaml(), yaml);
    }
});
