//! Which numbers EventBridge can compare. event-ruler's `ComparableNumber` reads a number
//! as a Java `BigDecimal`, takes its `doubleValue()`, and refuses the number unless
//! `BigDecimal.valueOf(double)` (the double's shortest decimal) equals it exactly: every
//! finite double is comparable, but a decimal with more digits than a double holds is not.

/// An exact decimal: `digits` × 10^(−`scale`), like Java's `BigDecimal`.
struct Decimal {
    negative: bool,
    digits: String,
    scale: i64,
}

fn parse_decimal(text: &str) -> Option<Decimal> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut digits: String = format!("{int}{frac}").trim_start_matches('0').to_string();
    if digits.is_empty() {
        digits.push('0');
    }
    Some(Decimal {
        negative,
        digits,
        scale: (frac.len() as i64).checked_sub(exp)?,
    })
}

impl Decimal {
    fn strip_trailing_zeros(mut self) -> Decimal {
        if self.digits == "0" {
            self.scale = 0;
            return self;
        }
        while self.digits.len() > 1 && self.digits.ends_with('0') {
            self.digits.pop();
            self.scale -= 1;
        }
        self
    }
}

/// Whether `value` (the double nearest to the decimal `text`) is exactly that decimal
/// when read back the way Java's `BigDecimal.valueOf(double)` does (shortest digits), as
/// event-ruler's `ComparableNumber` requires of numbers it compares.
pub(crate) fn is_exact_double(text: &str, value: f64) -> bool {
    if !value.is_finite() {
        return false;
    }
    let (Some(written), Some(held)) = (parse_decimal(text), parse_decimal(&format!("{value:e}")))
    else {
        return false;
    };
    let (a, b) = (written.strip_trailing_zeros(), held.strip_trailing_zeros());
    if a.digits == "0" || b.digits == "0" {
        return a.digits == b.digits;
    }
    a.negative == b.negative && a.digits == b.digits && a.scale == b.scale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(text: &str) -> bool {
        is_exact_double(text, text.parse().unwrap_or(f64::NAN))
    }

    #[test]
    fn comparable_numbers() {
        for ok in [
            "0",
            "-0",
            "0.0",
            "3",
            "3.0",
            "3.0e2",
            "301.8",
            "-122.4931125",
            "1e-7",
            "5e11",
            "37.7225375",
            "-122.424137804882",
            "1.7976931348623157e308",
            "5e-324",
            "27.80780792169409",
            "27.807807921694092",
        ] {
            assert!(exact(ok), "{ok}");
        }
        for bad in [
            "0.30000000000000001",
            "1e400",
            "1e-400",
            "12345678901234567890",
        ] {
            assert!(!exact(bad), "{bad}");
        }
    }
}
