import type { ContractChapter } from '../../src/mqtt/contract-docs.js';

/** The alarm devices chapter of docs/mqtt.md: one-key alarm buttons and door/contact sensors. */
export const alarmDevicesChapter: ContractChapter = {
  owner: 'alarm-button',
  title: 'Alarm buttons and door sensors',
  intro: `
A one-key **alarm button** (\`alarm-buttons/<id>/...\`) reports presses (\`press\`), a long press
that cancels (\`long-press\`), its tamper switch and a low battery, and obeys LED and siren
commands. A **door/contact sensor** (\`door-sensors/<id>/...\`, the door of a home under watch)
reports \`open\`/\`closed\`, tamper and low battery. The \`door-sensor.*\` topics below follow the
same rules as the button's.

### Connecting

1. Connect with a clean session, username = client id = the device id, last will
   \`<kind>/<id>/availability\` = \`offline\` (QoS 1, retained).
2. Subscribe (QoS 1) to \`<kind>/<id>/ack\` (and a button to \`<kind>/<id>/command\`).
3. Publish \`online\` (retained) on \`availability\` and the current \`state\` (retained).
4. Send every event it still holds, oldest first, with \`retransmission: true\`.

### Events: the end-to-end guarantee (as barrier entries)

1. The device **writes the event to durable storage before publishing it** on \`<kind>/<id>/event\`.
2. The gateway validates it, stores it in a database transaction (\`synchronous = FULL\`) and,
   **after the commit**, publishes \`<kind>/<id>/ack\` naming its \`eventId\`.
3. Only then may the device forget it; until then it keeps it across its own restarts and sends it
   again after every reconnect and when no acknowledgement came within 10 s.
4. Each \`(device id, eventId)\` is stored once: a resent event is acknowledged again, never
   stored twice. An event that breaks the contract is named in \`rejected\` of an ack, with the
   reason, so that the device stops resending it.
`,
};
