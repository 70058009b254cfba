/**
 * Test helpers of the open311 module: a parser for the simple XML we write (no DTD, no CDATA,
 * no mixed content) and a validator for the subset of JSON Schema the shared Open311 schemas use.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ITEM_OF } from './open311.xml.js';

/** An XML element: name, attributes, child elements, and its text. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!,
  );
}

/** Parses a well-formed document; throws on anything malformed (unclosed, mismatched, stray `<` or `&`). */
export function parseXml(xml: string): XmlNode {
  let i = 0;
  const fail = (msg: string): never => {
    throw new Error(`XML: ${msg} at ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const skipMisc = () => {
    for (;;) {
      while (/\s/.test(xml[i] ?? '')) i++;
      if (xml.startsWith('<?', i)) {
        const end = xml.indexOf('?>', i);
        if (end < 0) fail('unclosed declaration');
        i = end + 2;
      } else if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i);
        if (end < 0) fail('unclosed comment');
        i = end + 3;
      } else return;
    }
  };
  const text = (raw: string) => {
    if (/[<]/.test(raw) || /&(?!(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);)/.test(raw)) fail('stray < or &');
    return unescape(raw);
  };
  const element = (): XmlNode => {
    if (xml[i] !== '<') fail('expected <');
    const m = /^<([A-Za-z_][\w.:-]*)/.exec(xml.slice(i, i + 200));
    if (!m) fail('bad element name');
    const name = m![1]!;
    i += m![0].length;
    const attrs: Record<string, string> = {};
    for (;;) {
      while (/\s/.test(xml[i] ?? '')) i++;
      if (xml.startsWith('/>', i)) {
        i += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const a = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(xml.slice(i));
      if (!a) fail('bad attribute');
      if (a![1]! in attrs) fail('repeated attribute');
      attrs[a![1]!] = text(a![3] ?? a![4] ?? '');
      i += a![0].length;
    }
    const children: XmlNode[] = [];
    let content = '';
    for (;;) {
      const lt = xml.indexOf('<', i);
      if (lt < 0) fail(`unclosed <${name}>`);
      content += text(xml.slice(i, lt));
      i = lt;
      if (xml.startsWith('</', i)) {
        const close = new RegExp(`^</${name.replace(/[.]/g, '\\.')}\\s*>`).exec(xml.slice(i));
        if (!close) fail(`expected </${name}>`);
        i += close![0].length;
        return { name, attrs, children, text: content };
      }
      if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i);
        if (end < 0) fail('unclosed comment');
        i = end + 3;
        continue;
      }
      children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

/** Fields that are not strings in the JSON answers, by the element that holds them. */
const TYPED: Record<string, Record<string, 'number' | 'boolean'>> = {
  service: { metadata: 'boolean' },
  attribute: { variable: 'boolean', required: 'boolean', order: 'number' },
  request: { lat: 'number', long: 'number' },
  error: { code: 'number' },
};

/** Turns an Open311 XML answer into the JSON answer's shape: lists by their names, empty as null, typed fields typed. */
export function xmlToShape(node: XmlNode, parent = ''): unknown {
  if (ITEM_OF[node.name]) {
    const item = ITEM_OF[node.name]!;
    for (const c of node.children) if (c.name !== item) throw new Error(`<${c.name}> inside <${node.name}>`);
    return node.children.map((c) => xmlToShape(c, node.name));
  }
  if (node.children.length) {
    const out: Record<string, unknown> = {};
    for (const c of node.children) {
      if (c.name in out) throw new Error(`repeated <${c.name}> in <${node.name}>`);
      out[c.name] = xmlToShape(c, node.name);
    }
    return out;
  }
  if (node.text === '') return null;
  const kind = TYPED[parent]?.[node.name];
  if (kind === 'number') return Number(node.text);
  if (kind === 'boolean') {
    if (node.text !== 'true' && node.text !== 'false') throw new Error(`<${node.name}> is not a boolean`);
    return node.text === 'true';
  }
  return node.text;
}

/** Parses an Open311 XML answer into the JSON shape, checking its root element. */
export function xmlAnswer(xml: string, root: string): unknown {
  const doc = parseXml(xml);
  if (doc.name !== root) throw new Error(`root is <${doc.name}>, expected <${root}>`);
  // A list's root holds items; an object's root holds fields.
  return xmlToShape(doc);
}

// ------------------------------------------------------------------ JSON Schema (the subset used)

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  minItems?: number;
  additionalProperties?: boolean | Schema;
};

const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../reference/open311-schema');
const files = new Map<string, Schema & { definitions?: Record<string, Schema> }>();

function load(file: string) {
  if (!files.has(file)) files.set(file, JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')));
  return files.get(file)!;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function check(schema: Schema, v: unknown, path: string, file: string, errors: string[]): void {
  if (schema.$ref) {
    const [f, frag] = schema.$ref.split('#');
    const target = f ? load(f) : load(file);
    const resolved = frag ? frag.split('/').filter(Boolean).reduce<unknown>((s, k) => (s as Record<string, unknown>)[k], target) : target;
    return check(resolved as Schema, v, path, f || file, errors);
  }
  if (schema.anyOf) {
    const ok = schema.anyOf.some((s) => {
      const e: string[] = [];
      check(s, v, path, file, e);
      return e.length === 0;
    });
    if (!ok) errors.push(`${path}: matches none of anyOf (${JSON.stringify(v)})`);
    return;
  }
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const t = typeOf(v);
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) return void errors.push(`${path}: is ${t}, expected ${types.join('|')}`);
  }
  if (schema.enum && !schema.enum.some((e) => e === v)) errors.push(`${path}: ${JSON.stringify(v)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof v === 'string') {
    if (schema.maxLength !== undefined && [...v].length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.format === 'date-time' && (!RFC3339.test(v) || Number.isNaN(Date.parse(v)))) errors.push(`${path}: not a date-time: ${v}`);
    if (schema.format === 'uri') {
      try {
        new URL(v);
      } catch {
        errors.push(`${path}: not a URI: ${v}`);
      }
    }
  }
  if (Array.isArray(v)) {
    if (schema.minItems !== undefined && v.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items) v.forEach((x, i) => check(schema.items!, x, `${path}[${i}]`, file, errors));
  } else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in o)) errors.push(`${path}: missing ${r}`);
    for (const [k, s] of Object.entries(schema.properties ?? {})) if (k in o) check(s, o[k], `${path}.${k}`, file, errors);
    if (schema.additionalProperties === false) for (const k of Object.keys(o)) if (!schema.properties?.[k]) errors.push(`${path}: unexpected ${k}`);
  }
}

/**
 * Validates a value against a shared schema: a file (`services.json`), a swagger definition
 * (`swagger.json#/definitions/RequestResponse`), or an inline schema; answers the problems found.
 */
export function validate(schema: string | Schema, value: unknown): string[] {
  const errors: string[] = [];
  if (typeof schema === 'string') {
    const [file, frag] = schema.split('#');
    check({ $ref: `${file}${frag ? `#${frag}` : ''}` }, value, '$', file!, errors);
  } else check(schema, value, '$', 'swagger.json', errors);
  return errors;
}
