//! The `generate` run: page folders in, one spec per endpoint out.
//!
//! Output depends only on the pages' paths and contents, never on the order
//! the file system lists them in: pages are sorted, and endpoints documented
//! by several pages are merged by rank, not by arrival.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::cache::PageCache;
use crate::diag::{Diagnostic, Severity};
use crate::parallel::lock;
use crate::progress::Progress;
use crate::read::{
    parse_page, read_page_with, read_parsed, Outcome, PageResult, PageTypes, ParsedPage, TypeDict,
};
use crate::spec::{Field, Spec};

/// A page to read: its label (path as given) and bytes.
pub struct PageInput {
    pub label: String,
    pub bytes: Vec<u8>,
}

/// A spec as one page gave it, with that page's diagnostics.
pub type PageSpec = (Spec, Vec<Diagnostic>);

/// Everything a run produced.
#[derive(Default)]
pub struct Run {
    pub pages: usize,
    pub specs: Vec<Spec>,
    pub guides: usize,
    /// The response envelope the guide pages describe.
    pub common: Option<Common>,
    pub diagnostics: Vec<Diagnostic>,
    /// Pages that look like endpoints yet gave no spec.
    pub failed: Vec<String>,
}

/// `specs/_common.yaml`: the envelope every response shares.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Common {
    pub sources: Vec<String>,
    pub envelope: Vec<Field>,
}

/// Lists the pages under `dirs` (files ending `.md` or `.txt`), sorted.
pub fn collect_pages(dirs: &[PathBuf]) -> std::io::Result<Vec<PageInput>> {
    let mut out = Vec::new();
    for dir in dirs {
        let mut files = Vec::new();
        walk(dir, &mut files)?;
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file)?;
            out.push(PageInput {
                label: file.to_string_lossy().replace('\\', "/"),
                bytes,
            });
        }
    }
    Ok(out)
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path).map_err(|e| at(path, e))? {
        let entry = entry?;
        let path = entry.path();
        // Linked folders are not followed: a link loop must not hang a run.
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md" || e == "txt") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads every page (on all cores) and merges pages of one endpoint.
pub fn run(pages: Vec<PageInput>) -> Run {
    run_cached(&pages, None, &Progress::hidden())
}

/// [`run`], taking each page's result from `cache` when the page is
/// unchanged, and leaving in `cache` the results of exactly these pages.
/// Without a cache (a run that saves none), pages are neither keyed nor
/// their results copied.
///
/// Pages are read twice over: first each on its own, then, with what the
/// first reading of all pages showed about named types (the type
/// dictionary), again those whose flat tables use such types. A second
/// reading is cached under the page and the part of the dictionary it was
/// given, so a page's result stays right when another page changes.
pub fn run_cached(
    pages: &[PageInput],
    mut cache: Option<&mut PageCache>,
    progress: &Progress,
) -> Run {
    let mut pages: Vec<&PageInput> = pages.iter().collect();
    pages.sort_by(|a, b| a.label.cmp(&b.label));
    let keys: Vec<String> = if cache.is_some() {
        crate::parallel::map(&pages, |p| PageCache::key(&p.label, &p.bytes))
    } else {
        Vec::new()
    };
    let none = TypeDict::new();
    // Pages whose reading may change with the dictionary keep their parsed
    // form, so that a second reading does not parse them again.
    let kept: Vec<Mutex<Option<ParsedPage>>> = pages.iter().map(|_| Mutex::new(None)).collect();
    let (mut results, mut read) = read_pages(
        "reading pages",
        &pages,
        &keys,
        cache.as_deref_mut(),
        progress,
        |i| {
            let page = pages[i];
            match parse_page(&page.label, &page.bytes) {
                Ok(parsed) => {
                    let result = read_parsed(&page.label, &parsed, &none);
                    if !result.types.is_empty() {
                        *lock(&kept[i]) = Some(parsed);
                    }
                    result
                }
                Err(unreadable) => unreadable,
            }
        },
    );

    let dictionary = type_dictionary(&results);
    let given: Vec<TypeDict> = results
        .iter()
        .map(|r| given_to(&dictionary, &r.types))
        .collect();
    let again: Vec<usize> = (0..pages.len()).filter(|&i| !given[i].is_empty()).collect();
    let second: Vec<&PageInput> = again.iter().map(|&i| pages[i]).collect();
    let second_keys: Vec<String> = if cache.is_some() {
        again
            .iter()
            .map(|&i| given_key(&keys[i], &given[i]))
            .collect()
    } else {
        Vec::new()
    };
    let (second, read_again) = read_pages(
        "reading pages with shared types",
        &second,
        &second_keys,
        cache.as_deref_mut(),
        progress,
        |j| {
            let (i, page) = (again[j], second[j]);
            // A page whose first reading came from the cache is parsed now.
            match lock(&kept[i]).take() {
                Some(parsed) => read_parsed(&page.label, &parsed, &given[i]),
                None => read_page_with(&page.label, &page.bytes, &given[i]),
            }
        },
    );
    // Freeing thousands of page models and specs is work too: on all
    // cores, not on this one while the others wait.
    crate::parallel::drop_all(kept);
    if let Some(cache) = cache {
        // First readings stay cached too: the next run learns from them.
        let entries = keys
            .into_iter()
            .zip(&results)
            .chain(second_keys.into_iter().zip(&second))
            .collect();
        for (&i, again) in again.iter().zip(&read_again) {
            read[i] |= again;
        }
        let hits = read.iter().filter(|r| !**r).count();
        cache.update(entries, hits, pages.len());
    }
    let first_readings: Vec<PageResult> = again
        .into_iter()
        .zip(second)
        .map(|(i, result)| std::mem::replace(&mut results[i], result))
        .collect();
    crate::parallel::drop_all(first_readings);
    let mut run = Run {
        pages: pages.len(),
        ..Run::default()
    };
    let mut by_endpoint: BTreeMap<(String, String), Vec<PageSpec>> = BTreeMap::new();
    let mut envelope_sources = Vec::new();
    let mut envelope = Vec::new();
    for (page, result) in pages.iter().zip(results) {
        let PageResult {
            outcome,
            diagnostics,
            looks_like_endpoint,
            ..
        } = result;
        match outcome {
            Outcome::Endpoint(spec) => {
                let key = (spec.path.clone(), spec.method.clone());
                by_endpoint
                    .entry(key)
                    .or_default()
                    .push((*spec, diagnostics.clone()));
            }
            Outcome::Guide { envelope: found } => {
                run.guides += 1;
                if !found.is_empty() && envelope.is_empty() {
                    envelope = found;
                    envelope_sources.push(page.label.clone());
                }
            }
            Outcome::Unreadable => {
                if looks_like_endpoint {
                    run.failed.push(page.label.clone());
                }
            }
        }
        run.diagnostics.extend(diagnostics);
    }
    if !envelope.is_empty() {
        run.common = Some(Common {
            sources: envelope_sources,
            envelope,
        });
    }
    let endpoints: Vec<Vec<PageSpec>> = by_endpoint.into_values().collect();
    for (spec, notes) in crate::parallel::map_owned(endpoints, crate::merge::merge) {
        run.diagnostics.extend(notes);
        run.specs.push(spec);
    }
    dedupe_ids(&mut run);
    run.specs.sort_by(|a, b| a.id.cmp(&b.id));
    run.diagnostics.sort();
    run
}

/// Reads `pages` with `read` (given a page's index), taking from `cache`
/// the results under `keys` (one per page, or none without a cache).
/// Returns the results and, per page, whether it was read rather than found.
fn read_pages(
    phase: &str,
    pages: &[&PageInput],
    keys: &[String],
    cache: Option<&mut PageCache>,
    progress: &Progress,
    read: impl Fn(usize) -> PageResult + Sync,
) -> (Vec<PageResult>, Vec<bool>) {
    let cached: Vec<Option<PageResult>> = match cache {
        Some(cache) => keys.iter().map(|key| cache.take(key)).collect(),
        None => pages.iter().map(|_| None).collect(),
    };
    let misses: Vec<usize> = (0..pages.len()).filter(|&i| cached[i].is_none()).collect();
    let read_now: Vec<bool> = cached.iter().map(Option::is_none).collect();
    if misses.is_empty() {
        return (cached.into_iter().flatten().collect(), read_now);
    }
    progress.phase(phase, misses.len());
    let mut fresh = crate::parallel::map_heaviest_first(
        &misses,
        |&i| pages[i].bytes.len(),
        |&i| {
            let result = read(i);
            progress.tick();
            result
        },
    )
    .into_iter();
    progress.finish();
    let results = cached
        .into_iter()
        .map(|result| result.unwrap_or_else(|| fresh.next().expect("a result per miss")))
        .collect();
    (results, read_now)
}

/// The fields of named types as the first reading of all pages showed
/// them. Where pages differ on a type (one endpoint's `user` has more
/// fields than another's), it has the fields of all: a field some page
/// shows is one the type can hold. Order-free: the same pages give the
/// same dictionary.
fn type_dictionary(results: &[PageResult]) -> TypeDict {
    let mut dictionary = TypeDict::new();
    for result in results {
        for (name, fields) in &result.types.learned {
            dictionary
                .entry(name.clone())
                .or_default()
                .extend(fields.iter().cloned());
        }
    }
    dictionary
}

/// The part of `dictionary` that may change the reading of the page these
/// types are from: its types not shown whole, and those other pages know
/// more fields of. (A type the page's example shows whole, each time with
/// the fields the dictionary has, reads the same with or without it.)
fn given_to(dictionary: &TypeDict, types: &PageTypes) -> TypeDict {
    let used = types.used.iter();
    let learned = types.learned.iter();
    let differs = learned.filter(|&(name, fields)| dictionary.get(name) != Some(fields));
    used.chain(differs.map(|(name, _)| name))
        .filter_map(|name| Some((name.clone(), dictionary.get(name)?.clone())))
        .collect()
}

/// The cache key of a page's reading with `given`.
fn given_key(page_key: &str, given: &TypeDict) -> String {
    let given = serde_json::to_vec(given).expect("a dictionary serialises");
    format!("{page_key}+{:032x}", crate::cache::hash(&given))
}

/// Two endpoints may not share an id: the later (by path) gets the HTTP
/// method and path folded in, and a diagnostic.
fn dedupe_ids(run: &mut Run) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut order: Vec<usize> = (0..run.specs.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&run.specs[a], &run.specs[b]);
        (&x.id, &x.path, &x.method).cmp(&(&y.id, &y.path, &y.method))
    });
    for i in order {
        let id = run.specs[i].id.clone();
        let count = seen.entry(id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            let new_id = format!("{id}_{}", *count);
            let spec = &mut run.specs[i];
            let page = spec
                .sources
                .first()
                .map(|s| s.page.clone())
                .unwrap_or_default();
            run.diagnostics.push(Diagnostic::new(
                page,
                1,
                Severity::Warning,
                format!(
                    "id `{id}` is taken by another endpoint; {} {} is `{new_id}`",
                    spec.method, spec.path
                ),
            ));
            spec.id = new_id;
        }
    }
}

/// Where a spec lives under the specs folder.
pub fn spec_path(spec: &Spec) -> PathBuf {
    let parts = spec.id_parts();
    let mut path = PathBuf::new();
    match parts.as_slice() {
        [service, version, resource @ .., method] if !resource.is_empty() => {
            path.push(service);
            path.push(version);
            path.push(resource.join("."));
            path.push(format!("{method}.yaml"));
        }
        _ => path.push(format!("{}.yaml", spec.id)),
    }
    path
}

/// The files a run writes under the specs folder, path → contents.
pub fn spec_files(run: &Run) -> BTreeMap<PathBuf, String> {
    // Specs are written on all cores, as they are read.
    let mut files: BTreeMap<PathBuf, String> =
        crate::parallel::map(&run.specs, |spec| (spec_path(spec), spec.to_yaml()))
            .into_iter()
            .collect();
    if let Some(common) = &run.common {
        let yaml = serde_yaml::to_string(common).expect("the envelope serialises");
        files.insert(PathBuf::from("_common.yaml"), yaml);
    }
    files
}

/// Writes `files` under `dir`, removing spec files the run no longer
/// produces. Returns how many files changed.
pub fn write_specs(dir: &Path, files: &BTreeMap<PathBuf, String>) -> std::io::Result<usize> {
    let mut changed = 0;
    for old in unproduced_specs(dir, files)? {
        let old = dir.join(old);
        std::fs::remove_file(&old).map_err(|e| at(&old, e))?;
        changed += 1;
    }
    if dir.exists() {
        remove_empty_dirs(dir)?;
    }
    Ok(changed + write_changed(dir, files)?)
}

/// Writes each of `files` under `dir` whose contents differ from what is
/// there (a file left as it was keeps its timestamp, so cargo does not
/// rebuild for nothing). Returns how many were written.
pub fn write_changed(dir: &Path, files: &BTreeMap<PathBuf, String>) -> std::io::Result<usize> {
    let files: Vec<(&PathBuf, &String)> = files.iter().collect();
    let written = crate::parallel::map(&files, |(relative, contents)| {
        let path = dir.join(relative);
        if std::fs::read(&path).is_ok_and(|bytes| bytes == contents.as_bytes()) {
            return Ok(false);
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| at(parent, e))?;
        }
        std::fs::write(&path, contents).map_err(|e| at(&path, e))?;
        Ok(true)
    });
    written
        .into_iter()
        .try_fold(0, |n, w: std::io::Result<bool>| Ok(n + usize::from(w?)))
}

/// Spec files under `dir` that the run does not produce (paths relative to
/// `dir`): what [`write_specs`] removes.
pub fn unproduced_specs(
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
) -> std::io::Result<Vec<PathBuf>> {
    unlisted(dir, "", "yaml", files)
}

/// The files ending `.ext` under `dir/under` that are not among `files`
/// (paths relative to `dir`), sorted.
pub(crate) fn unlisted<T>(
    dir: &Path,
    under: &str,
    ext: &str,
    files: &BTreeMap<PathBuf, T>,
) -> std::io::Result<Vec<PathBuf>> {
    let mut existing = Vec::new();
    if dir.join(under).exists() {
        walk_ext(&dir.join(under), ext, &mut existing)?;
    }
    let mut unlisted: Vec<PathBuf> = existing
        .into_iter()
        .filter_map(|old| old.strip_prefix(dir).ok().map(Path::to_path_buf))
        .filter(|relative| !files.contains_key(relative))
        .collect();
    unlisted.sort();
    Ok(unlisted)
}

/// How a file on disk differs from what a run gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stale {
    Changed,
    Missing,
    /// On disk, but the run no longer produces it.
    Unproduced,
}

impl Stale {
    pub fn as_str(self) -> &'static str {
        match self {
            Stale::Changed => "differs",
            Stale::Missing => "missing",
            Stale::Unproduced => "no longer produced",
        }
    }
}

/// The files under `dir` that differ from `files`, plus `unproduced` ones,
/// sorted by path (relative to `dir`).
pub fn stale_files(
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
    unproduced: Vec<PathBuf>,
) -> Vec<(PathBuf, Stale)> {
    let mut stale: Vec<(PathBuf, Stale)> = files
        .iter()
        .filter_map(
            |(relative, contents)| match std::fs::read(dir.join(relative)) {
                Ok(bytes) if bytes == contents.as_bytes() => None,
                Ok(_) => Some((relative.clone(), Stale::Changed)),
                Err(_) => Some((relative.clone(), Stale::Missing)),
            },
        )
        .chain(unproduced.into_iter().map(|p| (p, Stale::Unproduced)))
        .collect();
    stale.sort();
    stale
}

/// An I/O error that names the file it happened to.
fn at(path: &Path, error: std::io::Error) -> std::io::Error {
    std::io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// Every file ending `.ext` under `dir`.
pub(crate) fn walk_ext(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk_ext(&path, ext, out)?;
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    Ok(())
}

/// Removes the empty folders under `dir`; true when `dir` is left empty.
pub(crate) fn remove_empty_dirs(dir: &Path) -> std::io::Result<bool> {
    let mut empty = true;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if remove_empty_dirs(&path)? {
                std::fs::remove_dir(&path)?;
            } else {
                empty = false;
            }
        } else {
            empty = false;
        }
    }
    Ok(empty)
}

/// The one-line summary `generate` prints.
pub struct Summary<'a>(pub &'a Run);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let run = self.0;
        let count = |s: Severity| run.diagnostics.iter().filter(|d| d.severity == s).count();
        write!(
            f,
            "{} pages read: {} endpoints written, {} guide pages skipped, {} endpoint pages failed; diagnostics: {} errors, {} warnings, {} notes",
            run.pages,
            run.specs.len(),
            run.guides,
            run.failed.len(),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note),
        )
    }
}
