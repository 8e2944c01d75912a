/**
 * CAMERA_AUDIO for the broadcast feature: which cameras there are, whether each reports an audio
 * output (ONVIF GetAudioOutputs), and the RTSP address of a profile with the credentials apart,
 * for the gateway's own backchannel client (talk through the camera's loudspeaker).
 */
import { capabilityKey } from '../core/capabilities.js';

export interface CameraRtspSource {
  /** Without credentials. */
  url: string;
  username: string | undefined;
  password: string | undefined;
}

export interface CameraAudio {
  list(): Array<{ id: string; name: string; online: boolean }>;
  /** Tokens of the camera's audio outputs; throws DeviceUnavailableError while it is offline. */
  audioOutputs(cameraId: string): Promise<string[]>;
  rtspSource(cameraId: string, profile: 'main' | 'sub'): Promise<CameraRtspSource>;
}

export const CAMERA_AUDIO = capabilityKey<CameraAudio>('camera-audio');
