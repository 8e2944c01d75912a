/** CAMERA_AUDIO over the camera registry: audio outputs and RTSP sources of the cameras it keeps. */
import { DeviceUnavailableError, NotFoundError } from '../core/errors.js';
import type { CameraAudio } from './camera-audio.js';
import type { CameraRegistry } from './registry.js';

export function cameraAudio(registry: CameraRegistry): CameraAudio {
  const online = (cameraId: string) => {
    const cam = registry.get(cameraId);
    if (!cam.live.online || !cam.capabilities) throw new DeviceUnavailableError('camera.offline', { camera: cameraId });
    return cam;
  };
  return {
    list: () => registry.list().map((c) => ({ id: c.id, name: c.def.name, online: c.live.online })),
    async audioOutputs(cameraId) {
      const cam = online(cameraId);
      return cam.driver.audioOutputs().catch((err: unknown) => {
        cam.reportFailure(err);
        throw err;
      });
    },
    async rtspSource(cameraId, profile) {
      const cam = online(cameraId);
      const profiles = cam.capabilities!.profiles;
      const p = profile === 'main' ? profiles[0] : (profiles[1] ?? profiles[0]);
      if (!p) throw new NotFoundError('camera.no-profile', { camera: cameraId });
      const withCredentials = await cam.driver.streamUriWithCredentials(p.token).catch((err: unknown) => {
        cam.reportFailure(err);
        throw err;
      });
      const url = new URL(withCredentials);
      url.username = '';
      url.password = '';
      return { url: url.toString(), username: cam.def.username, password: cam.def.password };
    },
  };
}
