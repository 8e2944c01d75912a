import type { cameraSpeakersZh } from './camera-speakers.zh-CN.js';

/** Cameras' own loudspeakers (ONVIF audio backchannel) as broadcast targets: English texts. */
export const cameraSpeakersEn: Record<keyof typeof cameraSpeakersZh, string> = {
  'cameraSpeakers.label': '{name} (camera loudspeaker)',
  'cameraSpeakers.title': 'Camera loudspeakers',
  'cameraSpeakers.hint': 'Cameras named in the configuration: those that take audio over the ONVIF backchannel (G.711) can be chosen as broadcast targets beside the speakers.',
  'cameraSpeakers.col.camera': 'Camera',
  'cameraSpeakers.col.status': 'Broadcasts',
  'cameraSpeakers.col.detail': 'Details',
  'cameraSpeakers.available': 'Available',
  'cameraSpeakers.unsupported': 'Not available',
  'cameraSpeakers.unknown': 'Not checked yet',
  'cameraSpeakers.codec': 'codec {codec}, {outputs} audio output(s)',
  'cameraSpeakers.offline': 'camera offline',
};
