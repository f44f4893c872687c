use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub rows: u32,
    pub on_change: Callback<String>,
}

/// A labelled text area; the text is owned by the reducer so it survives every run.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let on_input = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            on_change.emit(area.value());
        })
    };
    html! {
        <div class="editor">
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <textarea id={props.id.clone()} data-testid={props.id.clone()} spellcheck="false"
                rows={props.rows.to_string()} value={props.value.clone()} oninput={on_input} />
        </div>
    }
}
