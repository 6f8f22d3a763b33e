//! A 5 × 7 bitmap font of the ten digits (one `u8` per row, bit 4 = leftmost column).

/// Columns of a glyph.
pub(crate) const COLS: usize = 5;
/// Rows of a glyph.
pub(crate) const ROWS: usize = 7;

const GLYPHS: [[u8; ROWS]; 10] = [
    [
        0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110,
    ], // 0
    [
        0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110,
    ], // 1
    [
        0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111,
    ], // 2
    [
        0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110,
    ], // 3
    [
        0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010,
    ], // 4
    [
        0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110,
    ], // 5
    [
        0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110,
    ], // 6
    [
        0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000,
    ], // 7
    [
        0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110,
    ], // 8
    [
        0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100,
    ], // 9
];

/// Whether cell (col, row) of `digit` is ink; `false` outside the glyph.
pub(crate) fn ink(digit: u8, col: i64, row: i64) -> bool {
    let (Ok(c), Ok(r)) = (usize::try_from(col), usize::try_from(row)) else {
        return false;
    };
    if c >= COLS {
        return false;
    }
    GLYPHS
        .get(usize::from(digit))
        .and_then(|g| g.get(r))
        .is_some_and(|bits| bits & (1 << (COLS - 1 - c)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyphs_are_distinct_and_bounded() {
        for a in 0..10u8 {
            for b in (a + 1)..10u8 {
                let differ = (0..ROWS as i64)
                    .any(|r| (0..COLS as i64).any(|c| ink(a, c, r) != ink(b, c, r)));
                assert!(differ, "{a} and {b}");
            }
        }
        assert!(!ink(1, -1, 0));
        assert!(!ink(1, 5, 0));
        assert!(!ink(1, 0, 7));
        assert!(!ink(10, 2, 2));
        assert!(ink(1, 2, 0));
    }
}
