/**
 * The list of views: the sidebar's buttons in this order, their Alt keys, and what each shows.
 * App.tsx maps over it; adding a view is one line here. Domain views have their domain's id (as
 * its folder, API prefix and CLI verb) and load as their own chunk when first shown, with their
 * style sheet: three.js and each domain's code stay out of the start-up bundle.
 */
import { lazy, type ComponentType } from 'react';
import { LibraryView } from './workbench/LibraryView.js';
import { RunsView } from './workbench/RunsView.js';
import { SettingsView } from './workbench/SettingsView.js';
import type { ViewEntry, ViewProps } from './workbench/viewProps.js';
// Key help is plain text from small modules: importing it keeps the views' code in their chunks.
import { KEY_HELP as EEG_KEY_HELP, TRIAGE_KEY_HELP } from './eeg/keyboard.js';
import { FISBE_KEY_HELP } from './fisbe/keyboard.js';
import { CONNECTOME_KEY_HELP } from './components/connectome/keyHelp.js';
import { MORPHOLOGY_KEY_HELP } from './morphology/keyHelp.js';
import { SPIKES_KEY_HELP } from './spikes/keyHelp.js';

/** A view exported by name from a module loaded on first show (React.lazy wants a default export). */
function lazyView<K extends string>(load: () => Promise<Record<K, ComponentType<ViewProps>>>, name: K): ComponentType<ViewProps> {
  return lazy<ComponentType<ViewProps>>(() => load().then((module) => ({ default: module[name] })));
}

export const VIEWS: readonly ViewEntry[] = [
  { id: 'library', title: 'Library', key: '1', component: LibraryView },
  { id: 'runs', title: 'Runs', key: '2', component: RunsView },
  { id: 'settings', title: 'Settings', key: '3', component: SettingsView },
  { id: 'eeg', title: 'Review', key: '4', component: lazyView(() => import('./eeg/ReviewView.js'), 'ReviewView'), opens: { action: 'Review', recordingKinds: ['eeg'] }, keyHelp: [EEG_KEY_HELP, TRIAGE_KEY_HELP] },
  { id: 'fisbe', title: 'Segmentation', key: '5', component: lazyView(() => import('./fisbe/SegmentationView.js'), 'SegmentationView'), keyHelp: [FISBE_KEY_HELP] },
  { id: 'ntf', title: 'Connectome', key: '6', component: lazyView(() => import('./ntf/NtfView.js'), 'NtfView'), opens: { action: 'Connectome', recordingKinds: ['calcium'], secondary: true }, keyHelp: ['←/→: previous/next component', CONNECTOME_KEY_HELP] },
  {
    id: 'morphology',
    title: 'Morphology',
    key: '7',
    component: lazyView(() => import('./morphology/MorphologyView.js'), 'MorphologyView'),
    opens: { action: 'View in 3D', recordingKinds: ['morphology'] },
    keyHelp: [MORPHOLOGY_KEY_HELP],
  },
  { id: 'calcium', title: 'Traces', key: '8', component: lazyView(() => import('./calcium/CalciumView.js'), 'CalciumView'), opens: { action: 'Traces', recordingKinds: ['calcium'] } },
  {
    id: 'fmri',
    title: 'Brain',
    key: '9',
    component: lazyView(() => import('./fmri/FmriView.js'), 'FmriView'),
    opens: [
      { action: 'Brain map', recordingKinds: ['fmri', 'brain-map'] },
      { action: 'Series', recordingKinds: ['roi-series'] },
      { action: 'Cohort', recordingKinds: ['cohort'] },
      { action: 'Glass brain', recordingKinds: ['brain-graph'] },
    ],
  },
  { id: 'spikes', title: 'Spikes', key: '0', component: lazyView(() => import('./spikes/SpikesView.js'), 'SpikesView'), opens: { action: 'Spikes', recordingKinds: ['spikes'] }, keyHelp: [SPIKES_KEY_HELP] },
];
