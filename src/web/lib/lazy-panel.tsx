import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

/**
 * A component whose code loads when it is first shown (its own script file, `import()`): the
 * console's first picture does not wait for the code of tabs an officer has not opened. Says
 * "loading" meanwhile; a failed load says so and is tried again the next time it is shown.
 */
export function lazyPanel<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  return function LazyPanel(props: P) {
    const [component, setComponent] = useState<ComponentType<P> | undefined>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (component) return;
      let live = true;
      pending ??= load();
      pending.then(
        (c) => {
          loaded = c;
          if (live) setComponent(() => c);
        },
        () => {
          pending = undefined;
          if (live) setFailed(true);
        },
      );
      return () => {
        live = false;
      };
    }, []);
    if (failed) return <p class="card error" role="alert">{t('console.tab.loadFailed')}</p>;
    if (!component) return <p class="loading">{t('app.loading')}</p>;
    const Loaded = component;
    return <Loaded {...props} />;
  };
}
