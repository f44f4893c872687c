//! What an array walk does with the numbers of a field: skip, convert, or place them in
//! the field's regions.

use super::fault::R;
use super::lex::load8;
use super::number::{non_digits, number, number_value};
use super::pins::{pin_for, pinned_end, region_bounds, region_of, Pins};
use super::recorded::{Raw, Regions};

/// What an array walk does with the numbers of its field.
pub(super) trait Numbers {
    /// Takes the number at `b[i..]`, returns where it ends.
    fn number(&mut self, b: &[u8], i: usize, values: &mut Vec<(u32, Raw)>) -> R<usize>;
}

/// No rule reads numbers here (the path only leads to deeper fields).
pub(super) struct Skipped;

impl Numbers for Skipped {
    #[inline(always)]
    fn number(&mut self, b: &[u8], i: usize, _: &mut Vec<(u32, Raw)>) -> R<usize> {
        number(b, i)
    }
}

/// Every number of field `.0` is recorded.
pub(super) struct Converted(pub(super) u32);

impl Numbers for Converted {
    #[inline(always)]
    fn number(&mut self, b: &[u8], i: usize, values: &mut Vec<(u32, Raw)>) -> R<usize> {
        let (next, v) = number_value(b, i)?;
        values.push((self.0, Raw::Num(v)));
        Ok(next)
    }
}

/// Numbers of field `f`, which has breaks `points`: each placed in its region, and
/// recorded only when the event had none there yet.
pub(super) struct Placed<'t, 'p> {
    pub(super) f: u32,
    pub(super) points: &'t [f64],
    pub(super) pins: &'p mut Pins,
    pub(super) seen: Regions,
}

impl Numbers for Placed<'_, '_> {
    #[inline(always)]
    fn number(&mut self, b: &[u8], i: usize, values: &mut Vec<(u32, Raw)>) -> R<usize> {
        // The common case first, inside one bounds-checked window: a number a hot pin
        // covers, then at most sixteen more digits.
        if let Some(w) = b.get(i..i + 16) {
            let word = |k: usize| u64::from_le_bytes(w[k..k + 8].try_into().unwrap_or([0; 8]));
            let x = word(0);
            let nd = non_digits(x);
            let hot = if self.pins.pins[0].covers(x, nd) {
                self.pins.cold = 1;
                Some(0)
            } else if self.pins.pins[1].covers(x, nd) {
                self.pins.cold = 0;
                Some(1)
            } else {
                // A lone digit (a `0` height, a flag, a count); never a pin's
                // beginning, which has a point.
                let (d, next) = (x as u8, (x >> 8) as u8);
                if d.is_ascii_digit() && !matches!(next, b'0'..=b'9' | b'.' | b'e' | b'E') {
                    self.digit(d - b'0', values);
                    return Ok(i + 1);
                }
                None
            };
            if let Some(k) = hot {
                let pin = &self.pins.pins[k];
                // A pin's bytes (digits, a sign, a point) never flag a later byte
                // spuriously.
                let rest = nd & !pin.mask;
                let n = if rest != 0 {
                    Some((rest.trailing_zeros() / 8) as usize)
                } else {
                    let more = non_digits(word(8));
                    if more != 0 {
                        Some(8 + (more.trailing_zeros() / 8) as usize)
                    } else {
                        load8(b, i + 16)
                            .map(non_digits)
                            .filter(|&more| more != 0)
                            .map(|more| 16 + (more.trailing_zeros() / 8) as usize)
                    }
                };
                // A point or an exponent after the digits makes it another number.
                if let Some(n) = n {
                    if !matches!(b.get(i + n), Some(b'.' | b'e' | b'E')) {
                        if self.seen.insert(pin.region) {
                            values.push((self.f, Raw::Num(pin.value)));
                        }
                        return Ok(i + n);
                    }
                }
            }
        }
        self.number_rest(b, i, values)
    }
}

impl Placed<'_, '_> {
    /// Places the lone digit `d`.
    #[inline(always)]
    pub(super) fn digit(&mut self, d: u8, values: &mut Vec<(u32, Raw)>) {
        let k = usize::from(d);
        let r = match self.pins.digits[k] {
            0 => {
                let r = region_of(self.points, f64::from(d));
                self.pins.digits[k] = r + 1;
                r
            }
            r => r - 1,
        };
        if self.seen.insert(r) {
            values.push((self.f, Raw::Num(f64::from(d))));
        }
    }

    /// [`Numbers::number`] past the hot pins (numbers near the end of the event, lone
    /// digits, other pins, conversion).
    #[inline(never)]
    pub(super) fn number_rest(
        &mut self,
        b: &[u8],
        i: usize,
        values: &mut Vec<(u32, Raw)>,
    ) -> R<usize> {
        if let Some(&[d, next]) = b.get(i..i + 2) {
            if d.is_ascii_digit() && !matches!(next, b'0'..=b'9' | b'.' | b'e' | b'E') {
                self.digit(d - b'0', values);
                return Ok(i + 1);
            }
        }
        let Some(x) = load8(b, i) else {
            return self.convert(b, i, values);
        };
        let nd = non_digits(x);
        if let Some(k) = self.pins.find_hot(x, nd) {
            if let Some(end) = self.pinned(b, i, nd, k, values) {
                return Ok(end);
            }
        }
        if let Some(k) = self.pins.find_cold(x, nd) {
            if let Some(end) = self.pinned(b, i, nd, k, values) {
                return Ok(end);
            }
        }
        self.convert(b, i, values)
    }

    /// The number at `b[i..]` placed by pin `k`, when it is one the pin covers.
    #[inline(always)]
    pub(super) fn pinned(
        &mut self,
        b: &[u8],
        i: usize,
        nd: u64,
        k: usize,
        values: &mut Vec<(u32, Raw)>,
    ) -> Option<usize> {
        let pin = &self.pins.pins[k];
        let end = pinned_end(b, i, nd, pin.mask)?;
        if self.seen.insert(pin.region) {
            values.push((self.f, Raw::Num(pin.value)));
        }
        Some(end)
    }

    /// A number no pin covers: converted, placed, and its pin learnt when it has one.
    #[inline(never)]
    pub(super) fn convert(&mut self, b: &[u8], i: usize, values: &mut Vec<(u32, Raw)>) -> R<usize> {
        let (end, v) = number_value(b, i)?;
        let r = region_of(self.points, v);
        if self.seen.insert(r) {
            values.push((self.f, Raw::Num(v)));
        }
        if let Some((lo, hi)) = region_bounds(self.points, r) {
            if let Some(pin) = pin_for(b, i, lo, hi, r, v) {
                self.pins.add(pin);
            }
        }
        Ok(end)
    }
}
