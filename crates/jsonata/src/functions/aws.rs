//! AWS Step Functions' additions to JSONata.
//! <https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html>

use crate::error::{Error, Result};
use crate::eval::{Env, Evaluator};

use super::*;
use crate::value::*;

pub(crate) fn fn_partition(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let arr = arg(args, 0);
    if arr.is_undefined() {
        return Ok(Value::Undefined);
    }
    let size = num_arg(args, 1).unwrap_or(0.0);
    if size < 1.0 || size.fract() != 0.0 {
        return Err(Error::new("D3137")
            .message("The size argument of $partition must be a positive integer"));
    }
    let items = arr.to_vec();
    let out = items
        .chunks(size as usize)
        .map(|c| Value::array(c.to_vec()))
        .collect();
    Ok(Value::array(out))
}

pub(crate) fn fn_range(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let (Some(start), Some(end)) = (num_arg(args, 0), num_arg(args, 1)) else {
        return Ok(Value::Undefined);
    };
    let step = num_arg(args, 2).unwrap_or(1.0);
    if step == 0.0 || !step.is_finite() {
        return Err(Error::new("D3137").message("The step argument of $range must not be zero"));
    }
    let count = ((end - start) / step).floor() + 1.0;
    if count > 1e7 {
        return Err(Error::new("D2014").value(number_to_string(count)));
    }
    let mut out = Vec::new();
    let mut i = 0.0;
    while i < count {
        out.push(Value::Number(start + i * step));
        i += 1.0;
    }
    Ok(Value::array(out))
}

pub(crate) fn fn_hash(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    use sha2::Digest;
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let alg = str_arg(args, 1)
        .map(|a| a.to_string())
        .unwrap_or_else(|| "SHA-256".into());
    let bytes: Vec<u8> = match alg.as_str() {
        "MD5" => md5::Md5::digest(s.as_bytes()).to_vec(),
        "SHA-1" => sha1::Sha1::digest(s.as_bytes()).to_vec(),
        "SHA-256" => sha2::Sha256::digest(s.as_bytes()).to_vec(),
        "SHA-384" => sha2::Sha384::digest(s.as_bytes()).to_vec(),
        "SHA-512" => sha2::Sha512::digest(s.as_bytes()).to_vec(),
        other => {
            return Err(Error::new("D3137").message(format!(
                "Unsupported hash algorithm '{other}': use MD5, SHA-1, SHA-256, SHA-384 or SHA-512"
            )))
        }
    };
    Ok(Value::string(
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    ))
}

pub(crate) fn fn_uuid(ev: &Evaluator, _: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let mut rng = ev.rng.borrow_mut();
    let mut b = [0u8; 16];
    let hi = rng.next_u64().to_be_bytes();
    let lo = rng.next_u64().to_be_bytes();
    b[..8].copy_from_slice(&hi);
    b[8..].copy_from_slice(&lo);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(Value::string(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )))
}

pub(crate) fn fn_parse(_: &Evaluator, args: &[Value], _: &Value, _: &Env) -> Result<Value> {
    let Some(s) = str_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let j: serde_json::Value = serde_json::from_str(&s).map_err(|e| {
        Error::new("D3137").message(format!("$parse: the argument is not valid JSON: {e}"))
    })?;
    Ok(Value::from_json(&j))
}
