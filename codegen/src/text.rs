//! String helpers for hot paths: the same results as their `str`
//! counterparts, faster on the docs' text (short cells, mostly ASCII
//! edges or CJK).

/// [`str::trim`]. Most strings start and end with a character that is no
/// white space, which the bytes at either end tell without decoding: only
/// then is the general search skipped.
#[inline]
pub fn trim(s: &str) -> &str {
    if !may_start_with_space(s.as_bytes()) && !may_end_with_space(s.as_bytes()) {
        return s;
    }
    s.trim()
}

/// [`str::trim_start`], as [`trim`].
#[inline]
pub fn trim_start(s: &str) -> &str {
    // Indented lines (code, JSON) start with runs of ASCII spaces: skipped
    // a byte at a time, not decoded as characters.
    let bytes = s.as_bytes();
    let mut ascii = 0;
    while bytes.get(ascii..ascii + 8) == Some(b"        ") {
        ascii += 8;
    }
    ascii += bytes[ascii..]
        .iter()
        .take_while(|b| matches!(b, b'\t'..=b'\r' | b' '))
        .count();
    let s = &s[ascii..];
    if may_start_with_space(s.as_bytes()) {
        s.trim_start()
    } else {
        s
    }
}

/// [`str::trim_end`], as [`trim`].
#[inline]
pub fn trim_end(s: &str) -> &str {
    if may_end_with_space(s.as_bytes()) {
        s.trim_end()
    } else {
        s
    }
}

/// `s.trim().is_empty()`: most lines show they are not blank at their
/// first byte.
#[inline]
pub fn is_blank(s: &str) -> bool {
    trim_start(s).is_empty()
}

/// Whether `s` may start with white space (`false` for the empty string).
#[inline]
fn may_start_with_space(s: &[u8]) -> bool {
    // White space is ASCII (`\t`..`\r`, ` `) or starts with one of these
    // lead bytes: C2 (U+0085, U+00A0), E1 (U+1680), E2 (U+2000..U+205F),
    // E3 (U+3000).
    s.first()
        .is_some_and(|&b| matches!(b, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1..=0xE3))
}

/// Whether `s` may end with white space (`false` for the empty string).
#[inline]
fn may_end_with_space(s: &[u8]) -> bool {
    let n = s.len();
    match s.last() {
        None => false,
        Some(&b) if b < 0x80 => matches!(b, b'\t'..=b'\r' | b' '),
        // A continuation byte: the last character's lead byte decides.
        // Two bytes: C2 ends U+0085 and U+00A0. Three bytes: E1..E3 as
        // above. Four bytes: never white space.
        Some(_) => {
            let lead2 = n >= 2 && s[n - 2] == 0xC2;
            let lead3 = n >= 3 && matches!(s[n - 3], 0xE1..=0xE3);
            lead2 || lead3
        }
    }
}

/// [`str::lines`], splitting with memchr.
pub fn lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let text = rest?;
        match memchr::memchr(b'\n', text.as_bytes()) {
            Some(at) => {
                rest = Some(&text[at + 1..]).filter(|r| !r.is_empty());
                let line = &text[..at];
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None => {
                rest = None;
                (!text.is_empty()).then_some(text)
            }
        }
    })
}

/// `s.find(c)`, with memchr on the first byte of `c`'s encoding.
pub fn find_char(s: &str, c: char) -> Option<usize> {
    let mut buf = [0u8; 4];
    let needle = c.encode_utf8(&mut buf).as_bytes();
    let bytes = s.as_bytes();
    memchr::memchr_iter(needle[0], bytes).find(|&at| bytes[at..].starts_with(needle))
}

/// `s.contains('\n')`, with memchr.
#[inline]
pub fn has_newline(s: &str) -> bool {
    memchr::memchr(b'\n', s.as_bytes()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_matches_std() {
        let samples = [
            "",
            " ",
            "a",
            " a ",
            "\u{a0}a\u{a0}",
            "\u{3000}字\u{3000}",
            "字",
            "字。",
            "。字",
            "\u{85}x\u{85}",
            "\u{1680}x\u{1680}",
            "\u{2003}x\u{2009}",
            "\u{202f}x\u{205f}",
            "\u{2028}\u{2029}",
            "é",
            "xé",
            "\u{1F600}",
            "a\u{1F600}",
            "\u{a9}",
            "\t\n\r\u{b}\u{c}x\u{c}",
            "\u{1c}x\u{1f}",
            "ā",
            "\u{2100}",
            "        ",
            "                 \t x ",
            "        \u{3000}x",
        ];
        for s in samples {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(trim_start(s), s.trim_start(), "{s:?}");
            assert_eq!(trim_end(s), s.trim_end(), "{s:?}");
            assert_eq!(is_blank(s), s.trim().is_empty(), "{s:?}");
        }
        // Every character below U+4000 at either end of a short string.
        for c in (0..0x4000).filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!("{c}x"),
                format!("x{c}"),
                format!("字{c}"),
            ] {
                assert_eq!(trim(&s), s.trim(), "{s:?}");
                assert_eq!(trim_start(&s), s.trim_start(), "{s:?}");
                assert_eq!(trim_end(&s), s.trim_end(), "{s:?}");
                assert_eq!(is_blank(&s), s.trim().is_empty(), "{s:?}");
            }
        }
    }

    #[test]
    fn find_char_matches_std() {
        for s in ["", "└", "a└b", "\u{a0}\u{a0}└ x └", "│┘", "x"] {
            for c in ['└', 'x', '\n'] {
                assert_eq!(find_char(s, c), s.find(c), "{s:?} {c:?}");
            }
        }
    }

    #[test]
    fn lines_match_std() {
        for s in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\rb",
            "\n\na\n\n",
            "a\r",
            "\r\n",
            "a\n\r",
        ] {
            assert_eq!(
                lines(s).collect::<Vec<_>>(),
                s.lines().collect::<Vec<_>>(),
                "{s:?}"
            );
        }
    }
}
