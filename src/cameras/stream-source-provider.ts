/**
 * STREAM_SOURCES for the streaming feature: a camera's main (first) or sub (second) profile as
 * an RTSP URL from GetStreamUri with the camera's credentials inserted for ffmpeg, with codec,
 * size and frame rate from the profile's encoder configuration. URLs are cached per connection.
 */
import { DeviceUnavailableError, NotFoundError } from '../core/errors.js';
import type { CameraRegistry } from './registry.js';
import type { StreamProfile, StreamSource, StreamSources } from './stream-sources.js';

export class CameraStreamSources implements StreamSources {
  private readonly cache = new Map<string, { driver: object; connectedSince: string; uri: string }>();

  constructor(private readonly registry: CameraRegistry) {}

  async resolve(cameraId: string, profile: StreamProfile): Promise<StreamSource> {
    const cam = this.registry.get(cameraId);
    const caps = cam.capabilities;
    if (!cam.live.online || !caps) throw new DeviceUnavailableError('camera.offline', { camera: cameraId });
    const p = profile === 'main' ? caps.profiles[0] : (caps.profiles[1] ?? caps.profiles[0]);
    if (!p) throw new NotFoundError('camera.no-profile', { camera: cameraId });
    const key = `${cameraId}/${p.token}`;
    let cached = this.cache.get(key);
    if (!cached || cached.connectedSince !== cam.live.since) {
      const uri = await cam.driver.streamUriWithCredentials(p.token).catch((err: unknown) => {
        cam.reportFailure(err);
        throw err;
      });
      cached = { driver: cam.driver, connectedSince: cam.live.since, uri };
      this.cache.set(key, cached);
    }
    return { cameraId, profile, rtspUrl: cached.uri, codec: p.codec, width: p.width, height: p.height, fps: p.fps };
  }

  reconnectNow(cameraId: string): void {
    if (this.registry.has(cameraId)) this.registry.get(cameraId).reconnectNow();
  }

  list(): Array<{ id: string; name: string; online: boolean }> {
    return this.registry.list().map((c) => ({ id: c.id, name: c.def.name, online: c.live.online }));
  }
}
