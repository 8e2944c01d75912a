/**
 * Keeps one job's messages in order on the wire. `play` and `stop` go at QoS 1 and audio at QoS 0,
 * and a QoS 0 frame published after a QoS 1 message can reach a speaker first; so while a QoS 1
 * message waits for the broker's acknowledgement, everything after it waits too. With nothing
 * pending, frames go out at once.
 */
export class JobOutbox {
  private readonly queue: Array<{ reliable: boolean; send: () => Promise<unknown> | void }> = [];
  private busy = false;

  /** A QoS 1 message: later messages wait until the broker acknowledged it (or it failed). */
  reliable(send: () => Promise<unknown>): void {
    this.queue.push({ reliable: true, send });
    this.pump();
  }

  /** A QoS 0 message (audio frame). */
  frame(send: () => void): void {
    if (!this.busy && this.queue.length === 0) send();
    else {
      this.queue.push({ reliable: false, send });
      this.pump();
    }
  }

  private pump(): void {
    while (!this.busy && this.queue.length > 0) {
      const item = this.queue.shift()!;
      if (!item.reliable) {
        item.send();
        continue;
      }
      this.busy = true;
      Promise.resolve()
        .then(item.send)
        .catch(() => undefined)
        .finally(() => {
          this.busy = false;
          this.pump();
        });
    }
  }
}
