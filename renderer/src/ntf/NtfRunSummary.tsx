/**
 * An NTF run in Runs: the rank sweep plot (error and restart similarity per rank, the suggested rank
 * marked) and, per component of the shown rank, its weight and communities.
 */
import { ErrorMessage } from '../components/ErrorMessage.js';
import type { ResultSummaryProps } from '../workbench/resultSummary.js';
import { formatNumber } from './format.js';
import { RankSweep } from './RankSweep.js';
import { useNtfResult } from './useNtfData.js';
import './ntf.css';

export function NtfRunSummary({ run }: ResultSummaryProps) {
  const { result, error } = useNtfResult(run.id);
  if (error) return <ErrorMessage message={error} />;
  if (!result) return <p className="empty">Loading the NTF result…</p>;
  const ranks = result.sweep.map((row) => row.rank);
  return (
    <>
      <p className="result-line">
        {result.animals.map((animal) => animal.name).join(', ')}: {result.neurons.length} neurons, {result.binCount} time bins; ranks{' '}
        {Math.min(...ranks)}..{Math.max(...ranks)} swept, rank {result.rank} shown
      </p>
      <RankSweep result={result} />
      <table className="data-table" aria-label="Components and their communities">
        <caption>Components of rank {result.rank}</caption>
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Weight</th>
            <th scope="col">Communities (SBM)</th>
            <th scope="col">Louvain communities</th>
            <th scope="col">Largest community</th>
          </tr>
        </thead>
        <tbody>
          {result.components.map((component) => {
            const sizes = new Map<number, number>();
            for (const block of component.communities.blocks) sizes.set(block, (sizes.get(block) ?? 0) + 1);
            return (
              <tr key={component.index}>
                <td className="number">{component.index + 1}</td>
                <td className="number">{formatNumber(component.weight)}</td>
                <td className="number">{component.communities.count}</td>
                <td className="number">{component.baseline.count}</td>
                <td className="number">{Math.max(0, ...sizes.values())} neurons</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
