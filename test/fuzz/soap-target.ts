/**
 * Fuzz target: hostile SOAP answers from the camera. Each case arms the hostile camera with an
 * answer for the next matching requests (any, or one SOAP action), makes the gateway ask (its own
 * polling and reconnects, plus an API call that reaches the camera), and checks that every camera
 * request ended in time, the API call was answered, and the gateway lives. Answers: random
 * element trees under right and wrong namespaces, faults, malformed XML, garbage before `<?xml`,
 * the camera's real answer mutated, huge answers, trickled answers, cut connections, silence.
 */
import fc from 'fast-check';
import type { ArmedAnswer, HostileAnswer, HostileCamera, Mutation } from './hostile-camera.js';
import { oddUnicode } from './arbitraries.js';
import { CAMERA_ID, CAMERA_REQUEST_TIMEOUT_MS, PULL_ANSWER_MARGIN_MS, PULL_TIMEOUT_MS } from './stack.js';
import { CaseHung, type FuzzCase, type FuzzGateway, type Role } from './target.js';

const SOAP_ENV = 'http://www.w3.org/2003/05/soap-envelope';

const text = fc.oneof(
  fc.constantFrom('0', '1', '-1', '0.5', 'NaN', 'Infinity', '-1e999', '1e308', '99999999999999999999', '', 'true', 'PT5S', 'P-1D', '2099-13-45T25:61:61Z', 'http://127.0.0.1:9/x', '&amp;', '&bogus;', ']]>', '<![CDATA[x]]>'),
  oddUnicode,
  fc.string({ maxLength: 20 }),
);
const elementName = fc.constantFrom(
  'tt:Profiles',
  'trt:Profiles',
  'tt:VideoEncoderConfiguration',
  'tt:Resolution',
  'tt:Width',
  'tt:Height',
  'tt:Encoding',
  'tds:Capabilities',
  'tt:PTZ',
  'tt:XAddr',
  'tds:Service',
  'tds:Namespace',
  'tptz:PTZStatus',
  'tt:Position',
  'tt:PanTilt',
  'tt:Zoom',
  'tt:MoveStatus',
  'tds:SystemDateAndTime',
  'tt:UTCDateTime',
  'tt:Date',
  'tt:Year',
  'tt:Time',
  'tt:Hour',
  'tptz:Preset',
  'tt:Name',
  'tev:SubscriptionReference',
  'wsa:Address',
  'tt:Uri',
  'wsnt:NotificationMessage',
  'tt:SimpleItem',
  'x',
  'a:b:c',
  'undeclared:Thing',
);
const attribute = fc.record({ k: fc.constantFrom('token', 'x', 'y', 'space', 'Name', 'Value', 'xmlns:tt', 'xmlns'), v: text });

interface XmlNode {
  name: string;
  attrs: Array<{ k: string; v: string }>;
  children: XmlNode[] | string;
}

const tree: fc.Arbitrary<XmlNode> = fc.letrec<{ node: XmlNode }>((tie) => ({
  node: fc.record({
    name: elementName,
    attrs: fc.array(attribute, { maxLength: 3 }),
    children: fc.oneof({ depthSize: 'small' }, text, fc.array(tie('node'), { maxLength: 4 })),
  }),
})).node;

function render(n: XmlNode): string {
  const attrs = n.attrs.map((a) => ` ${a.k}="${a.v}"`).join('');
  const inner = typeof n.children === 'string' ? n.children : n.children.map(render).join('');
  return `<${n.name}${attrs}>${inner}</${n.name}>`;
}

function envelope(ns: string, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${ns}" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" ` +
    `xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:tev="http://www.onvif.org/ver10/events/wsdl" ` +
    `xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"><s:Body>${body}</s:Body></s:Envelope>`
  );
}

const namespace = fc.constantFrom(SOAP_ENV, SOAP_ENV, 'http://schemas.xmlsoap.org/soap/envelope/', 'urn:wrong', '');

const fault = fc
  .record({ ns: namespace, code: fc.constantFrom('s:Sender', 's:Receiver', 'x', ''), subcodes: fc.array(fc.constantFrom('ter:NotAuthorized', 'ter:ActionNotSupported', 'ter:InvalidArgVal', 'ter:NoProfile', ''), { maxLength: 3 }), reason: text })
  .map(({ ns, code, subcodes, reason }) => {
    const sub = subcodes.reduceRight<string>((inner, s) => `<s:Subcode><s:Value>${s}</s:Value>${inner}</s:Subcode>`, '');
    return envelope(ns, `<s:Fault><s:Code><s:Value>${code}</s:Value>${sub}</s:Code><s:Reason><s:Text xml:lang="en">${reason}</s:Text></s:Reason></s:Fault>`);
  });

const malformed = fc.constantFrom(
  '',
  '<',
  '<<<>>>',
  '<?xml version="1.0"?>',
  '<?xml version="1.0"?><s:Envelope><s:Body>',
  `<?xml version="1.0"?><s:Envelope xmlns:s="${SOAP_ENV}"><s:Body><tt:Profiles></s:Body></s:Envelope>`,
  '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><x>&d;</x>',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  'null',
  '{"Envelope":{}}',
  '<html><body>401 Unauthorized</body></html>',
  '\u0000\u0000\u0000',
);

const bodyAnswer: fc.Arbitrary<HostileAnswer> = fc
  .record({
    status: fc.constantFrom(200, 200, 200, 400, 401, 404, 500, 503),
    contentType: fc.constantFrom('application/soap+xml; charset=utf-8', 'text/xml', 'text/html', 'application/json', 'application/soap+xml; charset=utf-16'),
    prefix: fc.oneof({ weight: 3, arbitrary: fc.constant(new Uint8Array()) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
    body: fc.oneof(
      { weight: 4, arbitrary: fc.record({ ns: namespace, t: tree }).map(({ ns, t }) => envelope(ns, render(t))) },
      { weight: 2, arbitrary: fault },
      { weight: 2, arbitrary: malformed },
    ),
  })
  .map((r) => ({ kind: 'body' as const, ...r }));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('numbers' as const), value: text }),
  fc.record({ op: fc.constant('texts' as const), value: text }),
  fc.record({ op: fc.constant('tokens' as const), value: text }),
  fc.record({ op: fc.constant('namespaces' as const), uri: fc.constantFrom('urn:wrong', '', 'http://www.onvif.org/ver20/schema') }),
  fc.constant({ op: 'strip-closing' as const }),
  fc.record({ op: fc.constant('prefix' as const), garbage: fc.oneof(fc.constantFrom('\uFEFF', '\u0000', 'HTTP/1.1 200 OK\r\n', 'garbage'), fc.string({ minLength: 1, maxLength: 16 })) }),
);

const shortXml = fc.record({ ns: namespace, t: tree }).map(({ ns, t }) => envelope(ns, render(t)).slice(0, 400));

/** The hostile answers by kind: each kind is one part of the target, so each is always tried. */
export const hostileAnswers: Record<string, fc.Arbitrary<HostileAnswer>> = {
  'malformed, faults, random trees': bodyAnswer,
  'real answers mutated': mutation.map((m) => ({ kind: 'mutate' as const, mutation: m })),
  huge: fc.record({ kind: fc.constant('huge' as const), mb: fc.constantFrom(2, 32, 600), shape: fc.constantFrom('elements' as const, 'text' as const, 'attribute' as const) }),
  trickled: fc.record({ kind: fc.constant('trickle' as const), intervalMs: fc.integer({ min: 300, max: 800 }), body: shortXml }),
  'cut or silent': fc.oneof(fc.record({ kind: fc.constant('cut' as const), at: fc.integer({ min: 0, max: 300 }), body: shortXml }), fc.constant({ kind: 'silent' as const })),
};

const ACTIONS = ['GetSystemDateAndTime', 'GetServices', 'GetCapabilities', 'GetProfiles', 'GetVideoSources', 'GetNodes', 'CreatePullPointSubscription', 'PullMessages', 'GetStatus', 'GetPresets', 'GetSnapshotUri', 'GET', 'Stop', 'AbsoluteMove'];

/** An API call that makes the gateway ask the camera (or nothing: its polling and reconnects ask). */
const TRIGGERS: ReadonlyArray<{ method: string; path: string; role: Role; body?: unknown }> = [
  { method: 'GET', path: `/api/cameras/${CAMERA_ID}/ptz/status`, role: 'viewer' },
  { method: 'GET', path: `/api/cameras/${CAMERA_ID}/presets`, role: 'viewer' },
  { method: 'GET', path: `/api/cameras/${CAMERA_ID}/snapshot`, role: 'viewer' },
  { method: 'POST', path: `/api/cameras/${CAMERA_ID}/ptz/stop`, role: 'officer' },
  { method: 'POST', path: `/api/cameras/${CAMERA_ID}/ptz/absolute`, role: 'officer', body: { x: 0.1, y: 0, zoom: 0 } },
];

export interface SoapInput {
  armed: ArmedAnswer;
  trigger: number;
}

/**
 * How long one camera request may stay open: a few SOAP timeouts; a huge answer may take longer to
 * refuse; a PullMessages (a long poll) its timeout and the gateway's margin for the answer.
 */
function allowedMs(answer: HostileAnswer, actions: readonly string[]): number {
  const base = answer.kind === 'huge' ? 30_000 : 4 * CAMERA_REQUEST_TIMEOUT_MS + 2000;
  return actions.includes('PullMessages') ? Math.max(base, PULL_TIMEOUT_MS + PULL_ANSWER_MARGIN_MS + 2000) : base;
}

async function callApi(gw: FuzzGateway, index: number): Promise<void> {
  const t = TRIGGERS[index];
  if (!t) return;
  const token = await gw.token(t.role).catch(() => undefined);
  if (!token) return; // a gateway that just died cannot log in: the health check says so
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, origin: gw.url };
  if (t.body) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(`${gw.url}${t.path}`, { method: t.method, headers, body: t.body ? JSON.stringify(t.body) : null, signal: AbortSignal.timeout(20_000) });
    await res.arrayBuffer();
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') throw new CaseHung(`${t.method} ${t.path} was not answered in 20 s while the camera misbehaved`);
    // A connection refused or reset shows in the health check that follows.
  }
}

export function soapParts(camera: HostileCamera): FuzzCase<SoapInput>[] {
  return Object.entries(hostileAnswers).map(([kind, answer]) => ({
    name: `soap ${kind}`,
    arbitrary: fc.record({
      armed: fc.record({
        answer,
        action: fc.oneof({ weight: 3, arbitrary: fc.constant('any') }, { weight: 2, arbitrary: fc.constantFrom(...ACTIONS) }),
        count: fc.integer({ min: 1, max: 3 }),
      }),
      trigger: fc.integer({ min: -1, max: TRIGGERS.length - 1 }),
    }),
    deadlineMs: 60_000,
    onHang: () => camera.abortServed(),
    async act(input: SoapInput, gw: FuzzGateway) {
      camera.arm(input.armed);
      const api = callApi(gw, input.trigger);
      // Delivered when every armed answer went out; an action the gateway does not ask for now is not.
      const deliverBy = Date.now() + 3000;
      while (!camera.consumed && Date.now() < deliverBy && gw.alive()) await new Promise((r) => setTimeout(r, 20));
      camera.disarm();
      const served = camera.servedSinceArm;
      const limit = allowedMs(input.armed.answer, served.map((s) => s.action));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limit)));
      const outcome = await Promise.race([Promise.all(served.map((s) => s.settled)), late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        camera.abortServed();
        throw new CaseHung(`the gateway kept a camera request (${served.map((s) => s.action).join(', ')}) open for more than ${limit} ms`);
      }
      await api;
      // A huge answer is still being parsed after it was sent: let what it costs show in this case.
      const answer = input.armed.answer;
      if (answer.kind === 'huge' && served.length) await new Promise((r) => setTimeout(r, 10 * answer.mb));
    },
  }));
}
