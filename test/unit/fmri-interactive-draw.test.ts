/**
 * The Brain view's interactive drawing (renderer/src/fmri/volume/interactiveDraw.ts) against a fake
 * NiiVue and fake timers: while interacting, NiiVue's repeated drawScene calls make one draw per
 * animation frame at the coarse ratio; the interaction settles to one full-resolution draw after the
 * release or the last wheel step; outside an interaction drawScene stays synchronous. The moving
 * pixel ratio follows the frame times measured (dynamic resolution) within its floor and the display's.
 */
import { describe, expect, it } from 'vitest';
import { FrameBudget } from '../../renderer/src/fmri/volume/frameBudget.js';
import { InteractiveDraw, type FrameScheduler, type InteractiveView } from '../../renderer/src/fmri/volume/interactiveDraw.js';

class FakeScheduler implements FrameScheduler {
  private next = 1;
  frames = new Map<number, (time: number) => void>();
  timers = new Map<number, { callback: () => void; at: number }>();
  now = 0;
  requestFrame(callback: (time: number) => void): number {
    const id = this.next++;
    this.frames.set(id, callback);
    return id;
  }
  cancelFrame(id: number): void {
    this.frames.delete(id);
  }
  setTimer(callback: () => void, ms: number): number {
    const id = this.next++;
    this.timers.set(id, { callback, at: this.now + ms });
    return id;
  }
  clearTimer(id: number): void {
    this.timers.delete(id);
  }
  /** Runs the frame callbacks registered so far (as a browser frame does; time is moved by `advance`). */
  runFrame(): void {
    const due = [...this.frames.values()];
    this.frames.clear();
    for (const callback of due) callback(this.now);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.now) {
        this.timers.delete(id);
        timer.callback();
      }
    }
  }
}

/** A NiiVue stand-in recording each real draw with the pixel ratio it was drawn at. */
function fakeView() {
  const drawn: number[] = [];
  const view: InteractiveView = {
    opts: { forceDevicePixelRatio: 0 },
    drawScene() {
      drawn.push(view.opts.forceDevicePixelRatio);
    },
    // As NiiVue's: resizes the canvas to the ratio, then draws (through the instance's drawScene).
    resizeListener() {
      view.drawScene();
    },
  };
  return { view, drawn };
}

function setup(ready = true) {
  const { view, drawn } = fakeView();
  const scheduler = new FakeScheduler();
  let counted = 0;
  const ratios: number[] = [];
  const frameTimes: [number, number][] = [];
  const interaction = new InteractiveDraw(view, {
    movingRatio: () => 0.2,
    ready: () => ready,
    onDraw: () => (counted += 1),
    onRatio: (ratio) => ratios.push(ratio),
    onFrameTime: (ms, ratio) => frameTimes.push([ms, ratio]),
    scheduler,
    settleMs: 150,
  });
  return { view, drawn, scheduler, interaction, ratios, frameTimes, counted: () => counted };
}

describe('interactive drawing of the NiiVue view', () => {
  it('draws synchronously at full resolution outside an interaction', () => {
    const { view, drawn, counted } = setup();
    view.drawScene();
    view.drawScene();
    expect(drawn).toEqual([0, 0]);
    expect(counted()).toBe(2);
  });

  it('coalesces the draws of a drag into one coarse draw per frame, then one full draw after the release', () => {
    const { view, drawn, scheduler, interaction, ratios, counted } = setup();
    interaction.begin(); // mousedown
    view.drawScene(); // NiiVue's mousedown draw
    expect(drawn).toEqual([]);
    scheduler.runFrame();
    expect(drawn).toEqual([0.2]);
    for (let move = 0; move < 5; move += 1) {
      // NiiVue's three draws per mouse move in the 3D render
      view.drawScene();
      view.drawScene();
      view.drawScene();
      scheduler.runFrame();
    }
    expect(drawn).toEqual([0.2, 0.2, 0.2, 0.2, 0.2, 0.2]);
    expect(counted()).toBe(6);
    // A frame with no draw asked for draws nothing.
    scheduler.runFrame();
    expect(drawn).toHaveLength(6);
    interaction.settleSoon(); // mouseup
    view.drawScene(); // NiiVue's mouseup draw, still coalesced
    scheduler.runFrame();
    expect(drawn).toHaveLength(7);
    expect(interaction.interacting).toBe(true);
    scheduler.advance(149);
    expect(interaction.interacting).toBe(true);
    scheduler.advance(1);
    expect(interaction.interacting).toBe(false);
    expect(drawn.at(-1)).toBe(0);
    expect(drawn).toHaveLength(8);
    expect(ratios).toEqual([0.2, 0]);
    expect(view.opts.forceDevicePixelRatio).toBe(0);
  });

  it('keeps the interaction while wheel steps keep coming, and settles after the last', () => {
    const { view, drawn, scheduler, interaction } = setup();
    for (let step = 0; step < 4; step += 1) {
      interaction.begin();
      interaction.settleSoon();
      view.drawScene();
      scheduler.runFrame();
      scheduler.advance(100);
    }
    expect(interaction.interacting).toBe(true);
    expect(drawn).toEqual([0.2, 0.2, 0.2, 0.2]);
    scheduler.advance(50);
    expect(interaction.interacting).toBe(false);
    expect(drawn).toEqual([0.2, 0.2, 0.2, 0.2, 0]);
  });

  it('a click released before the next frame never draws coarse, and still draws what NiiVue asked for', () => {
    const { view, drawn, scheduler, interaction, ratios } = setup();
    interaction.begin();
    view.drawScene();
    interaction.settle();
    expect(drawn).toEqual([0]);
    expect(ratios).toEqual([]);
    scheduler.runFrame();
    expect(drawn).toEqual([0]);
  });

  it('settles at once on demand (double-click depth picking needs synchronous draws)', () => {
    const { view, drawn, scheduler, interaction } = setup();
    interaction.begin();
    scheduler.runFrame();
    interaction.settleSoon();
    interaction.settle();
    expect(drawn).toEqual([0.2, 0]);
    view.drawScene();
    expect(drawn).toEqual([0.2, 0, 0]);
    scheduler.advance(1000);
    expect(drawn).toHaveLength(3);
  });

  it('settling where the moving ratio is the full one draws only what is still owed', () => {
    const { view, drawn } = fakeView();
    const scheduler = new FakeScheduler();
    const interaction = new InteractiveDraw(view, { movingRatio: () => 0, ready: () => true, onDraw: () => undefined, scheduler });
    interaction.begin();
    scheduler.runFrame();
    expect(drawn).toEqual([0]);
    interaction.settle();
    expect(drawn).toEqual([0]);
    interaction.begin();
    view.drawScene();
    interaction.settle();
    expect(drawn).toEqual([0, 0]);
  });

  it('does not begin before there is anything to draw', () => {
    const { view, drawn, scheduler, interaction } = setup(false);
    interaction.begin();
    view.drawScene();
    scheduler.runFrame();
    expect(interaction.interacting).toBe(false);
    expect(drawn).toEqual([0]);
  });

  it('measures each moving frame from its animation frame to the next, except the first of an interaction', () => {
    const { view, scheduler, interaction, frameTimes } = setup();
    interaction.begin();
    scheduler.runFrame(); // draws at t = 0
    scheduler.advance(900);
    view.drawScene();
    scheduler.runFrame(); // t = 900: the first frame waited for what was queued before: not measured
    scheduler.advance(50);
    view.drawScene();
    scheduler.runFrame(); // t = 950: measures the second, draws the third
    scheduler.advance(33);
    scheduler.runFrame(); // t = 983: measures the third; nothing asked for, so no draw and no more frames
    scheduler.advance(100);
    scheduler.runFrame();
    expect(frameTimes).toEqual([
      [50, 0.2],
      [33, 0.2],
    ]);
    // The next interaction's first frame is not measured either.
    interaction.settle();
    interaction.begin();
    scheduler.runFrame();
    scheduler.advance(700);
    scheduler.runFrame();
    expect(frameTimes).toHaveLength(2);
  });
});

describe('the moving pixel ratio (frame budget)', () => {
  const options = { targetMs: 33.5, initial: 0.2, min: 0.1, max: 1 };
  const record = (budget: FrameBudget, ...times: number[]) => times.forEach((ms) => budget.record(ms, budget.ratio));

  it('coarsens after four frames by the square root of their mean overshoot, to its floor at most', () => {
    const budget = new FrameBudget(options);
    record(budget, 134, 134, 134);
    expect(budget.ratio).toBe(0.2);
    record(budget, 134);
    expect(budget.ratio).toBe(0.1); // four times the budget: half the ratio (a quarter of the pixels)
    record(budget, 1000, 1000, 1000, 1000);
    expect(budget.ratio).toBe(0.1);
  });

  it('counts the mean: one frame of three display periods among frames of two is over budget', () => {
    const budget = new FrameBudget(options);
    record(budget, 33.3, 33.3, 33.3, 33.4);
    expect(budget.ratio).toBe(0.2);
    record(budget, 33.3, 33.3, 33.3, 50);
    expect(budget.ratio).toBeLessThan(0.2);
    expect(budget.ratio).toBeGreaterThan(0.17);
  });

  it('halves at most for one stall', () => {
    const budget = new FrameBudget({ ...options, initial: 0.4 });
    record(budget, 20, 20, 20, 3000);
    expect(budget.ratio).toBe(0.2);
  });

  it('refines only after two windows of frames well under the budget, up to the display ratio', () => {
    const budget = new FrameBudget(options);
    record(budget, 16.7, 16.7, 16.7, 16.7);
    expect(budget.ratio).toBe(0.2);
    record(budget, 16.7, 16.7, 16.7, 33.3); // not roomy: the count starts again
    record(budget, 16.7, 16.7, 16.7, 16.7);
    expect(budget.ratio).toBe(0.2);
    record(budget, 16.7, 16.7, 16.7, 16.7);
    expect(budget.ratio).toBe(0.24);
    for (let i = 0; i < 200; i += 1) record(budget, 5);
    expect(budget.ratio).toBe(1);
  });

  it('ignores frames drawn at a ratio it has since left', () => {
    const budget = new FrameBudget(options);
    for (let i = 0; i < 8; i += 1) budget.record(500, 0.5);
    expect(budget.ratio).toBe(0.2);
  });

  it('starts within its floor and ceiling', () => {
    expect(new FrameBudget({ ...options, initial: 3 }).ratio).toBe(1);
    expect(new FrameBudget({ ...options, initial: 0.01 }).ratio).toBe(0.1);
  });
});
