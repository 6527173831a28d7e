//! `cargo xtask bench`: how long reading and generating take, against a
//! bare pulldown-cmark pass over the same pages as the yardstick.
//!
//! Every phase runs on the same pages, already in memory for (a) and (b),
//! and with the same threads (one per core), so the ratios compare like with
//! like. Each figure is the best of `runs`: the least disturbed by whatever
//! else the machine is doing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use feishu_codegen::generate::{collect_pages, run_cached, spec_files, PageInput};
use feishu_codegen::parallel;
use feishu_codegen::progress::Progress;
use pulldown_cmark::{Options, Parser};

use crate::generate::{generate, Args};
use crate::report::Format;

/// Where the full generates write by default: a memory file system when
/// there is one. On a disk, creating the bench's 2,000-odd files just after
/// its last invocation deleted as many costs seconds of the file system's
/// own (ext4 passes over recently freed inodes), which is neither the
/// generator's time nor what a maintainer's regenerate, which rewrites only
/// changed files, would meet. `--scratch` measures on a disk.
pub fn default_scratch() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.join(format!("feishu-bench-{}", std::process::id()))
    } else {
        crate::generate::cache_dir().join("bench")
    }
}

pub fn bench(pages: &[PathBuf], runs: usize, scratch: &Path) -> anyhow::Result<Vec<String>> {
    let inputs = collect_pages(pages)?;
    let bytes: usize = inputs.iter().map(|p| p.bytes.len()).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    let pulldown = best_of(runs, || pulldown_pass(&inputs));
    let mut yaml = Duration::MAX;
    let read = best_of(runs, || {
        let run = run_cached(&inputs, None, &Progress::hidden());
        let start = Instant::now();
        let files = spec_files(&run);
        yaml = yaml.min(start.elapsed());
        (run, files)
    });
    // Each full run writes into a folder of its own, as on a fresh
    // checkout: neither deleting the last run's 2,000-odd files nor the
    // file system's handling of just-freed inodes is the generator's time.
    let _ = std::fs::remove_dir_all(scratch);
    let args_in = |folder: &Path| Args {
        pages: pages.to_vec(),
        specs: folder.join("specs"),
        out: folder.join("crate"),
        name: feishu_codegen::emit::PACKAGE.to_string(),
        check: false,
        format: Format::Human,
        cache: folder.join("cache"),
    };
    let mut failed = None;
    let mut run = 0;
    let full = best_of(runs, || {
        run += 1;
        if let Err(e) = generate(&args_in(&scratch.join(format!("full-{run}")))) {
            failed = Some(e);
        }
    });
    let args = args_in(&scratch.join(format!("full-{run}")));
    let unchanged = best_of(runs, || {
        if let Err(e) = generate(&args) {
            failed = Some(e);
        }
    });
    let _ = std::fs::remove_dir_all(scratch);
    if let Some(e) = failed {
        return Err(e);
    }
    let seconds = |d: Duration| d.as_secs_f64();
    Ok(vec![
        format!(
            "{} pages, {:.1} MB, {threads} threads, best of {runs} runs",
            inputs.len(),
            bytes as f64 / 1e6
        ),
        format!("(a) pulldown-cmark pass       {:>8.3} s", seconds(pulldown)),
        format!("(b) read into specs           {:>8.3} s", seconds(read)),
        format!("    of which writing YAML     {:>8.3} s", seconds(yaml)),
        format!(
            "(c) full generate             {:>8.3} s   (into {})",
            seconds(full),
            scratch.display()
        ),
        format!(
            "(d) no-change regenerate      {:>8.3} s",
            seconds(unchanged)
        ),
        format!("parse/pulldown = {:.2}", seconds(read) / seconds(pulldown)),
        format!(
            "generate/pulldown = {:.2}",
            seconds(full) / seconds(pulldown)
        ),
        format!(
            "no-change/generate = {:.2}",
            seconds(unchanged) / seconds(full)
        ),
    ])
}

/// The yardstick: every event of every page, tables and front matter on.
fn pulldown_pass(pages: &[PageInput]) -> usize {
    let options = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    parallel::map(pages, |page| {
        let text = String::from_utf8_lossy(&page.bytes);
        Parser::new_ext(&text, options).count()
    })
    .into_iter()
    .sum()
}

/// The least time `f` took in `runs` runs. What it returns is freed after
/// the clock stops: a phase is timed to its product, as a run that ends the
/// process would use it, not to freeing it (for the read, the specs of the
/// whole corpus: some 90 M instructions on one core).
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            let product = std::hint::black_box(f());
            let elapsed = start.elapsed();
            drop(product);
            elapsed
        })
        .min()
        .unwrap_or_default()
}
