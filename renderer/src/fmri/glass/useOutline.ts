/** Loads the glass brain's cortex outline (outline.ts picks the surfaces); empty while loading, without surfaces, or when they fail to load. */
import { useEffect, useMemo, useState } from 'react';
import type { Recording } from '../../../../shared/api/index.js';
import { useApi } from '../../api/context.js';
import type { OutlineMesh } from './backdrop.js';
import { chooseOutline } from './outline.js';

export interface OutlineState {
  meshes: readonly OutlineMesh[];
  /** Where the outline came from, for the caption ("BrainMesh_ICBM152.lh.mz3, mirrored"), or why there is none. */
  source: string;
  loaded: boolean;
}

export function useOutline(recordings: readonly Recording[]): OutlineState {
  const api = useApi();
  const choice = useMemo(() => chooseOutline(recordings), [recordings]);
  const key = choice.map((c) => `${c.recordingId}${c.mirrorX ? 'm' : ''}`).join(',');
  const [state, setState] = useState<OutlineState>({ meshes: [], source: '', loaded: choice.length === 0 });
  useEffect(() => {
    const none = 'no surface imported: MNI extent ellipses';
    if (choice.length === 0) {
      setState({ meshes: [], source: none, loaded: true });
      return;
    }
    let current = true;
    setState({ meshes: [], source: '', loaded: false });
    const ids = [...new Set(choice.map((c) => c.recordingId))];
    Promise.all(ids.map((recordingId) => api.call('fmri.surface', { recordingId }))).then(
      (surfaces) => {
        if (!current) return;
        const byId = new Map(surfaces.map((s) => [s.recordingId, s]));
        const meshes = choice.map((c) => ({ vertices: byId.get(c.recordingId)!.vertices, faces: byId.get(c.recordingId)!.faces, mirrorX: c.mirrorX }));
        const names = ids.map((id) => byId.get(id)!.name).join(' and ');
        setState({ meshes, source: `${names}${choice.some((c) => c.mirrorX) ? ', mirrored for the other hemisphere' : ''}`, loaded: true });
      },
      // The outline is orientation only: without it the network still reads, on the ellipses.
      () => current && setState({ meshes: [], source: `${none} (the surface could not be loaded)`, loaded: true }),
    );
    return () => {
      current = false;
    };
  }, [api, key]);
  return state;
}
