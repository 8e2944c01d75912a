/** Strings of the PTZ pad's feedback: the camera's reported position (Simplified Chinese). */
export const ptzFeedbackZh = {
  'ptzFeedback.reported': '摄像机报告：水平 {pan}%，俯仰 {tilt}%，变焦 {zoom}%',
  'ptzFeedback.moving': '转动中',
  'ptzFeedback.still': '静止',
  'ptzFeedback.unknown': '摄像机尚未报告位置',
  'ptzFeedback.dot': '摄像机报告的位置',
};
