// Pretty-printing of JSON that keeps every literal exactly as written. JSON.stringify(JSON.parse())
// would round big integers (12345678901234567890) and drop duplicate keys, silently changing a
// definition; here only the whitespace between tokens changes.

/** Returns `text` re-indented with two spaces, or null when it is not valid JSON. */
export function formatJson(text) {
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  const tokens = tokenize(text);
  let out = '';
  let depth = 0;
  const newline = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '{' || t === '[') {
      const close = t === '{' ? '}' : ']';
      if (tokens[i + 1] === close) {
        out += t + close;
        i++;
      } else {
        depth++;
        out += t + newline();
      }
    } else if (t === '}' || t === ']') {
      depth--;
      out += newline() + t;
    } else if (t === ',') {
      out += ',' + newline();
    } else if (t === ':') {
      out += ': ';
    } else {
      out += t;
    }
  }
  return text.endsWith('\n') ? out + '\n' : out;
}

/** Splits text already known to be valid JSON into punctuation and verbatim literals. */
function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if ('{}[],:'.includes(c)) {
      tokens.push(c);
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      tokens.push(text.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !' \t\n\r{}[],:"'.includes(text[j])) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}
