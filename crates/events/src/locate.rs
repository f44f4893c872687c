//! Finding where a JSON pointer's value starts in the source text, so errors found on the
//! parsed value can still name a line and column.

/// RFC 6901 escaping of one pointer segment.
pub fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn pointer_unescape(seg: &str) -> String {
    seg.replace("~1", "/").replace("~0", "~")
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn skip_ws(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Reads a JSON string starting at a quote and returns its decoded text.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        let raw = std::str::from_utf8(self.bytes.get(start..self.pos)?).ok()?;
        serde_json::from_str(raw).ok()
    }

    /// Skips one complete value (iteratively, so deep input cannot overflow the stack).
    fn skip_value(&mut self) -> Option<()> {
        self.skip_ws();
        let mut depth = 0usize;
        loop {
            self.skip_ws();
            match self.peek()? {
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.pos += 1;
                }
                b'"' => {
                    self.string()?;
                }
                b',' | b':' => self.pos += 1,
                _ => {
                    while let Some(b) = self.peek() {
                        if matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace() {
                            break;
                        }
                        self.pos += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// Moves to the value of `segment` inside the container at the current position.
    fn enter(&mut self, segment: &str) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                let mut found = None;
                loop {
                    self.skip_ws();
                    if self.peek()? == b'}' {
                        break;
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_ws();
                    // With duplicate keys the last one is the one that counts.
                    if key == segment {
                        found = Some(self.pos);
                    }
                    self.skip_value()?;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    }
                }
                self.pos = found?;
                Some(())
            }
            b'[' => {
                let index: usize = segment.parse().ok()?;
                self.pos += 1;
                for _ in 0..index {
                    self.skip_value()?;
                    self.skip_ws();
                    if self.peek()? != b',' {
                        return None;
                    }
                    self.pos += 1;
                }
                self.skip_ws();
                Some(())
            }
            _ => None,
        }
    }
}

/// 1-based line and column of the value at `pointer` (or of the deepest part of the
/// pointer that could be found); (1, 1) for the root.
pub fn locate(source: &str, pointer: &str) -> (u32, u32) {
    let mut sc = Scanner {
        bytes: source.as_bytes(),
        pos: 0,
    };
    sc.skip_ws();
    let mut best = sc.pos;
    if !pointer.is_empty() {
        for seg in pointer.split('/').skip(1) {
            let seg = pointer_unescape(seg);
            if sc.enter(&seg).is_none() {
                break;
            }
            best = sc.pos;
        }
    }
    line_col(source, best)
}

pub fn line_col(source: &str, offset: usize) -> (u32, u32) {
    let upto = &source.as_bytes()[..offset.min(source.len())];
    let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = upto
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let column = String::from_utf8_lossy(&upto[line_start..]).chars().count() + 1;
    (line as u32, column as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values() {
        let src = "{\n  \"a\": {\"b\": [1, {\"c\": 2}]},\n  \"x~/y\": true\n}";
        assert_eq!(locate(src, "/a/b/1/c"), (2, 24));
        assert_eq!(locate(src, "/x~0~1y"), (3, 11));
        assert_eq!(locate(src, ""), (1, 1));
        assert_eq!(locate(src, "/missing"), (1, 1));
    }
}
