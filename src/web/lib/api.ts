import { translateIssues, translateMessage } from '../i18n/messages.js';
import { forgetLogin, token } from './session.js';

/** The gateway's error; `message` is in the UI language when the gateway gave a message code, `english` its own text. */
export class ApiError extends Error {
  readonly english: string;
  constructor(
    english: string,
    readonly status: number,
    readonly code: string,
    readonly details?: Record<string, unknown>,
    readonly messageCode?: string,
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    const problems = translateIssues(details);
    super((messageCode && translateMessage(messageCode, problems ? { ...params, problems } : params)) || english);
    this.english = english;
  }
}

interface ErrorAnswer {
  error?: string;
  code?: string;
  details?: Record<string, unknown>;
  messageCode?: string;
  params?: Record<string, string | number>;
}

/** An ApiError from a gateway error answer (JSON body or nothing). */
export function apiError(res: { status: number; statusText: string }, body: ErrorAnswer | undefined): ApiError {
  return new ApiError(body?.error ?? `${res.status} ${res.statusText}`, res.status, body?.code ?? 'error', body?.details, body?.messageCode, body?.params ?? {});
}

/**
 * Calls the gateway's JSON API: the session cookie goes with it by itself; a wall adds its URL
 * token. Errors carry the gateway's own message.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (token.value) headers.authorization = `Bearer ${token.value}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    // A login that expired: back to the login form (walls keep their URL token and show a refusal).
    if (res.status === 401 && !new URLSearchParams(location.search).has('token')) forgetLogin();
    throw apiError(res, body as ErrorAnswer | undefined);
  }
  return body as T;
}

/** ws(s)://host/path for the gateway's WebSocket endpoints (`?token=` only for a wall's URL token). */
export function wsUrl(path: string, params: Record<string, string> = {}): string {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (token.value) url.searchParams.set('token', token.value);
  return url.toString();
}
