import { describe, expect, it } from 'vitest';
import { buildTopic, matchTopic, topicFilter } from '../../src/core/mqtt-contract.js';
import { contract } from '../../src/mqtt/contract.js';

describe('the MQTT topic contract', () => {
  it('has unique names and patterns', () => {
    expect(new Set(contract.map((t) => t.name)).size).toBe(contract.length);
    expect(new Set(contract.map((t) => `${t.direction}:${t.pattern}`)).size).toBe(contract.length);
  });

  for (const spec of contract) {
    it(`${spec.name}: its example survives encode -> decode`, () => {
      const wire = spec.payload.encode(spec.example);
      const decoded = spec.payload.decode(Buffer.isBuffer(wire) ? wire : Buffer.from(wire));
      expect(decoded).toEqual(spec.example);
    });
  }

  it('builds and matches topics, and refuses variables that would add levels or wildcards', () => {
    const spec = contract.find((t) => t.name === 'gateway.request')!;
    const topic = buildTopic('community', spec, { op: 'ping' });
    expect(topic).toBe('community/gateway/request/ping');
    expect(matchTopic('community', spec, topic)).toEqual({ op: 'ping' });
    expect(matchTopic('community', spec, 'community/gateway/request/a/b')).toBeUndefined();
    expect(topicFilter('community', spec)).toBe('community/gateway/request/+');
    expect(() => buildTopic('community', spec, { op: 'a/b' })).toThrow(/single topic level/);
    expect(() => buildTopic('community', spec, { op: '#' })).toThrow(/single topic level/);
  });
});
