//! Syntax errors in the words of AWS's JSON parser (Jackson), for patterns that are not
//! JSON at all: EventBridge answers those with Jackson's message, so a user comparing our
//! answer with AWS's sees the same text.
//!
//! This is a validator only (the pattern is parsed by `serde_json`); it runs when
//! `serde_json` has refused the text, and walks it as Jackson's reader does, to the first
//! fault Jackson would report. Where Jackson would accept the text (content after the
//! first value, which its tree reader ignores) or refuses it for reasons outside the
//! grammar (nesting and number limits), it answers `None` and the caller keeps
//! `serde_json`'s message.

/// The list Jackson appends when a value was expected.
const VALUE_LIST: &str = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/// A syntax fault: Jackson's message and where it lies (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxFault {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// Jackson's description of a character in its messages.
fn describe(c: char) -> String {
    let code = c as u32;
    if c.is_control() {
        format!("(CTRL-CHAR, code {code})")
    } else if code > 255 {
        format!("'{c}' (code {code} / 0x{code:x})")
    } else {
        format!("'{c}' (code {code})")
    }
}

/// What the reader is inside of.
#[derive(Clone, Copy, PartialEq)]
enum Container {
    Object,
    Array,
}

struct Reader<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    line: u32,
    column: u32,
}

type Step<T> = Result<T, SyntaxFault>;

impl Reader<'_> {
    fn fault<T>(&self, message: String) -> Step<T> {
        Err(SyntaxFault {
            message,
            line: self.line,
            column: self.column,
        })
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    /// The next character that is not whitespace, not consumed.
    fn skip_ws(&mut self) -> Option<char> {
        while let Some(c) = self.peek() {
            if !matches!(c, ' ' | '\t' | '\n' | '\r') {
                return Some(c);
            }
            self.bump();
        }
        None
    }

    fn end_of_input<T>(&self, stack: &[Container]) -> Step<T> {
        match stack.last() {
            Some(Container::Object) => {
                self.fault("Unexpected end-of-input: expected close marker for OBJECT".into())
            }
            Some(Container::Array) => {
                self.fault("Unexpected end-of-input: expected close marker for ARRAY".into())
            }
            None => self.fault("No content to map due to end-of-input".into()),
        }
    }

    fn string(&mut self) -> Step<()> {
        self.bump();
        loop {
            match self.bump() {
                None => {
                    return self.fault(
                        "Unexpected end-of-input: was expecting closing quote for a string value"
                            .into(),
                    )
                }
                Some('"') => return Ok(()),
                Some('\\') => match self.bump() {
                    Some('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') => {}
                    Some('u') => {
                        for _ in 0..4 {
                            match self.bump() {
                                Some(h) if h.is_ascii_hexdigit() => {}
                                Some(h) => {
                                    return self.fault(format!(
                                        "Unexpected character ({}): expected a hex-digit for character escape sequence",
                                        describe(h)
                                    ))
                                }
                                None => return self.end_of_input(&[]),
                            }
                        }
                    }
                    Some(e) => {
                        return self.fault(format!(
                            "Unrecognized character escape {}",
                            describe(e)
                        ))
                    }
                    None => return self.end_of_input(&[]),
                },
                Some(c) if (c as u32) < 0x20 => {
                    return self.fault(format!(
                        "Illegal unquoted character ({}): has to be escaped using backslash to be included in string value",
                        describe(c)
                    ))
                }
                Some(_) => {}
            }
        }
    }

    fn number(&mut self) -> Step<()> {
        if self.peek() == Some('-') {
            self.bump();
            match self.peek() {
                Some('0'..='9') => {}
                Some(c) => {
                    return self.fault(format!(
                        "Unexpected character ({}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value",
                        describe(c)
                    ))
                }
                None => {
                    return self.fault(
                        "Unexpected end-of-input in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value"
                            .into(),
                    )
                }
            }
        }
        let first = self.bump();
        if first == Some('0') && matches!(self.peek(), Some('0'..='9')) {
            return self.fault("Invalid numeric value: Leading zeroes not allowed".into());
        }
        while matches!(self.peek(), Some('0'..='9')) {
            self.bump();
        }
        if self.peek() == Some('.') {
            self.bump();
            match self.peek() {
                Some('0'..='9') => {}
                Some(c) => {
                    return self.fault(format!(
                        "Unexpected character ({}) in numeric value: Decimal point not followed by a digit",
                        describe(c)
                    ))
                }
                None => {
                    return self.fault(
                        "Unexpected end-of-input in numeric value: Decimal point not followed by a digit"
                            .into(),
                    )
                }
            }
            while matches!(self.peek(), Some('0'..='9')) {
                self.bump();
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            match self.peek() {
                Some('0'..='9') => {}
                Some(c) => {
                    return self.fault(format!(
                        "Unexpected character ({}) in numeric value: Exponent indicator not followed by a digit",
                        describe(c)
                    ))
                }
                None => {
                    return self.fault(
                        "Unexpected end-of-input in numeric value: Exponent indicator not followed by a digit"
                            .into(),
                    )
                }
            }
            while matches!(self.peek(), Some('0'..='9')) {
                self.bump();
            }
        }
        Ok(())
    }

    /// One scalar value, or the opening of a container (pushed on `stack`; then `true`).
    fn value(&mut self, stack: &mut Vec<Container>) -> Step<bool> {
        let Some(c) = self.skip_ws() else {
            return self.end_of_input(stack);
        };
        match c {
            '"' => self.string().map(|()| false),
            '-' | '0'..='9' => self.number().map(|()| false),
            '{' => {
                self.bump();
                stack.push(Container::Object);
                Ok(true)
            }
            '[' => {
                self.bump();
                stack.push(Container::Array);
                Ok(true)
            }
            c if c.is_alphabetic() => {
                let (line, column) = (self.line, self.column);
                let mut word = String::new();
                while let Some(c) = self.peek() {
                    if !c.is_alphanumeric() {
                        break;
                    }
                    word.push(c);
                    self.bump();
                }
                if matches!(word.as_str(), "true" | "false" | "null") {
                    return Ok(false);
                }
                // Name the whole token as Jackson does (the letters read and what follows).
                let mut token = word;
                while let Some(c) = self.peek() {
                    if c.is_whitespace() || matches!(c, ',' | ':' | '[' | ']' | '{' | '}' | '"') {
                        break;
                    }
                    token.push(c);
                    self.bump();
                }
                Err(SyntaxFault {
                    message: format!("Unrecognized token '{token}': was expecting {VALUE_LIST}"),
                    line,
                    column,
                })
            }
            _ => self.fault(format!(
                "Unexpected character ({}): expected a valid value {VALUE_LIST}",
                describe(c)
            )),
        }
    }

    /// At a field name (after `{` or `,` in an object): the name and its colon.
    fn field_name(&mut self, stack: &[Container]) -> Step<()> {
        match self.skip_ws() {
            None => self.end_of_input(stack),
            Some('"') => {
                self.string()?;
                match self.skip_ws() {
                    Some(':') => {
                        self.bump();
                        Ok(())
                    }
                    Some(c) => self.fault(format!(
                        "Unexpected character ({}): was expecting a colon to separate field name and value",
                        describe(c)
                    )),
                    None => self.end_of_input(stack),
                }
            }
            Some(c) => self.fault(format!(
                "Unexpected character ({}): was expecting double-quote to start field name",
                describe(c)
            )),
        }
    }
}

/// Jackson's first syntax fault in `source`, if it has one.
pub fn syntax_fault(source: &str) -> Option<SyntaxFault> {
    let mut r = Reader {
        chars: source.char_indices().peekable(),
        line: 1,
        column: 1,
    };
    // Jackson skips a byte order mark at the start.
    if r.peek() == Some('\u{feff}') {
        r.chars.next();
    }
    let mut stack: Vec<Container> = Vec::new();
    let outcome = (|| -> Step<()> {
        let mut opened = r.value(&mut stack)?;
        loop {
            let Some(&top) = stack.last() else {
                // The root value is complete: Jackson's tree reader stops here.
                return Ok(());
            };
            let next = r.skip_ws();
            match (top, next) {
                (_, None) => return r.end_of_input(&stack),
                (Container::Object, Some('}')) | (Container::Array, Some(']')) => {
                    r.bump();
                    stack.pop();
                    opened = false;
                }
                (Container::Object, Some(c)) if opened || c == ',' => {
                    if !opened {
                        r.bump();
                    }
                    r.field_name(&stack)?;
                    opened = r.value(&mut stack)?;
                }
                (Container::Array, Some(c)) if opened || c == ',' => {
                    if !opened {
                        r.bump();
                    }
                    opened = r.value(&mut stack)?;
                }
                (Container::Object, Some(c)) => {
                    return r.fault(format!(
                        "Unexpected character ({}): was expecting comma to separate Object entries",
                        describe(c)
                    ))
                }
                (Container::Array, Some(c)) => {
                    return r.fault(format!(
                        "Unexpected character ({}): was expecting comma to separate Array entries",
                        describe(c)
                    ))
                }
            }
        }
    })();
    outcome.err()
}
