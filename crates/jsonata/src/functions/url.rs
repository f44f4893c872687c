//! `$encodeUrl`, `$encodeUrlComponent`, `$decodeUrl`, `$decodeUrlComponent` (JavaScript's
//! encodeURI family, byte-for-byte) and `$base64encode` / `$base64decode`.

use crate::error::{lib_err, FnError, FnResult, Result};
use crate::eval::{Env, Evaluator};
use crate::value::Value;

use super::*;
use base64::Engine as _;

pub(crate) fn str_fn(args: &[Value], f: fn(&str) -> FnResult<String>, name: &str) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    Ok(Value::string(f(&s).map_err(|e| {
        let mut err = lib_err(e);
        err.token = Some(name.into());
        err
    })?))
}

pub(crate) fn fn_base64encode(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    Ok(str_arg(args, 0)
        .map(|s| Value::string(base64_encode(&s)))
        .unwrap_or_default())
}

pub(crate) fn fn_base64decode(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    str_fn(args, base64_decode, "base64decode")
}

pub(crate) fn fn_encode_url_component(
    _: &Evaluator,
    args: &[Value],
    _: &Value,
    _: &Env,
) -> Result<Value> {
    str_fn(args, encode_url_component, "encodeUrlComponent")
}

pub(crate) fn fn_encode_url(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    str_fn(args, encode_url, "encodeUrl")
}

pub(crate) fn fn_decode_url_component(
    _: &Evaluator,
    args: &[Value],
    _: &Value,
    _: &Env,
) -> Result<Value> {
    str_fn(args, decode_url_component, "decodeUrlComponent")
}

pub(crate) fn fn_decode_url(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    str_fn(args, decode_url, "decodeUrl")
}

/// Characters encodeURIComponent leaves alone.
pub(crate) fn unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c)
}

/// Characters encodeURI additionally leaves alone (and decodeURI refuses to decode).
pub(crate) const URI_RESERVED: &str = ";/?:@&=+$,#";

pub(crate) fn encode(s: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if keep(c) {
            out.push(c);
        } else {
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{:02X}", b));
            }
        }
    }
    out
}

/// `$encodeUrl` (JavaScript `encodeURI`). A Rust string cannot hold the lone surrogates
/// that make JavaScript throw, so this never fails; the Result keeps the D3140 contract.
pub fn encode_url(s: &str) -> FnResult<String> {
    Ok(encode(s, |c| unreserved(c) || URI_RESERVED.contains(c)))
}

/// `$encodeUrlComponent` (JavaScript `encodeURIComponent`).
pub fn encode_url_component(s: &str) -> FnResult<String> {
    Ok(encode(s, unreserved))
}

pub(crate) fn malformed(s: &str) -> FnError {
    FnError::new("D3140", format!("Malformed URL passed to decode: {:?}", s))
}

pub(crate) fn hex_byte(b: &[u8], i: usize) -> Option<u8> {
    if i + 2 >= b.len() || b.get(i) != Some(&b'%') {
        return None;
    }
    let h = (*b.get(i + 1)? as char).to_digit(16)?;
    let l = (*b.get(i + 2)? as char).to_digit(16)?;
    Some((h * 16 + l) as u8)
}

pub(crate) fn decode(s: &str, reserved: &str) -> FnResult<String> {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let first = hex_byte(b, i).ok_or_else(|| malformed(s))?;
        if first < 0x80 {
            if reserved.contains(first as char) {
                out.extend_from_slice(&b[i..i + 3]);
            } else {
                out.push(first);
            }
            i += 3;
            continue;
        }
        let n = if first & 0xE0 == 0xC0 {
            2
        } else if first & 0xF0 == 0xE0 {
            3
        } else if first & 0xF8 == 0xF0 {
            4
        } else {
            return Err(malformed(s));
        };
        let mut seq = vec![first];
        let mut j = i + 3;
        for _ in 1..n {
            let cont = hex_byte(b, j).ok_or_else(|| malformed(s))?;
            if cont & 0xC0 != 0x80 {
                return Err(malformed(s));
            }
            seq.push(cont);
            j += 3;
        }
        // from_utf8 rejects overlong forms, surrogates and values above U+10FFFF, as
        // the ECMAScript Decode operation does.
        std::str::from_utf8(&seq).map_err(|_| malformed(s))?;
        out.extend_from_slice(&seq);
        i = j;
    }
    String::from_utf8(out).map_err(|_| malformed(s))
}

/// `$decodeUrl` (JavaScript `decodeURI`): escapes of reserved characters stay as they are.
pub fn decode_url(s: &str) -> FnResult<String> {
    decode(s, URI_RESERVED)
}

/// `$decodeUrlComponent` (JavaScript `decodeURIComponent`).
pub fn decode_url_component(s: &str) -> FnResult<String> {
    decode(s, "")
}

/// `$base64encode`: standard alphabet with padding over the string's UTF-8 bytes.
pub fn base64_encode(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

/// `$base64decode`: lenient like Node's Buffer (whitespace ignored, padding optional,
/// URL-safe letters accepted); bytes that are not UTF-8 become U+FFFD.
pub fn base64_decode(s: &str) -> FnResult<String> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    let bytes = engine.decode(cleaned.as_bytes()).map_err(|e| {
        FnError::new(
            "D3137",
            format!("The argument of $base64decode is not valid base64: {}", e),
        )
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
