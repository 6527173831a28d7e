//! Choosing what each broken sequence was: a beam-pruned Viterbi search
//! over every run of Chinese text that scores whole segmentations into
//! dictionary words plus every character under the n-gram model, with the
//! text on both sides of the run as context, so that a short word is read
//! in context rather than one character at a time.

use rustc_hash::FxHashMap as HashMap;

use super::model::{is_ideograph, key, LanguageModel, NGrams, MAX_WORD, ORDER};
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
/// Weight of the dictionary segmentation against the character n-grams.
const WORD_WEIGHT: f64 = 2.0;
/// Candidates per broken slot tried inside words of two or more characters
/// (the likeliest on their own); single characters try them all.
const WORD_CANDIDATES: usize = 16;
/// Candidate strings tried per word span, at most.
const MAX_COMBINATIONS: usize = 1024;
/// Readings kept per position of a run.
const BEAM: usize = 64;

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
    let is_broken = |slot: &Slot| matches!(slot, Slot::Broken(_));
    let broken = slots.iter().filter(|s| is_broken(s)).count();
    let guessed = slots
        .iter()
        .filter(|s| matches!(s, Slot::Broken(c) if c.len() > 1))
        .count();

    // The page's intact stretches: its own wording, learned for this page.
    let mut page = NGrams::default();
    let mut start = 0;
    for end in (0..slots.len())
        .filter(|&i| is_broken(&slots[i]))
        .chain([slots.len()])
    {
        page.learn(&choice[start..end]);
        start = end + 1;
    }
    let mut scorer = Scorer {
        model,
        page,
        chars: HashMap::default(),
        words: HashMap::default(),
    };
    resolve(&slots, &mut choice, &mut scorer);
    Repaired {
        text: choice.into_iter().collect(),
        broken,
        guessed,
    }
}

/// Reads every run of `slots` that holds a broken slot, left to right,
/// into `choice`.
fn resolve(slots: &[Slot], choice: &mut [char], scorer: &mut Scorer) {
    let is_broken = |slot: &Slot| matches!(slot, Slot::Broken(_));
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
        if slots[start..end].iter().any(is_broken) {
            let left = &choice[start.saturating_sub(ORDER - 1)..start];
            let right: Vec<char> = slots[end..]
                .iter()
                .take(ORDER - 1)
                .map_while(|slot| match slot {
                    Slot::Fixed(c) => Some(*c),
                    Slot::Broken(_) => None,
                })
                .collect();
            let brackets = Brackets::around(choice, slots, start, end);
            let framed = framed(choice, slots, start, end);
            let best = scorer.best_run(&slots[start..end], left, &right, &brackets, &framed);
            choice[start..end].copy_from_slice(&best);
        }
        start = end;
    }
}

/// Scores under the model plus the page's own intact text, with the
/// lookups of one page cached.
struct Scorer<'m> {
    model: &'m LanguageModel,
    page: NGrams,
    chars: HashMap<u128, f64>,
    /// By [`key`] of the word's characters.
    words: HashMap<u128, Option<f64>>,
}

/// A reading of a run up to some position: the candidates picked for its
/// last slots (as many as the n-gram history needs), its score, and how
/// it was reached.
struct State {
    picks: Vec<usize>,
    score: f64,
    back: Option<Back>,
}

/// The step into a state: from which state of which position, picking
/// which candidates for the word in between.
struct Back {
    from: usize,
    state: usize,
    picks: Vec<usize>,
}

impl Scorer<'_> {
    /// ln P(c | history) under the n-grams of the learned text and the
    /// page, interpolated the Witten-Bell way down to the dictionary's
    /// P(c).
    fn char_logp(&mut self, history: &[char], c: char) -> f64 {
        let history = &history[history.len().saturating_sub(ORDER - 1)..];
        // On the stack: this runs for every candidate of every state.
        let mut buffer = ['\0'; ORDER];
        buffer[..history.len()].copy_from_slice(history);
        buffer[history.len()] = c;
        let gram = &buffer[..=history.len()];
        let cache_key = key(gram);
        if let Some(&score) = self.chars.get(&cache_key) {
            return score;
        }
        let learned = self.model.learned();
        let prior = self.model.prior(c);
        let mut p = prior;
        for len in 0..=history.len() {
            let context = &gram[history.len() - len..history.len()];
            let (learned_total, learned_followers) = learned.history(context);
            let (page_total, page_followers) = self.page.history(context);
            let total = learned_total + PAGE_WEIGHT * page_total;
            if total == 0.0 {
                break;
            }
            let followers = learned_followers + page_followers;
            let gram = &gram[history.len() - len..];
            let count = learned.count(gram) + PAGE_WEIGHT * self.page.count(gram);
            p = (count + followers * p) / (total + followers);
        }
        // Relative to the prior: the learned text tells how much the context
        // favours `c`, the dictionary (through the words) how common it is,
        // so a character the small learned text lacks is not punished twice.
        let score = (p / prior).ln();
        self.chars.insert(cache_key, score);
        score
    }

    fn word_logp(&mut self, word: &[char]) -> Option<f64> {
        let cache_key = key(word);
        if let Some(&score) = self.words.get(&cache_key) {
            return score;
        }
        let score = self
            .model
            .word_logp(&word.iter().collect::<String>(), word.len());
        self.words.insert(cache_key, score);
        score
    }

    /// The likeliest characters for a run of ideographs and broken slots,
    /// between the text `left` and `right` of it; `framed` tells, per slot,
    /// whether a 在… frame is open before it.
    fn best_run(
        &mut self,
        run: &[Slot],
        left: &[char],
        right: &[char],
        brackets: &Brackets,
        framed: &[bool],
    ) -> Vec<char> {
        let candidates: Vec<Vec<char>> = run
            .iter()
            .map(|slot| match slot {
                Slot::Fixed(c) => vec![*c],
                Slot::Broken(candidates) => candidates.clone(),
            })
            .collect();
        // Per slot, the candidates tried inside longer words.
        let in_words: Vec<Vec<usize>> = candidates
            .iter()
            .map(|cands| {
                let prior: Vec<f64> = cands.iter().map(|&c| self.model.prior(c)).collect();
                let mut indices: Vec<usize> = (0..cands.len())
                    .filter(|&i| is_ideograph(cands[i]))
                    .collect();
                indices.sort_by(|&a, &b| prior[b].total_cmp(&prior[a]).then(a.cmp(&b)));
                indices.truncate(WORD_CANDIDATES);
                indices
            })
            .collect();
        let all: Vec<Vec<usize>> = candidates.iter().map(|c| (0..c.len()).collect()).collect();

        let n = run.len();
        let mut states: Vec<Vec<State>> = (0..=n).map(|_| Vec::new()).collect();
        let mut index: Vec<HashMap<Vec<usize>, usize>> =
            (0..=n).map(|_| HashMap::default()).collect();
        states[0].push(State {
            picks: Vec::new(),
            score: 0.0,
            back: None,
        });
        for p in 0..n {
            states[p].sort_by(|a, b| b.score.total_cmp(&a.score).then(a.picks.cmp(&b.picks)));
            states[p].truncate(BEAM);
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
                let q = p + len;
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
                    let word: Vec<char> = (0..len).map(|i| candidates[p + i][picks[i]]).collect();
                    let Some(mut word_score) = self.word_logp(&word) else {
                        continue;
                    };
                    if len == 1 && matches!(run[p], Slot::Broken(_)) {
                        word_score += brackets.bonus(word[0]);
                    }
                    for (i, c) in word.iter().enumerate() {
                        if framed[p + i] && FRAME_CLOSERS.contains(c) {
                            word_score += FRAME_BONUS;
                        }
                    }
                    for s in 0..states[p].len() {
                        let state = &states[p][s];
                        // Only the last ORDER - 1 characters are history.
                        let mut text = History::default();
                        let first = p - state.picks.len();
                        for &c in left.iter().chain(
                            state
                                .picks
                                .iter()
                                .enumerate()
                                .map(|(i, &k)| &candidates[first + i][k]),
                        ) {
                            text.push(c);
                        }
                        let mut score = state.score + WORD_WEIGHT * word_score;
                        let mut all_picks = state.picks.clone();
                        all_picks.extend_from_slice(&picks);
                        let tail = if q == n { right } else { &[] };
                        for &c in word.iter().chain(tail) {
                            score += self.char_logp(text.chars(), c);
                            text.push(c);
                        }
                        let keep = all_picks.split_off(all_picks.len().saturating_sub(ORDER - 1));
                        let back = Back {
                            from: p,
                            state: s,
                            picks: picks.clone(),
                        };
                        match index[q].get(&keep) {
                            Some(&i) if states[q][i].score >= score => {}
                            Some(&i) => {
                                states[q][i].score = score;
                                states[q][i].back = Some(back);
                            }
                            None => {
                                index[q].insert(keep.clone(), states[q].len());
                                states[q].push(State {
                                    picks: keep,
                                    score,
                                    back: Some(back),
                                });
                            }
                        }
                    }
                }
            }
        }

        // Every slot has single-character readings, so the end is reached.
        let mut out: Vec<char> = candidates.iter().map(|c| c[0]).collect();
        let Some(mut state) = (0..states[n].len()).reduce(|b, i| {
            if states[n][i].score > states[n][b].score {
                i
            } else {
                b
            }
        }) else {
            return out;
        };
        let mut q = n;
        while let Some(back) = &states[q][state].back {
            for (i, &k) in back.picks.iter().enumerate() {
                out[back.from + i] = candidates[back.from + i][k];
            }
            (q, state) = (back.from, back.state);
        }
        out
    }
}

/// The last characters of a reading, as many as the n-grams look back.
#[derive(Default)]
struct History {
    chars: [char; ORDER - 1],
    len: usize,
}

impl History {
    fn push(&mut self, c: char) {
        if self.len == self.chars.len() {
            self.chars.rotate_left(1);
            self.len -= 1;
        }
        self.chars[self.len] = c;
        self.len += 1;
    }

    fn chars(&self) -> &[char] {
        &self.chars[..self.len]
    }
}

/// Locative words that close a 在… frame (在列表中, 在创建后): after an
/// opener in the same clause, 中 is far likelier than 不 or 与, and 后
/// than 名, while the n-grams, three characters deep, never see the opener.
const FRAME_CLOSERS: [char; 10] = ['中', '后', '上', '下', '内', '里', '前', '时', '外', '间'];
/// Words that open such a frame.
const FRAME_OPENERS: [char; 3] = ['在', '从', '于'];
/// How far back in its clause a frame's opener is looked for.
const FRAME_REACH: usize = 20;
/// Log-odds for a closer in an open frame.
const FRAME_BONUS: f64 = 1.0;

/// Per broken slot of the run `start..end`: whether an opener stands before
/// it in its clause (fixed, or repaired before the run).
fn framed(choice: &[char], slots: &[Slot], start: usize, end: usize) -> Vec<bool> {
    (start..end)
        .map(|i| {
            matches!(slots[i], Slot::Broken(_))
                && (i.saturating_sub(FRAME_REACH)..i)
                    .rev()
                    .map(|j| (j, choice[j]))
                    .take_while(|&(_, c)| !is_clause_end(c))
                    .any(|(j, c)| {
                        FRAME_OPENERS.contains(&c)
                            && (j < start || matches!(slots[j], Slot::Fixed(_)))
                    })
        })
        .collect()
}

/// Punctuation that ends a clause, and with it any open frame.
fn is_clause_end(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '；'
            | '：'
            | '！'
            | '？'
            | '|'
            | '\n'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '（'
            | '）'
    )
}

/// Pairs of brackets and quotes. The garbling breaks some openers (【) and
/// some closers (」 』 ”), which the n-grams, seeing three characters back,
/// cannot pair up; the rest of the line can.
const BRACKETS: [(char, char); 8] = [
    ('「', '」'),
    ('『', '』'),
    ('【', '】'),
    ('“', '”'),
    ('‘', '’'),
    ('（', '）'),
    ('《', '》'),
    ('〔', '〕'),
];

/// Log-odds for a bracket that matches the rest of its line.
const BRACKET_BONUS: f64 = 6.0;

/// Which brackets are open on the line before a run, and which are closed
/// after it without being opened.
struct Brackets {
    open_before: [bool; BRACKETS.len()],
    closed_after: [bool; BRACKETS.len()],
}

impl Brackets {
    /// The brackets around the run `start..end` of `slots`, reading the
    /// text before it as repaired so far.
    fn around(choice: &[char], slots: &[Slot], start: usize, end: usize) -> Brackets {
        let line_start = choice[..start]
            .iter()
            .rposition(|&c| c == '\n')
            .map_or(0, |i| i + 1);
        let before = &choice[line_start..start];
        let after = slots[end..].iter().map_while(|slot| match slot {
            Slot::Fixed('\n') => None,
            Slot::Fixed(c) => Some(Some(*c)),
            Slot::Broken(_) => Some(None),
        });
        let after: Vec<char> = after.flatten().collect();
        let mut open_before = [false; BRACKETS.len()];
        let mut closed_after = [false; BRACKETS.len()];
        for (k, &(open, close)) in BRACKETS.iter().enumerate() {
            let depth = before.iter().fold(0i32, |depth, &c| {
                depth + i32::from(c == open) - i32::from(c == close && depth > 0)
            });
            open_before[k] = depth > 0;
            let unopened = after.iter().rev().fold(0i32, |depth, &c| {
                depth + i32::from(c == close) - i32::from(c == open && depth > 0)
            });
            closed_after[k] = unopened > 0;
        }
        Brackets {
            open_before,
            closed_after,
        }
    }

    /// Log-odds for reading a broken slot as `c`.
    fn bonus(&self, c: char) -> f64 {
        let matched = BRACKETS.iter().enumerate().find_map(|(k, &(open, close))| {
            (c == open)
                .then_some(self.closed_after[k])
                .or((c == close).then_some(self.open_before[k]))
        });
        match matched {
            Some(true) => BRACKET_BONUS,
            Some(false) => -BRACKET_BONUS,
            None => 0.0,
        }
    }
}
