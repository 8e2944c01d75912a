import type { ContractChapter } from '../../src/mqtt/contract-docs.js';

/** The barrier chapter of docs/mqtt.md: enough for a vendor to build a barrier from it alone. */
export const barrierChapter: ContractChapter = {
  owner: 'barrier',
  title: 'Gate barriers',
  intro: `
A barrier (vehicle arm, pedestrian turnstile, ANPR camera driving an arm) reports every passage and
refused attempt, obeys remote commands and decides locally from allow/deny lists the gateway keeps
on it. Its MQTT username is its id; it publishes and subscribes only under \`<base>/barriers/<id>/\`.

### Connecting

1. Connect with a **clean session** (commands must not pile up while the barrier is away: a stale
   \`open\` executed minutes later is dangerous), username = id, password from the gateway's
   configuration, last will \`barriers/<id>/availability\` = \`offline\` (QoS 1, retained).
2. Subscribe (QoS 1) to \`barriers/<id>/ack\`, \`barriers/<id>/command\` and \`barriers/<id>/lists\`.
3. Publish \`online\` (retained) on \`barriers/<id>/availability\`, the arm's \`state\` (retained) and
   the list version it holds on \`lists/applied\` (retained).
4. Send every entry it still holds (see below), oldest first, with \`retransmission: true\`.

### Entries: the end-to-end guarantee

An MQTT broker's QoS 1 is not enough (a broker's queue has limits and is saved to disk only now and
then), so acknowledgement is end to end:

1. The barrier decides (from its lists), then **writes the entry to durable storage** (an append-only
   journal, flushed to disk) **before** publishing it on \`barriers/<id>/entry\` (QoS 1).
2. The gateway validates it, stores it in a database transaction and, **after the commit**, publishes
   \`barriers/<id>/ack\` naming its \`eventId\` (acknowledgements are batched: one message may name
   many entries; \`committedAt\` tells when).
3. Only then may the barrier forget the entry.
4. Until then it keeps it, across its own restarts, and sends it again: after every reconnect (all held
   entries, in order), and while connected when no acknowledgement came within its retransmit
   interval (10 s suggested). Resent entries carry \`retransmission: true\`.
5. The gateway stores each \`(barrier id, eventId)\` once (a database UNIQUE constraint): a resent or
   duplicated entry is acknowledged again and never stored twice. \`eventId\` must therefore never be
   reused by that barrier, not even after a factory reset (use a UUID, or a boot id plus a counter).
6. An entry the gateway can never store (it does not fit the schema) is answered with
   \`rejected: [{eventId, reason}]\` in an ack (when the payload has a readable \`eventId\`), reported on
   \`gateway/errors\` and counted in \`gateway_mqtt_invalid_messages_total\`; the barrier stops resending
   it and keeps it for its installer. The barrier's other entries are not affected.

Suggested flow control: keep at most a few hundred entries unacknowledged in flight; send the rest as
acknowledgements arrive. \`timestamp\` is the barrier's own clock (with zone); the gateway keeps it as
the time of the passage, and also records when it received the entry.

A barrier that speaks a vendor format (e.g. a Hikvision ANPR camera) publishes it unchanged on
\`barriers/<id>/vendor/<format>\`; the gateway's adapter for that format maps it (the vendor's event
id, e.g. \`UUID\`, is the \`eventId\` of the acknowledgement).

### Commands

The gateway publishes \`command\` with a fresh \`requestId\`, \`issuedAt\` and \`expiresAt\`. The barrier
ignores a command that arrives after \`expiresAt\` (answering \`refused\`), otherwise carries it out and
publishes \`command/result\` with the same \`requestId\` once the arm reached the commanded position
(\`ok\`), or \`failed\` with an \`error\`. \`open\` opens for one passage and closes by itself after it (a
vehicle that passes is reported as an entry with credential type \`remote\` and the requestId as its
value); \`hold-open\` keeps the arm up until \`release\` (or \`close\`). The gateway answers the officer
with a timeout error when no result arrives within \`access.commandTimeoutMs\` (5 s by default).
Publish \`state\` (retained) on every change of the arm: \`closed\`, \`opening\`, \`open\`, \`closing\`, \`fault\`.

### Allow and deny lists

The gateway publishes the complete lists, retained, with a \`version\` that grows with every change,
after each change, at its start, and when a barrier comes online holding an older version. The
barrier stores them durably, decides from them on its own (also while the gateway or the broker is
down): a credential on the deny list is refused with reason \`deny-list\`; on the allow list it is
granted; anything else follows the barrier's own policy for visitors. After storing a version it
publishes \`lists/applied\` (retained) with that version; the gateway shows each barrier as *in sync*
or *pending*.

### Live feed

After each commit the gateway publishes every newly stored entry once on \`access/entries/<gate>\`
(and on the dashboards' \`/api/feed\` WebSocket as \`access.entry\`). Barriers cannot subscribe to it.
`,
};
