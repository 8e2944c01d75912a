/* global fetch */
// Renders /api/openapi.json as a readable list of operations grouped by tag. No framework, no CDN.
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
};

fetch('/api/openapi.json')
  .then((r) => r.json())
  .then((doc) => {
    document.getElementById('title').textContent = `${doc.info.title} ${doc.info.version}`;
    const byTag = new Map();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const tag = op.tags?.[0] ?? 'other';
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push({ path, method, op });
      }
    }
    const root = document.getElementById('api');
    root.replaceChildren();
    for (const [tag, ops] of [...byTag.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      root.append(el('h2', {}, tag));
      for (const { path, method, op } of ops) {
        const details = el('details', { 'data-operation': `${method.toUpperCase()} ${path}` });
        details.append(el('summary', {}, el('span', { class: `method ${method}` }, method), el('span', { class: 'path' }, path), el('span', {}, op.summary), el('span', { class: 'role' }, `role: ${op['x-role']}${op['x-audit-action'] ? ` · audit: ${op['x-audit-action']}` : ''}`)));
        details.append(el('p', {}, op.description));
        if (op.parameters?.length) {
          const table = el('table', {}, el('tr', {}, el('th', {}, 'parameter'), el('th', {}, 'in'), el('th', {}, 'schema')));
          for (const p of op.parameters) table.append(el('tr', {}, el('td', {}, p.name), el('td', {}, p.in), el('td', {}, JSON.stringify(p.schema))));
          details.append(table);
        }
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (body) details.append(el('p', {}, 'JSON body:'), el('pre', {}, JSON.stringify(body, null, 2)));
        root.append(details);
      }
    }
    const ws = doc['x-websocket-endpoints'] ?? [];
    if (ws.length) {
      root.append(el('h2', {}, 'WebSocket endpoints'));
      const table = el('table', {}, el('tr', {}, el('th', {}, 'path'), el('th', {}, 'role'), el('th', {}, 'largest message'), el('th', {}, 'what')));
      for (const e of ws) table.append(el('tr', {}, el('td', {}, e.path), el('td', {}, e['x-role']), el('td', {}, `${e.maxPayload} B`), el('td', {}, e.summary)));
      root.append(table);
    }
  })
  .catch((err) => {
    document.getElementById('api').textContent = `Could not load the API description: ${err.message}`;
  });
