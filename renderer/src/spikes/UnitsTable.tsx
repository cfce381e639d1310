/**
 * The units as a table in the raster's order: id, cell type (with its colour), spike count and
 * rate. A click selects unit A (PSTH raster, ISI, auto-correlogram); Shift+click unit B (the
 * cross-correlogram with A).
 */
import { useEffect, useRef } from 'react';
import type { SpikesSummary } from '../../../shared/api/index.js';
import type { TypeColors } from './colors.js';

/** Rows drawn at most (thousands of units: the table names the first ones; the raster shows all). */
const MAX_ROWS = 1000;

interface Props {
  summary: SpikesSummary;
  rows: readonly number[];
  colors: TypeColors;
  unitA: number | null;
  unitB: number | null;
  onSelect(unit: number, second: boolean): void;
}

export function UnitsTable({ summary, rows, colors, unitA, unitB, onSelect }: Props) {
  const box = useRef<HTMLDivElement>(null);
  // Unit A in sight (chosen from the PSTH, or in the raster, it may be far down the table).
  useEffect(() => {
    const row = box.current?.querySelector<HTMLElement>(`tr[data-unit="${unitA}"]`);
    const container = box.current;
    if (!row || !container) return;
    if (row.offsetTop < container.scrollTop + 30 || row.offsetTop + row.offsetHeight > container.scrollTop + container.clientHeight)
      container.scrollTop = Math.max(0, row.offsetTop - container.clientHeight / 3);
  }, [unitA, rows]);
  return (
    <div className="spikes-units" ref={box}>
      <table className="data-table spikes-units-table" data-testid="spikes-units">
        <caption>
          {summary.unitCount} units · click: unit A, Shift+click: unit B
        </caption>
        <thead>
          <tr>
            <th scope="col">unit</th>
            <th scope="col">cell type</th>
            <th scope="col" className="number">
              Hz
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, MAX_ROWS).map((index) => {
            const unit = summary.units[index]!;
            const mark = index === unitA ? 'A' : index === unitB ? 'B' : '';
            return (
              <tr
                key={index}
                className={mark ? 'selected' : undefined}
                aria-selected={mark !== ''}
                data-unit={index}
                // Shift+click picks unit B: keep the browser from selecting text from the last click to here.
                onMouseDown={(event) => event.shiftKey && event.preventDefault()}
                onClick={(event) => onSelect(index, event.shiftKey)}
              >
                <td title={`${unit.spikeCount.toLocaleString('en')} spikes`}>
                  {unit.id}
                  {mark && <span className="spikes-mark"> {mark}</span>}
                </td>
                <td>
                  <span className="spikes-swatch" style={{ background: colors.colorOf(unit.cellType) }} />
                  {unit.cellType ?? '—'}
                </td>
                <td className="number">{unit.rateHz >= 10 ? unit.rateHz.toFixed(1) : unit.rateHz.toFixed(2)}</td>
              </tr>
            );
          })}
        </tbody>
        {rows.length > MAX_ROWS && (
          <tfoot>
            <tr>
              <td colSpan={3}>… and {rows.length - MAX_ROWS} more units (all of them are in the raster)</td>
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
