//! "Did you mean …?": the closest known word to a mistyped one, by edit distance.

/// The Levenshtein distance between two words: the fewest single-character insertions,
/// deletions and substitutions that turn one into the other.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    // One row of the dynamic-programming table is enough: each cell only looks back one row.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            let substitution = diagonal + usize::from(ca != cb);
            row[j + 1] = substitution.min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The furthest a candidate may be from `word` and still be suggested: short words allow one
/// slip, longer ones a slip for every three characters.
pub fn max_distance(word: &str) -> usize {
    // Two slips are common even in short names (`mjr7` for `maj7`), but a guess further
    // away than a third of the word is more confusing than no guess.
    word.chars().count().div_ceil(3).max(1)
}

/// How far `candidate` is from `word` as a suggestion, or `None` when it is no suggestion at
/// all: the word itself (suggesting what was typed helps nobody), anything further than
/// [`max_distance`], and, for words of three letters or fewer, a changed letter (one added
/// or dropped is a slip, `snr` for `sn`; one changed is another word, `hat` is not `hft`).
pub(crate) fn suggestion_distance(word: &str, candidate: &str) -> Option<usize> {
    if word == candidate {
        return None;
    }
    let distance = edit_distance(word, candidate);
    let (a, b) = (word.chars().count(), candidate.chars().count());
    let short = a <= 3;
    if distance > max_distance(word) || (short && distance != a.abs_diff(b)) {
        return None;
    }
    Some(distance)
}

/// The candidate closest to `word` that makes a sensible suggestion (see
/// [`max_distance`]); ties go to the first.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if let Some(distance) = suggestion_distance(word, candidate)
            && best.is_none_or(|(d, _)| distance < d)
        {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Up to `limit` candidates within [`max_distance`] of `word`, closest first, without repeats.
pub fn close_matches<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let mut found: Vec<(usize, &'a str)> = Vec::new();
    for candidate in candidates {
        if let Some(distance) = suggestion_distance(word, candidate)
            && !found.iter().any(|(_, c)| *c == candidate)
        {
            found.push((distance, candidate));
        }
    }
    // A stable sort keeps the caller's order among equally close words.
    found.sort_by_key(|(d, _)| *d);
    found.into_iter().take(limit).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_in_maj7_is_one_edit_away() {
        assert_eq!(edit_distance("maj7", "maj7"), 0);
        assert_eq!(edit_distance("mja7", "maj7"), 2);
        assert_eq!(edit_distance("maj", "maj7"), 1);
        assert_eq!(edit_distance("", "dim"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn the_word_typed_is_never_its_own_suggestion() {
        assert_eq!(nearest("maj7", ["maj7", "maj9"]), Some("maj9"));
        assert_eq!(close_matches("sn", ["sn", "sd"], 3), Vec::<&str>::new());
    }

    #[test]
    fn a_short_word_is_only_offered_a_letter_more_or_less_never_a_different_letter() {
        assert_eq!(nearest("hat", ["hft", "hh", "bd"]), None);
        assert_eq!(nearest("snr", ["sn", "bd"]), Some("sn"));
        assert_eq!(nearest("bdd", ["bd", "sn"]), Some("bd"));
        assert_eq!(nearest("lt", ["mt", "ht"]), None);
        assert_eq!(nearest("c", ["cp", "cr"]), Some("cp"));
        // Longer words may have a letter changed: `mjr7` is `maj7` with two slips.
        assert_eq!(nearest("mjr7", ["maj7", "m7"]), Some("maj7"));
        assert_eq!(nearest("dorain", ["dorian"]), Some("dorian"));
    }

    #[test]
    fn the_nearest_candidate_wins_wherever_it_is_listed() {
        // `mag7` is one slip from `maj7` and two from `m7`.
        assert_eq!(nearest("mag7", ["m7", "maj7"]), Some("maj7"));
        assert_eq!(nearest("mag7", ["maj7", "m7"]), Some("maj7"));
    }

    #[test]
    fn misspelled_dorian_suggests_dorian() {
        let scales = ["major", "minor", "dorian", "phrygian"];
        assert_eq!(nearest("dorain", scales), Some("dorian"));
        assert_eq!(nearest("mixolydian", scales), None);
    }

    #[test]
    fn short_drum_names_allow_one_slip() {
        assert_eq!(nearest("bdd", ["bd", "sn", "hh"]), Some("bd"));
        assert_eq!(nearest("xyz", ["bd", "sn", "hh"]), None);
    }

    #[test]
    fn close_matches_list_the_nearest_qualities_first() {
        let qualities = ["maj7", "m7", "maj9", "7", "dim7"];
        assert_eq!(close_matches("maj8", qualities, 3), vec!["maj7", "maj9"]);
    }
}
