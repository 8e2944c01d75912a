/**
 * Which cameras the gateway has set moving with a ContinuousMove and not yet stopped, kept in the
 * database: a camera that ignores the move's Timeout keeps turning if the gateway dies mid-move,
 * so the next run sends Stop when it connects. Read once, written only when a mark changes.
 */
import type { CameraStore } from './store.js';

export class MovingMarks {
  private marks: Set<string> | undefined;

  constructor(private readonly store: CameraStore) {}

  private all(): Set<string> {
    return (this.marks ??= this.store.movingCameras());
  }

  has(cameraId: string): boolean {
    return this.all().has(cameraId);
  }

  mark(cameraId: string): void {
    if (this.all().has(cameraId)) return;
    this.all().add(cameraId);
    this.store.setMoving(cameraId, true);
  }

  clear(cameraId: string): void {
    if (!this.all().delete(cameraId)) return;
    this.store.setMoving(cameraId, false);
  }
}
