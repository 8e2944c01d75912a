/**
 * PTZ mechanics: pan 0..360 wrapping, tilt and zoom within configured ranges, at realistic
 * speed. Position is integrated lazily (on every read) and by a ticker that runs only while
 * something moves, so an idle camera costs nothing.
 */
import {
  clamp,
  DEFAULT_PTZ_RANGES,
  DEFAULT_PTZ_SPEEDS,
  wrapDeg,
  type MoveStatus,
  type PtzPhysical,
  type PtzRanges,
  type PtzSpeeds,
} from '../../devices/onvif-camera/protocol.js';

interface ContinuousMotion {
  kind: 'continuous';
  /** Velocities in physical units per second (deg/s, deg/s, zoom generic units/s). */
  pan: number;
  tilt: number;
  zoom: number;
  until: number | undefined;
}

interface TargetMotion {
  kind: 'target';
  target: PtzPhysical;
  /** Speeds for this move, fractions (0..1] of the maximum. */
  panTiltSpeed: number;
  zoomSpeed: number;
}

export interface PtzStatusSnapshot extends PtzPhysical {
  panTiltStatus: MoveStatus;
  zoomStatus: MoveStatus;
}

const TICK_MS = 50;

export class PtzModel {
  private pos: PtzPhysical;
  private panTiltMotion: ContinuousMotion | TargetMotion | undefined;
  private zoomMotion: ContinuousMotion | TargetMotion | undefined;
  private lastUpdate: number;
  private ticker: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly ranges: PtzRanges = DEFAULT_PTZ_RANGES,
    readonly speeds: PtzSpeeds = DEFAULT_PTZ_SPEEDS,
    initial: PtzPhysical = { panDeg: 0, tiltDeg: 0, zoom: ranges.zoomMin },
    private readonly now: () => number = () => performance.now(),
  ) {
    this.pos = this.clampPosition(initial);
    this.lastUpdate = now();
  }

  /** Called whenever the position changes or a move ends. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): PtzStatusSnapshot {
    this.advance();
    return {
      ...this.pos,
      panTiltStatus: this.panTiltMotion ? 'MOVING' : 'IDLE',
      zoomStatus: this.zoomMotion ? 'MOVING' : 'IDLE',
    };
  }

  position(): PtzPhysical {
    this.advance();
    return { ...this.pos };
  }

  get moving(): boolean {
    return this.panTiltMotion !== undefined || this.zoomMotion !== undefined;
  }

  /**
   * Velocities as fractions of the maximum speed (-1..1). An omitted axis group keeps what it was
   * doing; a zero velocity stops it. `timeoutMs`: the move stops by itself when it ends.
   */
  continuous(panTilt: { pan: number; tilt: number } | undefined, zoomFrac: number | undefined, timeoutMs?: number): void {
    this.advance();
    const until = timeoutMs !== undefined ? this.now() + timeoutMs : undefined;
    if (panTilt) {
      const pan = clamp(panTilt.pan, -1, 1) * this.speeds.panDegPerSec;
      const tilt = clamp(panTilt.tilt, -1, 1) * this.speeds.tiltDegPerSec;
      this.panTiltMotion = pan === 0 && tilt === 0 ? undefined : { kind: 'continuous', pan, tilt, zoom: 0, until };
    }
    if (zoomFrac !== undefined) {
      const zoom = clamp(zoomFrac, -1, 1) * this.speeds.zoomGenericPerSec;
      this.zoomMotion = zoom === 0 ? undefined : { kind: 'continuous', pan: 0, tilt: 0, zoom, until };
    }
    this.kick();
  }

  /** Moves to an absolute position; undefined axes keep their target. Speeds are fractions of the maximum. */
  moveTo(target: Partial<PtzPhysical>, panTiltSpeed = 1, zoomSpeed = 1): void {
    this.advance();
    const goal = this.clampPosition({
      panDeg: target.panDeg ?? this.pos.panDeg,
      tiltDeg: target.tiltDeg ?? this.pos.tiltDeg,
      zoom: target.zoom ?? this.pos.zoom,
    });
    if (target.panDeg !== undefined || target.tiltDeg !== undefined) {
      this.panTiltMotion = { kind: 'target', target: goal, panTiltSpeed: clamp(panTiltSpeed, 0.01, 1), zoomSpeed: 1 };
    }
    if (target.zoom !== undefined) {
      this.zoomMotion = { kind: 'target', target: goal, panTiltSpeed: 1, zoomSpeed: clamp(zoomSpeed, 0.01, 1) };
    }
    this.kick();
  }

  stop(panTilt = true, zoom = true): void {
    this.advance();
    if (panTilt) this.panTiltMotion = undefined;
    if (zoom) this.zoomMotion = undefined;
    this.kick();
  }

  /** Puts the head somewhere at once (used for restore after a simulated reboot and tests). */
  teleport(p: PtzPhysical): void {
    this.panTiltMotion = undefined;
    this.zoomMotion = undefined;
    this.pos = this.clampPosition(p);
    this.lastUpdate = this.now();
    this.emit();
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.listeners.clear();
  }

  private clampPosition(p: PtzPhysical): PtzPhysical {
    return {
      panDeg: wrapDeg(p.panDeg),
      tiltDeg: clamp(p.tiltDeg, this.ranges.tiltMinDeg, this.ranges.tiltMaxDeg),
      zoom: clamp(p.zoom, this.ranges.zoomMin, this.ranges.zoomMax),
    };
  }

  private kick(): void {
    this.emit();
    if (this.moving && !this.ticker) {
      this.ticker = setInterval(() => this.advance(), TICK_MS);
    } else if (!this.moving && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }

  /** Integrates motion up to now (in one step, exact for constant velocities). */
  private advance(): void {
    const now = this.now();
    const t = this.lastUpdate;
    this.lastUpdate = now;
    if (!this.moving) return;
    const zoomSpan = this.ranges.zoomMax - this.ranges.zoomMin;
    // continuous moves may end part-way through the step
    const pt = this.panTiltMotion;
    if (pt?.kind === 'continuous') {
      const end = pt.until !== undefined ? Math.min(now, pt.until) : now;
      const dt = Math.max(0, end - t) / 1000;
      this.pos.panDeg = wrapDeg(this.pos.panDeg + pt.pan * dt);
      const tilt = this.pos.tiltDeg + pt.tilt * dt;
      this.pos.tiltDeg = clamp(tilt, this.ranges.tiltMinDeg, this.ranges.tiltMaxDeg);
      if (pt.until !== undefined && now >= pt.until) this.panTiltMotion = undefined;
      // a tilt-only move that hit its end stop is over
      else if (pt.pan === 0 && tilt !== this.pos.tiltDeg) this.panTiltMotion = undefined;
    } else if (pt?.kind === 'target') {
      const dt = (now - t) / 1000;
      let dPan = wrapDeg(pt.target.panDeg - this.pos.panDeg);
      if (dPan > 180) dPan -= 360;
      const dTilt = pt.target.tiltDeg - this.pos.tiltDeg;
      const maxPan = this.speeds.panDegPerSec * pt.panTiltSpeed * dt;
      const maxTilt = this.speeds.tiltDegPerSec * pt.panTiltSpeed * dt;
      this.pos.panDeg = wrapDeg(this.pos.panDeg + clamp(dPan, -maxPan, maxPan));
      this.pos.tiltDeg += clamp(dTilt, -maxTilt, maxTilt);
      if (Math.abs(dPan) <= maxPan && Math.abs(dTilt) <= maxTilt) {
        this.pos.panDeg = pt.target.panDeg;
        this.pos.tiltDeg = pt.target.tiltDeg;
        this.panTiltMotion = undefined;
      }
    }
    const zm = this.zoomMotion;
    if (zm?.kind === 'continuous') {
      const end = zm.until !== undefined ? Math.min(now, zm.until) : now;
      const dt = Math.max(0, end - t) / 1000;
      const z = this.pos.zoom + zm.zoom * zoomSpan * dt;
      this.pos.zoom = clamp(z, this.ranges.zoomMin, this.ranges.zoomMax);
      if ((zm.until !== undefined && now >= zm.until) || z !== this.pos.zoom) this.zoomMotion = undefined;
    } else if (zm?.kind === 'target') {
      const dt = (now - t) / 1000;
      const dz = zm.target.zoom - this.pos.zoom;
      const maxZ = this.speeds.zoomGenericPerSec * zm.zoomSpeed * zoomSpan * dt;
      if (Math.abs(dz) <= maxZ) {
        this.pos.zoom = zm.target.zoom;
        this.zoomMotion = undefined;
      } else this.pos.zoom += Math.sign(dz) * maxZ;
    }
    this.emit();
    if (!this.moving && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}
