import type { ContractChapter } from '../../src/mqtt/contract-docs.js';

/** The speaker chapter of docs/mqtt.md: how the topics work together. */
export const speakerChapter: ContractChapter = {
  owner: 'speaker',
  title: 'Speakers (contract version 1)',
  intro: `
A speaker subscribes to its own topics \`speakers/<id>/{play,audio,stop,volume}\` and, for every group
it belongs to (\`mqtt.devices[].groups\`, e.g. \`all\`, \`gates\`, \`building-a\`), to
\`speakers/group/<group>/{play,audio,stop,volume}\`. The gateway publishes each message once per
named group, so its cost does not grow with the size of a group; speakers named one by one that
are not in a named group get their own copy. A speaker in two of a job's groups receives each
message once per group: it must play each audio frame once (drop a frame whose \`stream\` and
\`sequence\` it has already had) and treat a repeated \`play\` or \`stop\` of the same job as one.

**A job** (live call-out, TTS, clip, scheduled publicity) goes like this:

1. \`play\` (QoS 1) announces it: \`jobId\`, \`stream\` number, \`priority\` (live 40, alarm 30,
   manual 20, scheduled 10) and \`class\`, \`source\`, \`codec\`, \`sampleRate\`, \`frameMs\`, \`volume\`.
2. \`audio\` frames (QoS 0, binary, 20-40 ms each, layout below) follow in real time: the gateway
   sends TTS and clips about \`broadcast.leadMs\` ahead of play-out, live audio as it arrives. The
   last frame has the end-of-stream flag.
3. The speaker reports \`started\`, then \`finished\` on end of stream, on \`speakers/<id>/event\`, with
   reception statistics (frames, lost frames from sequence gaps, latency from capture times, jitter).
4. \`stop\` (QoS 1) ends a job at once (an officer stopped it, it was preempted under the skip
   policy). After a normal end the gateway also sends a \`stop\` with \`drain: true\` (play out what
   you hold, then end), in case the end-of-stream frame was lost. The gateway keeps each job's
   messages in order: frames wait while a \`play\` or \`stop\` is unacknowledged by the broker.

**Priorities.** A speaker plays the highest-priority job it has been told about (the earlier one
on a tie) and drops the frames of the others; when that job ends it falls back to the next one
still running and reports \`resumed\` for it (and \`preempted\` for the one it left). The gateway
keeps the same ownership table, refuses a new live, alarm or manual job on speakers held by a job
of the same or higher priority (one live talk per speaker), and lets scheduled jobs wait
(\`resume\` policy) or give up (\`skip\`). A job that lost every speaker is suspended: its frames
stop and continue where they left off when a speaker is free again.

**Native TTS.** A speaker that lists a language in \`capabilities.nativeTts\` may receive a \`play\`
with \`codec: "none"\` and the \`text\`: it speaks it itself and reports \`finished\`. The gateway uses
this only when every online target speaker declares that language.

**State.** \`speakers/<id>/state\` (retained) says idle or playing which job, the volume, the
groups and the capabilities; \`codecs\` always contains \`pcmu\`.

**Events.** The gateway publishes every job event on \`broadcast/events\` (also in the API at
\`/api/broadcast/jobs\` and on the \`/api/feed\` WebSocket).
`,
};
