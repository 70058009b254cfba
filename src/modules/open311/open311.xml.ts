/**
 * Open311's XML form of the same data the JSON answers carry. A list is an element whose
 * children are named by `ITEM_OF` (services → service); null is an empty element; booleans and
 * numbers are their JSON spelling.
 */

/** The element name of each item of a list, by the list's name (GeoReport v2 and FixMyStreet's updates). */
export const ITEM_OF: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  notes: 'note',
  media_urls: 'media_url',
  service_request_updates: 'request_update',
};

// XML 1.0 forbids most control characters even when escaped; a pasted description may hold some.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for an XML element or a double- or single-quoted attribute. */
export function escapeXml(s: string): string {
  return s
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push(`<${name}></${name}>`);
    return;
  }
  if (Array.isArray(value)) {
    const item = ITEM_OF[name];
    if (!item) throw new Error(`no item name for list ${name}`);
    out.push(`<${name}>`);
    for (const v of value) element(item, v, out);
    out.push(`</${name}>`);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) element(k, v, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
}

/** An XML document with `root` as its root: a list's items inside it, or an object's fields. */
export function toXml(root: string, value: unknown): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>\n'];
  element(root, value, out);
  return out.join('') + '\n';
}
