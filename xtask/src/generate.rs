//! `cargo xtask generate`: pages → specs → crate, or with `--check`, the
//! files that are out of date.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use feishu_codegen::cache::{self, CrateManifest, PageCache};
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
    let result = run_cached(&inputs, &mut page_cache, &progress);
    let specs = spec_files(&result);
    let mut report = vec![Summary(&result).to_string()];
    let mut stale = Vec::new();
    if args.check {
        let unproduced = unproduced_specs(&args.specs, &specs)?;
        stale.extend(
            stale_files(&args.specs, &specs, unproduced)
                .into_iter()
                .map(|(path, how)| (args.specs.join(path), how)),
        );
        stale.extend(stale_crate(
            &result,
            &specs,
            &args.out,
            &args.name,
            &args.cache,
            salt,
        )?);
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
        write_specs(&args.specs, &specs)?;
        let (files, changed) = emit_crate(
            &result,
            &specs,
            &args.out,
            &args.name,
            &args.cache,
            salt,
            &progress,
        )?;
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
    std::fs::create_dir_all(out)?;
    let out_abs = out.canonicalize()?;
    let root = workspace_root().canonicalize()?;
    Ok(Options {
        package: name.to_owned(),
        runtime_path: emit::relative_path(&out_abs, &root.join("runtime")),
        standalone: !workspace_members(&root)?.contains(&out_abs),
    })
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

/// What the crate's files are made from: the spec files and the options.
fn crate_input(
    spec_files: &std::collections::BTreeMap<PathBuf, String>,
    options: &Options,
) -> cache::Hash {
    let mut bytes = format!(
        "{}\n{}\n{}\n",
        options.package, options.runtime_path, options.standalone
    )
    .into_bytes();
    for (path, contents) in spec_files {
        bytes.extend_from_slice(path.to_string_lossy().as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(contents.as_bytes());
        bytes.push(0);
    }
    cache::hash(&bytes)
}

fn manifest_file(cache: &Path, out: &Path) -> anyhow::Result<PathBuf> {
    let out_abs = out.canonicalize()?;
    Ok(cache.join(format!(
        "crate-{:032x}.json",
        cache::hash(out_abs.to_string_lossy().as_bytes())
    )))
}

/// Writes the crate for the run to `out`, unless the crate last written
/// there came from the same specs and is unedited. Returns (files, changed).
fn emit_crate(
    run: &Run,
    spec_files: &std::collections::BTreeMap<PathBuf, String>,
    out: &Path,
    name: &str,
    cache: &Path,
    salt: cache::Hash,
    progress: &Progress,
) -> anyhow::Result<(usize, usize)> {
    let options = options(out, name)?;
    let input = crate_input(spec_files, &options);
    let manifest_file = manifest_file(cache, out)?;
    if let Some(manifest) = CrateManifest::load(&manifest_file) {
        if manifest.is_current(salt, input, out) {
            return Ok((manifest.file_count(), 0));
        }
    }
    progress.phase("emitting the crate", 1);
    let files = emit::emit(&run.specs, run.common.as_ref(), &options);
    progress.finish();
    let changed = emit::write_crate(out, &files)?;
    CrateManifest::new(salt, input, &files).save(&manifest_file)?;
    Ok((files.len(), changed))
}

/// The crate's files under `out` that differ from what the run gives.
fn stale_crate(
    run: &Run,
    spec_files: &std::collections::BTreeMap<PathBuf, String>,
    out: &Path,
    name: &str,
    cache: &Path,
    salt: cache::Hash,
) -> anyhow::Result<Vec<(PathBuf, Stale)>> {
    if !out.exists() {
        return Ok(vec![(out.to_path_buf(), Stale::Missing)]);
    }
    let options = options(out, name)?;
    let input = crate_input(spec_files, &options);
    if CrateManifest::load(&manifest_file(cache, out)?)
        .is_some_and(|m| m.is_current(salt, input, out))
    {
        return Ok(Vec::new());
    }
    let files = emit::emit(&run.specs, run.common.as_ref(), &options);
    let unproduced = emit::stale_sources(out, &files)?;
    Ok(stale_files(out, &files, unproduced)
        .into_iter()
        .map(|(path, how)| (out.join(path), how))
        .collect())
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
