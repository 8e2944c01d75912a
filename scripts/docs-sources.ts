import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/core/logger.js';
import { Gateway } from '../src/gateway.js';
import { renderApiDocs } from '../src/http/api-docs.js';
import { chapters, contract } from '../src/mqtt/contract.js';
import { renderContractDocs } from '../src/mqtt/contract-docs.js';

/** The generated parts of docs/: file -> generated block. Constructing a Gateway opens nothing. */
export function generatedDocs(): Array<{ file: string; generated: string }> {
  const { config } = loadConfig({ env: {}, overrides: { storage: { dataDir: '/nonexistent' } } });
  const gateway = new Gateway({ config, log: silentLogger(), env: {} });
  return [
    { file: 'docs/mqtt.md', generated: renderContractDocs(contract, chapters) },
    { file: 'docs/api.md', generated: renderApiDocs(gateway.routeModules, gateway.ws.list()) },
  ];
}
