//! Number beginnings that pin a field's region without converting the number, and the
//! regions between a field's number breaks.

use super::lex::HIGHS;
use super::number::{digits, POW10};

pub(super) const PINS: usize = 16;

/// A shape of number beginning (sign, integer digits, point, fraction digits: at most
/// eight bytes) with a range of digits, such that every number beginning so lies strictly
/// inside one region of a field: its region and one number of it are then known without
/// converting it. Numbers of one field tend to share their leading digits (coordinates
/// of one area, readings of one sensor), so a few pins place most of them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pin {
    /// The sign and point bytes at their places (`sep_mask` selects them).
    pub(super) sep_mask: u64,
    pub(super) sep_bytes: u64,
    /// High bits of the digit places.
    pub(super) digit_bits: u64,
    /// The beginning's bytes (little-endian), to find where the number goes on.
    pub(super) mask: u64,
    /// The beginning read big-endian (first byte highest) and masked by `top`: with sign
    /// and point fixed, these compare as the digits, so the digits range is `lo..=hi`.
    pub(super) top: u64,
    pub(super) lo: u64,
    pub(super) hi: u64,
    pub(super) region: u32,
    pub(super) value: f64,
}

impl Pin {
    /// Matches nothing.
    pub(super) const EMPTY: Pin = Pin {
        sep_mask: 0,
        sep_bytes: u64::MAX,
        digit_bits: 0,
        mask: 0,
        top: 0,
        lo: 1,
        hi: 0,
        region: 0,
        value: 0.0,
    };

    /// Whether the number whose first eight bytes are `x` (`nd`: their non-digit flags,
    /// see [`non_digits`]) begins as this pin says.
    #[inline(always)]
    pub(super) fn covers(&self, x: u64, nd: u64) -> bool {
        let key = x.swap_bytes() & self.top;
        x & self.sep_mask == self.sep_bytes
            && nd & self.digit_bits == 0
            && self.lo <= key
            && key <= self.hi
    }
}

/// A field's pins, with the digits seen alone (`0` heights, flags, counts).
#[derive(Debug, Clone)]
pub(super) struct Pins {
    /// Slots 0 and 1 hold the two pins used last (numbers often alternate between two,
    /// like longitude and latitude) and are tried first.
    pub(super) pins: [Pin; PINS],
    pub(super) len: usize,
    /// The slot the next pin replaces once all are taken (never a hot one).
    pub(super) next: usize,
    /// The hot slot (0 or 1) used less recently.
    pub(super) cold: usize,
    /// Per digit: its region plus one, once seen alone.
    pub(super) digits: [u32; 10],
}

impl Default for Pins {
    fn default() -> Self {
        Pins {
            pins: [Pin::EMPTY; PINS],
            len: 0,
            next: 2,
            cold: 0,
            digits: [0; 10],
        }
    }
}

impl Pins {
    /// The hot pin covering the number that begins with `x`.
    #[inline(always)]
    pub(super) fn find_hot(&mut self, x: u64, nd: u64) -> Option<usize> {
        if self.pins[0].covers(x, nd) {
            self.cold = 1;
            return Some(0);
        }
        if self.pins[1].covers(x, nd) {
            self.cold = 0;
            return Some(1);
        }
        None
    }

    /// Another pin covering it, moved into a hot slot.
    #[inline(never)]
    pub(super) fn find_cold(&mut self, x: u64, nd: u64) -> Option<usize> {
        let k = 2 + self
            .pins
            .get(2..self.len)?
            .iter()
            .position(|p| p.covers(x, nd))?;
        let hot = self.cold;
        self.pins.swap(k, hot);
        self.cold = 1 - hot;
        Some(hot)
    }

    /// Remembers a pin, in a slot other than the two hot ones once those are taken.
    pub(super) fn add(&mut self, pin: Pin) {
        let k = if self.len < PINS {
            self.len += 1;
            self.len - 1
        } else {
            self.next = if self.next + 1 >= PINS {
                2
            } else {
                self.next + 1
            };
            self.next
        };
        self.pins[k] = pin;
    }
}

/// Where the number at `b[start..]`, whose first eight bytes `x` (non-digit flags `nd`)
/// begin as a pin of byte mask `mask` says, ends, when it is just more digits after that
/// beginning (a point or an exponent after them makes it some other number: `None`, for
/// the general path).
#[inline(always)]
pub(super) fn pinned_end(b: &[u8], start: usize, nd: u64, mask: u64) -> Option<usize> {
    // A pin's bytes (digits, a sign, a point) never flag a later byte spuriously.
    let rest = nd & !mask;
    let end = if rest != 0 {
        start + (rest.trailing_zeros() / 8) as usize
    } else {
        digits(b, start + 8)
    };
    match b.get(end) {
        Some(b'.' | b'e' | b'E') => None,
        _ => Some(end),
    }
}

/// The open interval of values of region `r` (a break region has none).
#[inline]
pub(super) fn region_bounds(points: &[f64], r: u32) -> Option<(f64, f64)> {
    if r % 2 == 1 {
        return None;
    }
    let k = (r / 2) as usize;
    let lo = k.checked_sub(1).map_or(f64::NEG_INFINITY, |j| points[j]);
    let hi = points.get(k).copied().unwrap_or(f64::INFINITY);
    Some((lo, hi))
}

/// The region of `v` among sorted, distinct `points` (see [`Regions`]).
#[inline(always)]
pub(super) fn region_of(points: &[f64], v: f64) -> u32 {
    let k = points.partition_point(|&p| p < v);
    (2 * k + usize::from(points.get(k) == Some(&v))) as u32
}

/// Whether every number whose digits (integer and `frac` fraction digits, point left
/// out) begin with `m` has a magnitude strictly inside `(a, b)`: their magnitudes lie
/// in `[m, m + 1] / 10^frac`, widened by a margin far above the rounding of the
/// divisions and of any conversion of the number itself.
pub(super) fn digits_inside(m: u64, frac: usize, a: f64, b: f64) -> (bool, bool) {
    let unit = POW10[frac];
    let (low, high) = (m as f64 / unit, (m + 1) as f64 / unit);
    let pad = high * 1e-12;
    (a < low - pad, high + pad < b)
}

/// For the number at `text[start..]`, in region `(lo, hi)`, a pin: the shortest
/// beginning (optional `-`, integer digits, point, at least one fraction digit, within
/// eight bytes) all of whose numbers lie strictly inside the region, widened to every
/// digit string of the same shape that does too.
pub(super) fn pin_for(
    text: &[u8],
    start: usize,
    lo: f64,
    hi: f64,
    region: u32,
    value: f64,
) -> Option<Pin> {
    let w: [u8; 8] = text.get(start..start + 8)?.try_into().ok()?;
    let neg = usize::from(w[0] == b'-');
    let point = neg + w[neg..].iter().position(|&c| c == b'.')?;
    let int = point - neg;
    if int == 0 || (w[neg] == b'0' && int > 1) || !w[neg..point].iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Magnitudes allowed.
    let (a, b) = if neg == 1 { (-hi, -lo) } else { (lo, hi) };
    let mut m = 0u64;
    for &c in &w[neg..point] {
        m = m * 10 + u64::from(c - b'0');
    }
    for len in point + 1..8 {
        let c = w[len];
        if !c.is_ascii_digit() {
            return None;
        }
        m = m * 10 + u64::from(c - b'0');
        let frac = len - point;
        if digits_inside(m, frac, a, b) != (true, true) {
            continue;
        }
        // Widen: the lowest and highest digit strings of this shape still inside
        // (each bound moves one way only as the digits grow).
        let places = (int + frac) as u32;
        let floor = if int == 1 { 0 } else { 10u64.pow(places - 1) };
        let ceil = 10u64.pow(places) - 1;
        // The bounds scaled to digits are close guesses: the searches start in a few
        // digits around them when the guess is confirmed.
        let unit = POW10[frac];
        let guess = |bound: f64| (bound * unit).clamp(floor as f64, ceil as f64) as u64;
        let near = guess(a).saturating_sub(2).max(floor);
        let (mut l, mut h) = if near < m && !digits_inside(near, frac, a, b).0 {
            (near, m)
        } else {
            (floor, m)
        };
        while l < h {
            let mid = l + (h - l) / 2;
            if digits_inside(mid, frac, a, b).0 {
                h = mid;
            } else {
                l = mid + 1;
            }
        }
        let least = l;
        let near = (guess(b) + 2).min(ceil);
        let (mut l, mut h) = if near > m && !digits_inside(near, frac, a, b).1 {
            (m, near)
        } else {
            (m, ceil)
        };
        while l < h {
            let mid = l + (h - l).div_ceil(2);
            if digits_inside(mid, frac, a, b).1 {
                l = mid;
            } else {
                h = mid - 1;
            }
        }
        let most = l;
        let size = len + 1;
        let spell = |digits: u64| {
            let mut out = [0u8; 8];
            if neg == 1 {
                out[0] = b'-';
            }
            let mut d = digits;
            for k in (neg..size).rev() {
                if k == point {
                    out[k] = b'.';
                } else {
                    out[k] = b'0' + (d % 10) as u8;
                    d /= 10;
                }
            }
            u64::from_be_bytes(out)
        };
        let mask = u64::MAX >> (8 * (8 - size));
        let top = u64::MAX << (8 * (8 - size));
        let mut sep_mask = 0xFFu64 << (8 * point);
        if neg == 1 {
            sep_mask |= 0xFF;
        }
        let digit_bits = HIGHS & mask & !sep_mask;
        let here = u64::from_le_bytes(w);
        return Some(Pin {
            sep_mask,
            sep_bytes: here & sep_mask,
            digit_bits,
            mask,
            top,
            lo: spell(least) & top,
            hi: spell(most) & top,
            region,
            value,
        });
    }
    None
}
