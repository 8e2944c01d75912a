import { parseArgs } from 'node:util';
import { createLogger } from '../core/logger.js';
import { DistrictConfigError, loadDistrictConfig } from '../district/config.js';
import { fileURLToPath } from 'node:url';
import { DistrictService } from '../district/district-service.js';
import { EXIT_INVALID_CONFIG, logStrayRejections, onShutdown, wantsHelp } from './common.js';

export const DISTRICT_USAGE = `usage: community-gateway district --config FILE
  Runs the district service (street office): the sites' records from the NATS JetStream cluster
  into PostgreSQL, the district API, notices down to the sites. FILE is the district's own
  configuration (YAML or JSON; see config/district.example.yaml and docs/district.md), not a
  gateway's.`;

export async function district(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(DISTRICT_USAGE);
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } } });
  const file = values.config ?? process.env.DISTRICT_CONFIG;
  if (!file) {
    console.error(DISTRICT_USAGE);
    return EXIT_INVALID_CONFIG;
  }
  let config;
  try {
    config = loadDistrictConfig(file);
  } catch (err) {
    if (!(err instanceof DistrictConfigError)) throw err;
    console.error(`${file}: the district configuration is not valid:\n${err.message}`);
    return EXIT_INVALID_CONFIG;
  }
  const log = createLogger({ level: config.log.level, pretty: config.log.pretty ?? undefined }).child({ component: 'district' });
  logStrayRejections(log);
  const service = new DistrictService({ config, log, staticDir: fileURLToPath(new URL('../web/dist/', import.meta.url)) });
  onShutdown(log, () => service.stop());
  await service.start();
  console.log(`community-gateway district is running: ${service.url}/district`);
  return -1;
}
