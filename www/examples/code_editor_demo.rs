//! The CodeEditor component on a page of its own, with buttons that drive each prop; the
//! browser test tests/browser/code-editor-component.test.mjs clicks them. Build it with
//! `cargo build -p stepbridge-www --example code_editor_demo --target wasm32-unknown-unknown`
//! and `wasm-bindgen --target web` (the test says how).

#[allow(dead_code)]
#[path = "../src/components/code_editor.rs"]
mod code_editor;
#[allow(dead_code)]
#[path = "../src/editor_js.rs"]
mod editor_js;

use std::rc::Rc;

use code_editor::{
    CodeEditor, CompletionVocabulary, DiagnosticSeverity, EditorDiagnostic, EditorLanguage,
    FieldHint,
};
use yew::prelude::*;

const START: &str = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"End\": true}\n  }\n}";

#[function_component(Demo)]
fn demo() -> Html {
    let value = use_state(|| AttrValue::from(START));
    let edits = use_state(|| 0_u32);
    let diagnostics = use_state(|| Rc::new(Vec::<EditorDiagnostic>::new()));
    let dark = use_state(|| false);
    let language = use_state(EditorLanguage::default);
    let goto = use_state(|| None::<(u32, u32, u64)>);
    let format = use_state(|| None::<u64>);
    let formatted = use_state(|| None::<bool>);
    let shown = use_state(|| true);
    let completions = Rc::new(CompletionVocabulary {
        state_names: vec!["A".into(), "Beta".into()],
        fields_by_type: [(
            "Pass".to_string(),
            vec![FieldHint {
                name: "Result".into(),
                detail: "fixed output".into(),
            }],
        )]
        .into(),
        common_fields: vec![],
        intrinsics: vec![],
    });

    let on_change = {
        let (value, edits) = (value.clone(), edits.clone());
        Callback::from(move |text: String| {
            value.set(AttrValue::from(text));
            edits.set(*edits + 1);
        })
    };
    let click = |f: Rc<dyn Fn()>| Callback::from(move |_: MouseEvent| f());
    let set_value = {
        let value = value.clone();
        click(Rc::new(move || {
            value.set(AttrValue::from("{\"replaced\": true}"))
        }))
    };
    let diagnose = {
        let diagnostics = diagnostics.clone();
        click(Rc::new(move || {
            diagnostics.set(Rc::new(vec![EditorDiagnostic {
                line: 2,
                column: 14,
                end_line: None,
                end_column: None,
                severity: DiagnosticSeverity::Error,
                message: "no state A".into(),
            }]))
        }))
    };
    let jump = {
        let goto = goto.clone();
        click(Rc::new(move || {
            let id = goto.map_or(1, |(_, _, id)| id + 1);
            goto.set(Some((2, 3, id)));
        }))
    };
    let do_format = {
        let format = format.clone();
        click(Rc::new(move || format.set(Some(format.unwrap_or(0) + 1))))
    };
    let on_format = {
        let formatted = formatted.clone();
        Callback::from(move |ok: bool| formatted.set(Some(ok)))
    };
    let toggle_dark = {
        let dark = dark.clone();
        click(Rc::new(move || dark.set(!*dark)))
    };
    let to_yaml = {
        let language = language.clone();
        click(Rc::new(move || language.set(EditorLanguage::Yaml)))
    };
    let unmount = {
        let shown = shown.clone();
        click(Rc::new(move || shown.set(false)))
    };

    html! {
        <main>
            <button id="set-value" onclick={set_value}>{ "set value" }</button>
            <button id="diagnose" onclick={diagnose}>{ "diagnose" }</button>
            <button id="goto" onclick={jump}>{ "goto" }</button>
            <button id="format" onclick={do_format}>{ "format" }</button>
            <button id="dark" onclick={toggle_dark}>{ "dark" }</button>
            <button id="yaml" onclick={to_yaml}>{ "yaml" }</button>
            <button id="unmount" onclick={unmount}>{ "unmount" }</button>
            if *shown {
                <CodeEditor value={(*value).clone()} language={*language} label="Definition"
                    test_id="definition" diagnostics={(*diagnostics).clone()}
                    completions={Some(completions)} dark={*dark} on_change={on_change}
                    goto={*goto} format={*format} on_format={on_format} />
            }
            <pre id="value">{ (*value).clone() }</pre>
            <span id="edits">{ *edits }</span>
            <span id="formatted">{ format!("{:?}", *formatted) }</span>
        </main>
    }
}

fn main() {
    yew::Renderer::<Demo>::new().render();
}
