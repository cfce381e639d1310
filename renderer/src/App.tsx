/**
 * The app frame: the sidebar of views (from VIEWS), Alt+key switching, the shown view and the
 * status bar. What each view shows, and the state behind them, live elsewhere (views.ts,
 * workbench/useAppContext.ts); nothing here names a particular view.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { useConnectionState } from './api/context.js';
import { ErrorMessage } from './components/ErrorMessage.js';
import { StatusBar } from './components/StatusBar.js';
import { VIEWS } from './views.js';
import { useAppContext } from './workbench/useAppContext.js';

// Its own chunk: the README and the markdown renderer load with the first use of Help.
const HelpDialog = lazy(() => import('./help/HelpDialog.js').then((module) => ({ default: module.HelpDialog })));

/** Whether a key press is typing (a field or a select takes it), not a command. */
function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (/^(INPUT|SELECT|TEXTAREA)$/.test(element.tagName) || element.isContentEditable);
}

export function App() {
  const connection = useConnectionState();
  const { view, app, loadError } = useAppContext(VIEWS);
  const { navigate } = app;
  const active = VIEWS.find((entry) => entry.id === view) ?? VIEWS[0]!;
  const ActiveView = active.component;
  const [helpOpen, setHelpOpen] = useState(false);

  // Alt+1…7 switch views from anywhere, as in most desktop tools.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const target = VIEWS.find((candidate) => candidate.key === event.key);
      if (target) {
        event.preventDefault();
        navigate(target.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  // ? and F1 open the help sheet from anywhere but a field, as in most desktop tools.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (event.key === '?' || event.key === 'F1') {
        event.preventDefault();
        setHelpOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Views">
        <span className="brand">Cajal</span>
        {VIEWS.map((candidate) => (
          <button
            key={candidate.id}
            type="button"
            aria-current={view === candidate.id ? 'page' : undefined}
            aria-keyshortcuts={`Alt+${candidate.key}`}
            title={`${candidate.title} (Alt+${candidate.key})`}
            onClick={() => navigate(candidate.id)}
          >
            {candidate.title}
          </button>
        ))}
        <button type="button" className="sidebar-help" aria-keyshortcuts="Shift+? F1" title="Keyboard, manual and about (? or F1)" onClick={() => setHelpOpen(true)}>
          Help
        </button>
      </nav>
      <main className="content">
        <ErrorMessage message={loadError} />
        {/* One boundary per view (keyed), as each lazily loaded view had before. */}
        <Suspense key={active.id} fallback={<p className="empty">Loading the {active.title} view…</p>}>
          <ActiveView app={app} />
        </Suspense>
      </main>
      <StatusBar project={app.project} backend={app.backend.report} connection={connection} />
      {helpOpen && (
        <Suspense fallback={null}>
          <HelpDialog views={VIEWS} project={app.project} onClose={() => setHelpOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}
