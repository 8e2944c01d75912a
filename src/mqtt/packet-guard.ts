import { Duplex } from 'node:stream';

/** A packet refused by its size, known from its fixed header alone. */
export interface OversizePacket {
  /** MQTT packet type (1 CONNECT, 3 PUBLISH, ...). */
  type: number;
  /** Total size the header announces (fixed header + remaining length), or at least this much. */
  bytes: number;
  limit: number;
  /** The PUBLISH topic, when it arrived in the same chunk as the header. */
  topic?: string;
}

export const PACKET_TYPE_NAMES: Record<number, string> = { 1: 'CONNECT', 3: 'PUBLISH', 8: 'SUBSCRIBE', 10: 'UNSUBSCRIBE' };

/**
 * Reads only the fixed header of each MQTT packet (type and remaining length, the first 2-5
 * bytes) and skips its body arithmetically, so a packet larger than the limit is known before a
 * byte of its body is buffered. The first packet is the CONNECT, bounded by its own limit.
 */
export class PacketSizeGuard {
  private state: 'type' | 'length' | 'body' = 'type';
  private type = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private seenFirst = false;

  constructor(
    private readonly connectLimit: number,
    private limit: number,
  ) {}

  /** The limit for every packet after the CONNECT (raised once the client is identified). */
  setLimit(limit: number): void {
    this.limit = limit;
  }

  /** Feeds received bytes; returns the first packet over its limit, or undefined. */
  feed(chunk: Buffer): OversizePacket | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        i += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++]!;
      if (this.state === 'type') {
        this.type = byte >> 4;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        this.state = 'length';
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      const limit = this.seenFirst ? this.limit : this.connectLimit;
      const bytes = 1 + this.lengthBytes + this.length;
      if (bytes > limit) return { type: this.type, bytes, limit, ...this.topicAt(chunk, i, byte) };
      if (byte & 0x80) {
        // The remaining length has at most 4 bytes; the parser behind reports the malformed packet.
        if (this.lengthBytes === 4) return undefined;
        continue;
      }
      this.seenFirst = true;
      this.bodyLeft = this.length;
      this.state = this.length > 0 ? 'body' : 'type';
    }
    return undefined;
  }

  private topicAt(chunk: Buffer, offset: number, lastLengthByte: number): { topic?: string } {
    if (this.type !== 3 || lastLengthByte & 0x80 || offset + 2 > chunk.length) return {};
    const length = chunk.readUInt16BE(offset);
    const end = Math.min(offset + 2 + length, chunk.length, offset + 2 + 256);
    return { topic: chunk.subarray(offset + 2, end).toString('utf8') };
  }
}

/**
 * A connection (TCP socket or WebSocket stream) seen through a PacketSizeGuard: the broker reads
 * and writes it like the original; a packet over its limit destroys the connection before its
 * body is read.
 */
export class GuardedConnection extends Duplex {
  readonly guard: PacketSizeGuard;

  constructor(
    private readonly inner: Duplex,
    limits: { connectBytes: number; packetBytes: number },
    onOversize: (packet: OversizePacket) => void,
  ) {
    super({ allowHalfOpen: false });
    this.guard = new PacketSizeGuard(limits.connectBytes, limits.packetBytes);
    inner.on('data', (chunk: Buffer) => {
      if (this.destroyed) return;
      const oversize = this.guard.feed(chunk);
      if (oversize) {
        onOversize(oversize);
        this.destroy();
        return;
      }
      if (!this.push(chunk)) inner.pause();
    });
    inner.once('end', () => this.push(null));
    inner.on('error', (err: Error) => this.destroy(err));
    inner.once('close', () => this.destroy());
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.inner.destroyed) return callback(new Error('connection closed'));
    if (this.inner.write(chunk)) callback();
    else this.inner.once('drain', () => callback());
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.inner.end();
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.inner.destroy();
    callback(err);
  }
}
