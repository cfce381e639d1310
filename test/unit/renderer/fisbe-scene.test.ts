/**
 * The 3D view's renderer-free parts, in Node: picking an instance by ray (nearest shown surface or
 * skeleton point, by the key on its objects) and the orbit control's rotate / pan / zoom / keys and
 * click detection.
 */
import { BufferAttribute, BufferGeometry, Group, Mesh, MeshBasicMaterial, PerspectiveCamera, Points, PointsMaterial, Vector3 } from 'three';
import { describe, expect, it, vi } from 'vitest';
import { OrbitRig } from '../../../renderer/src/components/three/orbit.js';
import { KEY_FIELD, pickKey, toNdc } from '../../../renderer/src/components/three/picking.js';

/** A square in the plane z = `z`, facing the camera at the origin. */
function square(key: string, z: number, size = 10): Mesh {
  const geometry = new BufferGeometry();
  const h = size / 2;
  geometry.setAttribute('position', new BufferAttribute(Float32Array.from([-h, -h, z, h, -h, z, h, h, z, -h, h, z]), 3));
  geometry.setIndex([0, 1, 2, 0, 2, 3]);
  const mesh = new Mesh(geometry, new MeshBasicMaterial({ side: 2 }));
  mesh.userData[KEY_FIELD] = key;
  mesh.updateMatrixWorld(true);
  return mesh;
}

function camera(): PerspectiveCamera {
  const c = new PerspectiveCamera(40, 1, 0.1, 1000);
  c.position.set(0, 0, 0);
  c.lookAt(0, 0, -1);
  c.updateMatrixWorld(true);
  return c;
}

describe('picking by ray', () => {
  it('converts client points to normalised device coordinates', () => {
    const rect = { left: 10, top: 20, width: 200, height: 100 };
    expect(toNdc(110, 70, rect)?.toArray()).toEqual([0, 0]);
    expect(toNdc(10, 20, rect)?.toArray()).toEqual([-1, 1]);
    expect(toNdc(210, 120, rect)?.toArray()).toEqual([1, -1]);
    expect(toNdc(0, 0, { left: 0, top: 0, width: 0, height: 10 })).toBeNull();
  });

  it('picks the nearest shown instance and skips hidden ones', () => {
    const near = square('gt:1', -20);
    const far = square('pred:4', -40);
    const centre = toNdc(50, 50, { left: 0, top: 0, width: 100, height: 100 })!;
    expect(pickKey(camera(), centre, [far, near], 0.5)).toBe('gt:1');
    near.visible = false;
    expect(pickKey(camera(), centre, [far, near], 0.5)).toBe('pred:4');
    // A hidden parent (a side switched off) hides its instances too.
    const side = new Group();
    side.add(far);
    side.visible = false;
    expect(pickKey(camera(), centre, [far, near], 0.5)).toBeNull();
  });

  it('misses beside the objects and hits skeleton points within the tolerance', () => {
    const mesh = square('gt:1', -20, 2);
    const edge = toNdc(95, 50, { left: 0, top: 0, width: 100, height: 100 })!;
    expect(pickKey(camera(), edge, [mesh], 0.5)).toBeNull();

    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(Float32Array.from([0.3, 0, -30]), 3));
    const points = new Points(geometry, new PointsMaterial());
    points.userData[KEY_FIELD] = 'pred:2';
    points.updateMatrixWorld(true);
    const centre = toNdc(50, 50, { left: 0, top: 0, width: 100, height: 100 })!;
    expect(pickKey(camera(), centre, [points], 0.5)).toBe('pred:2');
    expect(pickKey(camera(), centre, [points], 0.1)).toBeNull();
  });
});

/** Just enough of an element for the rig: listeners and a size. */
function fakeElement() {
  const listeners = new Map<string, (event: unknown) => void>();
  const element = {
    clientHeight: 400,
    clientWidth: 400,
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
    removeEventListener: (type: string) => listeners.delete(type),
    setPointerCapture: () => undefined,
    hasPointerCapture: () => false,
    releasePointerCapture: () => undefined,
  };
  const fire = (type: string, event: Record<string, unknown>) => listeners.get(type)?.({ preventDefault: () => undefined, ...event });
  return { element: element as unknown as HTMLElement, listeners, fire };
}

describe('orbit control', () => {
  const setup = () => {
    const cam = new PerspectiveCamera(35, 1, 0.1, 1000);
    const { element, listeners, fire } = fakeElement();
    const onChange = vi.fn();
    const onClick = vi.fn();
    const rig = new OrbitRig(cam, element, { onChange, onClick });
    rig.fit(new Vector3(10, 20, 30), 50, new Vector3(0, 0, 1), new Vector3(0, -1, 0));
    return { cam, rig, listeners, fire, onChange, onClick };
  };

  it('fits a sphere in view, looking along the direction with the given up', () => {
    const { cam, rig } = setup();
    expect(rig.target.toArray()).toEqual([10, 20, 30]);
    const forward = rig.target.clone().sub(cam.position).normalize();
    expect(forward.z).toBeCloseTo(1, 9);
    expect(cam.up.y).toBeCloseTo(-1, 9);
    // The sphere's angular radius fits within half the field of view.
    const distance = cam.position.distanceTo(rig.target);
    expect(Math.asin(50 / distance)).toBeLessThan((35 / 2) * (Math.PI / 180));
  });

  it('rotates around the target at a constant distance, keeping up orthogonal to the view', () => {
    const { cam, rig } = setup();
    const distance = cam.position.distanceTo(rig.target);
    rig.rotate(0.7, -0.4);
    rig.rotate(-2, 1.3);
    expect(cam.position.distanceTo(rig.target)).toBeCloseTo(distance, 6);
    const forward = rig.target.clone().sub(cam.position).normalize();
    expect(Math.abs(forward.dot(cam.up))).toBeLessThan(1e-9);
    // Half a turn about the vertical axis looks from the other side.
    const { cam: other, rig: otherRig } = setup();
    otherRig.rotate(Math.PI, 0);
    expect(otherRig.target.clone().sub(other.position).normalize().z).toBeCloseTo(-1, 9);
  });

  it('pans target and camera together and zooms within bounds', () => {
    const { cam, rig } = setup();
    const offset = cam.position.clone().sub(rig.target);
    rig.pan(100, 0);
    expect(cam.position.clone().sub(rig.target).toArray().map((v) => Number(v.toFixed(9)))).toEqual(offset.toArray().map((v) => Number(v.toFixed(9))));
    expect(rig.target.x).not.toBeCloseTo(10, 3);
    const before = cam.position.distanceTo(rig.target);
    rig.zoom(0.5);
    expect(cam.position.distanceTo(rig.target)).toBeCloseTo(before / 2, 6);
    rig.zoom(1e-9);
    expect(cam.position.distanceTo(rig.target)).toBeCloseTo(50 * 0.02, 6);
  });

  it('takes arrows, shift+arrows and +/− from the keyboard', () => {
    const { cam, rig, onChange } = setup();
    const key = (k: string, shift = false) => ({ key: k, shiftKey: shift, ctrlKey: false, metaKey: false, altKey: false }) as KeyboardEvent;
    const position = cam.position.clone();
    expect(rig.handleKey(key('ArrowLeft'))).toBe(true);
    expect(cam.position.distanceTo(position)).toBeGreaterThan(1);
    const target = rig.target.clone();
    expect(rig.handleKey(key('ArrowUp', true))).toBe(true);
    expect(rig.target.distanceTo(target)).toBeGreaterThan(0);
    const distance = cam.position.distanceTo(rig.target);
    expect(rig.handleKey(key('+'))).toBe(true);
    expect(cam.position.distanceTo(rig.target)).toBeLessThan(distance);
    expect(rig.handleKey(key('x'))).toBe(false);
    expect(rig.handleKey({ ...key('ArrowLeft'), ctrlKey: true } as KeyboardEvent)).toBe(false);
    expect(onChange).toHaveBeenCalled();
  });

  it('treats a press without movement as a click and a drag as a rotation', () => {
    const { cam, fire, onClick, rig, listeners } = setup();
    fire('pointerdown', { button: 0, pointerId: 1, clientX: 100, clientY: 100 });
    fire('pointermove', { pointerId: 1, clientX: 101, clientY: 101 });
    fire('pointerup', { button: 0, pointerId: 1, clientX: 101, clientY: 101 });
    expect(onClick).toHaveBeenCalledWith(101, 101);

    const position = cam.position.clone();
    fire('pointerdown', { button: 0, pointerId: 2, clientX: 100, clientY: 100 });
    fire('pointermove', { pointerId: 2, clientX: 160, clientY: 100 });
    fire('pointerup', { button: 0, pointerId: 2, clientX: 160, clientY: 100 });
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(cam.position.distanceTo(position)).toBeGreaterThan(1);

    rig.dispose();
    expect(listeners.size).toBe(0);
  });
});
