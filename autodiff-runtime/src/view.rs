//! Ranges of active containers bound to names (`let row = &x[a..b];`): the generated code
//! keeps the range's bounds and reads the container itself, at the bounds the view would have
//! checked, with the panics slicing and indexing the view would have raised.

use core::ops::{Bound, RangeBounds};

/// The bounds `lo..hi` of `&x[range]` for a container of length `len`; panics where slicing
/// would.
#[inline]
#[track_caller]
pub fn view_bounds(range: impl RangeBounds<usize>, len: usize) -> (usize, usize) {
    let lo = match range.start_bound() {
        Bound::Included(&s) => s,
        Bound::Excluded(&s) => s.checked_add(1).expect("range start overflows usize"),
        Bound::Unbounded => 0,
    };
    let hi = match range.end_bound() {
        Bound::Included(&e) => e.checked_add(1).expect("range end overflows usize"),
        Bound::Excluded(&e) => e,
        Bound::Unbounded => len,
    };
    assert!(lo <= hi, "slice index starts at {lo} but ends at {hi}");
    assert!(
        hi <= len,
        "range end index {hi} out of range for slice of length {len}"
    );
    (lo, hi)
}

/// The container index of element `i` of the view `lo..hi`; panics where indexing the view
/// would.
#[inline(always)]
#[track_caller]
pub fn view_at(lo: usize, hi: usize, i: usize) -> usize {
    let len = hi - lo;
    assert!(
        i < len,
        "index out of bounds: the len is {len} but the index is {i}"
    );
    lo + i
}

/// The container index where the range `start..end` of the view `lo..hi` starts (it ends at
/// `lo + end`); panics where slicing the view would.
#[inline(always)]
#[track_caller]
pub fn view_start(lo: usize, hi: usize, start: usize, end: usize) -> usize {
    view_bounds(start..end, hi - lo);
    lo + start
}

/// How many items `x.windows(size)`, `x.chunks(size)` or `x.chunks_exact(size)` yields for a
/// container of length `len`; panics on a size of zero, as they do.
#[inline]
#[track_caller]
pub fn slices_count(kind: &str, len: usize, size: usize) -> usize {
    match kind {
        "windows" => {
            assert!(size != 0, "window size must be non-zero");
            (len + 1).saturating_sub(size)
        }
        "chunks" => {
            assert!(size != 0, "chunk size must be non-zero");
            len.div_ceil(size)
        }
        _ => {
            assert!(size != 0, "chunk size must be non-zero");
            len / size
        }
    }
}

/// The index of a slice's first item, for `x.first().unwrap()` read as `x[first_index(..)]`:
/// panics as that `unwrap` does if the slice is empty.
#[inline(always)]
pub fn first_index(len: usize) -> usize {
    (len > 0).then_some(0).unwrap()
}

/// The index of a slice's last item, for `x.last().unwrap()`: panics as that `unwrap` does
/// if the slice is empty.
#[inline(always)]
pub fn last_index(len: usize) -> usize {
    len.checked_sub(1).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_match_slicing() {
        let x = [0.0; 6];
        for (r, want) in [
            (view_bounds(1..4, 6), &x[1..4]),
            (view_bounds(2.., 6), &x[2..]),
            (view_bounds(..3, 6), &x[..3]),
            (view_bounds(.., 6), &x[..]),
            (view_bounds(1..=4, 6), &x[1..=4]),
            (view_bounds(..=5, 6), &x[..=5]),
        ] {
            assert_eq!(r.1 - r.0, want.len());
        }
        assert_eq!(view_bounds(1..=4, 6), (1, 5));
        assert_eq!(view_at(2, 5, 2), 4);
        assert_eq!(view_start(2, 5, 1, 3), 3);
    }

    #[test]
    fn counts_match_the_iterators() {
        let x = [0.0; 7];
        for size in 1..9 {
            assert_eq!(slices_count("windows", 7, size), x.windows(size).count());
            assert_eq!(slices_count("chunks", 7, size), x.chunks(size).count());
            assert_eq!(
                slices_count("chunks_exact", 7, size),
                x.chunks_exact(size).count()
            );
        }
    }

    #[test]
    #[should_panic(expected = "chunk size must be non-zero")]
    fn chunks_of_nothing_panic() {
        slices_count("chunks", 7, 0);
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn a_range_past_the_end_panics() {
        view_bounds(2..7, 6);
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn an_index_past_the_view_panics_inside_the_container() {
        view_at(1, 3, 2);
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn a_range_past_the_view_panics() {
        view_start(1, 3, 0, 3);
    }
}
