import { request } from 'node:http';
import { parseArgs } from 'node:util';
import { EXIT_INVALID_CONFIG, loadConfigOrReport, wantsHelp } from './common.js';

const USAGE = `usage: community-gateway healthcheck [--config FILE] [--timeout-ms N]
  Asks the running gateway's /healthz on this host (plain HTTP, which HTTPS mode still answers
  there); exit 0 when healthy, 1 when not (for Docker HEALTHCHECK and monitoring).`;

export async function healthcheckCommand(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, 'timeout-ms': { type: 'string' } } });
  const config = loadConfigOrReport(values.config);
  if (!config) return EXIT_INVALID_CONFIG;
  const host = ['0.0.0.0', '::', '[::]'].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const timeout = Number(values['timeout-ms'] ?? 3000);
  return new Promise<number>((resolve) => {
    const req = request({ host, port: config.http.port, path: '/healthz', timeout }, (res) => {
      res.resume();
      console.log(`gateway ${res.statusCode === 200 ? 'healthy' : `unhealthy (HTTP ${res.statusCode})`}`);
      resolve(res.statusCode === 200 ? 0 : 1);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout} ms`)));
    req.on('error', (err) => {
      console.log(`gateway unreachable: ${err.message}`);
      resolve(1);
    });
    req.end();
  });
}
