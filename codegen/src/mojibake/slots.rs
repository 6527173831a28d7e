//! Garbled text → one slot per character of the clean text.
//!
//! The garbling loses only continuation bytes (all eight lost bytes are in
//! 0x80..=0xBF), never a lead byte, so every lead byte still starts its own
//! character and the bytes after it that survived are still its own: the
//! only unknowns are which continuation bytes are missing and where.

use super::cp1254_byte;

/// One character of the repaired text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Slot {
    /// Known for sure: ASCII, an intact UTF-8 sequence, or a character that
    /// is not garbling at all and so passes through.
    Fixed(char),
    /// A UTF-8 sequence that lost bytes: every character it may have been,
    /// in byte order (never empty).
    Broken(Vec<char>),
}

/// The bytes the garbling drops.
const LOST: [u8; 8] = [0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E, 0xAD];

/// A garbled character: the byte it stands for, or itself when no
/// Windows-1254 byte shows as it (text that was never garbled).
#[derive(Clone, Copy)]
enum Unit {
    Byte(u8, char),
    Other(char),
}

/// Splits garbled text into slots. Sequences that cannot be read as broken
/// UTF-8 (stray continuation bytes, invalid leads) pass through unchanged,
/// so any input gives a slot list whose fixed slots spell it back.
pub(super) fn slots(garbled: &str) -> Vec<Slot> {
    let units: Vec<Unit> = garbled
        .chars()
        .map(|c| match cp1254_byte(c) {
            Some(b) => Unit::Byte(b, c),
            None => Unit::Other(c),
        })
        .collect();
    let mut out = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let (lead, lead_char) = match units[i] {
            Unit::Other(c) => {
                out.push(Slot::Fixed(c));
                i += 1;
                continue;
            }
            Unit::Byte(b, c) => (b, c),
        };
        let Some(need) = continuation_count(lead) else {
            out.push(Slot::Fixed(lead_char));
            i += 1;
            continue;
        };
        // The sequence on the stack: lead, then the continuations present.
        let mut bytes = [lead, 0, 0, 0];
        let mut len = 1;
        let mut j = i + 1;
        while len <= need {
            match units.get(j) {
                Some(&Unit::Byte(b, _)) if is_continuation(b) => bytes[len] = b,
                _ => break,
            }
            len += 1;
            j += 1;
        }
        let slot = if len == need + 1 {
            decode_one(&bytes[..len]).map(Slot::Fixed)
        } else {
            let candidates = candidates(lead, &bytes[1..len], need);
            (!candidates.is_empty()).then_some(Slot::Broken(candidates))
        };
        match slot {
            Some(slot) => {
                out.push(slot);
                i = j;
            }
            None => {
                out.push(Slot::Fixed(lead_char));
                i += 1;
            }
        }
    }
    out
}

/// How many continuation bytes follow `lead` in UTF-8, if it is a lead.
fn continuation_count(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(1),
        0xE0..=0xEF => Some(2),
        0xF0..=0xF4 => Some(3),
        _ => None,
    }
}

fn is_continuation(byte: u8) -> bool {
    (0x80..=0xBF).contains(&byte)
}

/// The single character `bytes` encode, if they are valid UTF-8 for one.
fn decode_one(bytes: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(bytes).ok()?;
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// Every valid character made by putting lost bytes back among `present`
/// (in order) to fill `need` continuation bytes after `lead`.
fn candidates(lead: u8, present: &[u8], need: usize) -> Vec<char> {
    let missing = need - present.len();
    let mut out = Vec::new();
    // Each choice of which positions were lost, as a bit mask over `need`.
    for mask in 0u32..(1 << need) {
        if mask.count_ones() as usize != missing {
            continue;
        }
        // Each assignment of lost byte values to those positions.
        for mut pick in 0..LOST.len().pow(missing as u32) {
            let mut bytes = [lead, 0, 0, 0];
            let mut len = 1;
            let mut kept = present.iter();
            for position in 0..need {
                if mask & (1 << position) != 0 {
                    bytes[len] = LOST[pick % LOST.len()];
                    pick /= LOST.len();
                } else if let Some(&b) = kept.next() {
                    bytes[len] = b;
                } else {
                    continue;
                }
                len += 1;
            }
            if let Some(c) = decode_one(&bytes[..len]) {
                out.push(c);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::super::garble;
    use super::*;

    #[test]
    fn lost_bytes_are_the_ones_the_code_page_drops() {
        let dropped: Vec<u8> = (0..=255)
            .filter(|&b| super::super::cp1254_char(b).is_none())
            .collect();
        assert_eq!(dropped, LOST);
    }

    #[test]
    fn a_broken_character_lists_its_clean_form() {
        // 否 is E5 90 A6 and loses its 0x90.
        let slots = slots(&garble("是否"));
        assert_eq!(slots[0], Slot::Fixed('是'));
        let Slot::Broken(candidates) = &slots[1] else {
            panic!("否 should be broken: {slots:?}");
        };
        assert!(candidates.contains(&'否'));
        assert_eq!(candidates.len(), 16);
    }

    #[test]
    fn text_that_is_not_garbled_passes_through() {
        for text in ["plain", "中文", "é at the end é", "\u{80}\u{AD}x", "€Ÿ"] {
            let spelled: String = slots(text)
                .iter()
                .map(|slot| match slot {
                    Slot::Fixed(c) => *c,
                    Slot::Broken(candidates) => candidates[0],
                })
                .collect();
            assert_eq!(spelled.chars().count(), text.chars().count(), "{text}");
        }
        assert_eq!(slots("中文"), vec![Slot::Fixed('中'), Slot::Fixed('文')]);
    }
}
