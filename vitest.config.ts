import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real servers, ffmpeg and brokers; two cores are all we have.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
    pool: 'forks',
  },
});
