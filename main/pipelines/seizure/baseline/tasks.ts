/**
 * The literature's segment-classification tasks on the two labelled collections. Bonn (Andrzejak
 * et al. 2001) by set letter — A, B healthy scalp; C, D interictal intracranial; E ictal — in the
 * three groupings most papers report; New Delhi (Swami et al. 2016) by folder, three classes.
 */
import type { LabelledSegment, SegmentCollection, SegmentFormat } from '../../../io/segments/types.js';
import { ICTAL_LABEL } from '../../../io/segments/types.js';

export interface SegmentTask {
  id: string;
  title: string;
  format: SegmentFormat;
  /** The collection's group (Bonn set letter, New Delhi folder) → the task's class; other groups are left out. */
  classOf: Readonly<Record<string, string>>;
}

export const SEGMENT_TASKS: readonly SegmentTask[] = [
  { id: 'bonn-A-E', title: 'Bonn A vs E', format: 'bonn', classOf: { A: 'healthy', E: ICTAL_LABEL } },
  { id: 'bonn-AB-CD-E', title: 'Bonn AB vs CD vs E', format: 'bonn', classOf: { A: 'healthy', B: 'healthy', C: 'interictal', D: 'interictal', E: ICTAL_LABEL } },
  { id: 'bonn-ABCD-E', title: 'Bonn ABCD vs E', format: 'bonn', classOf: { A: 'non-ictal', B: 'non-ictal', C: 'non-ictal', D: 'non-ictal', E: ICTAL_LABEL } },
  { id: 'delhi-3', title: 'New Delhi ictal vs interictal vs preictal', format: 'delhi', classOf: { ictal: ICTAL_LABEL, interictal: 'interictal', preictal: 'preictal' } },
];

export interface TaskItem {
  segment: LabelledSegment;
  /** The task's class of the segment. */
  cls: string;
}

/** The task's classes, sorted (the confusion matrix's order). */
export function taskClasses(task: SegmentTask): string[] {
  return [...new Set(Object.values(task.classOf))].sort();
}

/** The collection's segments that the task uses, with their class; refuses a collection that lacks one of the task's classes. */
export function taskItems(task: SegmentTask, collection: SegmentCollection): TaskItem[] {
  if (collection.format !== task.format) throw new RangeError(`task ${task.id} needs a ${task.format} collection, ${collection.source} is ${collection.format}`);
  const items: TaskItem[] = [];
  for (const segment of collection.segments) {
    const cls = task.classOf[segment.group];
    if (cls !== undefined) items.push({ segment, cls });
  }
  const missing = Object.keys(task.classOf).filter((g) => !collection.segments.some((s) => s.group === g));
  if (missing.length) throw new RangeError(`task ${task.id}: ${collection.source} has no segments of group ${missing.join(', ')}`);
  return items;
}
