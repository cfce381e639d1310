import { useLayoutEffect, useRef } from 'react';

/**
 * An accessible progress bar. The width is set through the CSSOM (element.style), which the
 * strict CSP allows, rather than an inline style attribute, which it forbids.
 */
export function ProgressBar({ fraction, label }: { fraction: number; label: string }) {
  const fill = useRef<HTMLDivElement>(null);
  const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  useLayoutEffect(() => {
    if (fill.current) fill.current.style.width = `${percent}%`;
  }, [percent]);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="progress-fill" ref={fill} />
      <span className="progress-text">{percent} %</span>
    </div>
  );
}
