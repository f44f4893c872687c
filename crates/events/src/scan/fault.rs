//! Scan faults: two words in the hot code, a message only when one is reported.

/// A malformed event, with the byte offset where the scanner gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub message: String,
    pub offset: usize,
}

/// A fault as the hot code carries it: two words, the message built only when reported.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fault {
    pub(super) at: usize,
    pub(super) text: &'static str,
    /// `text` names what was expected (the message then says what was found instead);
    /// otherwise it is the whole message.
    pub(super) expected: bool,
}

impl Fault {
    pub(super) fn into_error(self, b: &[u8]) -> ScanError {
        let message = if !self.expected {
            self.text.to_string()
        } else {
            match b.get(self.at) {
                None => format!("unexpected end of event, expected {}", self.text),
                Some(&c) if c.is_ascii_graphic() || c == b' ' => {
                    format!("unexpected '{}', expected {}", c as char, self.text)
                }
                Some(c) => format!("unexpected byte 0x{c:02x}, expected {}", self.text),
            }
        };
        ScanError {
            message,
            offset: self.at,
        }
    }
}

pub(super) type R<T> = Result<T, Fault>;

#[cold]
#[inline(never)]
pub(super) fn expected<T>(at: usize, text: &'static str) -> R<T> {
    Err(Fault {
        at,
        text,
        expected: true,
    })
}

#[cold]
#[inline(never)]
pub(super) fn fault<T>(at: usize, text: &'static str) -> R<T> {
    Err(Fault {
        at,
        text,
        expected: false,
    })
}
