import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/core/logger.js';
import { Gateway } from '../src/gateway.js';
import { renderApiDocs } from '../src/http/api-docs.js';
import { chapters, contract } from '../src/mqtt/contract.js';
import { renderContractDocs } from '../src/mqtt/contract-docs.js';
import { ENGLISH_CATALOG_FILE, renderEnglishCatalog } from './english-catalog.js';

/** The generated parts of docs/: file -> generated block. Constructing a Gateway opens nothing. */
export function generatedDocs(): Array<{ file: string; generated: string }> {
  const { config } = loadConfig({ env: {}, overrides: { storage: { dataDir: '/nonexistent' } } });
  const gateway = new Gateway({ config, log: silentLogger(), env: {} });
  return [
    { file: 'docs/mqtt.md', generated: renderContractDocs(contract, chapters) },
    { file: 'docs/api.md', generated: renderApiDocs(gateway.routeModules, gateway.ws.list()) },
  ];
}

/** Files that are generated whole: file -> its text. */
export function generatedFiles(): Array<{ file: string; text: string }> {
  return [{ file: ENGLISH_CATALOG_FILE, text: renderEnglishCatalog() }];
}
