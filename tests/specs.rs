//! Pages → specs, end to end: the bundled pages and one fixture page per quirk
//! the reader handles, pinned with insta snapshots; determinism; and the
//! reader on the real corpus, scored against the official SDK's types.

use std::path::{Path, PathBuf};

use feishu_codegen::generate::{collect_pages, run, spec_files, PageInput, Run};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Reads pages with labels relative to the workspace, as `generate` does.
fn generate(dirs: &[&str]) -> Run {
    let root = workspace();
    let mut pages = Vec::new();
    for dir in dirs {
        for page in collect_pages(&[root.join(dir)]).expect("fixture folder") {
            let label = Path::new(&page.label)
                .strip_prefix(&root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or(page.label);
            pages.push(PageInput {
                label,
                bytes: page.bytes,
            });
        }
    }
    run(pages)
}

/// Everything a run writes, plus its summary and diagnostics, as one text.
fn render(run: &Run) -> String {
    let mut out = format!("{}\n", feishu_codegen::generate::Summary(run));
    for d in &run.diagnostics {
        out.push_str(&format!("{d}\n"));
    }
    for (path, contents) in spec_files(run) {
        out.push_str(&format!("\n=== {}\n{contents}", path.display()));
    }
    out
}

#[test]
fn bundled_pages() {
    let run = generate(&["pages"]);
    assert_eq!(run.specs.len(), 1, "002 is a guide");
    assert_eq!(run.guides, 1);
    assert!(run.failed.is_empty());
    insta::assert_snapshot!("bundled", render(&run));
}

/// One snapshot per fixture page, so a change shows which quirk it touches.
#[test]
fn fixture_pages() {
    let dir = workspace().join("tests/fixtures/pages");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    for name in names {
        let run = generate(&[&format!("tests/fixtures/pages/{name}")]);
        insta::assert_snapshot!(name.trim_end_matches(".md"), render(&run));
    }
}

#[test]
fn bad_pages_give_diagnostics_not_silence() {
    for name in ["empty.md", "binary.md"] {
        let run = generate(&[&format!("tests/fixtures/pages/{name}")]);
        assert!(run.specs.is_empty());
        assert!(
            run.diagnostics
                .iter()
                .any(|d| d.page.ends_with(name) && d.line >= 1),
            "{name} gave no diagnostic"
        );
    }
    let run = generate(&["tests/fixtures/pages/bad_table.md"]);
    let messages: Vec<String> = run.diagnostics.iter().map(|d| d.to_string()).collect();
    for expected in [
        ":14: warning: row `a` has more cells",
        ":16: warning: field `a` appears twice",
        ":17: warning: field `c` has an unknown type",
        ":17: warning: unknown required marker",
        ":18: warning: `中文 名` is not a field name",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(expected)),
            "missing {expected:?} in {messages:#?}"
        );
    }
}

#[test]
fn one_endpoint_from_two_pages() {
    let run = generate(&["tests/fixtures/merge"]);
    assert_eq!(run.specs.len(), 1);
    let spec = &run.specs[0];
    assert_eq!(spec.sources.len(), 2);
    assert_eq!(spec.id, "demo.v1.team.member.list");
    insta::assert_snapshot!("merge", render(&run));
}

#[test]
fn output_does_not_depend_on_page_order() {
    let root = workspace();
    let mut pages =
        collect_pages(&[root.join("pages"), root.join("tests/fixtures/pages")]).unwrap();
    let forward = spec_files(&run(collect_pages(&[
        root.join("pages"),
        root.join("tests/fixtures/pages"),
    ])
    .unwrap()));
    pages.reverse();
    let backward = spec_files(&run(pages));
    assert_eq!(forward, backward);
}

#[test]
fn a_cached_run_gives_what_a_fresh_one_gives() {
    use feishu_codegen::cache::PageCache;
    use feishu_codegen::generate::run_cached;
    use feishu_codegen::progress::Progress;

    let pages = collect_pages(&[
        workspace().join("pages"),
        workspace().join("tests/fixtures/pages"),
    ])
    .unwrap();
    let fresh = run(collect_pages(&[
        workspace().join("pages"),
        workspace().join("tests/fixtures/pages"),
    ])
    .unwrap());

    let scratch = std::env::temp_dir().join(format!("feishu-cache-test-{}", std::process::id()));
    let file = scratch.join("pages.json");
    let mut cache = PageCache::load(&file, 7);
    run_cached(&pages, Some(&mut cache), &Progress::hidden());
    assert_eq!(cache.hits, 0);
    cache.save(&file).unwrap();

    let mut cache = PageCache::load(&file, 7);
    let cached = run_cached(&pages, Some(&mut cache), &Progress::hidden());
    assert_eq!(cache.hits, pages.len());
    assert_eq!(render(&cached), render(&fresh));

    // Another build of the generator does not trust this cache.
    let mut other_build = PageCache::load(&file, 8);
    run_cached(&pages, Some(&mut other_build), &Progress::hidden());
    assert_eq!(other_build.hits, 0);
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// A page's reading may take a type's fields from another page (the type
/// dictionary): a cached run must then follow that page's changes too.
#[test]
fn a_type_from_another_page_follows_its_changes() {
    use feishu_codegen::cache::PageCache;
    use feishu_codegen::generate::run_cached;
    use feishu_codegen::progress::Progress;

    let teacher = std::fs::read_to_string(
        workspace().join("tests/fixtures/pages/format_a_type_from_response.md"),
    )
    .unwrap();
    // Lists `member_info` flat, with an example that shows only `name` (and
    // `reason` before it, so that the order of keys does not keep `email`
    // in `member`).
    let learner =
        "---\ntitle: \"更新成员\"\nsource_url: https://open.feishu.cn/document/demo\n---\n\
        # 更新成员\n\n## 请求\n名称 | 值\n---|---\n\
        HTTP URL | https://open.feishu.cn/open-apis/demo/v1/team_members/:member_id\n\
        HTTP Method | PATCH\n\n### 请求体\n\n名称 | 类型 | 必填 | 描述\n--- | --- | --- | ---\n\
        member | member_info | 是 | 成员\nname | string | 否 | 姓名\nemail | string | 否 | 邮箱\n\
        reason | string | 否 | 原因\n\n### 请求体示例\n```json\n\
        {\"reason\": \"改名\", \"member\": {\"name\": \"张三\"}}\n```\n";
    let pages = |teacher: &str| {
        vec![
            PageInput {
                label: "teacher.md".into(),
                bytes: teacher.as_bytes().to_vec(),
            },
            PageInput {
                label: "learner.md".into(),
                bytes: learner.as_bytes().to_vec(),
            },
        ]
    };
    let email_in_member = |run: &Run| {
        let spec = run.specs.iter().find(|s| s.method == "PATCH").unwrap();
        let member = &spec.request.body[0];
        member.fields.iter().any(|f| f.name == "email")
    };
    let scratch = std::env::temp_dir().join(format!("feishu-dict-test-{}", std::process::id()));
    let file = scratch.join("pages.json");

    let mut cache = PageCache::load(&file, 7);
    let with_teacher = run_cached(&pages(&teacher), Some(&mut cache), &Progress::hidden());
    assert!(email_in_member(&with_teacher));
    let mut alone = pages(&teacher);
    alone.remove(0);
    assert!(!email_in_member(&run(alone)));
    cache.save(&file).unwrap();

    // The teacher's response example no longer shows `email`: the type is
    // then not known to hold it, and the cached learner must not say so.
    let changed = teacher.replace("\"email\": \"zhangsan@example.com\", ", "");
    assert_ne!(changed, teacher);
    let mut cache = PageCache::load(&file, 7);
    let cached = run_cached(&pages(&changed), Some(&mut cache), &Progress::hidden());
    assert!(!email_in_member(&cached));
    assert_eq!(render(&cached), render(&run(pages(&changed))));
    std::fs::remove_dir_all(&scratch).unwrap();
}
