/**
 * Each cluster's Most Discriminative Stimulus. A clip with a picture (simulated retina: frames of
 * h × w pixels, green and UV channels) plays as a movie, all clusters in step, with play/pause and a
 * frame slider; beside the current frame its first SVD component: the spatial map (blue–white–red,
 * centre positive) and the temporal course under it, with the current frame marked. A full-field
 * clip (the real retina's one 'contrast' value per frame) is a trace over time, one per channel. A
 * still image (the toy on/off model) is just the image. One grey scale for every cluster's frames,
 * so the contrasts compare.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { MdsClustering } from '../../../shared/api/index.js';
import { pixelCanvas } from '../components/pixelCanvas.js';
import { LinePlot } from './LinePlot.js';
import {
  clusterColor,
  clusterMembersText,
  clusterName,
  componentPixels,
  framePixels,
  isFullField,
  isStill,
  pixelTrace,
  strongestFrame,
  symmetricScale,
  temporalOf,
} from './mdsMath.js';

export type GalleryData = Pick<MdsClustering, 'stimulus' | 'mds' | 'temporalComponent' | 'spatialComponent' | 'componentVariance' | 'clusters' | 'cellTypes'>;

const TILE = 96;
const CHANNEL_COLOURS = ['#2ca02c', '#7b3fbf', '#555555', '#d62728'];

/** An image of `width` × `height` values drawn `size` px wide without smoothing. */
export function PixelImage({ rgba, width, height, size, label }: { rgba: Uint8ClampedArray<ArrayBuffer>; width: number; height: number; size: number; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const h = Math.max(1, Math.round((size * height) / width));
  useLayoutEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.imageSmoothingEnabled = false;
    context.clearRect(0, 0, size, h);
    context.drawImage(pixelCanvas(rgba, width, height), 0, 0, size, h);
  }, [rgba, width, height, size, h]);
  return <canvas ref={canvas} className="mds-pixels" width={size} height={h} role="img" aria-label={label} />;
}

function usePlayer(frames: number, frameRateHz: number, initial: number) {
  const [frame, setFrame] = useState(initial);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing || frames <= 1) return;
    // At the clip's own rate, capped at 30 frames/s so a 100 Hz clip does not outrun the screen.
    const timer = setInterval(() => setFrame((f) => (f + 1) % frames), 1000 / Math.min(30, frameRateHz));
    return () => clearInterval(timer);
  }, [playing, frames, frameRateHz]);
  return { frame: Math.min(frame, frames - 1), setFrame, playing, setPlaying };
}

export function MdsGallery({ data, title = 'Most Discriminative Stimulus of each cluster' }: { data: GalleryData; title?: string }) {
  const { stimulus: shape, clusters } = data;
  const player = usePlayer(shape.frames, shape.frameRateHz, strongestFrame(data.mds, shape, clusters.length));
  const scale = symmetricScale(data.mds);
  const movie = !isFullField(shape) && !isStill(shape);
  const timeS = (f: number) => f / shape.frameRateHz;
  const times = Array.from({ length: shape.frames }, (_, f) => timeS(f));
  const channelName = (c: number) => shape.channelNames[c] ?? `channel ${c + 1}`;
  const kind = isFullField(shape)
    ? `full-field ${shape.channelNames.join(' + ')} sequences of ${shape.frames} frames at ${shape.frameRateHz} Hz (${timeS(shape.frames).toFixed(2)} s)`
    : isStill(shape)
      ? `${shape.height} × ${shape.width} images (${shape.channelNames.join(', ')})`
      : `${shape.height} × ${shape.width} movies of ${shape.frames} frames at ${shape.frameRateHz} Hz, channels ${shape.channelNames.join(' and ')}`;
  return (
    <section className="mds-gallery" aria-label="Most Discriminative Stimuli">
      <h4>{title}</h4>
      <p className="muted mds-small">
        {kind}.{' '}
        {isFullField(shape)
          ? 'Each trace is the stimulus the optimiser found to drive this cluster’s cells most and the others least.'
          : `Grey: black ${(-scale).toPrecision(2)}, mid-grey 0, white ${scale.toPrecision(2)} (one scale for all clusters).`}
        {movie && ' SVD component: spatial map blue (−1) – white – red (+1), centre positive; its time course beneath, red line at the shown frame.'}
      </p>
      {movie && (
        <div className="mds-player" role="toolbar" aria-label="MDS movie">
          <button type="button" onClick={() => player.setPlaying(!player.playing)} aria-label={player.playing ? 'Pause' : 'Play'}>
            {player.playing ? '❚❚ Pause' : '▶ Play'}
          </button>
          <input
            type="range"
            min={0}
            max={shape.frames - 1}
            value={player.frame}
            aria-label="Frame"
            onChange={(event) => {
              player.setPlaying(false);
              player.setFrame(Number(event.target.value));
            }}
          />
          <output aria-label="Shown frame">
            frame {player.frame + 1} of {shape.frames} ({timeS(player.frame).toFixed(2)} s)
          </output>
        </div>
      )}
      <div className="mds-tiles">
        {clusters.map((cluster, k) => {
          const variance = data.componentVariance[k];
          return (
            <figure key={cluster.clusterId} className="mds-tile" data-cluster={cluster.clusterId} style={{ borderTopColor: clusterColor(k) }}>
              <figcaption>
                <strong style={{ color: clusterColor(k) }}>{clusterName(cluster)}</strong> <span className="muted">{clusterMembersText(cluster, data.cellTypes)}</span>
                <br />
                <span className="muted">−J {cluster.loss.toFixed(3)}</span>
              </figcaption>
              {isFullField(shape) ? (
                // One plot per channel, stacked on one time axis: two bang-bang sequences drawn over
                // each other (the retina's flash and grating channels) could not be told apart.
                <div className="mds-traces" role="img" aria-label={`${clusterName(cluster)} MDS over time`}>
                  {Array.from({ length: shape.channels }, (_, c) => (
                    <LinePlot
                      key={c}
                      compact
                      width={340}
                      height={shape.channels > 1 ? 84 : 120}
                      xLabel={c === shape.channels - 1 ? 'time (s)' : ''}
                      yLabel={channelName(c)}
                      zeroLine
                      yRange={[-scale, scale]}
                      label={`${clusterName(cluster)} MDS, ${channelName(c)}`}
                      legend={false}
                      series={[{ name: channelName(c), x: times, y: pixelTrace(data.mds, shape, k, 0, c), color: shape.channels === 1 ? clusterColor(k) : CHANNEL_COLOURS[c % 4]!, width: 1.2 }]}
                    />
                  ))}
                </div>
              ) : (
                <>
                  <div className="mds-channels">
                    {Array.from({ length: shape.channels }, (_, c) => (
                      <div key={c} className="mds-channel">
                        <PixelImage
                          rgba={framePixels(data.mds, shape, k, player.frame, c, scale)}
                          width={shape.width}
                          height={shape.height}
                          size={TILE}
                          label={`${clusterName(cluster)} MDS, ${channelName(c)}${movie ? `, frame ${player.frame + 1}` : ''}`}
                        />
                        <span className="mds-small">{channelName(c)}</span>
                      </div>
                    ))}
                  </div>
                  {movie && (
                    <>
                      <div className="mds-channels">
                        {Array.from({ length: shape.channels }, (_, c) => (
                          <div key={c} className="mds-channel">
                            <PixelImage rgba={componentPixels(data.spatialComponent, shape, k, c)} width={shape.width} height={shape.height} size={TILE} label={`${clusterName(cluster)} spatial component, ${channelName(c)}`} />
                            <span className="mds-small">spatial, {channelName(c)}</span>
                          </div>
                        ))}
                      </div>
                      <LinePlot
                        compact
                        width={Math.max(200, shape.channels * (TILE + 8))}
                        height={96}
                        xLabel="time (s)"
                        yLabel="temporal"
                        zeroLine
                        cursorX={timeS(player.frame)}
                        label={`${clusterName(cluster)} temporal component`}
                        legend={false}
                        series={[{ name: 'temporal component', x: times, y: temporalOf(data.temporalComponent, shape.frames, k), color: clusterColor(k) }]}
                      />
                      <span className="muted mds-small">first component explains {variance !== undefined && Number.isFinite(variance) ? `${Math.round(100 * variance)} %` : '—'} of the variance</span>
                    </>
                  )}
                </>
              )}
            </figure>
          );
        })}
      </div>
    </section>
  );
}
