/**
 * A small orbit control for a perspective camera around a target: drag rotates (trackball style,
 * about the camera's own up and right axes, so there is no pole to get stuck at), right/middle drag
 * or shift+drag pans, the wheel zooms, and the keyboard does all three (see `handleKey`). A press
 * released without moving is a click, handed to `onClick`. No React, no globals: one element's
 * pointer and wheel events.
 */
import { PerspectiveCamera, Quaternion, Vector3 } from 'three';

const CLICK_SLOP_PX = 4;
const ROTATE_RAD_PER_PX = 0.008;
const KEY_ROTATE_RAD = Math.PI / 12;
const KEY_PAN_PX = 40;
const KEY_ZOOM = 1.25;

export interface OrbitOptions {
  onChange(): void;
  onClick?(clientX: number, clientY: number): void;
}

export class OrbitRig {
  readonly target = new Vector3();
  private radius = 1;
  private drag: { pointerId: number; x: number; y: number; startX: number; startY: number; pan: boolean; moved: boolean } | null = null;
  private readonly listeners: Array<[string, EventListener, AddEventListenerOptions | undefined]> = [];

  constructor(
    private readonly camera: PerspectiveCamera,
    private readonly element: HTMLElement,
    private readonly options: OrbitOptions,
  ) {
    this.listen('pointerdown', (event) => this.onPointerDown(event as PointerEvent));
    this.listen('pointermove', (event) => this.onPointerMove(event as PointerEvent));
    this.listen('pointerup', (event) => this.onPointerUp(event as PointerEvent));
    this.listen('pointercancel', () => (this.drag = null));
    this.listen('wheel', (event) => this.onWheel(event as WheelEvent), { passive: false });
    this.listen('contextmenu', (event) => event.preventDefault());
  }

  /**
   * Looks at a sphere (centre, radius) from `direction` (the camera sits at centre − direction × d)
   * with `up` as the screen's up, at the distance that fits the sphere in view.
   */
  fit(centre: Vector3, radius: number, direction?: Vector3, up?: Vector3): void {
    this.radius = Math.max(radius, 1e-3);
    const forward = (direction ?? this.forward()).clone().normalize();
    const upward = (up ?? this.camera.up).clone();
    // Keep up orthogonal to the view direction.
    upward.sub(forward.clone().multiplyScalar(upward.dot(forward))).normalize();
    const halfFov = ((this.camera.fov * Math.PI) / 180) / 2;
    const fitAspect = Math.min(1, this.camera.aspect || 1);
    const distance = (this.radius / Math.sin(halfFov)) * (1.05 / Math.max(0.5, fitAspect));
    this.target.copy(centre);
    this.camera.up.copy(upward);
    this.camera.position.copy(centre).addScaledVector(forward, -distance);
    this.camera.near = Math.max(distance / 1000, this.radius / 500);
    this.camera.far = distance + this.radius * 40;
    this.camera.updateProjectionMatrix();
    this.camera.lookAt(this.target);
    this.options.onChange();
  }

  /** Turns the view: `right` radians about the screen's vertical axis, `up` about its horizontal one. */
  rotate(right: number, up: number): void {
    const offset = this.camera.position.clone().sub(this.target);
    const forward = offset.clone().negate().normalize();
    const upAxis = this.camera.up.clone().normalize();
    const rightAxis = new Vector3().crossVectors(forward, upAxis).normalize();
    const q = new Quaternion().setFromAxisAngle(upAxis, -right).multiply(new Quaternion().setFromAxisAngle(rightAxis, -up));
    offset.applyQuaternion(q);
    this.camera.up.applyQuaternion(q).normalize();
    this.camera.position.copy(this.target).add(offset);
    this.camera.lookAt(this.target);
    this.options.onChange();
  }

  /** Moves the view by screen pixels (the scene follows the pointer). */
  pan(dxPx: number, dyPx: number): void {
    const offset = this.camera.position.clone().sub(this.target);
    const distance = offset.length();
    const height = Math.max(1, this.element.clientHeight);
    const worldPerPx = (2 * distance * Math.tan(((this.camera.fov * Math.PI) / 180) / 2)) / height;
    const forward = offset.clone().negate().normalize();
    const upAxis = this.camera.up.clone().normalize();
    const rightAxis = new Vector3().crossVectors(forward, upAxis).normalize();
    const move = rightAxis.multiplyScalar(-dxPx * worldPerPx).addScaledVector(upAxis, dyPx * worldPerPx);
    this.target.add(move);
    this.camera.position.add(move);
    this.camera.lookAt(this.target);
    this.options.onChange();
  }

  /** Moves the camera towards the target (factor < 1) or away (> 1), within sensible bounds. */
  zoom(factor: number): void {
    const offset = this.camera.position.clone().sub(this.target);
    const distance = Math.min(this.radius * 30, Math.max(this.radius * 0.02, offset.length() * factor));
    offset.setLength(distance);
    this.camera.position.copy(this.target).add(offset);
    this.camera.lookAt(this.target);
    this.options.onChange();
  }

  /** Pixels per world unit at the target's distance (for pick tolerances). */
  worldPerPixel(): number {
    const distance = this.camera.position.distanceTo(this.target);
    return (2 * distance * Math.tan(((this.camera.fov * Math.PI) / 180) / 2)) / Math.max(1, this.element.clientHeight);
  }

  /**
   * Arrows rotate (15°), shift+arrows pan, + / − zoom. Returns whether the key was used; the caller
   * decides when the rig may have the keyboard (when the 3D view has the focus).
   */
  handleKey(event: KeyboardEvent): boolean {
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const arrow = arrows[event.key];
    if (arrow) {
      if (event.shiftKey) this.pan(-arrow[0] * KEY_PAN_PX, -arrow[1] * KEY_PAN_PX);
      else this.rotate(arrow[0] * KEY_ROTATE_RAD, arrow[1] * KEY_ROTATE_RAD);
      return true;
    }
    if (event.key === '+' || event.key === '=') {
      this.zoom(1 / KEY_ZOOM);
      return true;
    }
    if (event.key === '-' || event.key === '_') {
      this.zoom(KEY_ZOOM);
      return true;
    }
    return false;
  }

  dispose(): void {
    for (const [type, listener, options] of this.listeners) this.element.removeEventListener(type, listener, options);
    this.listeners.length = 0;
  }

  private forward(): Vector3 {
    return this.target.clone().sub(this.camera.position).normalize();
  }

  private listen(type: string, listener: EventListener, options?: AddEventListenerOptions): void {
    this.element.addEventListener(type, listener, options);
    this.listeners.push([type, listener, options]);
  }

  private onPointerDown(event: PointerEvent): void {
    if (this.drag) return;
    const pan = event.button === 1 || event.button === 2 || event.shiftKey || event.ctrlKey || event.metaKey;
    if (event.button !== 0 && !pan) return;
    this.drag = { pointerId: event.pointerId, x: event.clientX, y: event.clientY, startX: event.clientX, startY: event.clientY, pan, moved: false };
    this.element.setPointerCapture?.(event.pointerId);
  }

  private onPointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.pointerId !== event.pointerId) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    drag.x = event.clientX;
    drag.y = event.clientY;
    if (!drag.moved && Math.hypot(event.clientX - drag.startX, event.clientY - drag.startY) < CLICK_SLOP_PX) return;
    drag.moved = true;
    if (drag.pan) this.pan(dx, dy);
    else this.rotate(dx * ROTATE_RAD_PER_PX, dy * ROTATE_RAD_PER_PX);
  }

  private onPointerUp(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.pointerId !== event.pointerId) return;
    this.drag = null;
    if (this.element.hasPointerCapture?.(event.pointerId)) this.element.releasePointerCapture(event.pointerId);
    if (!drag.moved && event.button === 0) this.options.onClick?.(event.clientX, event.clientY);
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const pixels = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaMode === 2 ? event.deltaY * 400 : event.deltaY;
    this.zoom(Math.exp(Math.max(-1, Math.min(1, pixels / 500))));
  }
}
