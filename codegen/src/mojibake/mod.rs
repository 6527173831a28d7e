//! Mojibake: UTF-8 text that was decoded as Windows-1254, with the bytes
//! that code page leaves undefined (0x81 0x8D 0x8E 0x8F 0x90 0x9D 0x9E)
//! dropped and soft hyphens (0xAD) stripped. Two of the pages the project started from came so.
//!
//! The page structure survives the garbling (Markdown punctuation and field
//! names are ASCII), so the reader matches its keywords through [`garble`].
//! The text itself comes back through [`repair`], which puts the lost bytes
//! back where a [`LanguageModel`] of Chinese finds them likeliest.

mod model;
mod repair;
mod slots;

pub use model::LanguageModel;
pub use repair::{repair, Repaired};

/// Windows-1254 characters for the bytes 0x80..=0x9F; `None` where the code
/// page leaves the byte undefined (such bytes are lost by the garbling).
const CP1254_80_9F: [Option<char>; 32] = [
    Some('\u{20AC}'),
    None,
    Some('\u{201A}'),
    Some('\u{0192}'),
    Some('\u{201E}'),
    Some('\u{2026}'),
    Some('\u{2020}'),
    Some('\u{2021}'),
    Some('\u{02C6}'),
    Some('\u{2030}'),
    Some('\u{0160}'),
    Some('\u{2039}'),
    Some('\u{0152}'),
    None,
    None,
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('\u{2022}'),
    Some('\u{2013}'),
    Some('\u{2014}'),
    Some('\u{02DC}'),
    Some('\u{2122}'),
    Some('\u{0161}'),
    Some('\u{203A}'),
    Some('\u{0153}'),
    None,
    None,
    Some('\u{0178}'),
];

/// The character Windows-1254 shows for `byte`, or `None` where the garbling
/// loses the byte (undefined in the code page, or the stripped soft hyphen).
pub fn cp1254_char(byte: u8) -> Option<char> {
    match byte {
        0x00..=0x7F => Some(byte as char),
        0x80..=0x9F => CP1254_80_9F[usize::from(byte - 0x80)],
        0xAD => None,
        0xD0 => Some('\u{011E}'),
        0xDD => Some('\u{0130}'),
        0xDE => Some('\u{015E}'),
        0xF0 => Some('\u{011F}'),
        0xFD => Some('\u{0131}'),
        0xFE => Some('\u{015F}'),
        _ => Some(char::from(byte)),
    }
}

/// The byte Windows-1254 decodes to `c`, if any.
pub fn cp1254_byte(c: char) -> Option<u8> {
    let code = u32::from(c);
    if code < 0x80 {
        return Some(code as u8);
    }
    match c {
        '\u{011E}' => Some(0xD0),
        '\u{0130}' => Some(0xDD),
        '\u{015E}' => Some(0xDE),
        '\u{011F}' => Some(0xF0),
        '\u{0131}' => Some(0xFD),
        '\u{015F}' => Some(0xFE),
        '\u{A0}'..='\u{FF}' if !matches!(code, 0xD0 | 0xDD | 0xDE | 0xF0 | 0xFD | 0xFE | 0xAD) => {
            Some(code as u8)
        }
        _ => CP1254_80_9F
            .iter()
            .position(|&m| m == Some(c))
            .map(|i| 0x80 + i as u8),
    }
}

/// Applies the garbling to clean text: what `text` looks like on a
/// mojibake page.
pub fn garble(text: &str) -> String {
    text.bytes().filter_map(cp1254_char).collect()
}

/// Lead-continuation pairs a garbled text holds at least.
const MIN_PAIRS: usize = 8;

/// Whether `text` looks like mojibake rather than Chinese: it holds many
/// pairs of a UTF-8 lead byte of the CJK block (shown as `ä`..`é`) followed
/// by a continuation byte, and few real CJK characters.
pub fn looks_garbled(text: &str) -> bool {
    // Every pair starts with one of `ä`..`é`, whose UTF-8 starts with 0xC3:
    // a text with fewer such bytes than the pairs needed is clean, which
    // settles nearly every page in one pass. Counting in bytes, a chunk of
    // 255 at a time, lets the compiler compare 16 or 32 bytes a step.
    let leads: usize = text
        .as_bytes()
        .chunks(usize::from(u8::MAX))
        .map(|chunk| chunk.iter().fold(0u8, |n, &b| n + u8::from(b == 0xC3)))
        .map(usize::from)
        .sum();
    if leads < MIN_PAIRS {
        return false;
    }
    let mut pairs = 0usize;
    let mut cjk = 0usize;
    let mut previous_was_lead = false;
    for c in text.chars() {
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            cjk += 1;
        }
        let byte = cp1254_byte(c);
        if previous_was_lead && byte.is_some_and(|b| (0x80..=0xBF).contains(&b)) {
            pairs += 1;
        }
        previous_was_lead = byte.is_some_and(|b| (0xE4..=0xE9).contains(&b));
    }
    pairs >= MIN_PAIRS && pairs > cjk * 4
}

/// Scores a repair against the clean text it was garbled from: how many
/// of the characters the garbling broke (those with a lost byte in their
/// UTF-8) came back exactly, and how many there were.
pub fn restored(clean: &str, repaired: &str) -> (usize, usize) {
    let misses = misses(clean, repaired);
    let broken = clean.chars().filter(|&c| is_breakable(c)).count();
    (broken - misses.len(), broken)
}

/// The broken characters of `clean` that `repaired` got wrong, each as
/// (wanted, got); `None` where `repaired` ends early.
pub fn misses(clean: &str, repaired: &str) -> Vec<(char, Option<char>)> {
    let mut repaired = repaired.chars();
    clean
        .chars()
        .map(|c| (c, repaired.next()))
        .filter(|&(c, got)| is_breakable(c) && got != Some(c))
        .collect()
}

/// Whether the garbling breaks `c`: a byte of its UTF-8 is lost.
fn is_breakable(c: char) -> bool {
    c.encode_utf8(&mut [0; 4])
        .bytes()
        .any(|b| cp1254_char(b).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbles_like_the_seed_pages() {
        assert_eq!(garble("请求体"), "è¯·æ±‚ä½“");
        // 否 is E5 90 A6: 0x90 is undefined in Windows-1254 and lost.
        assert_eq!(garble("否"), "å¦");
        assert_eq!(garble("plain ascii | `x`"), "plain ascii | `x`");
    }

    #[test]
    fn byte_and_char_maps_are_inverse() {
        for byte in 0u8..=255 {
            if let Some(c) = cp1254_char(byte) {
                assert_eq!(cp1254_byte(c), Some(byte), "byte {byte:#x}");
            }
        }
    }

    #[test]
    fn detects_garbled_text_only() {
        let clean = "通过内推人的手机号或邮箱注册「内推奖励账户」。注册后，可通过接口获取内推账户";
        assert!(!looks_garbled(clean));
        assert!(looks_garbled(&garble(clean)));
        assert!(!looks_garbled("An English page with café and naïve words."));
    }

    /// Sentences written for this test, in the pages' register.
    const FIXTURE: &str = "## 更新用户信息

该接口用于更新通讯录中用户的名称、部门和职务。调用前，请在开发者后台为应用开通相应的权限。

| 参数名 | 类型 | 必填 | 描述 |
| ------ | ---- | ---- | ---- |
| user_id | string | 是 | 用户的唯一标识，与查询参数中的 ID 类型一致 |
| name | string | 否 | 用户名称，不能为空，最多 64 个字符 |

如果用户不存在，接口返回错误码，请检查后重试。";

    #[test]
    fn repairs_written_fixture_text() {
        let garbled = garble(FIXTURE);
        assert!(looks_garbled(&garbled));
        let repaired = repair(&garbled, LanguageModel::shared());
        let (ok, broken) = restored(FIXTURE, &repaired.text);
        assert_eq!(repaired.broken, broken);
        // With no page of its own to learn from, a short text leaves the
        // model little context: one function word may still go astray.
        assert!(
            broken > 30 && ok + 1 >= broken,
            "{ok} / {broken} restored:\n{}",
            repaired.text
        );
    }

    #[test]
    fn clean_text_comes_back_unchanged() {
        for text in [
            "",
            "plain ASCII | `code` \\ 123",
            "通过内推人的手机号或邮箱注册「内推奖励账户」。",
            "emoji 💡⚠️✅ and “quotes” – dashes",
        ] {
            let repaired = repair(text, LanguageModel::shared());
            assert_eq!(repaired.text, text);
            assert_eq!(repaired.broken, 0);
        }
    }

    #[test]
    fn repair_is_total() {
        let model = LanguageModel::shared();
        // Strings of every byte's Windows-1254 character, in orders that put
        // leads before too few, too many or no continuation bytes.
        let shown: Vec<char> = (0..=255u8).filter_map(cp1254_char).collect();
        for step in 1..shown.len() {
            let text: String = (0..300).map(|i| shown[(i * step) % shown.len()]).collect();
            let repaired = repair(&text, model);
            assert!(repaired.text.chars().count() <= text.chars().count());
        }
        // On garbled text the repair only puts lost bytes back.
        let clean = "💡 注意：emoji 😀 与 ASCII 混排，中文「引号」";
        let repaired = repair(&garble(clean), model).text;
        assert_eq!(garble(&repaired), garble(clean));
        assert_eq!(repaired.chars().count(), clean.chars().count());
    }
}
