import { launchChromium } from '../test/helpers/browser.js';
import { startTestGateway } from '../test/helpers/gateway.js';
import { startCameras } from '../test/dashboard/helpers.js';
const { cameras, config } = await startCameras(1);
const gw = await startTestGateway({ config });
const token = await gw.login('admin');
await new Promise((r) => setTimeout(r, 4000));
const browser = await launchChromium();
const page = await browser.newPage();
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
page.on('requestfailed', (r) => console.log('failed:', r.url(), r.failure()?.errorText));
await page.goto(`${gw.url}/player.html?camera=cam-1&profile=sub&token=${token}`);
for (let i = 0; i < 10; i++) {
  await new Promise((r) => setTimeout(r, 1500));
  console.log(JSON.stringify(await page.evaluate(() => { const s = (window as any).cgPlayer; return { status: s.status, frames: s.frames, format: s.format, error: s.error, notice: s.notice, closeCode: s.closeCode }; })));
}
await browser.close(); await gw.stop(); await Promise.all(cameras.map((c) => c.stop()));
process.exit(0);
