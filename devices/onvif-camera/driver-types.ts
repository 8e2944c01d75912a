/** What the ONVIF camera driver answers: PTZ vectors, positions and status, presets, device information. */

export interface PtzVector {
  pan: number;
  tilt: number;
  zoom: number;
}

/** Generic-space position: pan/tilt -1..1, zoom 0..1. */
export interface PtzPosition {
  x: number;
  y: number;
  zoom: number;
}

export interface PtzStatus {
  position: PtzPosition;
  /** undefined when the camera does not report MoveStatus (some never do). */
  moving: boolean | undefined;
}

export interface CameraPreset {
  token: string;
  name: string;
  position: PtzPosition | null;
}

/** What GetDeviceInformation says (null where the camera leaves a field out). */
export interface DeviceInformation {
  manufacturer: string | null;
  model: string | null;
  firmwareVersion: string | null;
  serialNumber: string | null;
  hardwareId: string | null;
}
