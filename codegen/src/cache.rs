//! What makes a regenerate with no change fast: each page's result, keyed
//! by a hash of its label and bytes, and a manifest of the crate last
//! emitted, keyed by a hash of the specs it came from.
//!
//! A cache is valid for one build of the generator only (its `salt`: the
//! running executable's path, size and modification time, as `make` would
//! judge it): any rebuild of the reader or the emitter starts afresh rather
//! than serving stale results. A cache that is missing,
//! unreadable or from another build is ignored; it never changes output.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_128, Xxh3};

use crate::read::PageResult;

/// A content hash, written in hex in the cache files.
pub type Hash = u128;

pub fn hash(bytes: &[u8]) -> Hash {
    xxh3_128(bytes)
}

/// The identity of the running generator. Its executable's metadata, not
/// its contents: reading and hashing megabytes on every run would cost
/// more than the pages a no-change regenerate skips.
pub fn executable_salt() -> Hash {
    let identity = std::env::current_exe().and_then(|exe| {
        let meta = std::fs::metadata(&exe)?;
        let modified = meta.modified()?.duration_since(std::time::UNIX_EPOCH);
        Ok(format!(
            "{}\0{}\0{}",
            exe.display(),
            meta.len(),
            modified.map_or(0, |d| d.as_nanos())
        ))
    });
    // Without an identity nothing may be trusted: a salt of its own per run.
    identity.map_or_else(
        |_| hash(format!("{:?}", std::time::SystemTime::now()).as_bytes()),
        |id| hash(id.as_bytes()),
    )
}

/// Page results from the last run over the same page folders.
#[derive(Default, Serialize, Deserialize)]
pub struct PageCache {
    #[serde(with = "hex")]
    salt: Hash,
    entries: HashMap<String, PageResult>,
    /// How many pages this run found in the cache.
    #[serde(skip)]
    pub hits: usize,
    /// A hash of this run's pages (labels and contents, in order).
    #[serde(skip)]
    pub fingerprint: Hash,
    /// This run's pages are not the cached ones: the cache needs saving.
    #[serde(skip)]
    changed: bool,
    /// This run's entries, key and result each already in JSON: written on
    /// all cores as the run ends, rather than copied and then written on
    /// one.
    #[serde(skip)]
    written: Vec<(String, String)>,
}

impl PageCache {
    pub fn load(path: &Path, salt: Hash) -> PageCache {
        let cached = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<PageCache>(&bytes).ok());
        match cached {
            Some(cache) if cache.salt == salt => cache,
            _ => PageCache {
                salt,
                ..PageCache::default()
            },
        }
    }

    /// Saves the cache, unless it holds exactly what `path` holds already.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if !self.changed && path.exists() {
            return Ok(());
        }
        // The same JSON as serialising the cache whole, written from its
        // entries' (the order of a map's keys means nothing to it) as they
        // are: gathering the tens of megabytes in one String first cost
        // their copies and fresh memory for each doubling.
        write_aside(path, |out| {
            write!(out, "{{\"salt\":\"{}\",\"entries\":{{", hex(self.salt))?;
            for (i, (key, result)) in self.written.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(key.as_bytes())?;
                out.write_all(b":")?;
                out.write_all(result.as_bytes())?;
            }
            out.write_all(b"}}")
        })
    }

    pub fn key(label: &str, bytes: &[u8]) -> String {
        // Streamed: no copy of the page just to hash it.
        let mut hasher = Xxh3::new();
        hasher.update(label.as_bytes());
        hasher.update(&[0]);
        hasher.update(bytes);
        hex(hasher.digest128())
    }

    /// The cached result of the page with this key, taken out: a run
    /// takes each page's once, and copying results is what would cost.
    pub fn take(&mut self, key: &str) -> Option<PageResult> {
        self.entries.remove(key)
    }

    /// Records this run: each key with its result (a page's, in order,
    /// then any second readings), and how many pages came wholly from the
    /// cache. The cache then holds exactly these, so it never grows past
    /// the pages it serves.
    pub fn update(&mut self, entries: Vec<(String, &PageResult)>, hits: usize, pages: usize) {
        self.hits = hits;
        let keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
        self.fingerprint = hash(keys.join("\n").as_bytes());
        // Every page came from the cache and none is left over: what is on
        // disk is current, and need not be written (or copied) again.
        self.changed = hits != pages || !self.entries.is_empty();
        self.entries = HashMap::new();
        self.written = if self.changed {
            crate::parallel::map(&entries, |(key, result)| {
                let key = serde_json::to_string(key).expect("a key serialises");
                let result = serde_json::to_string(result).expect("a page result serialises");
                (key, result)
            })
        } else {
            Vec::new()
        };
    }
}

/// The files last written to an output folder (the specs, or the crate),
/// each with a hash of its contents, and a hash of what they were made from.
#[derive(Default, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(with = "hex")]
    salt: Hash,
    #[serde(with = "hex")]
    input: Hash,
    files: BTreeMap<PathBuf, String>,
}

impl Manifest {
    pub fn new(salt: Hash, input: Hash, files: &BTreeMap<PathBuf, String>) -> Manifest {
        Manifest {
            salt,
            input,
            files: files
                .iter()
                .map(|(path, contents)| (path.clone(), hex(hash(contents.as_bytes()))))
                .collect(),
        }
    }

    /// Path (relative to the folder) → hash of the contents, in hex.
    pub fn files(&self) -> &BTreeMap<PathBuf, String> {
        &self.files
    }

    pub fn load(path: &Path) -> Option<Manifest> {
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        save(path, self)
    }

    /// True when this manifest was made by this generator from `input`, and
    /// `dir` still holds exactly its files, unedited: none changed or
    /// missing, and none `unexpected` (given the manifest's files, the ones
    /// on disk the folder should not have).
    pub fn is_current(
        &self,
        salt: Hash,
        input: Hash,
        dir: &Path,
        unexpected: impl FnOnce(&BTreeMap<PathBuf, String>) -> std::io::Result<Vec<PathBuf>>,
    ) -> bool {
        if self.salt != salt || self.input != input {
            return false;
        }
        let files: Vec<(&PathBuf, &String)> = self.files.iter().collect();
        let unedited = crate::parallel::map(&files, |(relative, expected)| {
            std::fs::read(dir.join(relative)).is_ok_and(|bytes| hex(hash(&bytes)) == **expected)
        });
        unedited.into_iter().all(|ok| ok) && unexpected(&self.files).is_ok_and(|u| u.is_empty())
    }
}

fn hex(hash: Hash) -> String {
    format!("{hash:032x}")
}

fn save(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    write_aside(path, |out| Ok(serde_json::to_writer(out, value)?))
}

/// Writes the file with `write` aside and renames it into place, so a run
/// cut short leaves no torn cache.
fn write_aside(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let partial = path.with_extension("partial");
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&partial)?);
    write(&mut out)?;
    out.into_inner().map_err(|e| e.into_error())?;
    std::fs::rename(&partial, path)
}

/// Hashes as 32 hex digits: JSON numbers cannot hold 128 bits.
mod hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{value:032x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        u128::from_str_radix(&text, 16).map_err(serde::de::Error::custom)
    }
}
