/**
 * Surrogates a trained model has not seen: the default neural model (assets/seizure/default) was
 * trained on 80 % of the Bonn and New Delhi segments, so surrogates made of all segments score it
 * mostly on its training data. Its card lists the held-out segment ids per collection; a surrogate
 * made from those alone is a fair test (smaller, so its segments repeat more often).
 */
import { ValidationError } from '../../../errors.js';
import type { SegmentCollection } from '../../../io/segments/types.js';

/** The collection with only the segments named in `ids` (every id must be present). */
export function restrictToSegments(collection: SegmentCollection, ids: readonly string[], why: string): SegmentCollection {
  const wanted = new Set(ids);
  const segments = collection.segments.filter((s) => wanted.has(s.id));
  const found = new Set(segments.map((s) => s.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new ValidationError('segments', `${collection.source}: ${missing.length} segment(s) named by ${why} are not in the collection (first: ${missing.slice(0, 3).join(', ')})`);
  return { ...collection, labels: [...new Set(segments.map((s) => s.label))].sort(), segments, notes: [...collection.notes, `restricted to ${segments.length} segments: ${why}`] };
}

/** The held-out segment ids of `collection` ('bonn', 'delhi') in a model card (card.json). */
export function heldOutIds(card: Record<string, unknown>, collection: string, cardFile: string): string[] {
  const trainingData = card['trainingData'] as { heldOut?: { ids?: Record<string, unknown> } } | undefined;
  const ids = trainingData?.heldOut?.ids?.[collection];
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id): id is string => typeof id === 'string')) {
    throw new ValidationError('card', `${cardFile}: trainingData.heldOut.ids.${collection} is not a list of segment ids`);
  }
  return ids;
}
