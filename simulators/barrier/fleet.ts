import type { Logger } from '../../src/core/logger.js';
import type { ArmTiming } from './arm.js';
import type { BarrierBehaviour } from './behaviours.js';
import { SimulatedBarrier, type BarrierCounters, type SimulatedBarrierOptions } from './barrier.js';
import { Population, profileAt, seededRandom } from './traffic.js';

export interface FleetBarrier {
  id: string;
  password: string;
  /** Vehicle lanes (plates) or a pedestrian gate (cards, faces, QR codes). */
  kind: 'vehicle' | 'pedestrian';
  /** Field behaviours of this barrier (clock skew, long event ids...). */
  behaviours?: readonly BarrierBehaviour[];
}

export type TrafficPlan =
  /** Poisson arrivals following the daily profile, `peakPerHour` per barrier at rush hour. */
  | { mode: 'daily'; peakPerHour: number }
  /** A steady rate per barrier (load tests). */
  | { mode: 'rate'; perSecond: number }
  | { mode: 'manual' };

export interface FleetOptions {
  barriers: readonly FleetBarrier[];
  baseTopic: string;
  dataDir: string;
  log: Logger;
  traffic: TrafficPlan;
  timing?: ArmTiming;
  retransmitMs?: number;
  animateArm?: boolean;
  seed?: number;
  onSent?: SimulatedBarrierOptions['onSent'];
  onAcked?: SimulatedBarrierOptions['onAcked'];
}

const TICK_MS = 20;

/** N simulated barriers sharing one community population and one traffic clock. */
export class BarrierFleet {
  readonly barriers: SimulatedBarrier[];
  private readonly population: Population;
  private readonly random: () => number;
  private ticker: NodeJS.Timeout | undefined;
  private plan: TrafficPlan;
  private last = 0;
  private readonly carry = new Map<string, number>();
  private readonly kinds = new Map<string, 'vehicle' | 'pedestrian'>();
  /** Entries that could not be kept (journal write failed): must stay 0. */
  failures = 0;

  constructor(private readonly options: FleetOptions) {
    this.random = seededRandom(options.seed ?? Date.now());
    this.population = new Population(this.random);
    this.plan = options.traffic;
    this.barriers = options.barriers.map((b) => {
      this.kinds.set(b.id, b.kind);
      return new SimulatedBarrier({
        id: b.id,
        password: b.password,
        baseTopic: options.baseTopic,
        dataDir: options.dataDir,
        log: options.log,
        lanes: b.kind === 'vehicle' ? ['lane-1', 'lane-2'] : ['turnstile-1', 'turnstile-2', 'turnstile-3'],
        ...(options.timing ? { timing: options.timing } : {}),
        ...(options.retransmitMs ? { retransmitMs: options.retransmitMs } : {}),
        ...(options.animateArm !== undefined ? { animateArm: options.animateArm } : {}),
        ...(options.onSent ? { onSent: options.onSent } : {}),
        ...(options.onAcked ? { onAcked: options.onAcked } : {}),
        ...(b.behaviours ? { behaviours: b.behaviours } : {}),
      });
    });
  }

  get(id: string): SimulatedBarrier {
    const b = this.barriers.find((x) => x.id === id);
    if (!b) throw new Error(`no simulated barrier ${id}`);
    return b;
  }

  get vehicles() {
    return this.population.vehicles;
  }

  async start(mqttUrl: string): Promise<void> {
    for (const b of this.barriers) await b.start(mqttUrl);
    this.last = performance.now();
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    for (const b of this.barriers) await b.stop();
  }

  setTraffic(plan: TrafficPlan): void {
    this.plan = plan;
    this.carry.clear();
  }

  /** One passage at a barrier, generated from the population. */
  passage(id: string): Promise<unknown> {
    const b = this.get(id);
    const p = this.kinds.get(id) === 'pedestrian' ? this.population.pedestrianPassage() : this.population.vehiclePassage();
    return b.present(p).catch(() => {
      this.failures++;
    });
  }

  totals(): BarrierCounters {
    const sum: BarrierCounters = { generated: 0, acknowledged: 0, held: 0, rejected: 0, sent: 0, resent: 0, replayed: 0, duplicatesSent: 0, malformedSent: 0, malformedReceived: 0, commands: 0 };
    for (const b of this.barriers) {
      const c = b.snapshot();
      for (const k of Object.keys(sum) as Array<keyof BarrierCounters>) sum[k] += c[k];
    }
    return sum;
  }

  private tick(): void {
    const now = performance.now();
    const dt = (now - this.last) / 1000;
    this.last = now;
    const plan = this.plan;
    if (plan.mode === 'manual') return;
    const perSecond = plan.mode === 'rate' ? plan.perSecond : (plan.peakPerHour / 3600) * profileAt(new Date());
    for (const b of this.barriers) {
      let due: number;
      if (plan.mode === 'rate') {
        // Steady load: carry the fraction over to the next tick.
        const exact = (this.carry.get(b.id) ?? 0) + perSecond * dt;
        due = Math.floor(exact);
        this.carry.set(b.id, exact - due);
      } else {
        due = poisson(this.random, perSecond * dt);
      }
      for (let i = 0; i < due; i++) void this.passage(b.id);
    }
  }
}

function poisson(random: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}
