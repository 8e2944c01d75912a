import type { TopicSpec } from '../core/mqtt-contract.js';
import { readersOf, writersOf } from './topic-access.js';

/** Prose a device kind adds to docs/mqtt.md: the flows its topics take part in. */
export interface ContractChapter {
  owner: string;
  title: string;
  /** Markdown: how the topics are used together (sequence, acknowledgements, timing). */
  intro: string;
}

function anchor(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/** Who publishes and who may read a topic: the same rule as the brokers' ACLs (src/mqtt/topic-access.ts). */
function directionText(spec: TopicSpec<unknown, string>): string {
  if (spec.direction === 'to-gateway') return writersOf(spec) === 'device' ? 'device → gateway' : 'integration → gateway';
  const readers = readersOf(spec);
  return `gateway → ${readers === 'device' ? 'the device' : readers === 'group' ? "the group's devices" : readers}`;
  // Integrations (mqtt.integrations) may publish and read every topic under the base topic.
}

function renderTopic(spec: TopicSpec<unknown, string>, base: string): string {
  const lines = [
    `### \`${base}/${spec.pattern}\``,
    '',
    `<a id="${anchor(spec.name)}"></a>${spec.summary}`,
    '',
    `| name | direction | QoS | retained | payload |`,
    `| --- | --- | --- | --- | --- |`,
    `| \`${spec.name}\` | ${directionText(spec)} | ${spec.qos} | ${spec.retained ? 'yes' : 'no'} | ${spec.payload.format} |`,
    '',
  ];
  if (spec.details) lines.push(spec.details, '');
  if (spec.mirror === false) lines.push('Not mirrored on the dashboards\' feed (`/api/feed`).', '');
  if (spec.payload.format === 'binary') {
    lines.push('Payload layout:', '', String(spec.payload.describe()), '');
  } else {
    const example = spec.payload.format === 'json' ? JSON.stringify(spec.example, null, 2) : String(spec.example);
    lines.push('Example:', '', '```' + (spec.payload.format === 'json' ? 'json' : 'text'), example, '```', '');
    lines.push('<details><summary>JSON Schema</summary>', '', '```json', JSON.stringify(spec.payload.describe(), null, 2), '```', '', '</details>', '');
  }
  return lines.join('\n');
}

/** Renders the generated part of docs/mqtt.md from the contract and the chapters' prose. */
export function renderContractDocs(topics: readonly TopicSpec<unknown, string>[], chapters: readonly ContractChapter[], base = '<base>'): string {
  const owners = [...new Set(topics.map((t) => t.owner))];
  const out: string[] = [];
  out.push('| topic | name | direction | QoS | retained |', '| --- | --- | --- | --- | --- |');
  for (const t of topics) {
    out.push(`| \`${base}/${t.pattern}\` | [\`${t.name}\`](#${anchor(t.name)}) | ${t.direction === 'to-gateway' ? '→ gateway' : 'gateway →'} | ${t.qos} | ${t.retained ? 'yes' : 'no'} |`);
  }
  out.push('');
  for (const owner of owners) {
    const chapter = chapters.find((c) => c.owner === owner);
    out.push(`## ${chapter?.title ?? owner}`, '');
    if (chapter) out.push(chapter.intro.trim(), '');
    for (const t of topics.filter((x) => x.owner === owner)) out.push(renderTopic(t, base));
  }
  return out.join('\n');
}

export const GENERATED_START = '<!-- generated from the contract: do not edit below; run `npm run docs` -->';
export const GENERATED_END = '<!-- end of generated contract -->';

/** Replaces the generated block of a markdown document. */
export function spliceGenerated(document: string, generated: string): string {
  const start = document.indexOf(GENERATED_START);
  const end = document.indexOf(GENERATED_END);
  if (start < 0 || end < 0) return `${document.trimEnd()}\n\n${GENERATED_START}\n\n${generated}\n${GENERATED_END}\n`;
  return `${document.slice(0, start)}${GENERATED_START}\n\n${generated}\n${document.slice(end)}`;
}
