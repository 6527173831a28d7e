//! Fixture pages → specs, pinned with insta snapshots.
#[test]
fn workspace_builds() {
    assert_eq!(feishu_codegen::diag::Severity::Error.as_str(), "error");
}
