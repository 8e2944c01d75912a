import { z } from 'zod';

/** WebRTC output of the cameras' own H.264 (src/streaming/webrtc, docs/streaming.md). */
export const webrtcSchema = z.strictObject({
  /** Offer WebRTC at POST /api/webrtc/:camera (WHEP); players fall back to MSE, then JSMpeg. */
  enabled: z.boolean(),
  /**
   * Addresses the gateway offers as its ICE host candidates (the guard room's LAN needs no STUN or
   * TURN server). Empty: the HTTP host when it is one address, else every non-loopback IPv4 address.
   */
  addresses: z.array(z.string().min(1).max(64)).max(16),
  /** UDP ports for the media (inclusive range), for a firewall; null: any free port. */
  udpPorts: z.tuple([z.number().int().min(1024).max(65535), z.number().int().min(1024).max(65535)]).nullable(),
  /** Most WebRTC viewers at once (each costs a UDP socket and an encryption context). */
  maxSessions: z.number().int().min(1).max(256),
  /** A viewer whose connection is not up this long after the answer is dropped. */
  connectTimeoutMs: z.number().int().min(1000).max(60_000),
  /**
   * Send the camera's own RTP packets' pictures as they arrive (a loopback relay in front of the
   * stream's ffmpeg, RTSP over TCP only), instead of waiting for ffmpeg's fragments, which come two
   * pictures later. false: from the fragments only.
   */
  cameraRtp: z.boolean(),
  /**
   * Carry the camera's microphone to WebRTC viewers where it sends G.711 (PCMU/PCMA: WebRTC codecs,
   * passed through untouched); tiles start muted. Needs `cameraRtp` (the relay reads the audio).
   * Other audio (AAC) is not carried: the tile says so. false: video only, ffmpeg sets no audio up.
   */
  audio: z.boolean(),
});

export type WebrtcConfig = z.infer<typeof webrtcSchema>;
