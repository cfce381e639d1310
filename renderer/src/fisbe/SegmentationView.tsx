/**
 * The Segmentation view: the 3D error view of one evaluated FISBe sample. A run picker (and a form
 * to evaluate a sample), the sample's metric table, its GT and predicted instances in a list with
 * their status colours, the instances in 3D (isosurfaces and/or skeletons, coloured by status), and
 * three orthogonal slices through both label volumes. One selection across list, 3D and slices;
 * usable from the keyboard alone (see keyboard.ts).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FisbeInstance, FisbeRunSummary, FisbeSample } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { RunPicker, useChosenRun } from '../components/RunPicker.js';
import { DEFAULT_LAYERS, type SceneInstance, type SceneLayers } from './segmentationScene.js';
import { EvaluateForm } from './EvaluateForm.js';
import { InstanceDetails } from './InstanceDetails.js';
import { InstanceList } from './InstanceList.js';
import { fisbeCommandOf, FISBE_KEY_HELP, viewOwnsKey, type FisbeCommand } from './keyboard.js';
import { formatScore } from './metrics.js';
import { MetricsPanel } from './MetricsPanel.js';
import { sideTitle, STATUSES, statusColor, statusTitle } from './palette.js';
import { SceneView, type SceneHandle } from './SceneView.js';
import { bboxCentre, chooseCandidate, instanceKey, listOrder, parseInstanceKey, partnerOf, relatedKeys, skeletonAnchor, stepKey, type InstanceRef } from './selection.js';
import type { Voxel } from './sliceImage.js';
import { SliceViews } from './SliceViews.js';
import { useFisbeGeometry, useFisbeRuns, useFisbeSample } from './useFisbeData.js';
import type { ViewProps } from '../workbench/viewProps.js';
import './fisbe.css';

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function runTitle(run: FisbeRunSummary): string {
  return `#${run.runId} ${fileName(run.predPath)} vs ${fileName(run.gtPath)}, S ${formatScore(run.score)}, ${run.createdAt.replace('T', ' ').slice(0, 16)}`;
}

// Reads its own runs; from the app context only the run it was opened for (Runs' "Open in …").
export function SegmentationView({ app }: ViewProps) {
  const fisbe = useFisbeRuns();
  const [runId, setChosenRunId] = useChosenRun(fisbe.runs, app.selectedRunId);
  const refresh = fisbe.refresh;
  const onEvaluated = useCallback(
    (id: number) => {
      setChosenRunId(id);
      refresh();
    },
    [refresh],
  );

  return (
    <section className="fisbe" aria-labelledby="fisbe-title">
      <div className="fisbe-title">
        <h1 id="fisbe-title">Segmentation</h1>
        <RunPicker id="fisbe-run" label="FISBe run" runs={fisbe.runs} runId={runId} onChoose={setChosenRunId} title={runTitle} />
        <EvaluateForm open={fisbe.loaded && fisbe.runs.length === 0} onEvaluated={onEvaluated} />
      </div>
      <ErrorMessage message={fisbe.error} />
      {runId !== null ? (
        <RunView key={runId} runId={runId} />
      ) : (
        fisbe.loaded && (
          <p className="empty">
            No FISBe evaluation in this project yet. Evaluate a sample above, or run <code>cajal fisbe eval --gt GT --pred PRED</code>.
          </p>
        )
      )}
    </section>
  );
}

function RunView({ runId }: { runId: number }) {
  const { sample, error } = useFisbeSample(runId);
  if (error) return <ErrorMessage message={error} />;
  if (!sample) return <p className="empty">Loading run {runId}…</p>;
  return <SampleView runId={runId} sample={sample} />;
}

function centreOf(shape: readonly [number, number, number]): Voxel {
  return [Math.floor(shape[2] / 2), Math.floor(shape[1] / 2), Math.floor(shape[0] / 2)];
}

function SampleView({ runId, sample }: { runId: number; sample: FisbeSample }) {
  const geometry = useFisbeGeometry(runId, sample);
  const order = useMemo(() => listOrder(sample.instances), [sample]);
  const byKey = useMemo(() => new Map(order.map((instance) => [instanceKey(instance), instance])), [order]);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [layers, setLayers] = useState<SceneLayers>(DEFAULT_LAYERS);
  const [position, setPosition] = useState<Voxel>(() => centreOf(sample.shape));
  const [follow, setFollow] = useState(true);
  const scene = useRef<SceneHandle | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const selected = selectedKey ? (byKey.get(selectedKey) ?? null) : null;
  // Keys arrive between renders: the handlers read the latest state.
  const latest = useRef({ selectedKey, geometries: geometry.geometries, follow });
  latest.current = { selectedKey, geometries: geometry.geometries, follow };

  const sceneInstances = useMemo<SceneInstance[]>(
    () =>
      order.flatMap((instance) => {
        const key = instanceKey(instance);
        const decoded = geometry.geometries.get(key);
        return decoded
          ? [{ key, side: instance.side, color: statusColor(instance.status), skeleton: decoded.skeleton, positions: decoded.positions, indices: decoded.indices }]
          : [];
      }),
    [order, geometry.geometries],
  );
  const related = useMemo(() => (selected ? relatedKeys(selected) : []), [selected]);

  /** Selects an instance; from the list, 3D or keys the slices move onto it (when they follow). */
  const select = useCallback(
    (key: string | null, moveSlices: boolean) => {
      latest.current.selectedKey = key;
      setSelectedKey(key);
      const instance = key ? byKey.get(key) : undefined;
      if (!instance || !moveSlices || !latest.current.follow) return;
      const decoded = latest.current.geometries.get(key!);
      setPosition((decoded && skeletonAnchor(decoded.skeleton)) ?? bboxCentre(instance.bboxMin, instance.bboxMax));
    },
    [byKey],
  );

  const frame = useCallback((instance: FisbeInstance | null) => {
    scene.current?.frame(instance ? { side: instance.side, bboxMin: instance.bboxMin, bboxMax: instance.bboxMax } : null);
  }, []);

  const toPartner = useCallback(() => {
    const current = latest.current.selectedKey ? byKey.get(latest.current.selectedKey) : undefined;
    const partner = current ? partnerOf(current) : null;
    if (partner && byKey.has(instanceKey(partner))) select(instanceKey(partner), true);
  }, [byKey, select]);

  const run = useCallback(
    (command: FisbeCommand) => {
      switch (command.kind) {
        case 'step':
          select(stepKey(order, latest.current.selectedKey, command.delta), true);
          break;
        case 'partner':
          toPartner();
          break;
        case 'frame':
          frame(latest.current.selectedKey ? (byKey.get(latest.current.selectedKey) ?? null) : null);
          break;
        case 'resetView':
          scene.current?.reset();
          break;
        case 'clear':
          select(null, false);
          break;
        case 'toggle':
          setLayers((current) => ({ ...current, [command.layer]: !current[command.layer] }));
          break;
      }
    },
    [order, byKey, select, toPartner, frame],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !viewOwnsKey(event.target, root.current)) return;
      const command = fisbeCommandOf(event);
      if (!command) return;
      event.preventDefault();
      run(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [run]);

  const onSlicePick = useCallback(
    (voxel: Voxel, candidates: InstanceRef[]) => {
      setPosition(voxel);
      select(chooseCandidate(candidates, latest.current.selectedKey), false);
    },
    [select],
  );

  const gtCount = sample.instances.filter((instance) => instance.side === 'gt').length;
  const predCount = sample.instances.length - gtCount;
  const selectedRef = selectedKey ? parseInstanceKey(selectedKey) : null;
  const sceneLabel = [
    `3D view of run ${runId}: ${gtCount} GT and ${predCount} predicted instances`,
    `${[layers.gt && 'GT', layers.pred && 'predictions'].filter(Boolean).join(' and ') || 'nothing'} as ${[layers.surfaces && 'surfaces', layers.skeletons && 'skeletons'].filter(Boolean).join(' and ') || 'nothing'}${layers.sideBySide ? ', side by side' : ''}`,
    geometry.loaded < geometry.total ? `loading ${geometry.loaded} of ${geometry.total}` : null,
    selected && selectedRef ? `selected ${sideTitle(selectedRef.side)} ${selectedRef.id} (${statusTitle(selected.status, selected.side)})` : null,
  ]
    .filter(Boolean)
    .join(', ');

  const toggle = (layer: keyof SceneLayers, label: string, key: string) => (
    <label className="fisbe-toggle" title={`${label} (${key})`}>
      <input type="checkbox" checked={layers[layer]} aria-keyshortcuts={key} onChange={(event) => setLayers((current) => ({ ...current, [layer]: event.target.checked }))} />
      {label}
    </label>
  );

  return (
    <div className="fisbe-body" ref={root}>
      <div className="fisbe-main">
        <div className="fisbe-toolbar" role="toolbar" aria-label="3D view options">
          {toggle('gt', 'GT', 'G')}
          {toggle('pred', 'Predictions', 'P')}
          {toggle('surfaces', 'Surfaces', 'S')}
          {toggle('skeletons', 'Skeletons', 'C')}
          {toggle('sideBySide', 'Side by side', 'B')}
          <label className="fisbe-toggle">
            <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} />
            Slices follow selection
          </label>
          <button type="button" aria-keyshortcuts="R" onClick={() => scene.current?.reset()}>
            Reset view
          </button>
          <span className="fisbe-legend-title" id="fisbe-legend-title">
            Matched at clDice 0.5:
          </span>
          <ul className="fisbe-legend" aria-labelledby="fisbe-legend-title">
            {STATUSES.map((status) => (
              <li key={status} className={`fisbe-status-${status}`}>
                <span className="fisbe-swatch" aria-hidden="true" /> {statusTitle(status)}
              </li>
            ))}
          </ul>
          {geometry.loaded < geometry.total && (
            <span className="fisbe-loading" role="status">
              Loading geometry {geometry.loaded} of {geometry.total}…
            </span>
          )}
        </div>
        <ErrorMessage message={geometry.error} />
        <SceneView
          shape={sample.shape}
          instances={sceneInstances}
          expected={sample.instances.length}
          layers={layers}
          selectedKey={selectedKey}
          relatedKeys={related}
          label={sceneLabel}
          handle={scene}
          onPick={(key) => select(key, true)}
        />
        <SliceViews
          runId={runId}
          shape={sample.shape}
          instances={sample.instances}
          position={position}
          selectedKey={selectedKey}
          layers={{ gt: layers.gt, pred: layers.pred }}
          onPosition={setPosition}
          onPick={onSlicePick}
        />
        <p className="eeg-hint" id="fisbe-key-help">
          {FISBE_KEY_HELP}
        </p>
      </div>
      <aside className="fisbe-side">
        <p className="fisbe-sample" title={`${sample.gtPath}\n${sample.predPath}`}>
          <strong>{fileName(sample.predPath)}</strong> vs {fileName(sample.gtPath)} · {sample.shape.join(' × ')} voxels (z × y × x){sample.partly ? ' · partly labelled' : ''}
        </p>
        <MetricsPanel metrics={sample.metrics} />
        <InstanceDetails instance={selected} onPartner={toPartner} onFrame={() => frame(selected)} />
        <h2 id="fisbe-instances-title">Instances</h2>
        <InstanceList
          instances={order}
          selectedKey={selectedKey}
          onSelect={(key) => select(key, true)}
          onStep={(delta) => select(stepKey(order, latest.current.selectedKey, delta), true)}
        />
      </aside>
    </div>
  );
}
