import { t } from '../../i18n/index.js';
import { useApi } from '../../lib/use-api.js';
import { formatDate } from '../../lib/time.js';

interface TlsState {
  enabled: boolean;
  mode: 'off' | 'auto' | 'files';
  certificate: { dns: string[]; ips: string[]; validTo: string } | null;
  ca: { fingerprint256: string; downloadUrl: string | null } | null;
}

/**
 * For the admin page: how to make phones, TVs and PCs trust the gateway's HTTPS certificate (the
 * CA's download link, a QR code of it, its fingerprint and the steps per kind of device).
 */
export function TrustGateway() {
  const { data, error } = useApi<TlsState>('/api/tls');
  return (
    <section class="card trust-gateway" aria-labelledby="trust-title">
      <h2 id="trust-title">{t('tls.title')}</h2>
      {error && <p class="error" role="alert">{t('tls.loadFailed', { error })}</p>}
      {data && !data.enabled && <p class="warning">{t('tls.off')}</p>}
      {data?.enabled && (
        <>
          <p>{t('tls.intro')}</p>
          {data.ca?.downloadUrl && (
            <div class="trust-download">
              <a class="button primary" href={data.ca.downloadUrl} download="community-gateway-ca.crt">
                {t('tls.download')}
              </a>
              <figure>
                <img src="/api/tls/ca-qr.svg" width={180} height={180} alt={t('tls.scan')} />
                <figcaption>
                  {t('tls.scan')}: <code>{data.ca.downloadUrl}</code>
                </figcaption>
              </figure>
            </div>
          )}
          {data.ca && (
            <p>
              {t('tls.fingerprint')}: <code class="fingerprint">{data.ca.fingerprint256}</code>
            </p>
          )}
          {data.certificate && (
            <>
              <p>{t('tls.validTo', { date: formatDate(data.certificate.validTo) })}</p>
              <p>{t('tls.names', { names: [...data.certificate.dns, ...data.certificate.ips].join(', ') })}</p>
            </>
          )}
          <ul class="trust-steps">
            <li>{t('tls.howAndroid')}</li>
            <li>{t('tls.howIos')}</li>
            <li>{t('tls.howTv')}</li>
            <li>{t('tls.howPc')}</li>
          </ul>
        </>
      )}
    </section>
  );
}
