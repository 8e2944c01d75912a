import { deviceAvailabilityTopic } from '../../src/core/mqtt-contract.js';

/** MQTT kind level for speakers: topics live under `<base>/speakers/<id>/...`. */
export const SPEAKER_KIND = 'speakers';

export const speakerAvailability = deviceAvailabilityTopic(SPEAKER_KIND, 'speaker');

/** Every topic of the speaker contract (the broadcast issue extends this list). */
export const speakerTopics = [speakerAvailability] as const;
