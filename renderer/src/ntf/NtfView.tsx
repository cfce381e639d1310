/**
 * The Connectome view (Alt+6): functional connectomes found by NTF (Dyballa et al. 2024) in calcium
 * recordings. A run picker and a form for a new run; for the chosen run, its components in a strip,
 * the selected component's connectome in 3D (the generic view in renderer/src/components/connectome, nodes
 * coloured by the component's SBM communities, edges its affinities), its time course, animal
 * weights, affinity heat map and community counts, and the rank sweep with the reasons for the
 * rank. ←/→ switch component from anywhere in the view but fields, sliders and the 3D view.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { NtfResult, NtfRunSummary } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { RunPicker, useChosenRun } from '../components/RunPicker.js';
import { CONNECTOME_KEY_HELP, ConnectomeGraphView } from '../components/connectome/ConnectomeGraphView.js';
import type { ConnectomeEdges } from '../components/connectome/types.js';
import { AffinityHeatmap } from './AffinityHeatmap.js';
import { AnimalWeightsChart } from './AnimalWeightsChart.js';
import { BlockTree } from './BlockTree.js';
import { rankCommunities } from './communities.js';
import { CommunityCounts } from './CommunityCounts.js';
import { ComponentStrip } from './ComponentStrip.js';
import { weightedSum } from './decode.js';
import { componentTitle, formatSeconds } from './format.js';
import { componentGraph } from './graph.js';
import { componentHierarchy, defaultLevel } from './hierarchy.js';
import { arrowsFree, componentStepOf, stepComponent } from './keyboard.js';
import { NewRunForm } from './NewRunForm.js';
import { RankSweep } from './RankSweep.js';
import { TimeCoursePlot } from './TimeCoursePlot.js';
import { useNtfAffinities, useNtfResult, useNtfRuns } from './useNtfData.js';
import type { ViewProps } from '../workbench/viewProps.js';
import './ntf.css';

function runTitle(run: NtfRunSummary): string {
  const animals = run.animals.length === 1 ? run.animals[0] : `${run.animals.length} animals`;
  return `#${run.runId} ${animals}, ${run.neuronCount} neurons, rank ${run.rank}, ${run.createdAt.replace('T', ' ').slice(0, 16)}`;
}

// Reads its own runs; from the app context only the run it was opened for (Runs' "Open in …").
export function NtfView({ app }: ViewProps) {
  const ntf = useNtfRuns();
  const [runId, setChosenRunId] = useChosenRun(ntf.runs, app.selectedRunId);
  const refresh = ntf.refresh;
  const onFinished = useCallback(
    (id: number) => {
      setChosenRunId(id);
      refresh();
    },
    [refresh],
  );

  return (
    <section className="ntf" aria-labelledby="ntf-title">
      <div className="ntf-title">
        <h1 id="ntf-title">Connectome</h1>
        <RunPicker id="ntf-run" label="NTF run" runs={ntf.runs} runId={runId} onChoose={setChosenRunId} title={runTitle} />
        <NewRunForm open={ntf.loaded && ntf.runs.length === 0} onFinished={onFinished} />
      </div>
      <ErrorMessage message={ntf.error} />
      {runId !== null ? (
        <RunView key={runId} runId={runId} />
      ) : (
        ntf.loaded && <p className="empty">No NTF run in this project yet. Start one above on the project's calcium recordings.</p>
      )}
    </section>
  );
}

function RunView({ runId }: { runId: number }) {
  const { result, error } = useNtfResult(runId);
  if (error) return <ErrorMessage message={error} />;
  if (!result) return <p className="empty">Loading run {runId}…</p>;
  if (result.components.length === 0) return <p className="empty">Run {runId} found no components.</p>;
  return <ResultView runId={runId} result={result} />;
}

function ResultView({ runId, result }: { runId: number; result: NtfResult }) {
  const [selected, setSelected] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  const count = result.components.length;
  const affinities = useNtfAffinities(runId, count);
  const stored = result.components[selected]!;
  const affinity = affinities.affinities[selected];
  // The nested SBM's hierarchy: the level slider and block tree pick which level colours the
  // neurons; the choice is per component (levels differ) and starts at the engine's default.
  const hierarchy = useMemo(() => componentHierarchy(stored.communities), [stored]);
  const [levelChoice, setLevelChoice] = useState<Map<number, number>>(() => new Map());
  const level = Math.min(levelChoice.get(selected) ?? defaultLevel(stored.communities, hierarchy), hierarchy.counts.length - 1);
  const chooseLevel = useCallback((next: number) => setLevelChoice((current) => new Map(current).set(selected, next)), [selected]);
  const component = useMemo(
    () => ({ ...stored, communities: { ...stored.communities, blocks: hierarchy.perNode[level]!, count: hierarchy.counts[level]! } }),
    [stored, hierarchy, level],
  );
  const allLoaded = affinities.loaded === count;

  // One layout for every component (their λ-weighted sum: the whole fitted affinity), so switching
  // component re-colours and re-weights the same nodes instead of moving them.
  const layoutEdges = useMemo<ConnectomeEdges | null>(() => {
    if (!allLoaded) return null;
    const decoded = affinities.affinities.filter((item) => item !== undefined);
    return { kind: 'dense', weights: weightedSum(decoded, result.components.map((item) => item.weight)) };
  }, [allLoaded, affinities.affinities, result.components]);
  const positioned = result.neurons.every((neuron) => neuron.position !== null);
  const graph = useMemo(() => {
    if (!affinity || (!positioned && !layoutEdges)) return null;
    return componentGraph(result.neurons, component, affinity, layoutEdges ?? undefined);
  }, [affinity, positioned, layoutEdges, result.neurons, component]);
  const blockRanks = useMemo(() => rankCommunities(component.communities.blocks, affinity?.order ?? []), [component, affinity]);
  const communityOf = useCallback((neuron: number) => blockRanks.get(component.communities.blocks[neuron]!) ?? 0, [blockRanks, component]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !arrowsFree(event.target, root.current)) return;
      const delta = componentStepOf(event);
      if (delta === null) return;
      event.preventDefault();
      setSelected((current) => stepComponent(current, delta, count));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [count]);

  const duration = result.binDurationS !== null ? formatSeconds(result.binCount * result.binDurationS) : `${result.binCount} bins`;
  return (
    <div className="ntf-body" ref={root}>
      <div className="ntf-main">
        <p className="ntf-facts">
          {result.animals.length} {result.animals.length === 1 ? 'animal' : 'animals'} ({result.animals.map((animal) => animal.name).join(', ')}) · {result.neurons.length} neurons · {result.binCount} time bins ({duration}) · {count} components
        </p>
        <ComponentStrip components={result.components} selected={selected} onSelect={setSelected} />
        <ErrorMessage message={affinities.error} />
        {graph ? (
          <ConnectomeGraphView
            graph={graph}
            title={`${componentTitle(selected)} of NTF run ${runId}`}
            keyHelpId="ntf-key-help"
            legendExtra={
              <span className="ntf-legend-counts">
                SBM {component.communities.count}
                {hierarchy.counts.length > 1 ? ` (level ${level} of ${hierarchy.counts.length - 1})` : ''} · Louvain baseline {component.baseline.count}
              </span>
            }
          />
        ) : (
          <p className="empty connectome-loading" role="status">
            Loading affinities {affinities.loaded} of {count}…
          </p>
        )}
        <p className="eeg-hint" id="ntf-key-help">
          ←/→: previous/next component · {CONNECTOME_KEY_HELP}
        </p>
        <RankSweep result={result} />
      </div>
      <section className="ntf-side" aria-label="Component">
        <h2>
          {componentTitle(selected)} of {count} <span className="ntf-weight">λ {component.weight.toPrecision(3)}</span>
        </h2>
        <h3>Time course</h3>
        <TimeCoursePlot result={result} component={selected} />
        <h3>Animal weights</h3>
        <AnimalWeightsChart result={result} component={selected} />
        <h3>Affinity</h3>
        {affinity ? <AffinityHeatmap affinity={affinity} neurons={result.neurons} communityOf={communityOf} /> : <p className="empty">Loading…</p>}
        <h3>Communities</h3>
        {hierarchy.counts.length > 1 && (
          <div className="ntf-levels">
            <label htmlFor="ntf-level">Hierarchy level</label>
            <input
              id="ntf-level"
              type="range"
              min={0}
              max={hierarchy.counts.length - 1}
              step={1}
              value={level}
              onChange={(event) => chooseLevel(Number(event.currentTarget.value))}
              aria-valuetext={`level ${level}: ${hierarchy.counts[level]} communities`}
            />
            <output htmlFor="ntf-level" data-level={level}>
              level {level} of {hierarchy.counts.length - 1} (0 finest): {hierarchy.counts[level]} communities · blocks per level {hierarchy.counts.join(' → ')}
            </output>
          </div>
        )}
        {hierarchy.counts.length > 1 && affinity && (
          <BlockTree hierarchy={hierarchy} order={affinity.order} level={level} communityOf={(block) => blockRanks.get(block) ?? 0} onLevel={chooseLevel} />
        )}
        <CommunityCounts component={component} position={selected} />
      </section>
    </div>
  );
}
