import type { RouteModule } from './route.js';
import type { WsEndpoint } from './ws-router.js';

/** Renders the generated reference of docs/api.md from the declared routes and WebSocket endpoints. */
export function renderApiDocs(modules: readonly RouteModule[], endpoints: readonly WsEndpoint[]): string {
  const lines = ['### HTTP routes', '', '| method | path | role | audit action | what it does |', '| --- | --- | --- | --- | --- |'];
  for (const route of modules.flatMap((m) => m.routes())) {
    lines.push(`| ${route.method.toUpperCase()} | \`${route.path}\` | ${route.access} | ${route.audit ? `\`${route.audit}\`` : ''} | ${route.summary.replace(/\|/g, '\\|')} |`);
  }
  lines.push('', '### WebSocket endpoints', '', '| path | role | what it does |', '| --- | --- | --- |');
  for (const e of endpoints) lines.push(`| \`${e.path}\` | ${e.access} | ${e.summary.replace(/\|/g, '\\|')} |`);
  lines.push('');
  return lines.join('\n');
}
