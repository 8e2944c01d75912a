/**
 * SOAP 1.2 envelopes: parsing requests (namespace-aware enough to route by the body element's
 * namespace) and writing responses and faults that start with `<?xml` and nothing before it.
 */
import { XMLParser } from 'fast-xml-parser';
import { NS } from '../../../devices/onvif-camera/protocol.js';

export type XmlNode = { [key: string]: unknown };

export interface SoapRequest {
  /** Local name of the first element in the Body, e.g. "GetProfiles". */
  operation: string;
  /** Namespace URI of that element, when declared. */
  namespace: string | undefined;
  /** The operation element's content (namespace prefixes removed, attributes as "@_name"). */
  body: XmlNode;
  header: XmlNode;
  raw: string;
}

export class SoapFault extends Error {
  constructor(
    readonly code: 'env:Sender' | 'env:Receiver' | 'env:VersionMismatch' | 'env:MustUnderstand',
    readonly subcodes: readonly string[],
    readonly reason: string,
    /** Optional env:Detail text (real cameras put the explanation there). */
    readonly detail?: string,
  ) {
    super(reason);
    this.name = 'SoapFault';
  }

  get httpStatus(): number {
    return this.code === 'env:Receiver' ? 500 : 400;
  }
}

export const invalidArg = (reason: string, detail?: string): SoapFault =>
  new SoapFault('env:Sender', detail ? ['ter:InvalidArgVal', detail] : ['ter:InvalidArgVal'], reason);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

function firstElement(node: unknown): [string, XmlNode] | undefined {
  if (!node || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node as XmlNode)) {
    if (key.startsWith('@_') || key === '#text') continue;
    return [key, value && typeof value === 'object' ? (value as XmlNode) : { '#text': value ?? '' }];
  }
  return undefined;
}

/** Finds the namespace of the body's first element from the raw text (prefix or default xmlns). */
function bodyNamespace(raw: string): string | undefined {
  const bodyOpen = /<(?:[\w.-]+:)?Body\b[^>]*>/.exec(raw);
  if (!bodyOpen) return undefined;
  const after = raw.slice(bodyOpen.index + bodyOpen[0].length);
  const el = /<(?:([\w.-]+):)?([\w.-]+)([^>]*)>/.exec(after);
  if (!el) return undefined;
  const [, prefix, , attrs] = el;
  if (!prefix) return /\bxmlns="([^"]*)"/.exec(attrs ?? '')?.[1] ?? /\bxmlns='([^']*)'/.exec(attrs ?? '')?.[1];
  const own = new RegExp(`xmlns:${prefix}=["']([^"']*)["']`).exec(attrs ?? '');
  if (own) return own[1];
  const anywhere = new RegExp(`xmlns:${prefix}=["']([^"']*)["']`).exec(raw);
  return anywhere?.[1];
}

/** Parses a SOAP request; throws a SoapFault (env:Sender, ter:WellFormed) on malformed input. */
export function parseSoapRequest(raw: string): SoapRequest {
  let doc: XmlNode;
  try {
    doc = parser.parse(raw, true) as XmlNode;
  } catch (err) {
    throw new SoapFault('env:Sender', ['ter:WellFormed'], `malformed XML: ${(err as Error).message}`);
  }
  const envelope = doc.Envelope as XmlNode | undefined;
  if (!envelope || typeof envelope !== 'object') throw new SoapFault('env:Sender', ['ter:WellFormed'], 'not a SOAP envelope');
  if (/<(?:[\w.-]+:)?Envelope\b[^>]*schemas\.xmlsoap\.org\/soap\/envelope/.test(raw)) {
    throw new SoapFault('env:VersionMismatch', [], 'SOAP 1.1 envelopes are not supported; use SOAP 1.2');
  }
  const body = envelope.Body;
  const op = firstElement(body);
  if (!op) throw new SoapFault('env:Sender', ['ter:WellFormed'], 'empty SOAP body');
  const header = envelope.Header && typeof envelope.Header === 'object' ? (envelope.Header as XmlNode) : {};
  return { operation: op[0], namespace: bodyNamespace(raw), body: op[1], header, raw };
}

/** Text content of a child (string or {#text}); undefined when absent. */
export function childText(node: unknown, ...path: string[]): string | undefined {
  let cur: unknown = node;
  for (const key of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as XmlNode)[key];
    if (Array.isArray(cur)) cur = cur[0];
  }
  if (typeof cur === 'string') return cur;
  if (cur && typeof cur === 'object' && '#text' in cur) return String((cur as XmlNode)['#text']);
  if (cur && typeof cur === 'object') return '';
  return undefined;
}

export function child(node: unknown, ...path: string[]): XmlNode | undefined {
  let cur: unknown = node;
  for (const key of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as XmlNode)[key];
    if (Array.isArray(cur)) cur = cur[0];
  }
  if (typeof cur === 'string') return { '#text': cur };
  return cur && typeof cur === 'object' ? (cur as XmlNode) : undefined;
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@_${name}`];
  return v === undefined ? undefined : String(v);
}

export function esc(text: string | number | boolean): string {
  return String(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const ENVELOPE_NS = [
  ['env', NS.soapEnv],
  ['wsa', NS.wsa],
  ['xs', NS.xsd],
  ['tt', NS.tt],
  ['tds', NS.tds],
  ['trt', NS.trt],
  ['tptz', NS.tptz],
  ['tev', NS.tev],
  ['ter', NS.ter],
  ['wsnt', NS.wsnt],
  ['wstop', NS.wstop],
  ['tns1', NS.tns1],
]
  .map(([p, uri]) => `xmlns:${p}="${uri}"`)
  .join(' ');

export function soapEnvelope(bodyXml: string, headerXml = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?><env:Envelope ${ENVELOPE_NS}><env:Header>${headerXml}</env:Header><env:Body>${bodyXml}</env:Body></env:Envelope>`;
}

export function faultBody(fault: SoapFault): string {
  let sub = '';
  for (let i = fault.subcodes.length - 1; i >= 0; i--) sub = `<env:Subcode><env:Value>${fault.subcodes[i]}</env:Value>${sub}</env:Subcode>`;
  return (
    `<env:Fault><env:Code><env:Value>${fault.code}</env:Value>${sub}</env:Code>` +
    `<env:Reason><env:Text xml:lang="en">${esc(fault.reason)}</env:Text></env:Reason>` +
    (fault.detail ? `<env:Detail><env:Text>${esc(fault.detail)}</env:Text></env:Detail>` : '') +
    `</env:Fault>`
  );
}

/** xs:dateTime in UTC with milliseconds, e.g. 2026-01-01T10:00:00.042Z. */
export function xmlDateTime(ms: number): string {
  return new Date(ms).toISOString();
}
