/** ONVIF Events (ver10/events/wsdl + WS-BaseNotification) operations: PullPoint only. */
import { MESSAGE_CONTENT_DIALECT, NS, parseXmlDuration, TOPIC_DIALECT_CONCRETE_SET, TOPIC_DIALECT_SIMPLE } from '../../../devices/onvif-camera/protocol.js';
import { SERVICE_PATHS, type CameraContext } from '../context.js';
import type { CameraEvent, Subscription } from './event-broker.js';
import { childText, esc, invalidArg, SoapFault, xmlDateTime, type SoapRequest } from './envelope.js';
import type { CallInfo, OperationTable } from './dispatch.js';
import { eventsServiceCapabilitiesXml } from './device-service.js';

const DEFAULT_LIFETIME_MS = 60_000;
const MAX_LIFETIME_MS = 3_600_000;

/** Lifetime requested as a duration (PT60S) or an absolute time on the camera's clock. */
function requestedLifetime(text: string | undefined, ctx: CameraContext): number {
  if (text === undefined || text === '') return DEFAULT_LIFETIME_MS;
  const duration = parseXmlDuration(text);
  let ms = duration;
  if (ms === undefined) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) throw invalidArg(`termination time "${text}" is neither a duration nor a date`, 'ter:InvalidTerminationTime');
    ms = at - ctx.cameraNow();
  }
  if (ms <= 0) throw invalidArg(`termination time "${text}" is in the past`, 'ter:InvalidTerminationTime');
  return Math.min(ms, MAX_LIFETIME_MS);
}

function subscriptionAddress(ctx: CameraContext, id: string): string {
  return `http://${ctx.urls.host}:${ctx.urls.onvifPort}${SERVICE_PATHS.subscription}${id}`;
}

/** The subscription a request is for: from the URL path, else from the wsa:To header. */
function findSubscription(req: SoapRequest, ctx: CameraContext, call: CallInfo): Subscription {
  let id: string | undefined;
  if (call.path.startsWith(SERVICE_PATHS.subscription)) id = call.path.slice(SERVICE_PATHS.subscription.length);
  else {
    const to = childText(req.header, 'To');
    const i = to?.indexOf(SERVICE_PATHS.subscription) ?? -1;
    if (to && i >= 0) id = to.slice(i + SERVICE_PATHS.subscription.length);
  }
  const sub = id ? ctx.events.get(id) : undefined;
  if (!sub) throw new SoapFault('env:Sender', ['ter:InvalidArgVal'], `no subscription ${id ?? '(no address given)'}`);
  return sub;
}

function times(ctx: CameraContext, sub: Subscription, prefix: 'tev' | 'wsnt'): string {
  const now = ctx.cameraNow();
  return `<${prefix}:CurrentTime>${xmlDateTime(now)}</${prefix}:CurrentTime><${prefix}:TerminationTime>${xmlDateTime(now + ctx.events.remaining(sub))}</${prefix}:TerminationTime>`;
}

const simpleItems = (items: Record<string, string>): string =>
  Object.entries(items)
    .map(([name, value]) => `<tt:SimpleItem Name="${esc(name)}" Value="${esc(value)}"/>`)
    .join('');

function notificationXml(e: CameraEvent): string {
  return (
    `<wsnt:NotificationMessage><wsnt:Topic Dialect="${TOPIC_DIALECT_CONCRETE_SET}">${esc(e.topic)}</wsnt:Topic>` +
    `<wsnt:Message><tt:Message UtcTime="${xmlDateTime(e.utcTime)}" PropertyOperation="${e.propertyOperation}">` +
    `<tt:Source>${simpleItems(e.source)}</tt:Source><tt:Data>${simpleItems(e.data)}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`
  );
}

const action = (name: string): string => `<wsa:Action>${name}</wsa:Action>`;

export const eventsOperations: OperationTable = {
  GetServiceCapabilities: {
    handle: () => `<tev:GetServiceCapabilitiesResponse>${eventsServiceCapabilitiesXml()}</tev:GetServiceCapabilitiesResponse>`,
  },
  GetEventProperties: {
    handle: () => ({
      header: action(`${NS.tev}/EventPortType/GetEventPropertiesResponse`),
      body:
        `<tev:GetEventPropertiesResponse><tev:TopicNamespaceLocation>http://www.onvif.org/onvif/ver10/topics/topicns.xml</tev:TopicNamespaceLocation>` +
        `<wsnt:FixedTopicSet>true</wsnt:FixedTopicSet>` +
        `<wstop:TopicSet><tns1:VideoSource><MotionAlarm wstop:topic="true"><tt:MessageDescription IsProperty="true">` +
        `<tt:Source><tt:SimpleItemDescription Name="Source" Type="tt:ReferenceToken"/></tt:Source>` +
        `<tt:Data><tt:SimpleItemDescription Name="State" Type="xs:boolean"/></tt:Data></tt:MessageDescription></MotionAlarm></tns1:VideoSource></wstop:TopicSet>` +
        `<wsnt:TopicExpressionDialect>${TOPIC_DIALECT_SIMPLE}</wsnt:TopicExpressionDialect>` +
        `<wsnt:TopicExpressionDialect>${TOPIC_DIALECT_CONCRETE_SET}</wsnt:TopicExpressionDialect>` +
        `<tev:MessageContentFilterDialect>${MESSAGE_CONTENT_DIALECT}</tev:MessageContentFilterDialect>` +
        `<tev:MessageContentSchemaLocation>http://www.onvif.org/onvif/ver10/schema/onvif.xsd</tev:MessageContentSchemaLocation>` +
        `</tev:GetEventPropertiesResponse>`,
    }),
  },
  CreatePullPointSubscription: {
    handle: (req, ctx) => {
      const lifetime = requestedLifetime(childText(req.body, 'InitialTerminationTime'), ctx);
      const slots = ctx.behaviours.subscriptionSlots;
      if (slots > 0 && ctx.events.subscriptionCount >= slots) {
        throw new SoapFault('env:Receiver', ['ter:Action', 'ter:TooManySubscriptions'], 'No free subscription slot', `all ${slots} subscriptions are in use`);
      }
      const sub = ctx.events.create(lifetime);
      return {
        header: action(`${NS.tev}/EventPortType/CreatePullPointSubscriptionResponse`),
        body:
          `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>${esc(subscriptionAddress(ctx, sub.id))}</wsa:Address></tev:SubscriptionReference>` +
          `${times(ctx, sub, 'wsnt')}</tev:CreatePullPointSubscriptionResponse>`,
      };
    },
  },
  PullMessages: {
    handle: async (req, ctx, call) => {
      const sub = findSubscription(req, ctx, call);
      const timeoutText = childText(req.body, 'Timeout') ?? 'PT10S';
      const timeoutMs = parseXmlDuration(timeoutText);
      if (timeoutMs === undefined || timeoutMs < 0) throw invalidArg(`Timeout "${timeoutText}" is not a duration`);
      const limitText = childText(req.body, 'MessageLimit') ?? '10';
      const limit = Number(limitText);
      if (!Number.isInteger(limit) || limit < 1) throw invalidArg(`MessageLimit "${limitText}" is not a positive integer`);
      const onAbort = (): void => ctx.events.cancel(sub);
      call.signal.addEventListener('abort', onAbort, { once: true });
      const messages = await ctx.events.pull(sub, timeoutMs, limit);
      call.signal.removeEventListener('abort', onAbort);
      return {
        header: action(`${NS.tev}/PullPointSubscription/PullMessagesResponse`),
        body: `<tev:PullMessagesResponse>${times(ctx, sub, 'tev')}${messages.map(notificationXml).join('')}</tev:PullMessagesResponse>`,
      };
    },
  },
  Renew: {
    handle: (req, ctx, call) => {
      // strict-renew: WS-Addressing is required (an independent server refuses Renew without it).
      if (ctx.behaviours.strictRenew && (!childText(req.header, 'MessageID') || !childText(req.header, 'Action'))) {
        throw new SoapFault('env:Sender', ['ter:ActionFailed'], 'Renew refused', 'wsa:MessageID and wsa:Action are required');
      }
      const sub = findSubscription(req, ctx, call);
      ctx.events.renew(sub, requestedLifetime(childText(req.body, 'TerminationTime'), ctx));
      const now = ctx.cameraNow();
      return {
        header: action(`${NS.wsnt}/SubscriptionManager/RenewResponse`),
        body: `<wsnt:RenewResponse><wsnt:TerminationTime>${xmlDateTime(now + ctx.events.remaining(sub))}</wsnt:TerminationTime><wsnt:CurrentTime>${xmlDateTime(now)}</wsnt:CurrentTime></wsnt:RenewResponse>`,
      };
    },
  },
  Unsubscribe: {
    handle: (req, ctx, call) => {
      const sub = findSubscription(req, ctx, call);
      ctx.events.remove(sub.id);
      return { header: action(`${NS.wsnt}/SubscriptionManager/UnsubscribeResponse`), body: '<wsnt:UnsubscribeResponse/>' };
    },
  },
  SetSynchronizationPoint: {
    handle: (req, ctx, call) => {
      findSubscription(req, ctx, call);
      return '<tev:SetSynchronizationPointResponse/>';
    },
  },
};
