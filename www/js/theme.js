// Light and dark looks. Colours come from the page's CSS variables where it defines them, so
// the editor matches the panels around it; the fallbacks keep a bare page readable.
import { EditorView } from '@codemirror/view';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

function base(dark, c) {
  return EditorView.theme(
    {
      '&': {
        color: `var(--ink, ${c.ink})`,
        backgroundColor: `var(--panel, ${c.panel})`,
        border: `1px solid var(--line, ${c.line})`,
        borderRadius: '6px',
        fontSize: '13px',
      },
      '&.cm-focused': { outline: `2px solid var(--accent, ${c.accent})`, outlineOffset: '-1px' },
      '.cm-scroller': { fontFamily: 'var(--mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)', lineHeight: '1.45' },
      '.cm-content': { caretColor: c.caret },
      '.cm-cursor, .cm-dropCursor': { borderLeftColor: c.caret },
      '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection':
        { backgroundColor: c.selection },
      '.cm-gutters': {
        backgroundColor: `var(--bg, ${c.gutter})`,
        color: c.gutterInk,
        borderRight: `1px solid var(--line, ${c.line})`,
      },
      '.cm-activeLine': { backgroundColor: c.activeLine },
      '.cm-activeLineGutter': { backgroundColor: c.activeLine, color: `var(--ink, ${c.ink})` },
      '&.cm-focused .cm-matchingBracket': { backgroundColor: c.bracket, outline: `1px solid ${c.bracketLine}` },
      '&.cm-focused .cm-nonmatchingBracket': { backgroundColor: c.badBracket },
      '.cm-searchMatch': { backgroundColor: c.search, outline: `1px solid ${c.bracketLine}` },
      '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: c.searchSelected },
      '.cm-selectionMatch': { backgroundColor: c.selectionMatch },
      '.cm-foldPlaceholder': { backgroundColor: 'transparent', border: `1px solid var(--line, ${c.line})`, color: c.gutterInk },
      '.cm-tooltip': {
        backgroundColor: `var(--panel, ${c.panel})`,
        color: `var(--ink, ${c.ink})`,
        border: `1px solid var(--line, ${c.line})`,
      },
      '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: `var(--accent, ${c.accent})`, color: c.onAccent },
      '.cm-completionDetail': { opacity: '0.75' },
      '.cm-panels': { backgroundColor: `var(--bg, ${c.gutter})`, color: `var(--ink, ${c.ink})` },
      '.cm-textfield': { color: 'inherit', backgroundColor: `var(--panel, ${c.panel})` },
      '.cm-button': { color: 'inherit', backgroundImage: 'none', backgroundColor: `var(--panel, ${c.panel})` },
      '.cm-diagnostic-error': { borderLeftColor: c.error },
      '.cm-diagnostic-warning': { borderLeftColor: c.warning },
    },
    { dark },
  );
}

const LIGHT = {
  ink: '#1d2330', onAccent: '#ffffff', panel: '#ffffff', line: '#d9dde5', accent: '#2357d8', caret: '#1d2330',
  selection: '#c9d7fb', gutter: '#f6f7f9', gutterInk: '#5b6475', activeLine: '#2357d80d',
  bracket: '#2357d81f', bracketLine: '#2357d880', badBracket: '#b3261e33', search: '#f5d90a59',
  searchSelected: '#f5a70a80', selectionMatch: '#2357d814', error: '#b3261e', warning: '#8a5a00',
};
const DARK = {
  ink: '#e3e7ef', onAccent: '#0b1020', panel: '#1b1f27', line: '#343b49', accent: '#7ea3ff', caret: '#e3e7ef',
  selection: '#37507f', gutter: '#141820', gutterInk: '#9aa3b5', activeLine: '#ffffff0a',
  bracket: '#7ea3ff2e', bracketLine: '#7ea3ff99', badBracket: '#ff8a8033', search: '#f5d90a40',
  searchSelected: '#f5a70a70', selectionMatch: '#7ea3ff1f', error: '#ff8a80', warning: '#f2c14e',
};

// Keys, strings, numbers and keywords get distinct hues with at least 4.5:1 contrast on the
// panel colour of each theme.
const lightHighlight = HighlightStyle.define([
  { tag: t.propertyName, color: '#7a2c9e' },
  { tag: [t.string, t.special(t.string)], color: '#0b6b3a' },
  { tag: t.number, color: '#9c4a00' },
  { tag: [t.bool, t.null, t.keyword, t.atom], color: '#1f4fbf', fontWeight: '600' },
  { tag: [t.comment, t.meta], color: '#5b6475', fontStyle: 'italic' },
  { tag: [t.definition(t.propertyName), t.labelName], color: '#7a2c9e' },
  { tag: [t.punctuation, t.separator, t.brace, t.squareBracket], color: '#4a5263' },
  { tag: t.invalid, color: '#b3261e' },
]);
const darkHighlight = HighlightStyle.define([
  { tag: t.propertyName, color: '#d7a6ff' },
  { tag: [t.string, t.special(t.string)], color: '#9fe0a8' },
  { tag: t.number, color: '#ffb870' },
  { tag: [t.bool, t.null, t.keyword, t.atom], color: '#8fb4ff', fontWeight: '600' },
  { tag: [t.comment, t.meta], color: '#9aa3b5', fontStyle: 'italic' },
  { tag: [t.definition(t.propertyName), t.labelName], color: '#d7a6ff' },
  { tag: [t.punctuation, t.separator, t.brace, t.squareBracket], color: '#b4bccb' },
  { tag: t.invalid, color: '#ff8a80' },
]);

export const lightTheme = [base(false, LIGHT), syntaxHighlighting(lightHighlight)];
export const darkTheme = [base(true, DARK), syntaxHighlighting(darkHighlight)];
