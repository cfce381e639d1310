/**
 * The line-length + band-power logistic-regression baseline as a cross-validation method: features
 * per segment (./segment-features.ts, computed once per segment), StandardScaler + multinomial L2
 * logistic regression with C = 1 fitted on the training folds (./logistic.ts), the most probable
 * class predicted.
 */
import type { LabelledSegment } from '../../../io/segments/types.js';
import type { SegmentMethod } from './evaluate.js';
import { fitLogistic, predictProba } from './logistic.js';
import { segmentFeatures } from './segment-features.js';

export function logisticMethod(options: { C?: number } = {}): SegmentMethod {
  const cache = new WeakMap<LabelledSegment, Float64Array>();
  const features = (segment: LabelledSegment): Float64Array => {
    let f = cache.get(segment);
    if (!f) {
      f = segmentFeatures({ id: segment.id, rateHz: segment.rateHz, samples: segment.samples });
      cache.set(segment, f);
    }
    return f;
  };
  const C = options.C ?? 1;
  return {
    id: 'logreg',
    title: 'Line length + band powers, logistic regression',
    protocol: `log line length and 5 log band powers per segment, standardised, multinomial L2 logistic regression (C = ${C}) fitted on the training folds; most probable class`,
    async predict(train, test) {
      const model = fitLogistic(
        train.map((item) => features(item.segment)),
        train.map((item) => item.cls),
        { C },
      );
      return test.map((item) => {
        const p = predictProba(model, features(item.segment));
        let best = 0;
        for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
        return model.classes[best]!;
      });
    },
  };
}
