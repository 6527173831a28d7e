//! Specs → the generated crate (`feishu-api`).
//!
//! Two steps, as in progenitor / typify: [`lower`] builds a small Rust-shaped
//! model ([`ir`]) of modules, structs, enums and endpoints, naming
//! everything through [`names::sanitize`]; [`render`] turns that model into
//! tokens and formats each file with prettyplease. The emitter reads specs
//! only, never pages; the same specs give the same bytes.

pub mod doc;
pub mod ir;
pub mod lower;
pub mod names;
pub mod render;
pub mod roundtrip;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::generate::Common;
use crate::spec::Spec;
use ir::Crate;

/// The package name of the client crate.
pub const PACKAGE: &str = "feishu-api";

/// What the crate is called and where it goes relative to the rest of the
/// project.
pub struct Options {
    /// The package name: [`PACKAGE`], or another for a second crate in the
    /// same workspace (cargo wants member names unique).
    pub package: String,
    /// The runtime crate's folder, relative to the generated crate's.
    pub runtime_path: String,
    /// Written outside this project's workspace: the crate gets its own
    /// `[workspace]` table so it builds where it is.
    pub standalone: bool,
}

/// The crate's files, path (relative to the crate's folder) → contents.
pub fn emit(
    specs: &[Spec],
    common: Option<&Common>,
    options: &Options,
) -> BTreeMap<PathBuf, String> {
    let krate = lower::lower(specs, common);
    let mut jobs = vec![File::Lib];
    for service in &krate.services {
        jobs.push(File::Service(service));
        for version in &service.versions {
            jobs.push(File::Version(service, version));
            if !version.types.is_empty() {
                jobs.push(File::Types(service, version));
            }
            for resource in &version.resources {
                jobs.push(File::Resource(service, version, resource));
            }
        }
    }
    // Formatting dominates emitting; files are formatted on every core,
    // the largest first (a large version's `types.rs` is a tenth of the
    // work: started last, it kept one core busy after the others ran out).
    let mut files: BTreeMap<PathBuf, String> =
        crate::parallel::map_heaviest_first(&jobs, File::weight, |job| job.render(&krate))
            .into_iter()
            .collect();
    files.insert(PathBuf::from("Cargo.toml"), cargo_toml(&krate, options));
    files
}

/// One Rust file of the crate.
enum File<'a> {
    Lib,
    Service(&'a ir::Service),
    Version(&'a ir::Service, &'a ir::Version),
    Types(&'a ir::Service, &'a ir::Version),
    Resource(&'a ir::Service, &'a ir::Version, &'a ir::Resource),
}

impl File<'_> {
    /// About how much the file declares: fields, variants and endpoints.
    fn weight(&self) -> usize {
        match *self {
            File::Lib | File::Service(_) | File::Version(..) => 1,
            File::Types(_, version) => version
                .types
                .iter()
                .map(|t| match t {
                    ir::TypeDef::Struct(s) => 1 + s.fields.len(),
                    ir::TypeDef::Enum(e) => 1 + e.variants.len(),
                })
                .sum(),
            File::Resource(_, _, resource) => resource
                .endpoints
                .iter()
                .map(|e| {
                    let data = match &e.response {
                        ir::Response::Data(data) => data.fields.len(),
                        _ => 0,
                    };
                    let errors = e.error.as_ref().map_or(0, |e| e.variants.len());
                    // An endpoint's impls weigh about as much as ten fields.
                    10 + e.request.fields.len() + data + errors
                })
                .sum(),
        }
    }

    fn render(&self, krate: &Crate) -> (PathBuf, String) {
        let src = PathBuf::from("src");
        match *self {
            File::Lib => (
                src.join("lib.rs"),
                render::file(&crate_doc(krate), render::lib(krate)),
            ),
            File::Service(service) => {
                let versions: Vec<&str> =
                    service.versions.iter().map(|v| v.module.as_str()).collect();
                (
                    src.join(&service.module).join("mod.rs"),
                    render::file(
                        &format!("The `{}` service.", service.module),
                        render::modules(&versions),
                    ),
                )
            }
            File::Version(service, version) => {
                let mut modules: Vec<&str> = Vec::new();
                if !version.types.is_empty() {
                    modules.push("types");
                }
                modules.extend(version.resources.iter().map(|r| r.module.as_str()));
                modules.sort_unstable();
                (
                    src.join(&service.module)
                        .join(&version.module)
                        .join("mod.rs"),
                    render::file(
                        &format!(
                            "Version `{}` of the `{}` service.",
                            version.module, service.module,
                        ),
                        render::modules(&modules),
                    ),
                )
            }
            File::Types(service, version) => (
                src.join(&service.module)
                    .join(&version.module)
                    .join("types.rs"),
                render::file(
                    &format!(
                        "Types the endpoints of `{}::{}` share.",
                        service.module, version.module,
                    ),
                    render::types(&version.types),
                ),
            ),
            File::Resource(service, version, resource) => (
                src.join(&service.module)
                    .join(&version.module)
                    .join(format!("{}.rs", resource.module)),
                render::file(
                    &format!(
                        "`{}.{}.{}`: {}.",
                        service.module,
                        version.module,
                        resource.module,
                        endpoint_list(&resource.endpoints),
                    ),
                    render::resource(&resource.endpoints),
                ),
            ),
        }
    }
}

fn endpoint_list(endpoints: &[ir::Endpoint]) -> String {
    let names: Vec<String> = endpoints
        .iter()
        .map(|e| format!("[`{}`]", e.request.name))
        .collect();
    names.join(", ")
}

fn crate_doc(krate: &Crate) -> String {
    let mut doc = String::from(
        "Typed Feishu / Lark Open Platform client.\n\n\
         A module per service and version (`hire::v1`), a module per resource \
         (`hire::v1::referral_account`); each endpoint is a request struct \
         implementing `feishu_runtime::Endpoint`, built with `new` (its required \
         fields) and called with `feishu_runtime::Client::call`. Each service is a \
         cargo feature; all are on by default.\n\n\
         Every error answer arrives as `feishu_runtime::Error::Api`, whose \
         `feishu_runtime::ApiError` holds the common envelope and, when the code \
         is one the page documents, the endpoint's error enum as `kind`.",
    );
    if !krate.envelope.is_empty() {
        doc.push_str(" The envelope, as the docs describe it:\n\n");
        for (name, description) in &krate.envelope {
            let description = doc::clean(description).replace('\n', " ");
            doc.push_str(&format!("- `{name}`: {description}\n"));
        }
    }
    doc
}

fn cargo_toml(krate: &Crate, options: &Options) -> String {
    let features: Vec<&str> = krate.services.iter().map(|s| s.module.as_str()).collect();
    let quoted: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
    let mut out = format!(
        "# {header}\n\
         [package]\n\
         name = {package:?}\n\
         version = \"0.1.0\"\n\
         description = \"Typed Feishu / Lark Open Platform client, generated by `cargo xtask generate` from the documentation pages\"\n\
         edition = \"2021\"\n\
         license = \"MIT OR Apache-2.0\"\n\
         rust-version = \"1.85\"\n\
         publish = false\n\
         \n\
         [features]\n\
         default = [{default}]\n",
        header = render::HEADER,
        package = options.package,
        default = quoted.join(", "),
    );
    for feature in &features {
        out.push_str(&format!("{feature} = []\n"));
    }
    out.push_str(&format!(
        "\n[dependencies]\n\
         feishu-runtime = {{ path = {:?} }}\n\
         serde = \"1\"\n\
         serde_json = \"1\"\n",
        options.runtime_path
    ));
    if options.standalone {
        out.push_str("\n# Not a member of the generator's workspace.\n[workspace]\n");
    }
    out
}

/// The specs and common envelope written under `dir` (`**/*.yaml`, and
/// `_common.yaml`), for emitting without reading pages again.
pub fn load_specs(dir: &Path) -> Result<(Vec<Spec>, Option<Common>), String> {
    let mut files = Vec::new();
    crate::generate::walk_ext(dir, "yaml", &mut files)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut texts = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        texts.push((file, text));
    }
    parse_specs(texts)
}

/// Specs and common envelope from `(path, YAML text)` pairs, however they
/// were read (a folder, a git revision): `_common.yaml` is the envelope,
/// every other file a spec, taken in path order.
pub fn parse_specs(
    files: impl IntoIterator<Item = (PathBuf, String)>,
) -> Result<(Vec<Spec>, Option<Common>), String> {
    let mut files: Vec<(PathBuf, String)> = files.into_iter().collect();
    files.sort();
    let mut specs = Vec::new();
    let mut common = None;
    for (file, text) in files {
        let parse_error = |e: serde_yaml::Error| format!("{}: {e}", file.display());
        if file.file_name().is_some_and(|n| n == "_common.yaml") {
            common = Some(serde_yaml::from_str(&text).map_err(parse_error)?);
        } else {
            specs.push(Spec::from_yaml(&text).map_err(parse_error)?);
        }
    }
    Ok((specs, common))
}

/// Writes the crate's files under `dir`, removing `.rs` files under `src/`
/// the crate no longer has. Returns how many files changed.
pub fn write_crate(dir: &Path, files: &BTreeMap<PathBuf, String>) -> std::io::Result<usize> {
    let mut changed = 0;
    for old in stale_sources(dir, files)? {
        std::fs::remove_file(dir.join(old))?;
        changed += 1;
    }
    if dir.join("src").exists() {
        crate::generate::remove_empty_dirs(&dir.join("src"))?;
    }
    Ok(changed + crate::generate::write_changed(dir, files)?)
}

/// The `.rs` files under `dir/src` that are not among `files` (paths
/// relative to `dir`): what [`write_crate`] removes.
pub fn stale_sources<T>(dir: &Path, files: &BTreeMap<PathBuf, T>) -> std::io::Result<Vec<PathBuf>> {
    crate::generate::unlisted(dir, "src", "rs", files)
}

/// `to` relative to `from` (both absolute), with `/` separators.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}
