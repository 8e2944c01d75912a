import type { TopicSpec } from '../core/mqtt-contract.js';
import { cameraChapter, cameraTopics } from '../../devices/onvif-camera/topics.js';
import { barrierTopics } from '../../devices/mqtt-barrier/protocol.js';
import { speakerTopics } from '../../devices/mqtt-speaker/protocol.js';
import { speakerChapter } from '../../devices/mqtt-speaker/chapter.js';
import type { ContractChapter } from './contract-docs.js';
import { gatewayChapter, gatewayTopics } from './gateway-topics.js';
import { barrierChapter } from '../../devices/mqtt-barrier/chapter.js';
import { haChapter, haTopics } from '../ha/topics.js';
import { alarmButtonTopics } from '../../devices/alarm-button/protocol.js';
import { alarmDevicesChapter } from '../../devices/alarm-button/chapter.js';
import { doorSensorTopics } from '../../devices/door-sensor/protocol.js';
import { alarmTopics, alarmsChapter } from '../alarms/topics.js';
import { visionChapter, visionTopics } from '../vision/topics.js';

/**
 * THE topic contract: every topic the gateway publishes or accepts, from every device kind.
 * Inbound messages are validated against it, and docs/mqtt.md is generated from it.
 */
export const contract: readonly TopicSpec<unknown, string>[] = [...gatewayTopics, ...barrierTopics, ...speakerTopics, ...cameraTopics, ...alarmButtonTopics, ...doorSensorTopics, ...alarmTopics, ...haTopics, ...visionTopics] as readonly TopicSpec<
  unknown,
  string
>[];

export function inboundTopics(): TopicSpec<unknown, string>[] {
  return contract.filter((t) => t.direction === 'to-gateway');
}

/** The prose chapters of docs/mqtt.md, one per owner of topics. */
export const chapters: readonly ContractChapter[] = [gatewayChapter, cameraChapter, barrierChapter, speakerChapter, alarmDevicesChapter, alarmsChapter, haChapter, visionChapter];
