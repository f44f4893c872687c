//! The `cidr` operator and IP-address literals.
//!
//! Semantics follow aws/event-ruler (EventBridge's matcher): a block `ADDR/BITS` covers
//! the addresses from `ADDR` itself up to `ADDR` with all host bits set (the address is not
//! masked first), `/32` (IPv4) and `/128` (IPv6) are refused, and a bare string in a
//! pattern that is an IP address matches any spelling of the same address.

use serde::{Serialize, Serializer};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cidr {
    /// As written in the pattern, for explanations.
    pub source: String,
    /// The lowest address covered (the address as written).
    pub base: IpAddr,
    pub prefix_len: u8,
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

/// Why a `cidr` value was refused (each maps to AWS's reason text in `parse.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    SlashCount,
    MaskNotInteger,
    MaskNegative,
    InvalidIp,
    NonstandardIp,
    V4MaskTooLarge,
    V6MaskTooLarge,
}

fn looks_like_v4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn looks_like_v6(s: &str) -> bool {
    s.contains(':') && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b':')
}

/// Parses an IP address the way event-ruler recognises one: four dotted decimal parts
/// (leading zeros allowed) or hex digits and colons. `None` for anything else.
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    if looks_like_v4(s) {
        let mut octets = [0u8; 4];
        for (i, part) in s.split('.').enumerate() {
            let trimmed = part.trim_start_matches('0');
            if trimmed.len() > 3 {
                return None;
            }
            let n: u32 = if trimmed.is_empty() {
                0
            } else {
                trimmed.parse().ok()?
            };
            octets[i] = u8::try_from(n).ok()?;
        }
        return Some(IpAddr::V4(Ipv4Addr::from(octets)));
    }
    if looks_like_v6(s) {
        return s.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    None
}

fn to_bits(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

impl Cidr {
    /// Parses `ADDRESS/BITS` with AWS's rules, saying what is wrong when it is refused.
    pub fn parse_checked(source: &str) -> Result<Cidr, CidrError> {
        let parts: Vec<&str> = source.split('/').collect();
        // Java's split drops trailing empty strings: "1.2.3.4/" has one part.
        let parts: Vec<&str> = {
            let mut p = parts;
            while p.len() > 1 && p.last().is_some_and(|s| s.is_empty()) {
                p.pop();
            }
            p
        };
        if parts.len() != 2 {
            return Err(CidrError::SlashCount);
        }
        let bits: i64 = java_parse_int(parts[1]).ok_or(CidrError::MaskNotInteger)?;
        if bits < 0 {
            return Err(CidrError::MaskNegative);
        }
        let ip_text = parts[0];
        if !looks_like_v4(ip_text) && !looks_like_v6(ip_text) {
            return Err(CidrError::NonstandardIp);
        }
        let base = parse_ip(ip_text).ok_or(CidrError::InvalidIp)?;
        match base {
            IpAddr::V4(_) if bits > 31 => return Err(CidrError::V4MaskTooLarge),
            IpAddr::V6(_) if bits > 127 => return Err(CidrError::V6MaskTooLarge),
            _ => {}
        }
        Ok(Cidr {
            source: source.to_string(),
            base,
            prefix_len: bits as u8,
        })
    }

    /// `None` when `source` is not a block AWS accepts.
    pub fn parse(source: &str) -> Option<Cidr> {
        Cidr::parse_checked(source).ok()
    }

    /// The highest address covered: the base with every host bit set.
    fn top_bits(&self) -> u128 {
        let (base, width) = to_bits(self.base);
        let host = u32::from(width - self.prefix_len);
        let host_mask = if host >= 128 {
            u128::MAX
        } else {
            (1u128 << host) - 1
        };
        base | host_mask
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let (base, width) = to_bits(self.base);
        let (bits, w) = to_bits(ip);
        w == width && bits >= base && bits <= self.top_bits()
    }

    /// Strings that are not IP addresses of the block's family never match.
    pub fn contains_str(&self, s: &str) -> bool {
        parse_ip(s).is_some_and(|ip| self.contains(ip))
    }
}

/// Java's `Integer.parseInt`: optional sign, decimal digits, 32-bit range.
fn java_parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = s.parse().ok()?;
    (i64::from(i32::MIN)..=i64::from(i32::MAX))
        .contains(&v)
        .then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks() {
        let c = Cidr::parse("10.0.0.0/24").unwrap();
        assert!(c.contains_str("10.0.0.255"));
        assert!(!c.contains_str("10.0.1.0"));
        assert!(!c.contains_str("not an ip"));
        let c = Cidr::parse("2001:db8::/32").unwrap();
        assert!(c.contains_str("2001:db8:1::1"));
        assert!(!c.contains_str("2001:db9::1"));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains_str("1.2.3.4"));
        assert_eq!(
            Cidr::parse_checked("10.0.0.0/32"),
            Err(CidrError::V4MaskTooLarge)
        );
        assert_eq!(Cidr::parse_checked("10.0.0.0"), Err(CidrError::SlashCount));
        assert_eq!(
            Cidr::parse_checked("10.0.0.0/x"),
            Err(CidrError::MaskNotInteger)
        );
        assert_eq!(Cidr::parse_checked("host/8"), Err(CidrError::NonstandardIp));
        assert_eq!(
            Cidr::parse_checked("10.0.0.300/8"),
            Err(CidrError::InvalidIp)
        );
        // The base is not masked: 10.0.0.5/24 starts at .5.
        let c = Cidr::parse("10.0.0.5/24").unwrap();
        assert!(!c.contains_str("10.0.0.4"));
        assert!(c.contains_str("10.0.0.5"));
    }
}
