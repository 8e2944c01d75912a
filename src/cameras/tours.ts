/** Patrol tour definitions: per camera, named sequences of presets with dwell and speed; persisted. */
import { z } from 'zod';
import { NotFoundError, UserError } from '../core/errors.js';
import type { PresetService } from './presets.js';
import type { CameraStore } from './store.js';
import { tourWindowSchema, type TourWindow } from './tour-schedule.js';

export const tourInputSchema = z.strictObject({
  steps: z
    .array(
      z.strictObject({
        /** Preset token or name. */
        preset: z.string().min(1).max(128),
        /** How long the camera stays at the preset once there, ms. */
        dwellMs: z.number().int().min(200).max(3_600_000),
        /** Speed of the move to the preset, 0..1 of the camera's maximum; absent: the camera's default. */
        speed: z.number().min(0.01).max(1).optional(),
      }),
    )
    .min(1)
    .max(64),
  loop: z.boolean().default(true),
  windows: z.array(tourWindowSchema).max(16).optional(),
});

export type TourInput = z.infer<typeof tourInputSchema>;

export interface TourStep {
  presetToken: string;
  presetName: string;
  dwellMs: number;
  speed?: number | undefined;
}

export interface TourDefinition {
  name: string;
  steps: TourStep[];
  loop: boolean;
  windows: TourWindow[];
}

export function checkTourName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (!name || [...name].length > 64) throw new UserError('tour.name-invalid', { max: 64 });
  return name;
}

export class TourDefinitions {
  constructor(private readonly deps: { store: CameraStore; presets: PresetService }) {}

  list(cameraId: string): TourDefinition[] {
    return this.deps.store.tours(cameraId).map((t) => t.definition as TourDefinition);
  }

  get(cameraId: string, name: string): TourDefinition {
    const found = this.list(cameraId).find((t) => t.name === name.normalize('NFC'));
    if (!found) throw new NotFoundError('tour.not-found', { camera: cameraId, tour: name });
    return found;
  }

  /** Resolves every step's preset on the camera (so the camera must be online) and stores the tour. */
  async save(cameraId: string, rawName: string, input: TourInput, by: string): Promise<TourDefinition> {
    const name = checkTourName(rawName);
    const steps: TourStep[] = [];
    for (const s of input.steps) {
      const preset = await this.deps.presets.find(cameraId, s.preset);
      steps.push({ presetToken: preset.token, presetName: preset.name, dwellMs: s.dwellMs, ...(s.speed !== undefined ? { speed: s.speed } : {}) });
    }
    const definition: TourDefinition = { name, steps, loop: input.loop, windows: input.windows ?? [] };
    this.deps.store.saveTour(cameraId, name, definition, by);
    return definition;
  }

  remove(cameraId: string, name: string): void {
    if (!this.deps.store.deleteTour(cameraId, name.normalize('NFC'))) throw new NotFoundError('tour.not-found', { camera: cameraId, tour: name });
  }

  /** Names of the tours that visit a preset. */
  usingPreset(cameraId: string, token: string): string[] {
    return this.list(cameraId)
      .filter((t) => t.steps.some((s) => s.presetToken === token))
      .map((t) => t.name);
  }
}
