/* global AudioWorkletProcessor, registerProcessor */
/**
 * Collects the microphone's first channel into fixed chunks (20 ms by default) and posts each
 * one to the page, which sends it to the gateway. Runs on the audio rendering thread.
 */
class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.size = Math.max(1, options.processorOptions.chunkSamples);
    this.chunk = new Float32Array(this.size);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      let offset = 0;
      while (offset < channel.length) {
        const take = Math.min(this.size - this.filled, channel.length - offset);
        this.chunk.set(channel.subarray(offset, offset + take), this.filled);
        this.filled += take;
        offset += take;
        if (this.filled === this.size) {
          // Transferred, not copied: the buffer is detached here afterwards, so start a new one.
          this.port.postMessage(this.chunk, [this.chunk.buffer]);
          this.chunk = new Float32Array(this.size);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('capture', CaptureProcessor);
