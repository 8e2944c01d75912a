import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig, mergeConfig } from '../../src/config/load.js';
import { loadDistrictConfig, parseDistrictConfig } from '../../src/district/config.js';

describe('district configuration', () => {
  it('the example district file is valid', () => {
    const config = loadDistrictConfig('config/district/district.example.yaml');
    expect(config.nats.replicas).toBe(3);
    expect(config.sites.map((s) => s.id)).toEqual(['east', 'west']);
  });

  it('the example site uplink section is valid gateway configuration; the uplink is off by default', () => {
    expect(loadConfig({ env: {} }).config.uplink.enabled).toBe(false);
    const uplink = parse(readFileSync('config/district/site-uplink.example.yaml', 'utf8')) as Record<string, unknown>;
    const { config } = loadConfig({ env: {}, overrides: mergeConfig({ site: { id: 'east', name: '东苑小区' } }, uplink) });
    expect(config.uplink).toMatchObject({ enabled: true, user: 'site-east' });
  });

  it('refuses a weak district password and a bad site id with the field named', () => {
    const base = { nats: { servers: ['nats://127.0.0.1:4222'], user: 'd', password: 'p' }, postgres: { url: 'postgres://x' } };
    expect(() => parseDistrictConfig({ ...base, users: [{ name: 'a', password: 'aaaaaaaaaaaa', role: 'admin' }] })).toThrow(/users\.0\.password: at least 5 different/);
    expect(() => parseDistrictConfig({ ...base, users: [{ name: 'a', password: 'abcdefghijk1', role: 'admin' }], sites: [{ id: 'East Gate', name: 'x' }] })).toThrow(/sites\.0\.id/);
  });
});
