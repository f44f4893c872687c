//! Arguments that accept either a path or inline JSON.

use std::path::Path;

/// Reads `arg` as a file when such a file exists, else takes it as inline text.
///
/// Inline JSON is what people type in CI scripts (`--input '{"a":1}'`), while longer
/// documents live in files; guessing by existence keeps both short.
pub fn file_or_inline(arg: &str) -> Result<String, String> {
    let trimmed = arg.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Ok(arg.to_string());
    }
    let path = Path::new(arg);
    if path.is_file() {
        return std::fs::read_to_string(path).map_err(|e| format!("cannot read {arg}: {e}"));
    }
    if arg == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(text);
    }
    // Scalars are valid JSON inputs too ("42", "\"text\"", "null").
    if serde_json::from_str::<serde_json::Value>(arg).is_ok() {
        return Ok(arg.to_string());
    }
    Err(format!("{arg}: no such file, and not JSON either"))
}
