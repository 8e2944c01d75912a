import type { deployZh } from './deploy.zh-CN.js';

/** Strings of the deployment areas (HTTPS trust, backups, visitors) in English; same keys as the Chinese catalog. */
export const deployEn: Record<keyof typeof deployZh, string> = {
  'tls.title': 'Trust this gateway (HTTPS)',
  'tls.off': 'HTTPS is off: browsers on the LAN cannot use the microphone (push-to-talk). Set https.mode: auto in the configuration.',
  'tls.intro': 'Phones, TVs and guard-room PCs must trust this gateway\'s certificate authority (CA) once; then they open the console over HTTPS and push-to-talk works.',
  'tls.download': 'Download the CA certificate',
  'tls.scan': 'Scan with a phone to download',
  'tls.fingerprint': 'CA fingerprint (SHA-256): compare it when installing',
  'tls.validTo': 'Server certificate valid until {date} (renewed automatically before then)',
  'tls.names': 'Addresses in the certificate: {names}',
  'tls.howAndroid': 'Android: after the download open Settings → Security → Encryption & credentials → Install a certificate → CA certificate, and pick the file.',
  'tls.howIos': 'iPhone: after the download install it under Settings → Profile Downloaded, then turn on full trust under General → About → Certificate Trust Settings.',
  'tls.howTv': 'TV or TV box: open the download link above in its browser and follow the prompts; for a wall TV that cannot install certificates use a guard-room PC\'s browser.',
  'tls.howPc': 'Guard-room PC: open the downloaded file, place it in "Trusted Root Certification Authorities", then restart the browser.',
  'tls.loadFailed': 'Could not read the certificate state: {error}',
};
