/**
 * Drawing NiiVue while the user interacts, for software WebGL (SwiftShader) where every pixel of the
 * 3D ray casting is CPU time:
 * - one draw per animation frame: NiiVue calls drawScene 3 times per mouse move while the 3D render
 *   is dragged (a "lag" redraw, the rotation, the click it then tests) and twice per crosshair move,
 *   and each call queues a full ray cast / slice pass that the GPU process executes even though only
 *   the last is ever shown. While interacting, those calls only mark the view dirty and the frame
 *   draws once;
 * - a coarse pixel ratio while interacting (the canvas backing store shrinks, the compositor scales
 *   it up), and full resolution again once the interaction settles (`SETTLE_MS` after the release or
 *   the last wheel step), so the still image is always the full one.
 * Outside an interaction drawScene stays synchronous, as NiiVue expects (its double-click depth
 * picking reads pixels back between two draws).
 */

/** The part of NiiVue this uses. */
export interface InteractiveView {
  drawScene(): string | void;
  resizeListener(): void;
  opts: { forceDevicePixelRatio: number };
}

/** Timers, injectable for tests. */
export interface FrameScheduler {
  requestFrame(callback: (time: number) => void): number;
  cancelFrame(id: number): void;
  setTimer(callback: () => void, ms: number): number;
  clearTimer(id: number): void;
}

export const browserScheduler: FrameScheduler = {
  requestFrame: (callback) => requestAnimationFrame(callback),
  cancelFrame: (id) => cancelAnimationFrame(id),
  setTimer: (callback, ms) => window.setTimeout(callback, ms),
  clearTimer: (id) => window.clearTimeout(id),
};

/**
 * How long after the last event of an interaction (a release, a wheel step) the full-resolution
 * frame is drawn: short enough to feel immediate, long enough that a burst of wheel steps or a quick
 * re-grab does not pay for a full-resolution ray cast in between (seconds in software WebGL).
 */
export const SETTLE_MS = 150;

export interface InteractiveDrawOptions {
  /** The pixel ratio to draw at while interacting (0: the display's, i.e. no coarsening). */
  movingRatio(): number;
  /** Whether there is anything to draw (volumes loaded): no coarse frames of an empty view. */
  ready(): boolean;
  /** Called after every frame actually drawn (the e2e counts them). */
  onDraw(): void;
  /** Called when the ratio the canvas is drawn at changes (0: full). */
  onRatio?(ratio: number): void;
  /**
   * How long a moving frame took: from the animation frame it was drawn in to the next one, which
   * the browser starts only once the GPU process (SwiftShader: the CPU) has drawn it.
   */
  onFrameTime?(ms: number, ratio: number): void;
  scheduler?: FrameScheduler;
  settleMs?: number;
}

export class InteractiveDraw {
  private readonly draw: () => string | void;
  private readonly scheduler: FrameScheduler;
  private readonly settleMs: number;
  private active = false;
  /** Draw synchronously even while active (inside our own frame). */
  private direct = false;
  private frame = 0;
  /** A draw was asked for since the last frame drew. */
  private dirty = false;
  /** The animation frame time of the last moving frame drawn, until the next frame measures it. */
  private drawnAt = -1;
  /**
   * The first frame of an interaction is not measured: it waits for whatever the GPU process had
   * queued before it (often the full-resolution still, seconds in software WebGL).
   */
  private firstFrame = false;
  private settleTimer = 0;
  private ratio = 0;

  constructor(
    private readonly view: InteractiveView,
    private readonly options: InteractiveDrawOptions,
  ) {
    this.scheduler = options.scheduler ?? browserScheduler;
    this.settleMs = options.settleMs ?? SETTLE_MS;
    const original = view.drawScene.bind(view);
    this.draw = () => {
      const result = original();
      this.options.onDraw();
      return result;
    };
    view.drawScene = () => {
      if (this.active && !this.direct) {
        this.dirty = true;
        this.requestFrame();
        return;
      }
      return this.draw();
    };
  }

  get interacting(): boolean {
    return this.active;
  }

  /** Whether the full-resolution frame is already due (the interaction's last event has come). */
  get settling(): boolean {
    return this.settleTimer !== 0;
  }

  /** A press, drag or wheel step began or continues: coarse, one draw per frame, no settling yet. */
  begin(): void {
    if (!this.options.ready()) return;
    this.scheduler.clearTimer(this.settleTimer);
    this.settleTimer = 0;
    if (this.active) return;
    this.active = true;
    this.dirty = true;
    this.firstFrame = true;
    // The switch to the coarse ratio happens in the frame, with that frame's draw: resizing the
    // canvas clears it, and a press released before the next frame (a click) never coarsens.
    this.requestFrame();
  }

  /** The interaction's last event so far (a release, a wheel step): settle unless another comes. */
  settleSoon(): void {
    if (!this.active) return;
    this.scheduler.clearTimer(this.settleTimer);
    this.settleTimer = this.scheduler.setTimer(() => this.settle(), this.settleMs);
  }

  /** Ends the interaction now: drawing is synchronous again, at full resolution. */
  settle(): void {
    this.scheduler.clearTimer(this.settleTimer);
    this.settleTimer = 0;
    if (!this.active) return;
    const owed = this.dirty;
    this.active = false;
    this.dirty = false;
    this.drawnAt = -1;
    if (this.frame) this.scheduler.cancelFrame(this.frame);
    this.frame = 0;
    // Back to full resolution (resizeListener draws); already there, only a pending draw is owed.
    if (!this.setRatio(0) && owed) this.draw();
  }

  dispose(): void {
    this.scheduler.clearTimer(this.settleTimer);
    if (this.frame) this.scheduler.cancelFrame(this.frame);
    this.frame = 0;
    this.active = false;
    this.dirty = false;
  }

  private requestFrame(): void {
    if (this.frame) return;
    this.frame = this.scheduler.requestFrame((time) => this.drawFrame(time));
  }

  private drawFrame(time: number): void {
    this.frame = 0;
    if (this.drawnAt >= 0 && !this.firstFrame) this.options.onFrameTime?.(time - this.drawnAt, this.ratio);
    if (this.drawnAt >= 0) this.firstFrame = false;
    this.drawnAt = -1;
    if (!this.active || !this.dirty) return;
    this.dirty = false;
    this.direct = true;
    try {
      if (!this.setRatio(this.options.movingRatio())) this.draw();
    } finally {
      this.direct = false;
    }
    // The next frame measures this one (and draws again if asked to meanwhile).
    this.drawnAt = time;
    this.requestFrame();
  }

  /** Resizes the canvas to `ratio` (NiiVue's resizeListener draws); false if it was there already. */
  private setRatio(ratio: number): boolean {
    if (ratio === this.ratio && this.view.opts.forceDevicePixelRatio === ratio) return false;
    this.ratio = ratio;
    this.view.opts.forceDevicePixelRatio = ratio;
    this.view.resizeListener();
    this.options.onRatio?.(ratio);
    return true;
  }
}
