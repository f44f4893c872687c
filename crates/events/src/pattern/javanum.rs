//! AWS's message for a number with too many decimal places is built by Java code
//! (`BigDecimal.toString` and `Double.toHexString`); these reproduce the bits it prints so
//! the reason text is the one EventBridge gives.

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
        scale: frac.len() as i64 - exp,
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

    /// `BigDecimal.toString`: plain notation unless the exponent is small or positive.
    fn to_java_string(&self) -> String {
        let sign = if self.negative && self.digits != "0" {
            "-"
        } else {
            ""
        };
        let n = self.digits.len() as i64;
        let adjusted = (n - 1) - self.scale;
        if self.scale == 0 {
            return format!("{sign}{}", self.digits);
        }
        if self.scale > 0 && adjusted >= -6 {
            let body = if n > self.scale {
                let cut = (n - self.scale) as usize;
                format!("{}.{}", &self.digits[..cut], &self.digits[cut..])
            } else {
                format!("0.{}{}", "0".repeat((self.scale - n) as usize), self.digits)
            };
            return format!("{sign}{body}");
        }
        let (first, rest) = self.digits.split_at(1);
        let point = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if adjusted >= 0 { "+" } else { "" };
        format!("{sign}{first}{point}E{exp_sign}{adjusted}")
    }

    /// `setScale(6, HALF_UP).doubleValue()`.
    fn round6(&self) -> f64 {
        let mut digits = self.digits.clone();
        let mut scale = self.scale;
        if scale > 6 {
            let drop = (scale - 6) as usize;
            let keep_len = digits.len().saturating_sub(drop);
            let round_up =
                digits.as_bytes().get(keep_len).is_some_and(|d| *d >= b'5') && digits.len() >= drop;
            digits.truncate(keep_len);
            if digits.is_empty() {
                digits.push('0');
            }
            if round_up {
                digits = increment(&digits);
            }
            scale = 6;
        }
        let sign = if self.negative { "-" } else { "" };
        format!("{sign}{digits}e{}", -scale).parse().unwrap_or(0.0)
    }
}

fn increment(digits: &str) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    let mut i = bytes.len();
    loop {
        if i == 0 {
            bytes.insert(0, b'1');
            break;
        }
        i -= 1;
        if bytes[i] == b'9' {
            bytes[i] = b'0';
        } else {
            bytes[i] += 1;
            break;
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Java's `Double.toHexString`.
fn double_to_hex(d: f64) -> String {
    if d.is_nan() {
        return "NaN".to_string();
    }
    let sign = if d.is_sign_negative() { "-" } else { "" };
    if d.is_infinite() {
        return format!("{sign}Infinity");
    }
    if d == 0.0 {
        return format!("{sign}0x0.0p0");
    }
    let bits = d.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64;
    let mantissa = bits & ((1u64 << 52) - 1);
    let mut hex = format!("{mantissa:013x}");
    while hex.len() > 1 && hex.ends_with('0') {
        hex.pop();
    }
    if exponent == 0 {
        format!("{sign}0x0.{hex}p-1022")
    } else {
        format!("{sign}0x1.{hex}p{}", exponent - 1023)
    }
}

/// The reason AWS gives for a number with more than six decimal places, `text` being
/// the number as written in the pattern.
pub(crate) fn too_many_decimals(text: &str) -> String {
    const HEAD: &str = "Only values upto 6 decimals are supported";
    match parse_decimal(text) {
        Some(d) => {
            let stripped = d.strip_trailing_zeros();
            format!(
                "{HEAD}{} {text} {}",
                stripped.to_java_string(),
                double_to_hex(stripped.round6())
            )
        }
        None => HEAD.to_string(),
    }
}

/// Decimal places of the number as written (after dropping trailing zeros), as
/// `BigDecimal.stripTrailingZeros().scale()` counts them.
pub(crate) fn scale_of(text: &str) -> Option<i64> {
    parse_decimal(text).map(|d| d.strip_trailing_zeros().scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_renderings() {
        assert_eq!(
            parse_decimal("0.1234567").map(|d| d.to_java_string()),
            Some("0.1234567".into())
        );
        let tiny = parse_decimal("1.5e-7").map(|d| d.strip_trailing_zeros().to_java_string());
        assert_eq!(tiny, Some("1.5E-7".into()));
        assert_eq!(double_to_hex(1.0), "0x1.0p0");
        assert_eq!(double_to_hex(0.5), "0x1.0p-1");
        assert_eq!(double_to_hex(-2.5), "-0x1.4p1");
        assert_eq!(double_to_hex(0.0), "0x0.0p0");
        assert_eq!(scale_of("1.50"), Some(1));
        assert_eq!(scale_of("3.018e2"), Some(1));
        assert_eq!(scale_of("3e2"), Some(-2));
        assert_eq!(
            too_many_decimals("0.0000005"),
            format!(
                "Only values upto 6 decimals are supported5E-7 0.0000005 {}",
                double_to_hex(0.000001)
            )
        );
    }
}
