//! Choosing what each broken sequence was: a beam-pruned Viterbi search
//! over every run of Chinese text that scores whole segmentations into
//! dictionary words plus every character under the n-gram model, with the
//! text on both sides of the run as context, so that a short word is read
//! in context rather than one character at a time.

use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::Entry;

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
/// Above the most [`Scorer::char_logp`] gives a character that neither
/// the learned text nor the page holds: 0, plus room for rounding.
const UNSEEN_LOGP_BOUND: f64 = 1e-9;

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
    page.learn(
        (0..slots.len())
            .filter(|&i| is_broken(&slots[i]))
            .chain([slots.len()])
            .map(|end| {
                let stretch = &choice[start..end];
                start = end + 1;
                stretch
            }),
    );
    let mut scorer = Scorer {
        model,
        page,
        empty_context: Context {
            levels: [(0.0, 0.0); ORDER],
            seen: 0,
        },
        char_contexts: HashMap::default(),
        contexts: HashMap::default(),
        logps: HashMap::default(),
        words: HashMap::default(),
        chars: HashMap::default(),
        spelling: String::new(),
        slot_ids: HashMap::default(),
        slot_readings: Vec::new(),
        span_words: HashMap::default(),
    };
    scorer.empty_context = scorer.extend(scorer.empty_context, &[]);
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
    let mut search = Search::default();
    // A page repeats its phrases (table cells, boilerplate): a run read
    // before, in the same surroundings, reads the same again.
    let mut readings: HashMap<Run, Vec<char>> = HashMap::default();
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
            let run = Run {
                slots: slots[start..end].to_vec(),
                left: left.to_vec(),
                right,
                brackets,
                framed,
            };
            let best = match readings.entry(run) {
                Entry::Occupied(best) => best.into_mut(),
                Entry::Vacant(entry) => {
                    let best = scorer.best_run(&mut search, entry.key());
                    entry.insert(best)
                }
            };
            choice[start..end].copy_from_slice(best);
        }
        start = end;
    }
}

/// A run of ideographs and broken slots, with everything of its
/// surroundings [`Scorer::best_run`] reads: the text `left` and `right` of
/// it, the brackets open around it, and per slot whether a 在… frame is
/// open before it.
#[derive(PartialEq, Eq, Hash)]
struct Run {
    slots: Vec<Slot>,
    left: Vec<char>,
    right: Vec<char>,
    brackets: Brackets,
    framed: Vec<bool>,
}

/// Scores under the model plus the page's own intact text, with the
/// lookups of one page cached.
struct Scorer<'m> {
    model: &'m LanguageModel,
    page: NGrams,
    /// The context of the empty history.
    empty_context: Context,
    /// The contexts of histories of one character.
    char_contexts: HashMap<char, Context>,
    /// The contexts of longer histories whose shorter tails were all seen,
    /// by [`key`].
    contexts: HashMap<u128, Context>,
    /// [`Scorer::char_logp`] by [`key`] of the character after the part of
    /// its history that counts (see [`Context::relevant`]): most histories
    /// of the search were never seen, and those ending alike score alike.
    logps: HashMap<u128, f64>,
    /// [`Scorer::word_logp`] of dictionary words of two or more
    /// ideographs, by [`word_key`].
    words: HashMap<u64, f64>,
    /// By character: a dictionary lookup and two n-gram lookups each.
    chars: HashMap<char, CharStats>,
    /// Reused to spell a word for the dictionary without allocating.
    spelling: String,
    /// A number for each slot seen on the page, equal slots alike: its
    /// place in `slot_readings`.
    slot_ids: HashMap<Slot, u32>,
    slot_readings: Vec<SlotReading>,
    /// [`Scorer::dictionary_words`] of a span of slots, by their numbers
    /// (plus one, 32 bits each): a page repeats its words.
    span_words: HashMap<u128, Vec<Word>>,
}

/// What the n-grams know of one history, per length of its tail taken as
/// context (none, its last character, ...): how often that context is
/// followed by a character and by how many different ones, the learned
/// text and the page weighted together. Contexts never seen end the list,
/// as a longer context holds a shorter one.
#[derive(Clone, Copy)]
struct Context {
    levels: [(f64, f64); ORDER],
    seen: usize,
}

impl Context {
    /// The end of `history` (whose context this is) that
    /// [`Scorer::char_logp`] reads: one character short of the longest
    /// tail seen, as it looks up grams of a tail and the next character.
    /// Any history ending so has the same context up to there.
    fn relevant<'h>(&self, history: &'h [char]) -> &'h [char] {
        &history[history.len() - self.seen.saturating_sub(1)..]
    }
}

/// A character as the search scores it: its prior, how often it occurs
/// (learned text and page weighted together) and its score as a word of
/// its own.
#[derive(Clone, Copy)]
struct CharStats {
    c: char,
    prior: f64,
    count: f64,
    word: f64,
}

/// A slot as the search reads it: its candidates, and the indices of those
/// tried inside words of two or more characters (the likeliest ideographs).
struct SlotReading {
    candidates: Vec<CharStats>,
    in_words: Vec<Pick>,
}

/// A candidate's index in its slot's list. A broken slot has at most 8³
/// candidates (three lost bytes of eight values), so 16 bits hold any.
type Pick = u16;

/// The last [`ORDER`]` - 1` picks of a reading packed 16 bits each, oldest
/// highest: all readings at one position hold as many, so comparing keys
/// compares the picks in order.
type PickKey = u64;

const PICK_KEY_MASK: PickKey = (1 << (16 * (ORDER - 1))) - 1;

/// A reading of a run up to some position: the candidates picked for its
/// last slots (as many as the n-gram history needs), those characters, its
/// score, and how it was reached.
struct State {
    picks: PickKey,
    history: History,
    score: f64,
    back: Option<Back>,
}

/// The step into a state: from which state of which position, picking
/// which candidates for the word in between.
struct Back {
    from: usize,
    state: usize,
    picks: [Pick; MAX_WORD],
}

/// The readings reaching one position while the positions before it are
/// still being extended, found by their picks.
#[derive(Default)]
struct Open {
    states: Vec<State>,
    index: HashMap<PickKey, usize>,
    /// A score that the [`BEAM`]th best reading will reach at least: that
    /// of the readings so far, which only gain in number and score. A
    /// reading scoring below it cannot make the beam, and is not kept.
    floor: f64,
    /// How many readings to hold before raising `floor` again.
    recheck: usize,
}

impl Open {
    fn clear(&mut self) {
        self.states.clear();
        self.index.clear();
        self.floor = f64::NEG_INFINITY;
        self.recheck = 2 * BEAM;
    }

    /// Raises `floor` to the [`BEAM`]th best score so far (`scores` is a
    /// buffer), then again once the readings have doubled.
    fn raise_floor(&mut self, scores: &mut Vec<f64>) {
        scores.clear();
        scores.extend(self.states.iter().map(|state| state.score));
        let (_, &mut floor, _) = scores.select_nth_unstable_by(BEAM - 1, |a, b| b.total_cmp(a));
        self.floor = floor;
        self.recheck = 2 * self.states.len();
    }
}

/// A word of two to [`MAX_WORD`] characters as one key, if each fits in 16
/// bits and is not NUL, so that words of different lengths never collide
/// (ideographs, the characters of longer words, always qualify).
fn word_key(word: &[char]) -> Option<u64> {
    word.iter().try_fold(0u64, |k, &c| {
        let c = u16::try_from(u32::from(c)).ok().filter(|&c| c != 0)?;
        Some(k << 16 | u64::from(c))
    })
}

/// Positions whose readings are open at once: the one the search is at
/// and as many ahead as the longest word reaches.
const OPEN: usize = MAX_WORD + 1;

/// The buffers of [`Scorer::best_run`], kept from one run of a page to the
/// next so that each run does not grow its tables from nothing again.
#[derive(Default)]
struct Search {
    open: [Open; OPEN],
    /// Per position, where its beam starts in `trail`: how each kept
    /// reading was reached, all the backtrace needs.
    trail: Vec<Option<Back>>,
    trail_starts: Vec<usize>,
    /// The readings of the position being extended.
    beam: Vec<State>,
    /// [`Scorer::char_logp`] of each candidate of that position after each
    /// row (see `rows`), by row then candidate, as far as computed: every
    /// word starting there starts with one of them.
    firsts: Vec<Option<f64>>,
    /// Per reading of the beam, as far as computed, its row: the readings
    /// whose histories end in the same relevant characters (see
    /// [`Context::relevant`]) score every candidate alike, and share one.
    rows: Vec<Option<usize>>,
    /// The rows by [`key`] of their relevant characters.
    row_index: HashMap<u128, usize>,
    /// Per row, the context of a history ending so, and those characters.
    row_histories: Vec<(Context, History)>,
    /// Per row, as far as computed, the scores after the first character
    /// of the word being tried.
    rests: Vec<Option<Rest>>,
    /// For [`Open::raise_floor`].
    scores: Vec<f64>,
    /// The words tried at a position for one length.
    words: Vec<Word>,
}

/// [`Scorer::char_logp`] of each character of a word after the first,
/// and of each character of the text after the run where the word ends it.
#[derive(Clone, Copy)]
struct Rest {
    word: [f64; MAX_WORD - 1],
    tail: [f64; ORDER - 1],
}

/// A reading of the slots a word spans: the candidate picked for each and
/// its score as a word.
#[derive(Clone, Copy)]
struct Word {
    picks: [Pick; MAX_WORD],
    score: f64,
}

impl Scorer<'_> {
    /// The n-gram statistics of `history` (at most [`ORDER`]` - 1`
    /// characters) as [`Scorer::char_logp`] reads them.
    fn context(&mut self, history: &[char]) -> Context {
        // Each tail's levels are those of the tail one character shorter
        // plus its own, looked up only if all shorter tails were seen. Once
        // a tail is unseen, every longer one has its context: so the tails
        // are taken shortest first, and most histories of the search,
        // ending in a garbled candidate never seen, need one lookup.
        let mut context = self.empty_context;
        let Some(&last) = history.last() else {
            return context;
        };
        if context.seen == 0 {
            return context;
        }
        context = match self.char_contexts.get(&last) {
            Some(&known) => known,
            None => {
                let known = self.extend(context, &[last]);
                self.char_contexts.insert(last, known);
                known
            }
        };
        for len in 2..=history.len() {
            if context.seen < len {
                break;
            }
            let tail = &history[history.len() - len..];
            let cache_key = key(tail);
            context = match self.contexts.get(&cache_key) {
                Some(&known) => known,
                None => {
                    let known = self.extend(context, tail);
                    self.contexts.insert(cache_key, known);
                    known
                }
            };
        }
        context
    }

    /// The context of `tail` from that of the tail one character shorter.
    fn extend(&self, mut context: Context, tail: &[char]) -> Context {
        let len = tail.len();
        if context.seen == len {
            let (learned_total, learned_followers) = self.model.learned().history(tail);
            let (page_total, page_followers) = self.page.history(tail);
            let total = learned_total + PAGE_WEIGHT * page_total;
            if total != 0.0 {
                context.levels[len] = (total, learned_followers + page_followers);
                context.seen = len + 1;
            }
        }
        context
    }

    fn char_stats(&mut self, c: char) -> CharStats {
        *self.chars.entry(c).or_insert_with(|| {
            let (prior, word) = self.model.char_scores(c);
            let gram = [c];
            CharStats {
                c,
                prior,
                count: self.model.learned().count(&gram) + PAGE_WEIGHT * self.page.count(&gram),
                word,
            }
        })
    }

    /// ln P(c | history) under the n-grams of the learned text and the
    /// page, interpolated the Witten-Bell way down to the dictionary's
    /// P(c); `context` is that of `history`.
    fn char_logp(&self, context: &Context, history: &[char], c: &CharStats) -> f64 {
        let learned = self.model.learned();
        let mut p = c.prior;
        let mut count = c.count;
        for (len, &(total, followers)) in context.levels[..context.seen].iter().enumerate() {
            if len > 0 && count != 0.0 {
                // A gram never seen has no longer gram seen either: once a
                // count is zero, the rest are.
                let mut gram = [c.c; ORDER];
                gram[..len].copy_from_slice(&history[history.len() - len..]);
                let gram = &gram[..=len];
                count = learned.count(gram) + PAGE_WEIGHT * self.page.count(gram);
            }
            p = (count + followers * p) / (total + followers);
        }
        // Relative to the prior: the learned text tells how much the context
        // favours `c`, the dictionary (through the words) how common it is,
        // so a character the small learned text lacks is not punished twice.
        (p / c.prior).ln()
    }

    /// [`Scorer::char_logp`] of `c` after `history`, cached.
    fn cached_logp(&mut self, history: &[char], c: &CharStats) -> f64 {
        let context = self.context(history);
        self.logp_after(&context, context.relevant(history), c)
    }

    /// [`Scorer::char_logp`] of `c` after `relevant`, the end that counts
    /// of a history whose context is `context`, cached.
    fn logp_after(&mut self, context: &Context, relevant: &[char], c: &CharStats) -> f64 {
        let mut gram = [c.c; ORDER];
        gram[..relevant.len()].copy_from_slice(relevant);
        let cache_key = key(&gram[..=relevant.len()]);
        if let Some(&logp) = self.logps.get(&cache_key) {
            return logp;
        }
        let logp = self.char_logp(context, relevant, c);
        self.logps.insert(cache_key, logp);
        logp
    }

    /// [`Scorer::char_logp`] of each character of `right` (at most
    /// [`ORDER`]` - 1`) after `history` and the ones before it.
    fn tail_logps(&mut self, mut history: History, right: &[CharStats]) -> [f64; ORDER - 1] {
        let mut logps = [0.0; ORDER - 1];
        for (logp, c) in logps.iter_mut().zip(right) {
            *logp = self.cached_logp(history.chars(), c);
            history.push(c.c);
        }
        logps
    }

    /// The dictionary words among the readings of `choices` (per slot, the
    /// candidates of `candidates` to try), with their
    /// [`LanguageModel::dictionary_logp`], in the order of the readings'
    /// index counted with the first slot's pick changing fastest.
    fn dictionary_words(
        &mut self,
        choices: &[&[Pick]],
        candidates: &[&[CharStats]],
        found: &mut Vec<Word>,
    ) {
        let len = choices.len();
        // Spelled with the last slot's pick changing fastest, so that a
        // string shares its prefix with the one before it; the index in the
        // other order is kept to sort by.
        let mut strides = [0usize; MAX_WORD];
        let mut stride = 1;
        for (s, c) in strides.iter_mut().zip(choices) {
            *s = stride;
            stride *= c.len();
        }
        let mut digits = [0usize; MAX_WORD];
        // Byte length of the spelling up to each slot.
        let mut ends = [0usize; MAX_WORD + 1];
        let mut indexed: Vec<(usize, Word)> = Vec::new();
        let mut picks: [Pick; MAX_WORD] = [0; MAX_WORD];
        let mut word = ['\0'; MAX_WORD];
        let mut from = 0;
        self.spelling.clear();
        'readings: loop {
            for i in from..len {
                picks[i] = choices[i][digits[i]];
                word[i] = candidates[i][usize::from(picks[i])].c;
                self.spelling.truncate(ends[i]);
                self.spelling.push(word[i]);
                ends[i + 1] = self.spelling.len();
            }
            // Most strings tried are no word, and the dictionary's trie
            // turns them down faster than a cache of this page's strings
            // would.
            if self.model.has_word(&self.spelling) {
                let score = self.word_logp(&word[..len]);
                let index = (0..len).map(|i| digits[i] * strides[i]).sum();
                indexed.push((index, Word { picks, score }));
            }
            // The next reading: the last slot's pick counts up, carrying
            // into the one before it.
            let mut next = len;
            loop {
                let Some(slot) = next.checked_sub(1) else {
                    break 'readings;
                };
                next = slot;
                digits[next] += 1;
                if digits[next] < choices[next].len() {
                    break;
                }
                digits[next] = 0;
            }
            from = next;
        }
        indexed.sort_unstable_by_key(|&(index, _)| index);
        found.extend(indexed.into_iter().map(|(_, word)| word));
    }

    /// [`LanguageModel::dictionary_logp`] of `word`, a dictionary word of
    /// two or more characters spelled in `self.spelling`.
    fn word_logp(&mut self, word: &[char]) -> f64 {
        let cache_key = word_key(word);
        if let Some(score) = cache_key.and_then(|k| self.words.get(&k)) {
            return *score;
        }
        let score = self
            .model
            .dictionary_logp(&self.spelling)
            .unwrap_or(f64::NEG_INFINITY);
        if let Some(cache_key) = cache_key {
            self.words.insert(cache_key, score);
        }
        score
    }

    /// The likeliest characters for `run`.
    fn best_run(&mut self, search: &mut Search, run: &Run) -> Vec<char> {
        // Out of `self` while the search borrows it.
        let mut readings = std::mem::take(&mut self.slot_readings);
        let slot_ids: Vec<u32> = run
            .slots
            .iter()
            .map(|slot| match self.slot_ids.get(slot) {
                Some(&id) => id,
                None => {
                    let id = readings.len() as u32;
                    readings.push(self.slot_reading(slot));
                    self.slot_ids.insert(slot.clone(), id);
                    id
                }
            })
            .collect();
        let best = self.search_run(search, &readings, &slot_ids, run);
        self.slot_readings = readings;
        best
    }

    /// The characters a slot may be, and those tried inside longer words.
    fn slot_reading(&mut self, slot: &Slot) -> SlotReading {
        let candidates: Vec<CharStats> = match slot {
            Slot::Fixed(c) => vec![self.char_stats(*c)],
            Slot::Broken(candidates) => candidates.iter().map(|&c| self.char_stats(c)).collect(),
        };
        let mut in_words: Vec<Pick> = (0..candidates.len() as Pick)
            .filter(|&i| is_ideograph(candidates[usize::from(i)].c))
            .collect();
        in_words.sort_by(|&a, &b| {
            let prior = |i: Pick| candidates[usize::from(i)].prior;
            prior(b).total_cmp(&prior(a)).then(a.cmp(&b))
        });
        in_words.truncate(WORD_CANDIDATES);
        SlotReading {
            candidates,
            in_words,
        }
    }

    /// [`Scorer::best_run`] with the slots of `run` read: `slot_ids` are
    /// their places in `readings`.
    fn search_run(
        &mut self,
        search: &mut Search,
        readings: &[SlotReading],
        slot_ids: &[u32],
        run: &Run,
    ) -> Vec<char> {
        let Run {
            slots: run,
            left,
            right,
            brackets,
            framed,
        } = run;
        let candidates: Vec<&[CharStats]> = slot_ids
            .iter()
            .map(|&id| readings[id as usize].candidates.as_slice())
            .collect();
        // Per slot, the candidates tried inside longer words.
        let in_words: Vec<&[Pick]> = slot_ids
            .iter()
            .map(|&id| readings[id as usize].in_words.as_slice())
            .collect();
        let right: Vec<CharStats> = right.iter().map(|&c| self.char_stats(c)).collect();

        let n = run.len();
        let mut out: Vec<char> = candidates.iter().map(|c| c[0].c).collect();
        if n == 0 {
            return out;
        }
        let Search {
            open,
            trail,
            trail_starts,
            beam,
            firsts,
            rows,
            row_index,
            row_histories,
            rests,
            scores,
            words,
        } = search;
        for open in open.iter_mut() {
            open.clear();
        }
        trail.clear();
        trail_starts.clear();
        open[0].states.push(State {
            picks: 0,
            history: History::of(left),
            score: 0.0,
            back: None,
        });
        for p in 0..n {
            // The position's readings become the beam, and the beam's
            // emptied buffer the position's, for a later one to fill.
            let here = &mut open[p % OPEN];
            beam.clear();
            std::mem::swap(beam, &mut here.states);
            here.clear();
            let order =
                |a: &State, b: &State| b.score.total_cmp(&a.score).then(a.picks.cmp(&b.picks));
            // Picks differ between readings of one position, so the order
            // is total and the best BEAM need no full sort.
            if beam.len() > BEAM {
                beam.select_nth_unstable_by(BEAM - 1, order);
                beam.truncate(BEAM);
            }
            beam.sort_unstable_by(order);
            trail_starts.push(trail.len());
            trail.extend(beam.iter_mut().map(|state| state.back.take()));
            let width = candidates[p].len();
            firsts.clear();
            rows.clear();
            rows.resize(beam.len(), None);
            row_index.clear();
            row_histories.clear();
            for len in 1..=MAX_WORD.min(n - p) {
                let choices = &in_words[p..p + len];
                let combinations = if len == 1 {
                    candidates[p].len()
                } else {
                    choices
                        .iter()
                        .try_fold(1usize, |acc, c| acc.checked_mul(c.len()))
                        .unwrap_or(usize::MAX)
                };
                if combinations == 0 || (len > 1 && combinations > MAX_COMBINATIONS) {
                    continue;
                }
                let q = p + len;
                let target = q % OPEN;
                words.clear();
                if len == 1 {
                    words.extend(candidates[p].iter().enumerate().map(|(i, c)| Word {
                        picks: [i as Pick, 0, 0, 0],
                        score: c.word,
                    }));
                } else {
                    let span = slot_ids[p..q]
                        .iter()
                        .fold(0u128, |k, &id| k << 32 | u128::from(id + 1));
                    match self.span_words.get(&span) {
                        Some(known) => words.extend_from_slice(known),
                        None => {
                            self.dictionary_words(choices, &candidates[p..q], words);
                            self.span_words.insert(span, words.clone());
                        }
                    }
                }
                for &Word { picks, score } in words.iter() {
                    let mut word = [candidates[p][usize::from(picks[0])]; MAX_WORD];
                    for (i, (c, &pick)) in word.iter_mut().zip(&picks[..len]).enumerate() {
                        *c = candidates[p + i][usize::from(pick)];
                    }
                    let word = &word[..len];
                    let mut word_score = score;
                    if word_score == f64::NEG_INFINITY {
                        continue;
                    }
                    if len == 1 && matches!(run[p], Slot::Broken(_)) {
                        word_score += brackets.bonus(word[0].c);
                    }
                    for (i, c) in word.iter().enumerate() {
                        if framed[p + i] && FRAME_CLOSERS.contains(&c.c) {
                            word_score += FRAME_BONUS;
                        }
                    }
                    rests.clear();
                    for (s, from) in beam.iter().enumerate() {
                        let mut history = from.history;
                        let mut score = from.score + WORD_WEIGHT * word_score;
                        // A character neither the learned text nor the page
                        // holds scores at most 0 after any reading (its
                        // prior cancels, and every level of the context
                        // lowers it), so once a reading, best first, cannot
                        // reach the floor with that, none after it can.
                        if len == 1
                            && q < n
                            && candidates[p][usize::from(picks[0])].count == 0.0
                            && score + UNSEEN_LOGP_BOUND < open[target].floor
                        {
                            break;
                        }
                        let row = *rows[s].get_or_insert_with(|| {
                            let history = from.history.chars();
                            let context = self.context(history);
                            let relevant = context.relevant(history);
                            *row_index.entry(key(relevant)).or_insert_with(|| {
                                row_histories.push((context, History::of(relevant)));
                                firsts.resize(firsts.len() + width, None);
                                row_histories.len() - 1
                            })
                        });
                        let first = &mut firsts[row * width + usize::from(picks[0])];
                        score += match *first {
                            Some(logp) => logp,
                            None => {
                                let (context, relevant) = &row_histories[row];
                                let logp = self.logp_after(context, relevant.chars(), &word[0]);
                                *first = Some(logp);
                                logp
                            }
                        };
                        if len > 1 || q == n {
                            // A longer history has no longer tail seen than
                            // the row's plus the characters after it (a
                            // gram seen has its history seen), so the row's
                            // characters stand for the reading's in scoring
                            // the rest of the word and the text after the
                            // run too.
                            if rests.len() <= row {
                                rests.resize(row + 1, None);
                            }
                            let rest = *rests[row].get_or_insert_with(|| {
                                let mut history = row_histories[row].1;
                                history.push(word[0].c);
                                let mut rest = Rest {
                                    word: [0.0; MAX_WORD - 1],
                                    tail: [0.0; ORDER - 1],
                                };
                                for (logp, c) in rest.word.iter_mut().zip(&word[1..]) {
                                    *logp = self.cached_logp(history.chars(), c);
                                    history.push(c.c);
                                }
                                if q == n {
                                    rest.tail = self.tail_logps(history, &right);
                                }
                                rest
                            });
                            for logp in &rest.word[..len - 1] {
                                score += logp;
                            }
                            if q == n {
                                for logp in &rest.tail[..right.len()] {
                                    score += logp;
                                }
                            }
                        }
                        for &c in word {
                            history.push(c.c);
                        }
                        let keep = picks[..len].iter().fold(from.picks, |keep, &pick| {
                            (keep << 16 | PickKey::from(pick)) & PICK_KEY_MASK
                        });
                        let back = Back {
                            from: p,
                            state: s,
                            picks,
                        };
                        let open = &mut open[target];
                        // The end keeps every reading: the first of the
                        // best wins there.
                        if q < n && score < open.floor {
                            continue;
                        }
                        match open.index.entry(keep) {
                            Entry::Occupied(i) if open.states[*i.get()].score >= score => {}
                            Entry::Occupied(i) => {
                                open.states[*i.get()].score = score;
                                open.states[*i.get()].back = Some(back);
                            }
                            Entry::Vacant(slot) => {
                                slot.insert(open.states.len());
                                open.states.push(State {
                                    picks: keep,
                                    history,
                                    score,
                                    back: Some(back),
                                });
                                if q < n && open.states.len() >= open.recheck {
                                    open.raise_floor(scores);
                                }
                            }
                        }
                    }
                }
            }
        }

        // Every slot has single-character readings, so the end is reached;
        // the first of equal scores wins.
        let ends = &open[n % OPEN].states;
        let Some(best) =
            (0..ends.len()).reduce(|b, i| if ends[i].score > ends[b].score { i } else { b })
        else {
            return out;
        };
        let mut step = ends[best].back.as_ref();
        let mut q = n;
        while let Some(back) = step {
            for (i, &k) in back.picks[..q - back.from].iter().enumerate() {
                out[back.from + i] = candidates[back.from + i][usize::from(k)].c;
            }
            q = back.from;
            step = trail[trail_starts[q] + back.state].as_ref();
        }
        out
    }
}

/// The last characters of a reading, as many as the n-grams look back.
#[derive(Clone, Copy, Default)]
struct History {
    chars: [char; ORDER - 1],
    /// At most [`ORDER`]` - 1`: a byte keeps the readings the beam sorts
    /// small.
    len: u8,
}

impl History {
    /// The history of `chars` (at most [`ORDER`]` - 1`).
    fn of(chars: &[char]) -> History {
        let mut history = History::default();
        for &c in chars {
            history.push(c);
        }
        history
    }

    fn push(&mut self, c: char) {
        let mut len = usize::from(self.len);
        if len == self.chars.len() {
            // A plain shift: `rotate_left` is a call and a loop for three
            // characters, on the search's hottest path.
            self.chars.copy_within(1.., 0);
            len -= 1;
        }
        self.chars[len] = c;
        self.len = len as u8 + 1;
    }

    fn chars(&self) -> &[char] {
        &self.chars[..usize::from(self.len)]
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
#[derive(PartialEq, Eq, Hash)]
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
