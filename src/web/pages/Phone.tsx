import { Header } from '../components/Header.js';

/** The phone view: one camera at a time with a touch PTZ pad and push-to-talk. */
export function Phone() {
  return (
    <div class="phone">
      <Header />
      <main class="content" />
    </div>
  );
}
