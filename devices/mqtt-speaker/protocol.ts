import { z } from 'zod';
import { binaryPayload, defineTopic, deviceAvailabilityTopic, jsonPayload } from '../../src/core/mqtt-contract.js';
import { AUDIO_CODECS, AUDIO_FRAME_DESCRIPTION, decodeAudioFrame, encodeAudioFrame } from './audio-frame.js';

export * from './audio-frame.js';

/** MQTT kind level for speakers: topics live under `<base>/speakers/<id>/...`. */
export const SPEAKER_KIND = 'speakers';
/** Version of the speaker contract, carried in `play` and `state`. */
export const SPEAKER_CONTRACT_VERSION = 1;

export const speakerAvailability = deviceAvailabilityTopic(SPEAKER_KIND, 'speaker');

/** Priority classes, highest first; the number travels on the wire so speakers can arbitrate. */
export const PRIORITY_LEVELS = { live: 40, alarm: 30, manual: 20, scheduled: 10 } as const;
export type PriorityClass = keyof typeof PRIORITY_LEVELS;
export const prioritySchema = z.enum(['live', 'alarm', 'manual', 'scheduled']);
export const sourceSchema = z.enum(['live', 'tts', 'clip']);
export type AudioSource = z.infer<typeof sourceSchema>;
const codecSchema = z.enum(AUDIO_CODECS as [string, ...string[]]);
const volume = z.number().int().min(0).max(100);

export const speakerStateSchema = z.object({
  v: z.number().int(),
  state: z.enum(['idle', 'playing']),
  jobId: z.string().nullable(),
  priority: z.number().int().min(0).max(100).nullable(),
  volume,
  groups: z.array(z.string()),
  capabilities: z.object({
    codecs: z.array(z.string()).min(1),
    /** Languages the speaker can speak from text itself (e.g. `zh`, `en`); empty: none. */
    nativeTts: z.array(z.string()),
  }),
});
export type SpeakerState = z.infer<typeof speakerStateSchema>;

export const speakerState = defineTopic({
  name: 'speaker.state',
  pattern: 'speakers/{id}/state',
  direction: 'to-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(speakerStateSchema),
  summary: 'What the speaker is doing (retained): idle or playing which job at which priority, its volume, groups and capabilities.',
  details: 'Published on connect and on every change. `capabilities.codecs` must contain `pcmu`; `nativeTts` lists languages it can speak from text.',
  example: { v: 1, state: 'playing', jobId: 'j-8f2c', priority: 20, volume: 80, groups: ['all', 'gate-east'], capabilities: { codecs: ['pcmu', 's16le'], nativeTts: [] } },
  owner: 'speaker',
});

export const playSchema = z.object({
  v: z.literal(SPEAKER_CONTRACT_VERSION),
  jobId: z.string().min(1).max(64),
  /** Matches the stream number in the audio frames of this job. */
  stream: z.number().int().min(0).max(0xffffffff),
  priority: z.number().int().min(0).max(100),
  class: prioritySchema,
  source: sourceSchema,
  /** `none` when the speaker speaks `text` itself (native TTS): no audio frames follow. */
  codec: z.union([codecSchema, z.literal('none')]),
  sampleRate: z.number().int().positive(),
  frameMs: z.number().int().min(10).max(60),
  volume: volume.nullable(),
  repeat: z.number().int().min(1).max(100),
  text: z.string().max(2000).optional(),
  language: z.string().max(16).optional(),
  label: z.string().max(200).optional(),
  at: z.string(),
});
export type PlayMessage = z.infer<typeof playSchema>;

const playExample: PlayMessage = {
  v: 1,
  jobId: 'j-8f2c',
  stream: 17,
  priority: 20,
  class: 'manual',
  source: 'tts',
  codec: 'pcmu',
  sampleRate: 8000,
  frameMs: 20,
  volume: null,
  repeat: 1,
  label: 'Please keep the fire lane clear',
  at: '2026-11-24T08:00:00.000Z',
};

const playDetails =
  'Announces a job before its first audio frame. A speaker plays the highest-priority job it has been told about (earlier job on a tie) and falls back to the next one still running when it ends; frames of other streams are dropped. `repeat` is informational: the gateway sends the repetitions as audio.';

export const speakerPlay = defineTopic({
  name: 'speaker.play',
  pattern: 'speakers/{id}/play',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(playSchema),
  summary: 'Start of a job on one speaker: id, stream number, priority, source, codec, sample rate, volume.',
  details: playDetails,
  example: playExample,
  owner: 'speaker',
});

export const groupPlay = defineTopic({
  name: 'speaker.group.play',
  pattern: 'speakers/group/{group}/play',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(playSchema),
  summary: 'The same as `speakers/<id>/play`, for every member of a group (one publish, whatever the group size).',
  example: playExample,
  owner: 'speaker',
});

const audioPayload = binaryPayload({ decode: decodeAudioFrame, encode: encodeAudioFrame, description: AUDIO_FRAME_DESCRIPTION });

export const speakerAudio = defineTopic({
  name: 'speaker.audio',
  pattern: 'speakers/{id}/audio',
  direction: 'from-gateway',
  qos: 0,
  retained: false,
  payload: audioPayload,
  summary: 'Audio frames of a job for one speaker (QoS 0: a late frame is worse than a lost one).',
  example: { codec: 'pcmu', endOfStream: false, frameMs: 20, stream: 17, sequence: 0, capturedAt: 1795766400000, data: Buffer.alloc(160, 0xff) },
  owner: 'speaker',
});

export const groupAudio = defineTopic({
  name: 'speaker.group.audio',
  pattern: 'speakers/group/{group}/audio',
  direction: 'from-gateway',
  qos: 0,
  retained: false,
  payload: audioPayload,
  summary: 'Audio frames of a job for every member of a group.',
  example: { codec: 'pcmu', endOfStream: false, frameMs: 20, stream: 17, sequence: 0, capturedAt: 1795766400000, data: Buffer.alloc(160, 0xff) },
  owner: 'speaker',
});

export const stopSchema = z.object({
  jobId: z.string().min(1),
  reason: z.string().max(200),
  /** true: the job ended normally; play out the audio already received, then end (a safety net for a lost end-of-stream frame). false or absent: cut it now. */
  drain: z.boolean().optional(),
});
export type StopMessage = z.infer<typeof stopSchema>;

export const speakerStop = defineTopic({
  name: 'speaker.stop',
  pattern: 'speakers/{id}/stop',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(stopSchema),
  summary: 'Stop a job on one speaker: at once (stopped by an officer, preempted with the skip policy), or after playing out what it holds (`drain`, after a normal end).',
  example: { jobId: 'j-8f2c', reason: 'stopped by officer' },
  owner: 'speaker',
});

export const groupStop = defineTopic({
  name: 'speaker.group.stop',
  pattern: 'speakers/group/{group}/stop',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(stopSchema),
  summary: 'Stop a job on every member of a group.',
  example: { jobId: 'j-8f2c', reason: 'stopped by officer' },
  owner: 'speaker',
});

export const volumeSchema = z.object({ volume });
export type VolumeMessage = z.infer<typeof volumeSchema>;

export const speakerVolume = defineTopic({
  name: 'speaker.volume',
  pattern: 'speakers/{id}/volume',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(volumeSchema),
  summary: 'Set the speaker\'s output volume (0-100); the speaker confirms in its `state`.',
  example: { volume: 70 },
  owner: 'speaker',
});

export const groupVolume = defineTopic({
  name: 'speaker.group.volume',
  pattern: 'speakers/group/{group}/volume',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(volumeSchema),
  summary: 'Set the volume of every member of a group.',
  example: { volume: 70 },
  owner: 'speaker',
});

export const SPEAKER_EVENTS = ['started', 'finished', 'preempted', 'resumed', 'stopped', 'failed'] as const;

export const speakerEventSchema = z.object({
  jobId: z.string().min(1),
  event: z.enum(SPEAKER_EVENTS),
  at: z.string(),
  reason: z.string().max(500).optional(),
  /** Reception statistics of the job so far, from the frames' sequence numbers and capture times. */
  stats: z
    .object({
      frames: z.number().int().min(0),
      lost: z.number().int().min(0),
      latencyP50Ms: z.number().nullable(),
      latencyP95Ms: z.number().nullable(),
      jitterMs: z.number().nullable(),
    })
    .optional(),
});
export type SpeakerEvent = z.infer<typeof speakerEventSchema>;

export const speakerJobEvent = defineTopic({
  name: 'speaker.event',
  pattern: 'speakers/{id}/event',
  direction: 'to-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(speakerEventSchema),
  summary: 'What happened to a job on this speaker: started, finished, preempted, resumed, stopped, failed (with reception statistics).',
  example: { jobId: 'j-8f2c', event: 'finished', at: '2026-11-24T08:00:03.120Z', stats: { frames: 150, lost: 0, latencyP50Ms: 4.1, latencyP95Ms: 9.8, jitterMs: 1.2 } },
  owner: 'speaker',
});

export const JOB_EVENTS = ['queued', 'started', 'preempted', 'resumed', 'finished', 'stopped', 'skipped', 'failed'] as const;
export type JobEventName = (typeof JOB_EVENTS)[number];

export const broadcastEventSchema = z.object({
  jobId: z.string(),
  event: z.enum(JOB_EVENTS),
  class: prioritySchema,
  source: sourceSchema,
  /** Speakers the event concerns (all of the job's, or those taken by a higher job). */
  speakers: z.array(z.string()),
  /** The job that caused a preemption. */
  by: z.string().optional(),
  reason: z.string().optional(),
  at: z.string(),
});
export type BroadcastEvent = z.infer<typeof broadcastEventSchema>;

export const broadcastEvents = defineTopic({
  name: 'broadcast.event',
  pattern: 'broadcast/events',
  direction: 'from-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(broadcastEventSchema),
  summary: 'Every job event of the broadcast service (started, preempted, resumed, finished, stopped, skipped, failed) for dashboards and integrations.',
  example: { jobId: 'j-8f2c', event: 'preempted', class: 'scheduled', source: 'tts', speakers: ['gate-east'], by: 'j-91aa', at: '2026-11-24T08:00:01.000Z' },
  owner: 'speaker',
});

/** Every topic of the speaker contract. */
export const speakerTopics = [
  speakerAvailability,
  speakerState,
  speakerJobEvent,
  speakerPlay,
  groupPlay,
  speakerAudio,
  groupAudio,
  speakerStop,
  groupStop,
  speakerVolume,
  groupVolume,
  broadcastEvents,
] as const;
