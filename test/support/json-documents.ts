/**
 * Split text holding several JSON documents one after another (evtx_dump writes pretty-printed
 * records back to back) into parsed values. Test support only: the product's decoders frame input.
 */
export function parseJsonDocuments(text: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)));
      if (depth < 0) throw new Error(`unbalanced JSON at offset ${i}`);
    } else if (depth === 0 && c !== undefined && c.trim() !== '') {
      throw new Error(`text outside a JSON document at offset ${i}`);
    }
  }
  if (depth !== 0) throw new Error('truncated JSON document at end of text');
  return docs;
}
