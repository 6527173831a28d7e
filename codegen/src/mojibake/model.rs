//! The Chinese language model that chooses among the characters a broken
//! sequence may have been: word frequencies from jieba's dictionary, and a
//! character n-gram model learned from clean text (the pages' wording and
//! Markdown around it: `| 参数名 |` versus `参数后再`).

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use jieba_rs::Jieba;

/// Longest word (in characters) the repair looks up in the dictionary.
pub(super) const MAX_WORD: usize = 4;

/// Order of the character n-gram model: characters of history, plus one.
pub(super) const ORDER: usize = 4;

/// Sum of the frequencies in jieba-rs's default dictionary: jieba keeps it
/// private, and word probabilities need it as their denominator.
const JIEBA_TOTAL: f64 = 60_101_964.0;

/// Probability floor for a character no source knows.
const UNKNOWN_CHAR: f64 = 1e-9;

/// Clean text the project ships and the model always learns: the page it
/// bundles (its boilerplate recurs on every page) and a phrase list written
/// for this module.
const SHIPPED: [&str; 2] = [
    include_str!("../../../pages/hire_referral_account_create.md"),
    include_str!("phrases.txt"),
];

/// Word frequencies (jieba's dictionary) and character n-grams learned
/// from clean text.
pub struct LanguageModel {
    jieba: Jieba,
    learned: NGrams,
}

impl LanguageModel {
    /// jieba's dictionary plus the clean text the project ships. Building
    /// it takes a fraction of a second; [`LanguageModel::shared`] builds
    /// one on first use.
    pub fn new() -> Self {
        // Learned in one call: the n-gram histories are counted once, over
        // the grams of every text.
        let texts: Vec<Vec<char>> = SHIPPED.iter().map(|t| t.chars().collect()).collect();
        let mut learned = NGrams::default();
        learned.learn(texts.iter().map(Vec::as_slice));
        LanguageModel {
            jieba: Jieba::new(),
            learned,
        }
    }

    /// The model of [`LanguageModel::new`], built once per process.
    pub fn shared() -> &'static LanguageModel {
        static MODEL: OnceLock<LanguageModel> = OnceLock::new();
        MODEL.get_or_init(LanguageModel::new)
    }

    /// Whether jieba's dictionary holds `word`.
    pub(super) fn has_word(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// ln P(word) under jieba's dictionary, if it holds the word.
    pub(super) fn dictionary_logp(&self, word: &str) -> Option<f64> {
        // For a dictionary word `suggest_freq` is its frequency (plus one),
        // or more when splitting it is likelier, which suits a score too.
        self.jieba
            .has_word(word)
            .then(|| (self.jieba.suggest_freq(word) as f64 / JIEBA_TOTAL).ln())
    }

    /// P(c) before any learned text, its frequency as a one-character
    /// word; and ln P(c) as one word of a segmentation, that frequency or,
    /// where the dictionary lacks `c`, that of a word seen once. Both from
    /// one dictionary lookup.
    pub(super) fn char_scores(&self, c: char) -> (f64, f64) {
        let logp = self.dictionary_logp(c.encode_utf8(&mut [0; 4]));
        let prior = logp.map_or(0.0, f64::exp) + UNKNOWN_CHAR;
        (prior, logp.unwrap_or((1.0 / JIEBA_TOTAL).ln()))
    }

    pub(super) fn learned(&self) -> &NGrams {
        &self.learned
    }
}

impl Default for LanguageModel {
    fn default() -> Self {
        LanguageModel::new()
    }
}

/// Whether `c` is a CJK ideograph: the characters words are made of.
pub(super) fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Bits of a character in a [`key`].
const CHAR_BITS: usize = 21;

/// [`ORDER`] characters' worth of bits.
const PACKED_MASK: u128 = (1 << (CHAR_BITS * ORDER)) - 1;

/// A run of up to four characters as one hash key (21 bits a character,
/// the length on top so that runs of different lengths never collide).
pub(super) fn key(chars: &[char]) -> u128 {
    chars.iter().fold(chars.len() as u128, |k, &c| {
        (k << CHAR_BITS) | u128::from(u32::from(c))
    })
}

/// [`key`] of a gram's history: the gram of `gram_key` less its last
/// character.
fn history_key(gram_key: u128) -> u128 {
    // The length sits above the characters: the one `len` whose place
    // holds `len` (a longer key's place holds a length and characters).
    let len = (1..=ORDER)
        .find(|&len| gram_key >> (CHAR_BITS * len) == len as u128)
        .unwrap_or(0);
    tail_key(gram_key >> CHAR_BITS, len.saturating_sub(1))
}

/// [`key`] of the last `len` characters of those `packed` holds (each in
/// [`CHAR_BITS`], the last lowest).
fn tail_key(packed: u128, len: usize) -> u128 {
    let bits = CHAR_BITS * len;
    (len as u128) << bits | packed & ((1 << bits) - 1)
}

/// Counts of character n-grams up to [`ORDER`].
#[derive(Clone, Debug, Default)]
pub(super) struct NGrams {
    /// Occurrences of each n-gram.
    grams: HashMap<u128, u32>,
    /// Per history: how often it is followed by anything, and by how many
    /// different characters (the Witten-Bell weight of backing off).
    histories: HashMap<u128, (u32, u32)>,
}

impl NGrams {
    /// Learns each text of `texts`.
    pub(super) fn learn<'t>(&mut self, texts: impl IntoIterator<Item = &'t [char]>) {
        for chars in texts {
            // The last ORDER characters packed as in `key`, so that each
            // n-gram's key is a mask and a length away.
            let mut packed = 0u128;
            for (end, &c) in chars.iter().enumerate() {
                packed = (packed << CHAR_BITS | u128::from(u32::from(c))) & PACKED_MASK;
                for order in 1..=ORDER.min(end + 1) {
                    *self.grams.entry(tail_key(packed, order)).or_default() += 1;
                }
            }
        }
        // A history is followed as often as its grams occur, by as many
        // characters as it has grams: counted once per gram, not per
        // occurrence.
        self.histories.clear();
        self.histories.reserve(self.grams.len());
        for (&gram, &count) in &self.grams {
            let history = self.histories.entry(history_key(gram)).or_default();
            history.0 += count;
            history.1 += 1;
        }
    }

    /// Occurrences of `gram` (at most [`ORDER`] characters).
    pub(super) fn count(&self, gram: &[char]) -> f64 {
        f64::from(self.grams.get(&key(gram)).copied().unwrap_or(0))
    }

    /// How often `history` is followed by a character, and by how many
    /// different ones.
    pub(super) fn history(&self, history: &[char]) -> (f64, f64) {
        let (total, followers) = self.histories.get(&key(history)).copied().unwrap_or((0, 0));
        (f64::from(total), f64::from(followers))
    }
}
