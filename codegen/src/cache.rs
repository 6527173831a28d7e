//! What makes a regenerate with no change fast: each page's result, keyed
//! by a hash of its label and bytes, and a manifest of the crate last
//! emitted, keyed by a hash of the specs it came from.
//!
//! A cache is valid for one build of the generator only (its `salt`, a hash
//! of the running executable): any change to the reader or the emitter
//! starts afresh rather than serving stale results. A cache that is missing,
//! unreadable or from another build is ignored; it never changes output.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

use crate::read::PageResult;

/// A content hash, written in hex in the cache files.
pub type Hash = u128;

pub fn hash(bytes: &[u8]) -> Hash {
    xxh3_128(bytes)
}

/// The identity of the running generator: a hash of its executable.
pub fn executable_salt() -> Hash {
    std::env::current_exe()
        .and_then(std::fs::read)
        .map_or(0, |bytes| hash(&bytes))
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

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        save(path, self)
    }

    pub fn key(label: &str, bytes: &[u8]) -> String {
        let mut keyed = Vec::with_capacity(label.len() + 1 + bytes.len());
        keyed.extend_from_slice(label.as_bytes());
        keyed.push(0);
        keyed.extend_from_slice(bytes);
        format!("{:032x}", hash(&keyed))
    }

    pub fn get(&self, key: &str) -> Option<&PageResult> {
        self.entries.get(key)
    }

    /// Keeps exactly the results of this run, so the cache never grows
    /// past the pages it serves.
    pub fn replace(&mut self, entries: HashMap<String, PageResult>) {
        self.entries = entries;
    }
}

/// The files of the crate last emitted to one folder, with the hash of the
/// specs (and options) they came from.
#[derive(Default, Serialize, Deserialize)]
pub struct CrateManifest {
    #[serde(with = "hex")]
    salt: Hash,
    #[serde(with = "hex")]
    input: Hash,
    files: BTreeMap<PathBuf, String>,
}

impl CrateManifest {
    pub fn new(salt: Hash, input: Hash, files: &BTreeMap<PathBuf, String>) -> CrateManifest {
        CrateManifest {
            salt,
            input,
            files: files
                .iter()
                .map(|(path, contents)| {
                    (path.clone(), format!("{:032x}", hash(contents.as_bytes())))
                })
                .collect(),
        }
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    pub fn load(path: &Path) -> Option<CrateManifest> {
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        save(path, self)
    }

    /// True when this manifest was made by this generator from `input`, and
    /// `dir` still holds exactly its files, unedited.
    pub fn is_current(&self, salt: Hash, input: Hash, dir: &Path) -> bool {
        if self.salt != salt || self.input != input {
            return false;
        }
        let on_disk = |relative: &Path| std::fs::read(dir.join(relative)).ok();
        let unedited = self.files.iter().all(|(relative, expected)| {
            on_disk(relative).is_some_and(|bytes| format!("{:032x}", hash(&bytes)) == *expected)
        });
        unedited && crate::emit::stale_sources(dir, &self.files).is_ok_and(|s| s.is_empty())
    }
}

fn save(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // Written aside and renamed, so a run cut short leaves no torn cache.
    let partial = path.with_extension("partial");
    std::fs::write(&partial, serde_json::to_vec(value)?)?;
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
