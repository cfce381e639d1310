import { resultValue, type ResultSummaryProps } from './resultSummary.js';

interface ChannelRms {
  label: string;
  unit: string;
  rms: number;
  mean: number;
  samples: number;
}

function channelsOf(value: unknown): ChannelRms[] {
  const channels = (value as { channels?: unknown } | null)?.channels;
  return Array.isArray(channels) && channels.every((row) => typeof (row as ChannelRms).rms === 'number') ? (channels as ChannelRms[]) : [];
}

/** The core `rms` pipeline's result: RMS and mean of each channel. */
export function RmsSummary({ results }: ResultSummaryProps) {
  const channels = channelsOf(resultValue(results, 'rms'));
  return (
    <table className="data-table">
      <caption>RMS per channel ({channels.length} channels)</caption>
      <thead>
        <tr>
          <th scope="col">Channel</th>
          <th scope="col">RMS</th>
          <th scope="col">Mean</th>
          <th scope="col">Unit</th>
          <th scope="col">Samples</th>
        </tr>
      </thead>
      <tbody>
        {channels.map((channel, index) => (
          <tr key={index}>
            <td>{channel.label}</td>
            <td className="number">{channel.rms.toPrecision(6)}</td>
            <td className="number">{channel.mean.toPrecision(6)}</td>
            <td>{channel.unit}</td>
            <td className="number">{channel.samples}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
