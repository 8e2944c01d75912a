import type { Credential } from '../../devices/mqtt-barrier/protocol.js';

/** A small seeded PRNG (mulberry32), so that a community's residents are the same at every start. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROVINCES = ['豫', '京', '沪', '粤', '川', '鲁', '苏', '浙', '鄂', '冀', '晋', '陕'];
const CITY = 'ABCDEFGHJKLMN';
const ALNUM = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '0123456789';

export interface Vehicle {
  plate: string;
  plateColor: 'blue' | 'yellow' | 'green';
  vehicleType: 'car' | 'suv' | 'van' | 'truck' | 'motorcycle';
}

function pick<T>(random: () => number, items: readonly T[] | string): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A Chinese plate: province + city letter + 5 characters (blue/yellow) or D/F + 5 digits (green new energy). */
export function randomVehicle(random: () => number, homeProvince = '豫'): Vehicle {
  const province = random() < 0.8 ? homeProvince : pick(random, PROVINCES);
  const city = random() < 0.7 ? 'A' : pick<string>(random, CITY);
  const kind = random();
  if (kind < 0.25) {
    let tail = pick<string>(random, 'DF');
    for (let i = 0; i < 5; i++) tail += pick<string>(random, DIGITS);
    return { plate: `${province}${city}${tail}`, plateColor: 'green', vehicleType: random() < 0.8 ? 'car' : 'suv' };
  }
  let tail = '';
  for (let i = 0; i < 5; i++) tail += pick<string>(random, i < 2 ? ALNUM : DIGITS);
  if (kind > 0.95) return { plate: `${province}${city}${tail}`, plateColor: 'yellow', vehicleType: random() < 0.5 ? 'truck' : 'van' };
  return { plate: `${province}${city}${tail}`, plateColor: 'blue', vehicleType: random() < 0.7 ? 'car' : 'suv' };
}

/** Relative traffic per hour of day: night lull, rush hours 7-9 and 17-19. Peak = 1. */
export const DAILY_PROFILE: readonly number[] = [
  0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.3, 0.9, 1, 0.6, 0.4, 0.45, 0.55, 0.45, 0.4, 0.45, 0.6, 0.95, 1, 0.7, 0.5, 0.35, 0.2, 0.1,
];

export function profileAt(date: Date): number {
  const h = date.getHours();
  const next = DAILY_PROFILE[(h + 1) % 24]!;
  const now = DAILY_PROFILE[h]!;
  return now + (next - now) * (date.getMinutes() / 60);
}

export interface Passage {
  credential: Credential;
  direction: 'in' | 'out';
  plateColor?: Vehicle['plateColor'];
  vehicleType?: Vehicle['vehicleType'];
}

/**
 * The people and vehicles of a community: residents' vehicles (on the allow list in the demo),
 * visitors, cards, QR codes and faces for pedestrian gates. Each resident is inside or outside;
 * a passage flips it.
 */
export class Population {
  readonly vehicles: Vehicle[];
  private readonly inside = new Set<string>();
  private readonly people: Array<{ card: string; face: string }>;

  constructor(private readonly random: () => number, residents = 400) {
    const residentRandom = seededRandom(20261124);
    this.vehicles = Array.from({ length: residents }, () => randomVehicle(residentRandom));
    this.people = Array.from({ length: residents * 2 }, (_, i) => ({ card: String(1_000_000_000 + Math.floor(residentRandom() * 8_999_999_999)), face: `person-${String(i + 1).padStart(5, '0')}` }));
    for (const v of this.vehicles) if (residentRandom() < 0.6) this.inside.add(v.plate);
  }

  vehiclePassage(): Passage {
    const resident = this.random() < 0.8;
    const vehicle = resident ? pick(this.random, this.vehicles) : randomVehicle(this.random);
    let direction: 'in' | 'out';
    if (resident) {
      direction = this.inside.has(vehicle.plate) ? 'out' : 'in';
      if (direction === 'in') this.inside.add(vehicle.plate);
      else this.inside.delete(vehicle.plate);
    } else {
      direction = this.random() < 0.55 ? 'in' : 'out';
    }
    return { credential: { type: 'plate', value: vehicle.plate }, direction, plateColor: vehicle.plateColor, vehicleType: vehicle.vehicleType };
  }

  pedestrianPassage(): Passage {
    const person = pick(this.random, this.people);
    const r = this.random();
    const direction = this.random() < 0.5 ? 'in' : 'out';
    if (r < 0.5) return { credential: { type: 'card', value: person.card }, direction };
    if (r < 0.8) return { credential: { type: 'face', value: person.face }, direction };
    // Visitors' QR codes (health code / invitation), unique per visit.
    return { credential: { type: 'qr', value: `QR-${Math.floor(this.random() * 36 ** 8).toString(36).toUpperCase().padStart(8, '0')}` }, direction };
  }
}
