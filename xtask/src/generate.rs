//! `cargo xtask generate`: pages → specs → crate, or with `--check`, the
//! files that are out of date.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use feishu_codegen::cache::{self, Manifest, PageCache};
use feishu_codegen::emit::{self, Options};
use feishu_codegen::generate::{
    collect_pages, run_cached, spec_files, stale_files, unproduced_specs, write_specs, Common, Run,
    Stale, Summary,
};
use feishu_codegen::progress::Progress;
use feishu_codegen::spec::Spec;
use serde_json::json;

use crate::report::{self, Format, Sources};
use crate::{print_lines, workspace_root};

pub struct Args {
    pub pages: Vec<PathBuf>,
    pub specs: PathBuf,
    pub out: PathBuf,
    /// The crate's package name.
    pub name: String,
    pub check: bool,
    pub format: Format,
    /// Where page results and the crate's manifest are cached.
    pub cache: PathBuf,
}

/// What a run prints, and whether it succeeded.
pub struct Generated {
    pub lines: Vec<String>,
    pub ok: bool,
}

impl Generated {
    pub fn print(&self) -> anyhow::Result<ExitCode> {
        print_lines(&self.lines)?;
        Ok(if self.ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        })
    }
}

pub fn generate(args: &Args) -> anyhow::Result<Generated> {
    let progress = Progress::on_terminal();
    let salt = cache::executable_salt();
    let inputs = collect_pages(&args.pages)?;
    let cache_file = args.cache.join(format!(
        "pages-{:032x}.json",
        cache::hash(format!("{:?}", args.pages).as_bytes())
    ));
    let mut page_cache = PageCache::load(&cache_file, salt);
    let result = run_cached(&inputs, Some(&mut page_cache), &progress);
    let mut report = vec![Summary(&result).to_string()];
    let mut stale = Vec::new();

    // Each output folder is left alone when its manifest says it holds
    // what the same input gave last time: no YAML written, nothing emitted.
    let specs = Output::new(&args.specs, "specs", args, salt)?;
    let spec_hashes = match specs.current(page_cache.fingerprint, |files| {
        unproduced_specs(&args.specs, files)
    }) {
        Some(manifest) => manifest.files().clone(),
        None => {
            let files = spec_files(&result);
            if args.check {
                let unproduced = unproduced_specs(&args.specs, &files)?;
                stale.extend(specs.stale(&files, unproduced));
            } else {
                write_specs(&args.specs, &files)?;
            }
            specs.record(page_cache.fingerprint, &files)?
        }
    };

    let options = options(&args.out, &args.name)?;
    let krate = Output::new(&args.out, "crate", args, salt)?;
    let crate_input = crate_input(&spec_hashes, &options);
    let (files, changed) =
        match krate.current(crate_input, |files| emit::stale_sources(&args.out, files)) {
            Some(manifest) => (manifest.files().len(), 0),
            None => {
                progress.phase("emitting the crate", 1);
                let files = emit::emit(&result.specs, result.common.as_ref(), &options);
                progress.finish();
                let changed = if args.check {
                    let unproduced = emit::stale_sources(&args.out, &files)?;
                    stale.extend(krate.stale(&files, unproduced));
                    0
                } else {
                    emit::write_crate(&args.out, &files)?
                };
                krate.record(crate_input, &files)?;
                (files.len(), changed)
            }
        };

    if args.check {
        report.extend(
            stale
                .iter()
                .map(|(path, how)| format!("stale: {} ({})", shown(path), how.as_str())),
        );
        report.push(if stale.is_empty() {
            "specs and crate are up to date".to_string()
        } else {
            format!(
                "{} files are out of date; run `cargo xtask generate`",
                stale.len()
            )
        });
    } else {
        report.push(format!(
            "{}: {files} files, {changed} changed",
            shown(&args.out)
        ));
        page_cache.save(&cache_file)?;
    }
    let lines = match args.format {
        Format::Json => {
            let document = json!({
                "summary": summary_json(&result),
                "stale": stale.iter().map(|(path, how)| json!({
                    "path": shown(path),
                    "how": how.as_str(),
                })).collect::<Vec<_>>(),
                "diagnostics": result.diagnostics,
            });
            vec![serde_json::to_string_pretty(&document)?]
        }
        format => {
            let sources = Sources::new(&inputs);
            report.extend(report::render(&result.diagnostics, &sources, format));
            report
        }
    };
    Ok(Generated {
        lines,
        ok: result.failed.is_empty() && stale.is_empty(),
    })
}

/// A path as the maintainer would type it: relative to the folder the
/// command runs in, when it is inside it.
fn shown(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    relative.as_deref().unwrap_or(path).display().to_string()
}

fn summary_json(run: &Run) -> serde_json::Value {
    use feishu_codegen::diag::Severity;
    let count = |s: Severity| run.diagnostics.iter().filter(|d| d.severity == s).count();
    json!({
        "pages": run.pages,
        "endpoints": run.specs.len(),
        "guides": run.guides,
        "failed": run.failed,
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
        "notes": count(Severity::Note),
    })
}

/// Where the generator keeps its caches: the workspace's target folder.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
        .join("xtask-cache")
}

/// The crate `name` written to `out`: its path to the runtime crate, and
/// whether it needs a workspace of its own.
pub fn options(out: &Path, name: &str) -> anyhow::Result<Options> {
    let out_abs = absolute(out)?;
    let root = workspace_root().canonicalize()?;
    Ok(Options {
        package: name.to_owned(),
        runtime_path: emit::relative_path(&out_abs, &root.join("runtime")),
        standalone: !workspace_members(&root)?.contains(&out_abs),
    })
}

/// `path` made absolute, through its links when it exists.
fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    path.canonicalize().or_else(|_| std::path::absolute(path))
}

/// The folders `members` of the workspace's Cargo.toml lists (`generated/`,
/// the test fixture crate): a crate written there builds in this workspace,
/// one written anywhere else needs its own.
fn workspace_members(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let manifest: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))?.parse()?;
    let members = manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default();
    Ok(members
        .iter()
        .filter_map(|m| m.as_str())
        .map(|m| root.join(m))
        .collect())
}

/// What the crate's files are made from: the spec files (by hash) and the
/// options.
fn crate_input(spec_hashes: &BTreeMap<PathBuf, String>, options: &Options) -> cache::Hash {
    let mut text = format!(
        "{}\n{}\n{}\n",
        options.package, options.runtime_path, options.standalone
    );
    for (path, hash) in spec_hashes {
        text.push_str(&format!("{}\0{hash}\n", path.display()));
    }
    cache::hash(text.as_bytes())
}

/// An output folder and its manifest in the cache.
struct Output<'a> {
    dir: &'a Path,
    manifest: PathBuf,
    salt: cache::Hash,
    /// `--check`: compare, never write (not even the manifest).
    check: bool,
}

impl<'a> Output<'a> {
    fn new(dir: &'a Path, kind: &str, args: &Args, salt: cache::Hash) -> anyhow::Result<Self> {
        let key = cache::hash(absolute(dir)?.to_string_lossy().as_bytes());
        Ok(Output {
            dir,
            manifest: args.cache.join(format!("{kind}-{key:032x}.json")),
            salt,
            check: args.check,
        })
    }

    /// The manifest, when the folder holds what `input` gave last time.
    fn current(
        &self,
        input: cache::Hash,
        unexpected: impl FnOnce(&BTreeMap<PathBuf, String>) -> std::io::Result<Vec<PathBuf>>,
    ) -> Option<Manifest> {
        Manifest::load(&self.manifest)
            .filter(|m| m.is_current(self.salt, input, self.dir, unexpected))
    }

    /// The folder's files that differ from `files`, with their paths.
    fn stale(
        &self,
        files: &BTreeMap<PathBuf, String>,
        unproduced: Vec<PathBuf>,
    ) -> Vec<(PathBuf, Stale)> {
        stale_files(self.dir, files, unproduced)
            .into_iter()
            .map(|(path, how)| (self.dir.join(path), how))
            .collect()
    }

    /// Records that the folder now holds `files`, made from `input`;
    /// returns their hashes.
    fn record(
        &self,
        input: cache::Hash,
        files: &BTreeMap<PathBuf, String>,
    ) -> anyhow::Result<BTreeMap<PathBuf, String>> {
        let manifest = Manifest::new(self.salt, input, files);
        if !self.check {
            manifest.save(&self.manifest)?;
        }
        Ok(manifest.files().clone())
    }
}

/// Emits `specs` (already written) to `out`, for `cargo xtask emit`.
pub fn emit_specs(
    specs: &[Spec],
    common: Option<&Common>,
    out: &Path,
    name: &str,
) -> anyhow::Result<(usize, usize)> {
    let files = emit::emit(specs, common, &options(out, name)?);
    let changed = emit::write_crate(out, &files)?;
    Ok((files.len(), changed))
}
