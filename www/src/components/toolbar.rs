//! The top bar: examples, Run and Cancel, helpers that write text, the theme.

use super::app::run_request;
use super::use_ctx;
use crate::browser;
use crate::state::{Action, EngineState, GalleryEntry, Kind, Workspace};
use gloo::net::http::Request as Http;
use stepbridge_inspect::protocol::Request;
use yew::prelude::*;

pub async fn fetch_text(path: &str) -> Result<String, String> {
    let response = Http::get(path).send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    response.text().await.map_err(|e| e.to_string())
}

/// The files of one gallery example, read into a workspace that keeps the pattern bench.
async fn load_example(entry: GalleryEntry, keep: Workspace) -> Result<Workspace, String> {
    let definition = fetch_text(&format!("examples/{}", entry.definition)).await?;
    let input = fetch_text(&format!("examples/{}", entry.input)).await?;
    let mocks = match &entry.mocks {
        Some(file) => fetch_text(&format!("examples/{file}")).await?,
        None => String::new(),
    };
    Ok(Workspace {
        definition,
        input,
        mocks,
        test_case: entry.test_case.unwrap_or_default(),
        ..keep
    })
}

/// Loads a gallery example by id and runs it (the embed's `example=<id>`).
pub fn load_gallery_example(ctx: super::Ctx, id: String) {
    yew::platform::spawn_local(async move {
        let result = async {
            let text = fetch_text("examples/gallery.json").await?;
            let gallery: Vec<GalleryEntry> =
                serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let entry = gallery
                .into_iter()
                .find(|g| g.id == id)
                .ok_or_else(|| format!("there is no example \"{id}\""))?;
            load_example(entry, Workspace::default()).await
        }
        .await;
        match result {
            Ok(ws) => ctx.dispatch(Action::LoadAndRun(Box::new(ws))),
            Err(e) => ctx.dispatch(Action::Notice(Some(format!(
                "The example could not be loaded: {e}"
            )))),
        }
    });
}

/// Asks the worker for the link of what is on screen (button and Ctrl/Cmd+S).
pub fn share(ctx: &super::Ctx) {
    let state = &ctx.state;
    ctx.ask(
        Kind::Share,
        Request::Share {
            workspace: Box::new(crate::state::to_shared(
                &state.workspace,
                state.view.as_str(),
                state.step,
            )),
        },
    );
}

#[function_component(Toolbar)]
pub fn toolbar() -> Html {
    let ctx = use_ctx();
    let state = &ctx.state;

    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                match fetch_text("examples/gallery.json").await {
                    Ok(text) => match serde_json::from_str::<Vec<GalleryEntry>>(&text) {
                        Ok(entries) => ctx.dispatch(Action::Gallery(entries)),
                        Err(e) => ctx.dispatch(Action::Notice(Some(format!(
                            "The examples gallery is damaged: {e}"
                        )))),
                    },
                    Err(e) => ctx.dispatch(Action::Notice(Some(format!(
                        "The examples gallery could not be loaded: {e}"
                    )))),
                }
            });
        });
    }

    let on_example = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let id = select.value();
            select.set_value("");
            let state = &ctx.state;
            let Some(entry) = state.gallery.iter().find(|g| g.id == id).cloned() else {
                return;
            };
            // Nothing the user typed is lost without their say.
            if state.has_own_edits()
                && !browser::confirm(&format!(
                    "Replace your state machine, input and mocks with the example \"{}\"? \
                     (Your current work can be restored with one click.)",
                    entry.title
                ))
            {
                return;
            }
            let previous = state.workspace.clone();
            crate::browser::storage_set(
                crate::state::PREVIOUS_KEY,
                &crate::state::to_saved(&previous),
            );
            let ctx = ctx.clone();
            yew::platform::spawn_local(async move {
                match load_example(entry, previous).await {
                    Ok(ws) => ctx.dispatch(Action::Load(Box::new(ws))),
                    Err(e) => ctx.dispatch(Action::Notice(Some(format!(
                        "The example could not be loaded: {e}"
                    )))),
                }
            });
        })
    };
    let on_restore = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            if let Some(ws) = browser::storage_get(crate::state::PREVIOUS_KEY)
                .and_then(|t| crate::state::from_saved(&t))
            {
                ctx.dispatch(Action::Restore(Box::new(ws)));
            }
        })
    };
    let on_run = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.ask(Kind::Run, run_request(&ctx.state.workspace)))
    };
    let on_cancel = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            ctx.engine.cancel();
            ctx.dispatch(Action::Cancelled);
        })
    };
    let ask_text = |make: fn(&Workspace) -> Request| {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.ask(Kind::Text, make(&ctx.state.workspace)))
    };
    let on_share = {
        let ctx = ctx.clone();
        Callback::from(move |_| share(&ctx))
    };
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let on_open_workspace = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            if ctx.state.has_own_edits()
                && !browser::confirm("Replace your workspace with this file? (Your current work can be restored with one click.)")
            {
                return;
            }
            browser::storage_set(
                crate::state::PREVIOUS_KEY,
                &crate::state::to_saved(&ctx.state.workspace),
            );
            let ctx = ctx.clone();
            *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_text(
                &gloo::file::File::from(file),
                move |result| match result {
                    Ok(text) => ctx.ask(Kind::Share, Request::OpenWorkspaceFile { text }),
                    Err(e) => ctx.dispatch(Action::Notice(Some(format!(
                        "The workspace file could not be read: {e}"
                    )))),
                },
            ));
        })
    };
    let on_theme = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.dispatch(Action::SetTheme(ctx.state.theme.next())))
    };
    let engine_label = match &state.engine {
        EngineState::Loading => "engines loading…".to_string(),
        EngineState::Ready(version) => format!("engines {version} ready"),
        EngineState::Failed(message) => format!("engines failed: {message}"),
    };
    let running = state.running.clone();

    html! {
        <header class="topbar">
            <h1>{ "stepbridge" }</h1>
            <nav class="sections" aria-label="Sections">
                <a href="#" class="button" data-testid="to-workbench"
                    aria-current={state.practice.route.is_none().then_some("page")}>{ "Workbench" }</a>
                <a href="#practice" class="button" data-testid="to-practice"
                    aria-current={state.practice.route.is_some().then_some("page")}>{ "Practice" }</a>
            </nav>
            // The workbench's controls act on the workbench: hidden while practising.
            if state.practice.route.is_none() {
                <>
                <label class="sr-only" for="example">{ "Examples" }</label>
                <select id="example" data-testid="example" onchange={on_example} title="Examples gallery">
                    <option value="" selected=true>{ "Examples…" }</option>
                    { for state.gallery.iter().map(|g| html! {
                        <option value={g.id.clone()} title={g.explanation.clone()}>{ &g.title }</option>
                    }) }
                </select>
                if state.can_restore {
                    <button data-testid="restore" onclick={on_restore}>{ "Restore my work" }</button>
                }
                <button class="primary" data-testid="run" onclick={on_run}
                    disabled={!matches!(state.engine, EngineState::Ready(_))}
                    title="Run (Ctrl+Enter)">{ "Run" }</button>
                if let Some(running) = running {
                    <button data-testid="cancel" onclick={on_cancel} title="Cancel (Esc)">{ "Cancel" }</button>
                    <span class="progress" role="status" data-testid="progress">
                        { format!("running… {} history events", running.events) }
                        if !running.state.is_empty() { { format!(" ({})", running.state) } }
                    </span>
                }
                <button data-testid="share" onclick={on_share} title="Share a link to this workspace (Ctrl+S)">{ "Share" }</button>
                <label class="button" for="open-workspace" tabindex="0" data-testid="open-workspace-label">{ "Open workspace…" }</label>
                <input type="file" id="open-workspace" class="sr-only" accept=".json,application/json"
                    data-testid="open-workspace" onchange={on_open_workspace} aria-label="Open a workspace file" />
                <button data-testid="suggest-input" onclick={ask_text(|ws| Request::SuggestInput { definition: ws.definition.clone() })}
                    title="An input with every path the definition reads">{ "Suggest input" }</button>
                <button data-testid="suggest-mocks" onclick={ask_text(|ws| Request::SuggestMocks { definition: ws.definition.clone() })}
                    title="A mock file with one response per Task state">{ "Suggest mocks" }</button>
                <button data-testid="copy-cli" onclick={ask_text(|ws| Request::AwsCli { definition: ws.definition.clone(), input: ws.input.clone(), state: None })}
                    title="Check this answer against a real account">{ "Copy as AWS CLI" }</button>
                </>
            }
            <span class="spacer" />
            <button data-testid="theme" onclick={on_theme} aria-label={format!("Theme: {} (change)", state.theme.as_str())}>
                { format!("Theme: {}", state.theme.as_str()) }
            </button>
            <span class="engine" data-testid="engine">{ engine_label }</span>
        </header>
    }
}
