import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, type Tags } from 'yaml';
import type { z } from 'zod';
import { configSchema, type GatewayConfig } from './schema.js';

export const DEFAULTS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'default.yaml');
/** Environment variables `GATEWAY__SECTION__KEY=value` override single keys. */
export const ENV_OVERRIDE_PREFIX = 'GATEWAY__';
/** Environment variable naming the user's configuration file. */
export const ENV_CONFIG_FILE = 'GATEWAY_CONFIG';

export interface ConfigProblem {
  /** Key path such as `mqtt.devices[0].password`; empty for the document itself. */
  path: string;
  found: string;
  expected: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`invalid configuration (${source}):\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `  - ${p.path || '(top level)'}: found ${p.found}; expected ${p.expected}`;
}

/** A `!env NAME` or `!file PATH` value, replaced after parsing so that errors can name the key path. */
class SecretRef {
  constructor(
    readonly from: 'env' | 'file',
    readonly ref: string,
  ) {}
}

const secretTags: Tags = [
  { tag: '!env', resolve: (value: string) => new SecretRef('env', value.trim()) },
  { tag: '!file', resolve: (value: string) => new SecretRef('file', value.trim()) },
];

type Tree = Record<string, unknown>;

function isPlainObject(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof SecretRef);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function describeValue(path: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  if (/password|secret|token/i.test(path) && typeof value === 'string') return '(a secret, not shown)';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function valueAt(tree: unknown, path: readonly PropertyKey[]): unknown {
  let node = tree;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function parseYaml(text: string, source: string): unknown {
  const doc = parseDocument(text, { customTags: secretTags, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, found: 'text that is not valid YAML', expected: e.message.split('\n')[0] ?? 'valid YAML' })),
    );
  }
  return doc.toJS() ?? {};
}

/** Deep merge: objects are merged key by key, everything else (arrays included) is replaced. */
export function mergeConfig(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = mergeConfig(base[key], value);
  return out;
}

function parseScalar(text: string): unknown {
  try {
    return parseDocument(text).toJS();
  } catch {
    return text;
  }
}

/** Applies GATEWAY__SECTION__KEY=value overrides; key segments match case-insensitively, `_` ignored. */
export function applyEnvOverrides(tree: unknown, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): unknown {
  let result = tree;
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_OVERRIDE_PREFIX) || raw === undefined) continue;
    const segments = name.slice(ENV_OVERRIDE_PREFIX.length).split('__').filter(Boolean);
    const path: string[] = [];
    let node: unknown = result;
    for (const segment of segments) {
      const wanted = segment.toLowerCase().replace(/_/g, '');
      const key = isPlainObject(node) ? Object.keys(node).find((k) => k.toLowerCase() === wanted) : undefined;
      if (key === undefined) {
        problems.push({ path: name, found: `no key "${segment}" under "${path.join('.') || '(top level)'}"`, expected: 'an existing key path, e.g. GATEWAY__HTTP__PORT' });
        path.length = 0;
        break;
      }
      path.push(key);
      node = (node as Tree)[key];
    }
    if (path.length !== segments.length) continue;
    const override = path.reduceRight<unknown>((value, key) => ({ [key]: value }), parseScalar(raw));
    result = mergeConfig(result, override);
  }
  return result;
}

function resolveSecrets(node: unknown, path: PropertyKey[], env: NodeJS.ProcessEnv, baseDir: string, problems: ConfigProblem[]): unknown {
  if (node instanceof SecretRef) {
    const where = formatPath(path);
    if (node.from === 'env') {
      const value = env[node.ref];
      if (value === undefined || value === '') problems.push({ path: where, found: `!env ${node.ref} (not set)`, expected: `the environment variable ${node.ref} to be set` });
      return value;
    }
    try {
      return readFileSync(resolve(baseDir, node.ref), 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      problems.push({ path: where, found: `!file ${node.ref} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, expected: 'a readable file holding the secret' });
      return undefined;
    }
  }
  if (Array.isArray(node)) return node.map((v, i) => resolveSecrets(v, [...path, i], env, baseDir, problems));
  if (isPlainObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveSecrets(v, [...path, k], env, baseDir, problems)]));
  return node;
}

function zodProblems(issues: readonly z.core.$ZodIssue[], tree: unknown): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        return { path: formatPath(path), found: `unknown key with ${describeValue(formatPath(path), valueAt(tree, path))}`, expected: 'no such key (check the spelling against config/example.yaml)' };
      });
    }
    const path = formatPath(issue.path);
    return [{ path, found: describeValue(path, valueAt(tree, issue.path)), expected: issue.message.replace(/^Invalid input: /, '').replace(/^expected /, '') }];
  });
}

export interface LoadOptions {
  /** The user's configuration file; defaults to $GATEWAY_CONFIG when set. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Extra values merged after the file and before the environment (used by the demo community). */
  overrides?: unknown;
  defaultsFile?: string;
}

export interface LoadedConfig {
  config: GatewayConfig;
  /** Where it came from, for the start-up log line. */
  sources: string[];
}

/** Loads defaults, the user's file and environment overrides; validates all of it; reports every problem at once. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const defaultsFile = options.defaultsFile ?? DEFAULTS_FILE;
  const file = options.file ?? env[ENV_CONFIG_FILE];
  const sources = [defaultsFile];
  let tree = parseYaml(readFileSync(defaultsFile, 'utf8'), defaultsFile);
  let baseDir = process.cwd();
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(file, [{ path: '', found: `no readable file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, expected: 'a YAML configuration file' }]);
    }
    const user = parseYaml(text, file);
    if (!isPlainObject(user)) throw new ConfigError(file, [{ path: '', found: describeValue('', user), expected: 'a YAML mapping of keys (see config/example.yaml)' }]);
    tree = mergeConfig(tree, user);
    sources.push(file);
    baseDir = dirname(resolve(file));
  }
  if (options.overrides !== undefined) tree = mergeConfig(tree, options.overrides);
  const problems: ConfigProblem[] = [];
  tree = applyEnvOverrides(tree, env, problems);
  if (Object.keys(env).some((k) => k.startsWith(ENV_OVERRIDE_PREFIX))) sources.push('environment');
  tree = resolveSecrets(tree, [], env, baseDir, problems);
  const parsed = configSchema.safeParse(tree);
  if (!parsed.success) {
    // A secret that could not be read is already reported; do not report its emptiness again.
    const unreadable = problems.map((p) => p.path);
    const related = (path: string) => unreadable.some((u) => u === path || u.startsWith(`${path}.`) || path.startsWith(`${u}.`));
    problems.push(...zodProblems(parsed.error.issues, tree).filter((p) => !related(p.path)));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(file ?? 'defaults', problems);
  return { config: parsed.data, sources };
}
