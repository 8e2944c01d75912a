import { MESSAGES, messageParamNames, type MessageCode } from '../core/messages.js';
import type { RouteModule } from './route.js';
import type { WsEndpoint } from './ws-router.js';

/** Renders the generated reference of docs/api.md from the declared routes and WebSocket endpoints. */
function bytes(n: number): string {
  return n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`;
}

export function renderApiDocs(modules: readonly RouteModule[], endpoints: ReadonlyArray<WsEndpoint & { maxPayload: number }>): string {
  const lines = ['### HTTP routes', '', '| method | path | role | audit action | what it does |', '| --- | --- | --- | --- | --- |'];
  for (const route of modules.flatMap((m) => m.routes())) {
    lines.push(`| ${route.method.toUpperCase()} | \`${route.path}\` | ${route.access} | ${route.audit ? `\`${route.audit}\`` : ''} | ${route.summary.replace(/\|/g, '\\|')} |`);
  }
  lines.push('', '### WebSocket endpoints', '', '| path | role | largest client message | what it does |', '| --- | --- | --- | --- |');
  for (const e of endpoints) lines.push(`| \`${e.path}\` | ${e.access} | ${bytes(e.maxPayload)} | ${e.summary.replace(/\|/g, '\\|')} |`);
  lines.push('', '### Message codes', '', 'The `messageCode` of an error answer, its `params`, and the English `error` it renders to (src/core/messages.ts).', '');
  lines.push('| messageCode | params | English text |', '| --- | --- | --- |');
  for (const code of Object.keys(MESSAGES) as MessageCode[]) {
    const params = messageParamNames(code).map((p) => `\`${p}\``).join(', ');
    lines.push(`| \`${code}\` | ${params} | ${MESSAGES[code].replace(/\|/g, '\\|')} |`);
  }
  lines.push('');
  return lines.join('\n');
}
