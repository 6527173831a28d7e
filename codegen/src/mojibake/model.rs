//! The Chinese language model that chooses among the characters a broken
//! sequence may have been: word frequencies from jieba's dictionary, plus
//! character and phrase counts learned from clean text.

use std::collections::HashMap;
use std::sync::OnceLock;

use jieba_rs::Jieba;

/// Longest word (in characters) the repair looks up.
pub(super) const MAX_WORD: usize = 4;

/// Sum of the frequencies in jieba-rs's default dictionary: jieba keeps it
/// private, and word probabilities need it as their denominator.
const JIEBA_TOTAL: f64 = 60_101_964.0;

/// Clean text the project ships and the model always learns: the clean seed
/// pages (their boilerplate recurs on every page) and a phrase list written
/// for this module.
const SHIPPED: [&str; 4] = [
    include_str!("../../../pages/001_632b1488bd85b589.txt"),
    include_str!("../../../pages/003_1bc0580f26dcf40c.txt"),
    include_str!("../../../pages/004_bfc4ab96054a9ed6.txt"),
    include_str!("phrases.txt"),
];

/// Word frequencies (jieba's dictionary) and counts learned from clean text.
pub struct LanguageModel {
    jieba: Jieba,
    learned: Counts,
}

impl LanguageModel {
    /// jieba's dictionary plus the clean text the project ships. Building
    /// it takes a fraction of a second; [`LanguageModel::shared`] builds
    /// one on first use.
    pub fn new() -> Self {
        let mut model = LanguageModel {
            jieba: Jieba::new(),
            learned: Counts::default(),
        };
        for text in SHIPPED {
            model.learn(text);
        }
        model
    }

    /// The model of [`LanguageModel::new`], built once per process.
    pub fn shared() -> &'static LanguageModel {
        static MODEL: OnceLock<LanguageModel> = OnceLock::new();
        MODEL.get_or_init(LanguageModel::new)
    }

    /// Learns the characters and phrases of `clean_text` (text that is not
    /// garbled, e.g. the other pages of a run).
    pub fn learn(&mut self, clean_text: &str) {
        self.learned.learn(clean_text);
    }

    /// ln P(word) under jieba's dictionary, if it holds the word.
    pub(super) fn dictionary_logp(&self, word: &str) -> Option<f64> {
        // For a dictionary word `suggest_freq` is its frequency (plus one),
        // or more when splitting it is likelier, which suits a score too.
        self.jieba
            .has_word(word)
            .then(|| (self.jieba.suggest_freq(word) as f64 / JIEBA_TOTAL).ln())
    }

    pub(super) fn learned(&self) -> &Counts {
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

/// Counts of characters, character pairs and ideograph phrases.
#[derive(Clone, Debug, Default)]
pub(super) struct Counts {
    chars: HashMap<char, u32>,
    pairs: HashMap<(char, char), u32>,
    /// Runs of 2..=`MAX_WORD` ideographs.
    phrases: HashMap<String, u32>,
    total_chars: u64,
    total_ideographs: u64,
}

impl Counts {
    pub(super) fn learn(&mut self, text: &str) {
        let chars: Vec<char> = text.chars().collect();
        for &c in &chars {
            *self.chars.entry(c).or_default() += 1;
        }
        self.total_chars += chars.len() as u64;
        for pair in chars.windows(2) {
            *self.pairs.entry((pair[0], pair[1])).or_default() += 1;
        }
        for run in chars.split(|&c| !is_ideograph(c)) {
            self.total_ideographs += run.len() as u64;
            for len in 2..=MAX_WORD.min(run.len()) {
                for phrase in run.windows(len) {
                    *self.phrases.entry(phrase.iter().collect()).or_default() += 1;
                }
            }
        }
    }

    pub(super) fn char_count(&self, c: char) -> f64 {
        f64::from(self.chars.get(&c).copied().unwrap_or(0))
    }

    pub(super) fn pair_count(&self, a: char, b: char) -> f64 {
        f64::from(self.pairs.get(&(a, b)).copied().unwrap_or(0))
    }

    /// Occurrences of an ideograph run (of one character: the character).
    pub(super) fn phrase_count(&self, phrase: &str) -> f64 {
        let mut chars = phrase.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => self.char_count(c),
            _ => f64::from(self.phrases.get(phrase).copied().unwrap_or(0)),
        }
    }

    pub(super) fn total_chars(&self) -> f64 {
        self.total_chars as f64
    }

    pub(super) fn total_ideographs(&self) -> f64 {
        self.total_ideographs as f64
    }
}
