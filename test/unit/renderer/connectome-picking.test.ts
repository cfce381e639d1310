/** Hover picking of connectome nodes: the instanced sphere nearest under a point, by ray, in Node. */
import { InstancedMesh, Matrix4, MeshBasicMaterial, PerspectiveCamera, Quaternion, SphereGeometry, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { pickInstance } from '../../../renderer/src/components/three/nodePicking.js';
import { toNdc } from '../../../renderer/src/components/three/picking.js';

function spheres(centres: [number, number, number][], radius = 0.5): InstancedMesh {
  const mesh = new InstancedMesh(new SphereGeometry(1, 12, 8), new MeshBasicMaterial(), centres.length);
  centres.forEach((centre, i) => mesh.setMatrixAt(i, new Matrix4().compose(new Vector3(...centre), new Quaternion(), new Vector3(radius, radius, radius))));
  mesh.computeBoundingSphere();
  mesh.updateMatrixWorld(true);
  return mesh;
}

function camera(): PerspectiveCamera {
  const c = new PerspectiveCamera(40, 1, 0.1, 1000);
  c.position.set(0, 0, 10);
  c.lookAt(0, 0, 0);
  c.updateMatrixWorld(true);
  return c;
}

const rect = { left: 0, top: 0, width: 200, height: 200 };

describe('node picking', () => {
  it('picks the nearest node under the point', () => {
    // Node 1 is in front of node 0 on the view axis; node 2 is off to the right.
    const mesh = spheres([[0, 0, 0], [0, 0, 3], [2.5, 0, 0]]);
    expect(pickInstance(camera(), toNdc(100, 100, rect)!, mesh)).toBe(1);
    const right = new Vector3(2.5, 0, 0).project(camera());
    expect(pickInstance(camera(), right.clone() as never, mesh)).toBe(2);
  });

  it('picks nothing on empty space, hidden meshes or no nodes', () => {
    const mesh = spheres([[0, 0, 0]]);
    expect(pickInstance(camera(), toNdc(5, 5, rect)!, mesh)).toBeNull();
    mesh.visible = false;
    expect(pickInstance(camera(), toNdc(100, 100, rect)!, mesh)).toBeNull();
    expect(pickInstance(camera(), toNdc(100, 100, rect)!, spheres([]))).toBeNull();
  });

  it('follows nodes that moved once the bounds are recomputed', () => {
    const mesh = spheres([[0, 0, 0]]);
    mesh.setMatrixAt(0, new Matrix4().compose(new Vector3(3, 0, 0), new Quaternion(), new Vector3(0.5, 0.5, 0.5)));
    mesh.computeBoundingSphere();
    expect(pickInstance(camera(), toNdc(100, 100, rect)!, mesh)).toBeNull();
    const moved = new Vector3(3, 0, 0).project(camera());
    expect(pickInstance(camera(), moved as never, mesh)).toBe(0);
  });
});
