import type { WebSocket } from 'ws';
import type { Logger } from '../core/logger.js';

/** Who is on the other end of one socket, for log lines (never the token). */
export interface WsWho {
  path: string;
  remote: string | undefined;
  user: string | undefined;
}

/** The router's hold on one open socket: closing it through here drops anything still arriving. */
export interface GuardedSocket {
  readonly ws: WebSocket;
  readonly who: WsWho;
  /** Closes the socket; messages that arrive after this are not handed to the endpoint. */
  close(code: number, reason: string): void;
}

/** Close reasons are at most 123 bytes on the wire. */
function fit(reason: string): string {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  return text;
}

/**
 * The last line of defence around one WebSocket, attached before the endpoint sees the socket:
 * - an `'error'` listener, so that a protocol error (a frame over `maxPayload`, a bad opcode,
 *   invalid UTF-8) is a log line and a closed socket — ws closes it with the error's status code,
 *   1009 for an oversized message — instead of an unhandled `'error'` event;
 * - every event the socket emits goes through a try/catch: a listener that throws (an endpoint's
 *   bug) is logged with its context and closes that socket with 1011; the gateway serves on.
 * - every inbound message first passes `admit` (the router's authorisation check); one it refuses
 *   is dropped (`admit` closes the socket).
 * Only synchronous throws are caught here: listeners that start asynchronous work handle its
 * rejections themselves.
 */
export function guardSocket(ws: WebSocket, who: WsWho, log: Logger, admit: () => boolean = () => true): GuardedSocket {
  let closing = false;
  const close = (code: number, reason: string): void => {
    closing = true;
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, fit(reason));
  };
  ws.on('error', (err: Error & { code?: string }) => {
    closing = true;
    log.warn({ ...who, err: err.message, code: err.code }, 'WebSocket protocol error; the connection is closed');
  });
  const emit = ws.emit.bind(ws);
  ws.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    // A socket the gateway is closing (revoked, failed) takes no further commands.
    if (event === 'message' && closing) return false;
    try {
      // Each message is checked against what authorised the socket (a logged-out joystick moves nothing).
      if (event === 'message' && !admit()) return false;
      return emit(event, ...args);
    } catch (err) {
      log.error({ ...who, event: String(event), err }, 'WebSocket handler failed; closing that connection');
      close(1011, 'internal error; see the gateway log');
      return true;
    }
  }) as typeof ws.emit;
  return { ws, who, close };
}
