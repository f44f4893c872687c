// Completion for Amazon States Language documents: state names where a transition is named,
// the fields a state of a given Type accepts, and intrinsic functions. The vocabulary comes
// from the Rust side (setCompletions), so the editor never hard-codes the ASL field lists.
import { insertCompletionText, pickedCompletion } from '@codemirror/autocomplete';
import { syntaxTree } from '@codemirror/language';

/** Fields whose string value names another state. */
const STATE_REF_KEYS = new Set(['Next', 'Default', 'StartAt']);

/**
 * Builds a completion source over `getVocab()` (read on every request, so setCompletions takes
 * effect at once) for the language `getLanguage()` returns ("json" or "yaml").
 */
export function aslCompletionSource(getVocab, getLanguage) {
  return (context) => {
    const vocab = getVocab();
    if (!vocab) return null;
    return (
      intrinsicCompletion(context, vocab) ??
      (getLanguage() === 'json' ? jsonCompletion(context, vocab) : yamlCompletion(context, vocab))
    );
  };
}

function fieldName(field) {
  return typeof field === 'string' ? field : field.name;
}

function fieldOptions(vocab, type, present, apply) {
  const list = [...(type ? vocab.fieldsByType?.[type] ?? [] : []), ...(vocab.commonFields ?? [])];
  if (!type && !list.some((f) => fieldName(f) === 'Type')) list.push({ name: 'Type', detail: 'state type' });
  const seen = new Set(present);
  const options = [];
  for (const field of list) {
    const name = fieldName(field);
    if (!name || seen.has(name)) continue;
    seen.add(name);
    options.push({ label: name, detail: field.detail ?? undefined, type: 'property', apply: apply(name) });
  }
  return options;
}

function stateOptions(vocab, quote) {
  return (vocab.stateNames ?? []).map((name) => ({
    label: name,
    type: 'variable',
    apply: quote ? JSON.stringify(name) : name,
  }));
}

/** `States.Format`, `States.ArrayPartition`, … after "States." anywhere in a string. */
function intrinsicCompletion(context, vocab) {
  const match = context.matchBefore(/States\.[A-Za-z0-9]*/);
  if (!match || !vocab.intrinsics?.length) return null;
  const before = context.state.sliceDoc(match.from - 1, match.from);
  if (/[A-Za-z0-9_.$]/.test(before)) return null;
  return {
    from: match.from,
    validFor: /^States\.[A-Za-z0-9]*$/,
    options: vocab.intrinsics.map((f) => {
      const name = f.name.startsWith('States.') ? f.name : `States.${f.name}`;
      return { label: name, detail: f.signature ?? undefined, type: 'function' };
    }),
  };
}

// ---- JSON: decisions are taken on lang-json's syntax tree. ----

function text(state, node) {
  return state.sliceDoc(node.from, node.to);
}

function keyOf(state, property) {
  const name = property.getChild('PropertyName');
  if (!name) return null;
  try {
    return JSON.parse(text(state, name));
  } catch {
    return null;
  }
}

/** The value node of a Property (its last child after the colon), if any. */
function valueOf(property) {
  const last = property.lastChild;
  return last && last.name !== 'PropertyName' && last.name !== ':' ? last : null;
}

function enclosing(node, name) {
  for (let n = node; n; n = n.parent) if (n.name === name) return n;
  return null;
}

/** The object's "Type" string and the keys already present in it. */
function describeObject(state, object) {
  let type = null;
  const keys = [];
  for (let child = object.firstChild; child; child = child.nextSibling) {
    if (child.name !== 'Property') continue;
    // While a key is being typed the parser folds the next key into an error node.
    for (let part = child.firstChild; part; part = part.nextSibling) {
      const swallowed = part.type.isError && /^"([A-Za-z0-9_]+)"$/.exec(text(state, part));
      if (swallowed && part.nextSibling?.name === ':') keys.push(swallowed[1]);
    }
    const key = keyOf(state, child);
    if (key === null) continue;
    keys.push(key);
    const value = valueOf(child);
    if (key === 'Type' && value?.name === 'String') {
      try {
        type = JSON.parse(text(state, value));
      } catch {
        /* an unfinished string names no type yet */
      }
    }
  }
  return { type, keys };
}

/** True when the object is the value of a member of "States" (a state being written). */
function isStateObject(state, object) {
  const property = object.parent;
  if (property?.name !== 'Property') return false;
  const states = property.parent?.parent;
  return states?.name === 'Property' && keyOf(state, states) === 'States';
}

function jsonCompletion(context, vocab) {
  const { state, pos } = context;
  const node = syntaxTree(state).resolveInner(pos, -1);

  // Inside the string value of "Next", "Default" or "StartAt".
  if (node.name === 'String' && node.parent?.name === 'Property' && pos > node.from) {
    const closed = node.to - node.from > 1 && state.sliceDoc(node.to - 1, node.to) === '"';
    if (closed && pos === node.to) return null;
    if (!STATE_REF_KEYS.has(keyOf(state, node.parent))) return null;
    const options = stateOptions(vocab, false).map((o) => ({ ...o, apply: replacingRestOfString(o.apply) }));
    return { from: node.from + 1, validFor: /^[^"\\]*$/, options };
  }
  // Just after `"Next": ` with no quote typed yet.
  const bare = context.matchBefore(/"(Next|Default|StartAt)"\s*:\s*[A-Za-z0-9_-]*/);
  if (bare && node.name !== 'String') {
    const word = context.matchBefore(/[A-Za-z0-9_-]*/);
    return { from: word.from, options: stateOptions(vocab, true) };
  }

  // A key inside a state object.
  let from;
  let quoted;
  if (node.name === 'PropertyName') {
    const closed = node.to - node.from > 1 && state.sliceDoc(node.to - 1, node.to) === '"';
    if (closed && pos === node.to) return null;
    from = node.from + 1;
    quoted = true;
  } else if (node.name === 'String') {
    return null;
  } else {
    const word = context.matchBefore(/"?[A-Za-z0-9_]*/);
    if (!word) return null;
    let i = word.from - 1;
    while (i >= 0 && /\s/.test(state.sliceDoc(i, i + 1))) i--;
    const prev = state.sliceDoc(i, i + 1);
    if (prev !== '{' && prev !== ',') return null;
    if (word.from === word.to && !context.explicit) return null;
    quoted = word.text.startsWith('"');
    from = quoted ? word.from + 1 : word.from;
  }
  const object = enclosing(syntaxTree(state).resolveInner(from, -1), 'Object');
  if (!object) return null;
  const { type, keys } = describeObject(state, object);
  if (!type && !isStateObject(state, object)) return null;
  const current = state.sliceDoc(from, pos);
  return {
    from,
    validFor: /^[A-Za-z0-9_]*$/,
    options: fieldOptions(vocab, type, keys.filter((k) => k !== current), (name) => replacingKey(name, quoted)),
  };
}

/** Applies a completion from `from` to `end(state, to)` instead of just the typed prefix. */
function applyUpTo(text, end) {
  return (view, completion, from, to) => {
    const state = view.state;
    const insert = typeof text === 'function' ? text(state, end(state, to)) : text;
    view.dispatch({
      ...insertCompletionText(state, insert, from, end(state, to)),
      annotations: pickedCompletion.of(completion),
      userEvent: 'input.complete',
    });
  };
}

/** A state name replaces the whole rest of the string it is typed in, up to its closing quote. */
function replacingRestOfString(name) {
  return applyUpTo(name, (state, to) => {
    const line = state.doc.lineAt(to);
    const rest = state.sliceDoc(to, line.to);
    const quote = rest.search(/(?<!\\)"/);
    return quote < 0 ? to : to + quote;
  });
}

/** A key gets its quotes and a colon, reusing a closing quote and a colon already there (the
 * closeBrackets extension types the closing quote with the opening one). */
function replacingKey(name, quoted) {
  const end = (state, to) => {
    const rest = state.sliceDoc(to, to + 64);
    const word = /^[A-Za-z0-9_]*"?/.exec(rest)[0];
    return to + (quoted ? word.length : 0);
  };
  return applyUpTo((state, to) => {
    const colonFollows = /^\s*:/.test(state.sliceDoc(to, to + 64));
    return (quoted ? '' : '"') + name + '"' + (colonFollows ? '' : ': ');
  }, end);
}

// ---- YAML: block structure is read from indentation. ----

function yamlCompletion(context, vocab) {
  const { state, pos } = context;
  const line = state.doc.lineAt(pos);
  const before = state.sliceDoc(line.from, pos);

  const ref = /^\s*(?:-\s+)?(?:Next|Default|StartAt)\s*:\s*(["']?)([^"'#]*)$/.exec(before);
  if (ref) {
    return { from: pos - ref[2].length, validFor: /^[^"'#]*$/, options: stateOptions(vocab, false) };
  }

  const key = /^(\s*)(-\s+)?([A-Za-z0-9_]*)$/.exec(before);
  if (!key || (key[3] === '' && !context.explicit)) return null;
  const indent = key[1].length + (key[2]?.length ?? 0);
  const block = yamlBlock(state, line.number, indent, Boolean(key[2]));
  if (!block.type && !block.isState) return null;
  return {
    from: pos - key[3].length,
    validFor: /^[A-Za-z0-9_]*$/,
    options: fieldOptions(vocab, block.type, block.keys, (name) => `${name}: `),
  };
}

const YAML_KEY = /^(\s*)(-\s+)?([A-Za-z0-9_]+)\s*:\s*(.*)$/;

function indentOf(match) {
  return match[1].length + (match[2]?.length ?? 0);
}

/** Keys and Type of the mapping whose members sit at `indent` around line `at`, and whether
 * that mapping is a state (a member of "States"). */
function yamlBlock(state, at, indent, startsItem) {
  const keys = [];
  let type = null;
  let parentLine = null;
  const visit = (n, upward) => {
    const m = YAML_KEY.exec(state.doc.line(n).text);
    const blank = /^\s*(#.*)?$/.test(state.doc.line(n).text);
    if (blank) return true;
    const lineIndent = m ? indentOf(m) : state.doc.line(n).text.search(/\S/);
    if (lineIndent < indent) {
      if (upward) parentLine = m;
      return false;
    }
    // A "- " item starts a new mapping: its siblings end there.
    if (m && lineIndent === indent) {
      keys.push(m[3]);
      if (m[3] === 'Type') type = m[4].replace(/^["']|["']?\s*(#.*)?$/g, '');
      if (m[2] && upward) return false;
    }
    return true;
  };
  // A line that starts a "- " item has no siblings above it.
  if (!startsItem) for (let n = at - 1; n >= 1 && visit(n, true); n--);
  for (let n = at + 1; n <= state.doc.lines; n++) {
    const m = YAML_KEY.exec(state.doc.line(n).text);
    if (m && m[2] && indentOf(m) === indent) break;
    if (!visit(n, false)) break;
  }
  let isState = false;
  if (parentLine && parentLine[4] === '') {
    // The parent key names the state; its own parent must be "States".
    const parentIndent = indentOf(parentLine);
    for (let n = at - 1; n >= 1; n--) {
      const m = YAML_KEY.exec(state.doc.line(n).text);
      if (m && indentOf(m) < parentIndent) {
        isState = m[3] === 'States';
        break;
      }
    }
  }
  return { keys, type: type || null, isState };
}
