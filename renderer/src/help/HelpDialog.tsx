/**
 * Help: the keys of every view (the sheet `?` and F1 open), the manual (the README's sections,
 * bundled, so it reads offline), and About (versions and the licences of what Cajal ships).
 * Loaded as its own chunk on first use: the README text and the markdown renderer stay out of the
 * start-up bundle.
 */
import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import readme from '../../../README.md?raw';
import type { ProjectInfo } from '../../../shared/api/index.js';
import type { ViewEntry } from '../workbench/viewProps.js';
import { keyRows } from './keys.js';
import { manualSections, sectionHtml, sectionOf } from './manual.js';
import './help.css';

type Tab = 'keys' | 'manual' | 'about';

export interface HelpDialogProps {
  views: readonly ViewEntry[];
  project: ProjectInfo | null;
  initialTab?: Tab;
  onClose(): void;
}

const SECTIONS = manualSections(readme);

function KeySheet({ views }: { views: readonly ViewEntry[] }) {
  const global = [
    ...views.map((view) => ({ keys: `Alt+${view.key}`, action: `show ${view.title}` })),
    { keys: '? or F1', action: 'this help' },
    { keys: 'Esc', action: 'close a dialog' },
  ];
  const groups = [{ title: 'Anywhere', rows: global }, ...views.filter((view) => view.keyHelp?.length).map((view) => ({ title: view.title, rows: keyRows(view.keyHelp!) }))];
  return (
    <div className="help-keys">
      {groups.map((group) => (
        <table className="data-table" key={group.title}>
          <caption>{group.title}</caption>
          <tbody>
            {group.rows.map((row, index) => (
              <tr key={index}>
                <th scope="row">{row.keys ? <kbd>{row.keys}</kbd> : null}</th>
                <td>{row.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

function Manual() {
  const [slug, setSlug] = useState(SECTIONS[0]?.slug ?? '');
  const [anchor, setAnchor] = useState<string | null>(null);
  const section = sectionOf(SECTIONS, slug) ?? SECTIONS[0];
  const html = useMemo(() => (section ? sectionHtml(section) : ''), [section]);
  const body = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = anchor ? body.current?.querySelector(`#manual-${CSS.escape(anchor)}`) : null;
    if (target) target.scrollIntoView({ block: 'start' });
    else body.current?.scrollTo({ top: 0 });
  }, [html, anchor]);

  // Links between README sections open that section here; others are left to the host (none
  // leave the app: the CSP and the shell's navigation rules stop them).
  const onClick = (event: MouseEvent) => {
    const link = (event.target as HTMLElement).closest('a');
    const href = link?.getAttribute('href') ?? '';
    if (!href.startsWith('#')) {
      if (link) event.preventDefault();
      return;
    }
    event.preventDefault();
    const target = sectionOf(SECTIONS, href.slice(1));
    if (target) {
      setSlug(target.slug);
      setAnchor(href.slice(1));
    }
  };

  return (
    <div className="help-manual">
      <nav aria-label="Manual sections">
        <ul>
          {SECTIONS.map((entry) => (
            <li key={entry.slug}>
              <button
                type="button"
                aria-current={entry === section ? 'page' : undefined}
                onClick={() => {
                  setSlug(entry.slug);
                  setAnchor(null);
                }}
              >
                {entry.title}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {/* The README is Cajal's own text, bundled at build time (see manual.ts). */}
      <div ref={body} className="help-manual-body" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />
    </div>
  );
}

function About({ project }: { project: ProjectInfo | null }) {
  const chromium = /Chrome\/([\d.]+)/.exec(navigator.userAgent)?.[1];
  const electron = /Electron\/([\d.]+)/.exec(navigator.userAgent)?.[1];
  return (
    <div className="help-about">
      <p>
        Cajal: an offline workstation for neuro-data analysis. Everything runs on this machine; no data leaves it, and nothing is
        reported anywhere.
      </p>
      <dl className="help-versions">
        <dt>Cajal</dt>
        <dd>{project?.codeVersion ?? '…'}</dd>
        <dt>API</dt>
        <dd>{project?.apiVersion ?? '…'}</dd>
        <dt>Project file schema</dt>
        <dd>{project?.schemaVersion ?? '…'}</dd>
        <dt>Shell</dt>
        <dd>{electron ? `Electron ${electron}` : `a browser through the loopback bridge${chromium ? ` (Chromium ${chromium})` : ''}`}</dd>
      </dl>
      <table className="data-table">
        <caption>Third-party code in Cajal</caption>
        <thead>
          <tr>
            <th scope="col">Package</th>
            <th scope="col">Version</th>
            <th scope="col">Licence</th>
            <th scope="col">Used by</th>
          </tr>
        </thead>
        <tbody>
          {__CAJAL_LICENCES__.map((entry) => (
            <tr key={entry.name}>
              <td>{entry.name}</td>
              <td>{entry.version}</td>
              <td>{entry.licence}</td>
              <td>{entry.part}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="empty">
        Test data is not part of Cajal: the recordings in <code>../shared/data</code> keep their own licences (see its PROVENANCE.md).
      </p>
    </div>
  );
}

export function HelpDialog({ views, project, initialTab = 'keys', onClose }: HelpDialogProps) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const tabs: { id: Tab; title: string }[] = [
    { id: 'keys', title: 'Keyboard' },
    { id: 'manual', title: 'Manual' },
    { id: 'about', title: 'About' },
  ];
  return (
    // Esc closes a modal <dialog> by itself ('cancel'); the parent then unmounts it.
    <dialog ref={dialog} className="help-dialog" aria-labelledby="help-title" onCancel={onClose} onClose={onClose}>
      <header>
        <h2 id="help-title">Help</h2>
        <div role="tablist" aria-label="Help">
          {tabs.map((entry) => (
            <button key={entry.id} type="button" role="tab" aria-selected={tab === entry.id} onClick={() => setTab(entry.id)}>
              {entry.title}
            </button>
          ))}
        </div>
        <button type="button" className="help-close" onClick={onClose} aria-label="Close help">
          Close
        </button>
      </header>
      <div role="tabpanel" className="help-body">
        {tab === 'keys' && <KeySheet views={views} />}
        {tab === 'manual' && <Manual />}
        {tab === 'about' && <About project={project} />}
      </div>
    </dialog>
  );
}
