//! Share links and workspace files: encoding in the worker (the link format's preset
//! dictionary needs Rust's deflate, not the browser's CompressionStream), and decoding of
//! untrusted text, bounded in size and time by `stepbridge_inspect::share`.

use stepbridge_inspect::protocol::Response;
use stepbridge_inspect::share::{self, ShareError, SharedWorkspace};

fn stamped(mut workspace: SharedWorkspace) -> SharedWorkspace {
    workspace.version = share::FORMAT_VERSION;
    workspace.engine = share::ENGINE_VERSION.into();
    workspace
}

pub fn share(workspace: SharedWorkspace) -> Response {
    Response::Shared {
        fragment: share::link_fragment(&stamped(workspace)),
    }
}

pub fn save(workspace: SharedWorkspace) -> Response {
    Response::Text {
        purpose: "workspace-file".into(),
        text: share::file_document(&stamped(workspace)),
    }
}

fn answer(result: Result<SharedWorkspace, ShareError>) -> Response {
    match result {
        Ok(workspace) => Response::WorkspaceOpened {
            workspace: Box::new(workspace),
        },
        Err(e) => Response::WorkspaceRefused {
            reason: serde_json::to_value(e.kind)
                .ok()
                .and_then(|k| k.as_str().map(str::to_string))
                .unwrap_or_default(),
            message: e.message,
        },
    }
}

pub fn open_link(text: &str) -> Response {
    answer(share::decode(text))
}

pub fn open_file(text: &str) -> Response {
    answer(share::read_file_document(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_workspace_opens_to_the_same_text() {
        let workspace = SharedWorkspace {
            definition: "{\n  \"StartAt\": \"A\"  }".into(),
            input: "<script>alert(1)</script>".into(),
            seed: 7,
            ..SharedWorkspace::default()
        };
        let Response::Shared { fragment } = share(workspace.clone()) else {
            panic!("no fragment")
        };
        assert!(fragment.starts_with("#w1."));
        let Response::WorkspaceOpened { workspace: back } = open_link(&fragment) else {
            panic!("not opened")
        };
        assert_eq!(back.definition, workspace.definition);
        assert_eq!(back.input, workspace.input);
        assert_eq!(back.seed, 7);
        assert_eq!(back.engine, share::ENGINE_VERSION);
    }

    #[test]
    fn damaged_truncated_and_foreign_links_are_refused_with_their_kind() {
        let Response::Shared { fragment } = share(SharedWorkspace {
            definition: "x".repeat(500),
            ..SharedWorkspace::default()
        }) else {
            panic!()
        };
        let cut = &fragment[..fragment.len() - 10];
        let kinds: Vec<String> = [cut, "#hello", "#w9.abc", "#w1.!!!"]
            .iter()
            .map(|t| match open_link(t) {
                Response::WorkspaceRefused { reason, message } => {
                    assert!(!message.is_empty());
                    reason
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(kinds, ["truncated", "notOurs", "newerVersion", "damaged"]);
    }

    #[test]
    fn a_saved_file_opens_again() {
        let Response::Text { text, .. } = save(SharedWorkspace {
            input: "{}".into(),
            ..SharedWorkspace::default()
        }) else {
            panic!()
        };
        assert!(matches!(open_file(&text), Response::WorkspaceOpened { .. }));
        assert!(matches!(open_file("{}"), Response::WorkspaceRefused { .. }));
    }
}
