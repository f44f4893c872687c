// The playground's code editor: CodeMirror 6 behind one small global API, window.StepbridgeEditor,
// which the Yew app calls through wasm-bindgen (www/src/editor_js.rs). Editors are named by small
// integer handles so no JavaScript object crosses into Rust. User text only ever reaches the DOM
// through CodeMirror's text nodes, never as HTML.
import { Annotation, Compartment, EditorState } from '@codemirror/state';
import {
  EditorView, crosshairCursor, drawSelection, dropCursor, highlightActiveLine,
  highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers, rectangularSelection,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
  bracketMatching, foldGutter, foldKeymap, indentOnInput, syntaxTree,
} from '@codemirror/language';
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, lintKeymap, setDiagnostics as lintDiagnostics } from '@codemirror/lint';
import {
  autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap,
} from '@codemirror/autocomplete';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { aslCompletionSource } from './complete.js';
import { formatJson } from './format.js';
import { darkTheme, lightTheme } from './theme.js';

/** Marks changes made through setDoc, which must not be reported back as user edits. */
const programmatic = Annotation.define();

const editors = new Map();
let nextHandle = 1;
let dark = false;
const themeOf = () => (dark ? darkTheme : lightTheme);

/**
 * Past this many characters on one line the text is shown without syntax colours (VS Code's
 * default tokenisation limit is the same): a 3,000-item input pasted as one 100 KB line would
 * otherwise be parsed and drawn as tens of thousands of coloured spans, stalling the page for
 * well over 50 ms each time. "Format" breaks such a document into lines and brings the colours back.
 */
const LONG_LINE = 20_000;

function hasLongLine(doc) {
  if (doc.length <= LONG_LINE) return false;
  for (const iter = doc.iterLines(); !iter.next().done;) {
    if (iter.value.length > LONG_LINE) return true;
  }
  return false;
}

function languageExtension(lang, plain = false) {
  if (plain) return [];
  return lang === 'yaml' ? yaml() : json();
}

function editor(handle) {
  const entry = editors.get(handle);
  if (!entry) throw new Error(`StepbridgeEditor: no editor with handle ${handle}`);
  return entry;
}

function create(parent, options = {}, onChange) {
  const entry = {
    view: null,
    language: options.language === 'yaml' ? 'yaml' : 'json',
    plain: false,
    vocab: null,
    languageSlot: new Compartment(),
    readOnlySlot: new Compartment(),
    themeSlot: new Compartment(),
  };
  const attributes = {};
  if (options.testId) attributes['data-testid'] = String(options.testId);
  const content = {};
  if (options.label) content['aria-label'] = String(options.label);
  // An explicit tab stop: assistive checkers (axe's scrollable-region-focusable) then see
  // that the scrolling editor is reachable from the keyboard, read-only ones included.
  content.tabindex = '0';

  const doc = options.doc ?? '';
  entry.plain = doc.length > LONG_LINE && doc.split('\n').some((line) => line.length > LONG_LINE);
  const state = EditorState.create({
    doc,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      foldGutter(),
      drawSelection(),
      dropCursor(),
      EditorState.allowMultipleSelections.of(true),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      autocompletion({ override: [aslCompletionSource(() => entry.vocab, () => entry.language)] }),
      rectangularSelection(),
      crosshairCursor(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      lintGutter(),
      EditorState.tabSize.of(2),
      keymap.of([
        ...closeBracketsKeymap,
        ...defaultKeymap,
        ...searchKeymap,
        ...historyKeymap,
        ...foldKeymap,
        ...completionKeymap,
        ...lintKeymap,
        // Tab indents; Escape then Tab (or Ctrl-M) moves focus on, as CodeMirror's
        // accessibility notes ask of editors that capture Tab.
        indentWithTab,
      ]),
      EditorView.editorAttributes.of(attributes),
      EditorView.contentAttributes.of(content),
      entry.languageSlot.of(languageExtension(entry.language, entry.plain)),
      // The colours go when an edit makes a line too long, and come back when none is.
      EditorState.transactionExtender.of((tr) => {
        if (!tr.docChanged) return null;
        const plain = hasLongLine(tr.newDoc);
        if (plain === entry.plain) return null;
        entry.plain = plain;
        return { effects: entry.languageSlot.reconfigure(languageExtension(entry.language, plain)) };
      }),
      entry.readOnlySlot.of(EditorState.readOnly.of(Boolean(options.readOnly))),
      entry.themeSlot.of(themeOf()),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged || typeof onChange !== 'function') return;
        if (update.transactions.every((tr) => !tr.docChanged || tr.annotation(programmatic))) return;
        onChange(update.state.doc.toString());
      }),
    ],
  });
  entry.view = new EditorView({ state, parent });
  const handle = nextHandle++;
  editors.set(handle, entry);
  return handle;
}

/** Replaces only the part that differs, so the cursor, folds and scroll position survive. */
function setDoc(handle, text) {
  const { view } = editor(handle);
  const old = view.state.doc.toString();
  if (old === text) return;
  let start = 0;
  const max = Math.min(old.length, text.length);
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < max - start &&
    old.charCodeAt(old.length - 1 - end) === text.charCodeAt(text.length - 1 - end)
  ) end++;
  view.dispatch({
    changes: { from: start, to: old.length - end, insert: text.slice(start, text.length - end) },
    annotations: programmatic.of(true),
  });
}

function getDoc(handle) {
  return editor(handle).view.state.doc.toString();
}

function setLanguage(handle, lang) {
  const entry = editor(handle);
  entry.language = lang === 'yaml' ? 'yaml' : 'json';
  entry.view.dispatch({
    effects: entry.languageSlot.reconfigure(languageExtension(entry.language, entry.plain)),
  });
}

function setReadOnly(handle, readOnly) {
  const entry = editor(handle);
  entry.view.dispatch({ effects: entry.readOnlySlot.reconfigure(EditorState.readOnly.of(Boolean(readOnly))) });
}

function destroy(handle) {
  const entry = editors.get(handle);
  if (!entry) return;
  entry.view.destroy();
  editors.delete(handle);
}

/** Document offset of a 1-based line and column, clamped into the document. */
function offsetOf(doc, line, column) {
  const l = doc.line(Math.min(Math.max(1, Math.floor(line) || 1), doc.lines));
  return { line: l, pos: l.from + Math.min(Math.max(0, (Math.floor(column) || 1) - 1), l.length) };
}

/** Where an underline without an explicit end stops: the end of the syntax token there, else
 * the end of the word, else the end of the line. */
function tokenEnd(state, line, pos) {
  const node = syntaxTree(state).resolveInner(pos, 1);
  if (!node.firstChild && node.from <= pos && node.to > pos && node.to <= line.to) return node.to;
  const word = /^[^\s,:{}[\]]+/.exec(state.sliceDoc(pos, line.to));
  if (word) return pos + word[0].length;
  return line.to;
}

function setDiagnostics(handle, list) {
  const { view } = editor(handle);
  const { state } = view;
  const doc = state.doc;
  const diagnostics = [];
  for (const d of list ?? []) {
    const start = offsetOf(doc, d.line, d.column);
    let to;
    if (d.endLine != null) {
      to = offsetOf(doc, d.endLine, d.endColumn ?? Number.MAX_SAFE_INTEGER).pos;
    } else {
      to = tokenEnd(state, start.line, start.pos);
    }
    let from = start.pos;
    // A problem at the very end of a line (a missing value) still gets a visible underline.
    if (to <= from && start.line.length > 0 && from === start.line.to) from = start.line.to - 1;
    diagnostics.push({
      from,
      to: Math.max(from, to),
      severity: d.severity === 'warning' ? 'warning' : 'error',
      message: String(d.message ?? ''),
    });
  }
  view.dispatch(lintDiagnostics(state, diagnostics));
}

function goto(handle, line, column) {
  const { view } = editor(handle);
  const { pos } = offsetOf(view.state.doc, line, column);
  view.dispatch({
    selection: { anchor: pos },
    effects: EditorView.scrollIntoView(pos, { y: 'center' }),
    userEvent: 'select',
  });
  view.focus();
}

function format(handle) {
  const { view } = editor(handle);
  const old = view.state.doc.toString();
  const pretty = formatJson(old);
  if (pretty === null) return false;
  if (pretty !== old) {
    view.dispatch({ changes: { from: 0, to: old.length, insert: pretty }, userEvent: 'input.format' });
  }
  return true;
}

function setCompletions(handle, vocab) {
  editor(handle).vocab = vocab ?? null;
}

function setTheme(isDark) {
  dark = Boolean(isDark);
  for (const entry of editors.values()) {
    entry.view.dispatch({ effects: entry.themeSlot.reconfigure(themeOf()) });
  }
}

window.StepbridgeEditor = Object.freeze({
  create, setDoc, getDoc, setLanguage, setReadOnly, destroy, setDiagnostics, goto, format,
  setCompletions, setTheme,
});
// The bundle loads async: the app may have started already and waits for this event.
window.dispatchEvent(new Event('stepbridge-editor-ready'));
