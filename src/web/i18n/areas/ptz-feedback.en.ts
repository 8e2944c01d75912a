import type { ptzFeedbackZh } from './ptz-feedback.zh-CN.js';

/** Strings of the PTZ pad's feedback: the camera's reported position (English). */
export const ptzFeedbackEn: Record<keyof typeof ptzFeedbackZh, string> = {
  'ptzFeedback.reported': 'Camera reports: pan {pan}%, tilt {tilt}%, zoom {zoom}%',
  'ptzFeedback.moving': 'moving',
  'ptzFeedback.still': 'still',
  'ptzFeedback.unknown': 'The camera has not reported its position yet',
  'ptzFeedback.dot': 'Where the camera reports it points',
};
