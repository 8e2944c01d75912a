import { deviceAvailabilityTopic } from '../../src/core/mqtt-contract.js';

/** MQTT kind level for barriers: topics live under `<base>/barriers/<id>/...`. */
export const BARRIER_KIND = 'barriers';

export const barrierAvailability = deviceAvailabilityTopic(BARRIER_KIND, 'barrier');

/** Every topic of the barrier contract (the access-control issue extends this list). */
export const barrierTopics = [barrierAvailability] as const;
