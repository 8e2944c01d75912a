import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { message, renderMessage, type Message, type MessageCode, type MessageParams } from '../core/messages.js';
import { describeIssue, type Problem } from '../core/zod-problems.js';
import { SEVERITIES, SOURCES, timeWindowSchema } from './config.js';

/** Linkage rules: a trigger (which alarms, when, how often) and actions run in parallel. */

/** The longest rules file the gateway takes. */
const MAX_RULES_KIB = 256;

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "-" and "_" only (at most 64)');

export const triggerSchema = z.strictObject({
  source: z.enum(SOURCES).optional(),
  /** Alarm kind (press, open, motion, tamper, vision/intrusion, ...); `*` or absent: any. */
  kind: z.string().min(1).max(64).optional(),
  device: z.string().min(1).max(64).optional(),
  /** Substring of the alarm's location. */
  location: z.string().min(1).max(128).optional(),
  /** Zone of a video-AI detection. */
  zone: z.string().min(1).max(64).optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  /** Only inside these hours of the day (site time). */
  window: timeWindowSchema.optional(),
  /** After firing, the rule does not fire again for the same device within this long. */
  debounceS: z.number().int().min(0).max(86_400).default(0),
  /** Fire only when this many matching alarms came within withinMin minutes. */
  count: z.strictObject({ n: z.number().int().min(2).max(1000), withinMin: z.number().min(0.1).max(1440) }).optional(),
});

export const actionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('camera'),
    /** absent: the alarm's own camera. */
    camera: id.optional(),
    preset: z.string().min(1).max(64),
    /** Give the camera back after this long (or on acknowledge, whichever comes first). */
    returnAfterS: z.number().int().min(1).max(3600).default(60),
  }),
  z.strictObject({
    type: z.literal('speaker'),
    speakers: z.array(id).max(50).default([]),
    groups: z.array(id).max(20).default([]),
    text: z.string().min(1).max(500),
    language: z.string().min(2).max(8).optional(),
  }),
  z.strictObject({ type: z.literal('popup'), enlargeS: z.number().int().min(1).max(600).default(30) }),
  z.strictObject({
    type: z.literal('siren'),
    /** absent: the alarm's own device (a button). */
    device: id.optional(),
    led: z.enum(['on', 'blink', 'off']).default('blink'),
    siren: z.boolean().default(true),
    durationS: z.number().int().min(1).max(3600).default(60),
  }),
  z.strictObject({ type: z.literal('barrier'), barrier: id, command: z.enum(['open', 'close', 'hold-open', 'release']) }),
  z.strictObject({ type: z.literal('mqtt'), message: z.string().max(500).optional() }),
  z.strictObject({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }).max(2048),
    headers: z.record(z.string().max(64), z.string().max(512)).optional(),
  }),
]);
export type LinkageAction = z.infer<typeof actionSchema>;

export const ruleSchema = z.strictObject({
  id,
  name: z.string().min(1).max(128),
  enabled: z.boolean().default(true),
  /** Severity given to alarms this rule matches (absent: the source's). */
  severity: z.enum(SEVERITIES).optional(),
  trigger: triggerSchema,
  actions: z.array(actionSchema).min(1).max(20),
  /** Raise a work order for the alarm's grid at once. */
  workOrder: z.boolean().default(false),
});
export type LinkageRule = z.infer<typeof ruleSchema>;
export type Trigger = z.infer<typeof triggerSchema>;

export const rulesFileSchema = z.array(ruleSchema).max(500);

/** What a rule's targets are checked against before it is accepted. */
export interface RuleTargets {
  cameraExists(id: string): boolean;
  /** Presets of a camera, or null when it cannot be asked now (offline). */
  presets(cameraId: string): Promise<string[] | null>;
  speakerExists(id: string): boolean;
  speakerGroupExists(name: string): boolean;
  barrierExists(id: string): boolean;
  buttonExists(id: string): boolean;
}

/** A problem in a rule: `message` in English, `messageCode`/`params` the same by code (the rule and path not included). */
export interface RuleProblem extends Message {
  rule: string;
  path: string;
  message: string;
}

function ruleProblem(rule: string, path: string, code: MessageCode, params: MessageParams = {}): RuleProblem {
  return { rule, path, message: renderMessage(code, params), ...message(code, params) };
}

/** The problems as the error's `issues`: each a message by code with the rule's own problem inside. */
function issuesOf(problems: readonly RuleProblem[]): Problem[] {
  return problems.map((p) => {
    const outer = message('rule-problem.in-rule', { rule: p.rule, problem: p.message });
    return { field: p.path, ...outer, text: describe(p), inner: { messageCode: p.messageCode, params: p.params } };
  });
}

/** Parses YAML (or an already parsed array) into rules; throws a 400 listing every problem. */
export function parseRules(source: string | unknown[]): LinkageRule[] {
  let data: unknown = source;
  if (typeof source === 'string') {
    if (source.length > MAX_RULES_KIB * 1024) throw new UserError('alarm-rules.too-long', { kib: MAX_RULES_KIB }, 400, 'rules_too_long');
    try {
      data = parseYaml(source, { maxAliasCount: 50 }) ?? [];
    } catch (err) {
      throw new UserError('alarm-rules.not-yaml', { reason: (err as Error).message.split('\n')[0] ?? '' }, 400, 'rules_yaml');
    }
  }
  const result = rulesFileSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 20).map((i): RuleProblem => {
      const index = typeof i.path[0] === 'number' ? i.path[0] : null;
      const ruleId = index !== null && Array.isArray(data) ? String((data[index] as { id?: unknown } | undefined)?.id ?? `#${index + 1}`) : '';
      const inner = describeIssue({ ...i, path: i.path.slice(1) }, '(rule)');
      return { rule: ruleId, path: inner.field === '(rule)' ? '' : inner.field, message: inner.text, messageCode: inner.messageCode, params: inner.params };
    });
    throw new UserError('alarm-rules.invalid', { problems: problems.map(describe).join('; ') }, 400, 'rules_invalid', { problems, issues: issuesOf(problems) });
  }
  const ids = new Set<string>();
  for (const rule of result.data) {
    if (ids.has(rule.id)) throw new UserError('alarm-rules.duplicate-id', { rule: rule.id }, 400, 'rules_invalid', { problems: [ruleProblem(rule.id, 'id', 'rule-problem.duplicate-id')] });
    ids.add(rule.id);
  }
  return result.data;
}

function describe(p: RuleProblem): string {
  return `rule ${p.rule}${p.path ? ` (${p.path})` : ''}: ${p.message}`;
}

/** Checks that every camera, preset, speaker, barrier and button a rule names exists. */
export async function checkTargets(rules: readonly LinkageRule[], targets: RuleTargets): Promise<{ problems: RuleProblem[]; warnings: RuleProblem[] }> {
  const problems: RuleProblem[] = [];
  const warnings: RuleProblem[] = [];
  for (const rule of rules) {
    for (const [i, action] of rule.actions.entries()) {
      const path = `actions.${i}`;
      if (action.type === 'camera') {
        if (!action.camera) continue; // the alarm's own camera: checked when it fires
        if (!targets.cameraExists(action.camera)) {
          problems.push(ruleProblem(rule.id, path, 'rule-problem.no-camera', { camera: action.camera }));
          continue;
        }
        const presets = await targets.presets(action.camera);
        if (presets === null) warnings.push(ruleProblem(rule.id, path, 'rule-problem.camera-offline', { camera: action.camera, preset: action.preset }));
        else if (!presets.includes(action.preset)) problems.push(ruleProblem(rule.id, path, 'rule-problem.no-preset', { camera: action.camera, preset: action.preset, presets: presets.filter((p, k) => k % 2 === 0).join(', ') || 'none' }));
      } else if (action.type === 'speaker') {
        if (action.speakers.length === 0 && action.groups.length === 0) problems.push(ruleProblem(rule.id, path, 'rule-problem.speaker-targets'));
        for (const s of action.speakers) if (!targets.speakerExists(s)) problems.push(ruleProblem(rule.id, path, 'rule-problem.no-speaker', { speaker: s }));
        for (const g of action.groups) if (!targets.speakerGroupExists(g)) problems.push(ruleProblem(rule.id, path, 'rule-problem.no-group', { group: g }));
      } else if (action.type === 'barrier') {
        if (!targets.barrierExists(action.barrier)) problems.push(ruleProblem(rule.id, path, 'rule-problem.no-barrier', { barrier: action.barrier }));
      } else if (action.type === 'siren' && action.device && !targets.buttonExists(action.device)) {
        problems.push(ruleProblem(rule.id, path, 'rule-problem.no-button', { device: action.device }));
      }
    }
  }
  return { problems, warnings };
}

export async function validateRules(source: string | unknown[], targets: RuleTargets): Promise<{ rules: LinkageRule[]; warnings: RuleProblem[] }> {
  const rules = parseRules(source);
  const { problems, warnings } = await checkTargets(rules, targets);
  if (problems.length) throw new UserError('alarm-rules.not-saved', { problems: problems.map(describe).join('; ') }, 400, 'rules_invalid', { problems, warnings, issues: issuesOf(problems) });
  return { rules, warnings };
}

export function rulesToYaml(rules: readonly unknown[]): string {
  return toYaml(rules);
}
