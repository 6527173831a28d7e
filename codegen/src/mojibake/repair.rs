//! Choosing what each broken sequence was: a Viterbi search over every run
//! of Chinese text, scoring whole segmentations into words (jieba's
//! dictionary and learned phrases) plus character pairs, so that a short
//! word is read with context on both sides rather than one character at a
//! time.

use std::collections::HashMap;

use super::model::{is_ideograph, Counts, LanguageModel, MAX_WORD};
use super::slots::{slots, Slot};

/// A repaired page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repaired {
    /// The text with every broken sequence replaced by its likeliest form.
    pub text: String,
    /// Broken UTF-8 sequences found (one per character of the clean text).
    pub broken: usize,
    /// Of those, the ones that had more than one valid reading, so the
    /// language model chose.
    pub guessed: usize,
}

/// How much the page's own intact text counts against the model's learned
/// text: the page is the best witness of its own vocabulary.
const PAGE_WEIGHT: f64 = 4.0;
/// Share of jieba's dictionary, against learned text, in a word's
/// probability.
const DICTIONARY_SHARE: f64 = 0.5;
/// Weight of the character-pair scores against the word scores.
const PAIR_WEIGHT: f64 = 1.0;
/// Pseudo-count pulling a character pair towards the character's unigram.
const PAIR_SMOOTHING: f64 = 2.0;
/// Probability of a single character neither source knows.
const UNKNOWN_CHAR: f64 = 1e-9;
/// Candidates per broken slot tried inside words of two or more characters
/// (the likeliest by unigram); single-character words try them all.
const WORD_CANDIDATES: usize = 16;
/// Candidate strings tried per word span, at most.
const MAX_COMBINATIONS: usize = 1024;

/// Repairs garbled text (see [`super::garble`]). Total: any input gives
/// text back, and text with no broken sequence comes back unchanged.
pub fn repair(garbled: &str, model: &LanguageModel) -> Repaired {
    let slots = slots(garbled);
    let mut choice: Vec<char> = slots
        .iter()
        .map(|slot| match slot {
            Slot::Fixed(c) => *c,
            Slot::Broken(candidates) => candidates[0],
        })
        .collect();
    let broken_slots = slots.iter().filter(|s| matches!(s, Slot::Broken(_)));
    let broken = broken_slots.clone().count();
    let guessed = broken_slots
        .filter(|s| matches!(s, Slot::Broken(c) if c.len() > 1))
        .count();

    let mut page = Counts::default();
    for run in slots.split(|slot| matches!(slot, Slot::Broken(_))) {
        let text: String = run
            .iter()
            .filter_map(|slot| match slot {
                Slot::Fixed(c) => Some(*c),
                Slot::Broken(_) => None,
            })
            .collect();
        page.learn(&text);
    }
    let mut scorer = Scorer {
        model,
        page,
        words: HashMap::new(),
        unigrams: HashMap::new(),
    };

    let in_run = |slot: &Slot| match slot {
        Slot::Fixed(c) => is_ideograph(*c),
        Slot::Broken(_) => true,
    };
    let mut start = 0;
    while start < slots.len() {
        if !in_run(&slots[start]) {
            start += 1;
            continue;
        }
        let end = (start..slots.len())
            .find(|&i| !in_run(&slots[i]))
            .unwrap_or(slots.len());
        if slots[start..end]
            .iter()
            .any(|s| matches!(s, Slot::Broken(_)))
        {
            let left = start.checked_sub(1).map(|i| choice[i]);
            let right = choice.get(end).copied();
            let best = scorer.best_run(&slots[start..end], left, right);
            choice[start..end].copy_from_slice(&best);
        }
        start = end;
    }
    Repaired {
        text: choice.into_iter().collect(),
        broken,
        guessed,
    }
}

/// Scores under the model plus the page's own intact text, with the
/// lookups of one page cached.
struct Scorer<'m> {
    model: &'m LanguageModel,
    page: Counts,
    words: HashMap<String, Option<f64>>,
    unigrams: HashMap<char, f64>,
}

/// The best way found to reach a position: from which position and state,
/// choosing which candidates in between.
#[derive(Clone)]
struct Back {
    from: usize,
    state: usize,
    picks: Vec<usize>,
}

impl Scorer<'_> {
    /// ln P(word), or `None` for a string of two or more characters that
    /// is no known word.
    fn word(&mut self, word: &str, len: usize) -> Option<f64> {
        if let Some(&score) = self.words.get(word) {
            return score;
        }
        let learned = self.model.learned();
        let count = learned.phrase_count(word) + PAGE_WEIGHT * self.page.phrase_count(word);
        let total = learned.total_ideographs() + PAGE_WEIGHT * self.page.total_ideographs();
        let learned_p = if total > 0.0 { count / total } else { 0.0 };
        let dictionary_p = self.model.dictionary_logp(word).map_or(0.0, f64::exp);
        let p = DICTIONARY_SHARE * dictionary_p + (1.0 - DICTIONARY_SHARE) * learned_p;
        let score = if p > 0.0 {
            Some(p.ln())
        } else {
            (len == 1).then(|| UNKNOWN_CHAR.ln())
        };
        self.words.insert(word.to_owned(), score);
        score
    }

    /// ln P(c) for a character on its own.
    fn unigram(&mut self, c: char) -> f64 {
        if let Some(&score) = self.unigrams.get(&c) {
            return score;
        }
        let learned = self.model.learned();
        let count = learned.char_count(c) + PAGE_WEIGHT * self.page.char_count(c);
        let total = learned.total_chars() + PAGE_WEIGHT * self.page.total_chars();
        let learned_p = if total > 0.0 { count / total } else { 0.0 };
        let dictionary_p = self
            .model
            .dictionary_logp(c.encode_utf8(&mut [0; 4]))
            .map_or(0.0, f64::exp);
        let score = (0.5 * learned_p + 0.5 * dictionary_p + UNKNOWN_CHAR).ln();
        self.unigrams.insert(c, score);
        score
    }

    /// ln P(b | a): the learned pair counts, smoothed towards P(b).
    fn pair(&mut self, a: char, b: char) -> f64 {
        let learned = self.model.learned();
        let pair = learned.pair_count(a, b) + PAGE_WEIGHT * self.page.pair_count(a, b);
        let first = learned.char_count(a) + PAGE_WEIGHT * self.page.char_count(a);
        let prior = self.unigram(b).exp();
        ((pair + PAIR_SMOOTHING * prior) / (first + PAIR_SMOOTHING)).ln()
    }

    /// The likeliest characters for a run of ideographs and broken slots,
    /// between the fixed characters `left` and `right` (if any).
    fn best_run(&mut self, run: &[Slot], left: Option<char>, right: Option<char>) -> Vec<char> {
        let candidates: Vec<Vec<char>> = run
            .iter()
            .map(|slot| match slot {
                Slot::Fixed(c) => vec![*c],
                Slot::Broken(candidates) => candidates.clone(),
            })
            .collect();
        // Per slot, the candidate indices tried inside longer words.
        let in_words: Vec<Vec<usize>> = candidates
            .iter()
            .map(|cands| {
                let mut indices: Vec<usize> = (0..cands.len())
                    .filter(|&i| is_ideograph(cands[i]))
                    .collect();
                let scores: Vec<f64> = cands.iter().map(|&c| self.unigram(c)).collect();
                indices.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
                indices.truncate(WORD_CANDIDATES);
                indices
            })
            .collect();
        let all: Vec<Vec<usize>> = candidates.iter().map(|c| (0..c.len()).collect()).collect();

        let n = run.len();
        // best[p][k]: score of the best reading of run[..p] whose slot p-1
        // is candidate k (at p = 0 one state: the left context).
        let mut best: Vec<Vec<f64>> = (0..=n)
            .map(|p| vec![f64::NEG_INFINITY; if p == 0 { 1 } else { candidates[p - 1].len() }])
            .collect();
        let mut back: Vec<Vec<Option<Back>>> = best.iter().map(|b| vec![None; b.len()]).collect();
        best[0][0] = 0.0;

        for p in 0..n {
            for len in 1..=MAX_WORD.min(n - p) {
                let choices = if len == 1 {
                    &all[p..=p]
                } else {
                    &in_words[p..p + len]
                };
                let combinations = choices
                    .iter()
                    .try_fold(1usize, |acc, c| acc.checked_mul(c.len()))
                    .unwrap_or(usize::MAX);
                if combinations == 0 || (len > 1 && combinations > MAX_COMBINATIONS) {
                    continue;
                }
                for combination in 0..combinations {
                    let mut rest = combination;
                    let picks: Vec<usize> = choices
                        .iter()
                        .map(|c| {
                            let pick = c[rest % c.len()];
                            rest /= c.len();
                            pick
                        })
                        .collect();
                    let chars: Vec<char> = picks
                        .iter()
                        .enumerate()
                        .map(|(i, &k)| candidates[p + i][k])
                        .collect();
                    let word: String = chars.iter().collect();
                    let Some(word_score) = self.word(&word, len) else {
                        continue;
                    };
                    let mut score = word_score;
                    for pair in chars.windows(2) {
                        score += PAIR_WEIGHT * self.pair(pair[0], pair[1]);
                    }
                    let q = p + len;
                    if q == n {
                        if let Some(r) = right {
                            score += PAIR_WEIGHT * self.pair(chars[len - 1], r);
                        }
                    }
                    let last = picks[len - 1];
                    for state in 0..best[p].len() {
                        let reached = best[p][state];
                        if reached == f64::NEG_INFINITY {
                            continue;
                        }
                        let previous = if p == 0 {
                            left
                        } else {
                            Some(candidates[p - 1][state])
                        };
                        let entry = match previous {
                            Some(a) => self.pair(a, chars[0]),
                            None => self.unigram(chars[0]),
                        };
                        let total = reached + score + PAIR_WEIGHT * entry;
                        if total > best[q][last] {
                            best[q][last] = total;
                            back[q][last] = Some(Back {
                                from: p,
                                state,
                                picks: picks.clone(),
                            });
                        }
                    }
                }
            }
        }

        // Every slot has a single-character reading, so the end is reached.
        let mut state =
            (0..best[n].len()).fold(0, |b, k| if best[n][k] > best[n][b] { k } else { b });
        let mut out: Vec<char> = candidates.iter().map(|c| c[0]).collect();
        let mut q = n;
        while q > 0 {
            let Some(step) = back[q][state].clone() else {
                break;
            };
            for (i, &k) in step.picks.iter().enumerate() {
                out[step.from + i] = candidates[step.from + i][k];
            }
            q = step.from;
            state = step.state;
        }
        out
    }
}
