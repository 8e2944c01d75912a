/** Camera events on the gateway's bus (dashboards, and alarms in a later issue). */
declare module '../core/event-bus.js' {
  interface GatewayEvents {
    'camera.availability': { cameraId: string; online: boolean; at: string; reason?: string };
    /** From the camera's PullPoint VideoSource/MotionAlarm (or a motion-region detector). */
    'camera.motion': { cameraId: string; state: boolean; at: string };
    /** From a camera's tamper detector (RuleEngine/TamperDetector). */
    'camera.tamper': { cameraId: string; state: boolean; at: string };
    /** Every event the camera raised, as parsed. */
    'camera.event': { cameraId: string; topic: string; data: Record<string, string>; at: string };
  }
}
export {};
