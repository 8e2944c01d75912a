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
2. Subscribe (QoS 1) to \`barriers/<id>/ack\`, \`barriers/<id>/command\`, \`barriers/<id>/lists\` and \`barriers/<id>/passes\`.
3. Publish \`online\` (retained) on \`barriers/<id>/availability\`, the arm's \`state\` (retained) and
   the list version it holds on \`lists/applied\` and the pass version on \`passes/applied\` (retained).
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
   entries, in order), and while connected when no acknowledgement came within 10 s. **The 10 s
   resend is required**, not a suggestion: it is what recovers an entry whose acknowledgement was lost
   (it may back off, doubling up to 80 s, while the gateway is slow). Every entry not sent at the
   moment it happened (a resend, a replay after a reconnect, an entry made while offline) carries
   \`retransmission: true\`: the gateway then knows its time may legitimately be old.
5. The gateway stores each \`(barrier id, eventId)\` once (a database UNIQUE constraint): a resent or
   duplicated entry is acknowledged again and never stored twice. \`eventId\` must therefore never be
   reused by that barrier, not even after a factory reset (use a UUID, or a boot id plus a counter).
6. An entry the gateway can never store is answered with \`rejected: [{eventId, code, reason}]\` in an
   ack, whenever the payload names an \`eventId\` at all (a numeric one is named as text, a too-long one
   in full). Codes: \`invalid-payload\` (it does not fit the schema), \`invalid-event-id\` (not 1-128
   printable ASCII characters), \`invalid-utf8\` (the payload is not UTF-8; nothing is replaced),
   \`unknown-format\` (vendor format without an adapter), \`event-id-conflict\` (see 7). It is also
   reported on \`gateway/errors\` (at most 10 a minute per barrier and topic, then one line with the
   count) and counted in \`gateway_mqtt_invalid_messages_total\`; the barrier stops resending it and
   keeps it for its installer. The barrier's other entries are not affected.
7. An \`eventId\` reused for a **different** entry (other time, plate, direction...) is a conflict: the
   first entry stays stored, the second is rejected with \`event-id-conflict\`, and the officer sees
   both (\`GET /api/access/conflicts\`, \`access/conflicts/<gate>\`, the dashboards' feed, the metric
   \`gateway_access_entry_conflicts_total\`). The same entry sent again is a duplicate, acknowledged again.
8. The gateway acknowledges the MQTT delivery (PUBACK) of an entry only after its commit, so an entry
   the broker queued for the gateway while it was away is delivered again to its next session.

Suggested flow control: keep at most a few hundred entries unacknowledged in flight; send the rest as
acknowledgements arrive.

### Clock and time zone

\`timestamp\` is the barrier's own clock, with its UTC offset. The gateway keeps all of it: the device
time (\`deviceTime\`), the offset as written (\`utcOffset\`, e.g. \`+08:00\`; \`occurredAt\` is always UTC),
and when it received the entry (\`receivedAt\`). It measures each barrier's clock offset from what the
barrier says about *now*: the \`at\` of a live (not retained) \`state\` message and the \`timestamp\` of
a live entry (no \`retransmission\`). Within \`access.maxClockSkewMs\` (5 min) the barrier's time is the
time of the passage. Beyond it, every entry of that barrier is stored at its device time minus the
offset (a held entry keeps its true age), with \`clockOffsetMs\` set; an entry dated more than that
into the gateway's future is stored at its receive time. Queries, ordering and "vehicles inside" use
the corrected time. The offset is shown per barrier (\`GET /api/barriers\` \`clock\`, retained on \`access/clocks/<gate>\`, the metric
\`gateway_barrier_clock_offset_seconds\`). Keep the clock on NTP all the same.

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
A \`command/result\` whose \`requestId\` the gateway does not know (late, after the timeout, or for a
command it did not send) is ignored. An integration may send a barrier \`command\` itself over MQTT;
the gateway audits it (\`barrier.<command>\` and \`barrier.<command>.result\`) under the name in
\`issuedBy\`, which must be the integration's configured name (anything else is audited and logged
as an unverified MQTT client: MQTT does not tell the gateway who published).
Publish \`state\` (retained) on every change of the arm: \`closed\`, \`opening\`, \`open\`, \`closing\`, \`fault\`.

### Allow and deny lists

The gateway publishes the complete lists, retained, with a \`version\` that grows with every change,
after each change, at its start, and when a barrier comes online holding an older version. The
barrier stores them durably, decides from them on its own (also while the gateway or the broker is
down): a credential on the deny list is refused with reason \`deny-list\`; on the allow list it is
granted; anything else follows the barrier's own policy for visitors. After storing a version it
publishes \`lists/applied\` (retained) with that version; the gateway shows each barrier as *in sync*
or *pending*.

### Visitor passes

The gateway publishes every visitor pass that has neither expired nor been revoked, retained, on
\`barriers/<id>/passes\`, versioned like the lists (after each registration or revocation, at its
start, when a barrier comes online holding an older version, and every hour so that expired passes
drop out). Each pass is the QR code's text (\`CGV1.\` and 22 random base64url characters: 128 bits,
so a code cannot be guessed, and a barrier admits only codes it holds, so none can be forged) with
\`validFrom\` and \`validUntil\`. The barrier stores them durably and decides a QR credential
starting with \`CGV1.\` only from them, **by its own clock**, also while the gateway is down:
granted (\`visitor pass\`) while \`validFrom <= now < validUntil\`, denied \`pass not yet valid\`
before, \`pass expired\` after, \`unknown pass\` for a code it does not hold (revoked, forged or
mistyped). It never applies its visitor policy to such a code. After storing a version it publishes
\`passes/applied\` (retained). Keep the barrier's clock on NTP: it is what ends a pass.

### Live feed

After each commit the gateway publishes every newly stored entry once on \`access/entries/<gate>\`
(and on the dashboards' \`/api/feed\` WebSocket as \`access.entry\`). Barriers cannot subscribe to it.
`,
};
