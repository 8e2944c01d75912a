import { render } from 'preact';
import { setLocale, locale } from './i18n/index.js';
import { App } from './App.js';

setLocale(locale.value);
render(<App />, document.getElementById('app')!);
