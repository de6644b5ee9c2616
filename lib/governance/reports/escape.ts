/**
 * Escaping for text that comes from the reviewed input (addresses, construct paths, suppression reasons
 * and dates, messages that quote values). A terminal must not run escape sequences or have lines
 * overwritten, a pull-request comment must not render markup, an XML report must stay well-formed.
 */

// C0/C1 controls, DEL, bidi and direction marks, line/paragraph separators, BOM, non-characters, unpaired surrogates.
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Control and direction characters as visible `\uXXXX` escapes, so one finding is one honest line. */
export function visible(text: string): string {
  return text.replace(INVISIBLE_OR_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+!|~<>&"]/g;
const MARKDOWN_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' };

/** Text for a Markdown table cell: visible, no HTML, no emphasis, links or cell breaks. */
export function markdownText(text: string): string {
  return visible(text).replace(MARKDOWN_SPECIAL, (c) => MARKDOWN_ENTITIES[c] ?? `\\${c}`);
}

const PLAIN_CODE = /^[A-Za-z0-9_.:/\-[\]"'@=,+ ]*$/;

/** An identifier (rule id, address) as inline code; text outside the plain identifier alphabet is escaped instead. */
export function markdownCode(text: string): string {
  return PLAIN_CODE.test(text) ? `\`${text}\`` : `<code>${markdownText(text)}</code>`;
}

// XML 1.0 forbids these outright (tab, newline and carriage return are allowed).
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escape text for XML element content; characters XML 1.0 forbids are removed. */
export function xmlText(text: string): string {
  return text.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape text for an XML attribute value; line breaks and tabs are kept as character references (parsers would fold them). */
export function xmlAttribute(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
