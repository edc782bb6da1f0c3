'use client';

// <ImportJobProgress> shows one import job: a progress bar with the phase and counts while it
// runs, the summary and grouped warnings when it has completed, the preview with a Confirm
// when it was a dry run, the leader-readable error with Retry when it failed. Styling is left
// to the app: every element has a plain `import-job__*` class (Tailwind apps can target them
// with @apply or arbitrary variants) and the root carries data-status for state styling.

import { useEffect, useState, type ReactNode } from 'react';
import { confirmDryRun, type ImportKitClient } from './actions';
import { toImportJobError, type ImportJobError } from './errors';
import {
  historyResult,
  phaseLabel,
  troopResult,
  warningKindLabel,
  type ImportJobRow,
  type ImportWarning,
  type TroopPreview,
} from './results';
import { useImportKitClient } from './context';
import { useImportJob, type UseImportJobOptions } from './useImportJob';

export interface ImportJobProgressProps extends UseImportJobOptions {
  /** The browser supabase client; default: the one of <ImportKitProvider>. */
  client?: ImportKitClient;
  jobId: string;
  /** Link to the full warning list of a job (e.g. `/imports/${id}/issues`). */
  issuesHref?: (jobId: string) => string;
  /** Called when Confirm on a dry run has started the real import (e.g. to update the URL). */
  onJobStarted?: (jobId: string) => void;
  className?: string;
}

export function ImportJobProgress(props: ImportJobProgressProps) {
  const client = useImportKitClient(props.client);
  // Confirm on a preview follows the real import in the same place.
  const [jobId, setJobId] = useState(props.jobId);
  useEffect(() => setJobId(props.jobId), [props.jobId]);
  const { job, error, connection, cancel, retry } = useImportJob(client, jobId, { pollIntervalMs: props.pollIntervalMs });
  const [busy, setBusy] = useState(false);
  const [confirmError, setConfirmError] = useState<ImportJobError | null>(null);

  const run = (action: () => Promise<void>) => async () => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };
  const confirm = run(async () => {
    try {
      setConfirmError(null);
      const started = await confirmDryRun(client, jobId);
      setJobId(started.id);
      props.onJobStarted?.(started.id);
    } catch (err) {
      setConfirmError(toImportJobError(err, 'start the import'));
    }
  });

  const rootClass = ['import-job', props.className].filter(Boolean).join(' ');
  if (!job) {
    return (
      <section className={rootClass} data-status="loading" aria-busy="true">
        {error ? <ErrorBox error={error.message} /> : <p className="import-job__loading">Loading the import…</p>}
      </section>
    );
  }
  const shownError = confirmError ?? error;
  return (
    <section className={rootClass} data-status={job.status} data-connection={connection} aria-live="polite">
      <Header job={job} />
      {(job.status === 'pending' || job.status === 'processing') && (
        <Running job={job} onCancel={run(cancel)} busy={busy} />
      )}
      {job.status === 'completed' && (
        <Completed job={job} issuesHref={props.issuesHref} onConfirm={confirm} busy={busy} />
      )}
      {(job.status === 'failed' || job.status === 'cancelled') && (
        <Stopped job={job} onRetry={run(retry)} busy={busy} />
      )}
      {shownError && <ErrorBox error={shownError.message} />}
      {connection === 'polling' && job.status === 'processing' && (
        <p className="import-job__connection">Live updates are reconnecting; the progress refreshes every few seconds.</p>
      )}
    </section>
  );
}

function Header({ job }: { job: ImportJobRow }) {
  const title = job.type === 'scout_history' ? 'Scout history import' : 'Troop advancement import';
  const dry = isDryRun(job) ? ' (preview)' : '';
  return (
    <h2 className="import-job__title">
      {title}
      {dry}
    </h2>
  );
}

/** percentDone is the bar's value: items done over items known, 100 once completed. */
export function percentDone(job: Pick<ImportJobRow, 'status' | 'processed_items' | 'total_items'>): number {
  if (job.status === 'completed') return 100;
  if (job.total_items <= 0) return 0;
  return Math.min(100, Math.floor((100 * job.processed_items) / job.total_items));
}

function Running({ job, onCancel, busy }: { job: ImportJobRow; onCancel: () => void; busy: boolean }) {
  const value = percentDone(job);
  const cancelling = job.cancel_requested_at !== null;
  return (
    <div className="import-job__running">
      <div
        className="import-job__bar"
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={`${value}% — ${phaseLabel(job.current_phase)}`}
      >
        <div className="import-job__bar-fill" style={{ width: `${value}%` }} />
      </div>
      <p className="import-job__phase">
        {job.status === 'pending' ? phaseLabel(job.current_phase ?? 'queued') : phaseLabel(job.current_phase)}
        {' · '}
        <span className="import-job__percent">{value}%</span>
      </p>
      <dl className="import-job__stats">
        <Stat label="Items">{job.total_items > 0 ? `${fmt(job.processed_items)} of ${fmt(job.total_items)}` : '—'}</Stat>
        <Stat label="Scouts">{job.total_scouts > 0 ? `${fmt(job.processed_scouts)} of ${fmt(job.total_scouts)}` : '—'}</Stat>
        <Stat label="Elapsed">
          <Elapsed from={job.started_at} to={job.completed_at} />
        </Stat>
        {job.attempt > 1 && <Stat label="Attempt">{`${job.attempt} of ${job.max_attempts}`}</Stat>}
      </dl>
      <div className="import-job__actions">
        <button type="button" className="import-job__button import-job__button--cancel" onClick={onCancel} disabled={busy || cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
    </div>
  );
}

function Completed(props: { job: ImportJobRow; issuesHref?: ((id: string) => string) | undefined; onConfirm: () => void; busy: boolean }) {
  const { job } = props;
  const troop = troopResult(job);
  const history = historyResult(job);
  const result = troop ?? history;
  if (!result) return <p className="import-job__done">The import has finished.</p>;
  if (result.dryRun) {
    return (
      <div className="import-job__preview">
        <p className="import-job__done">Preview ready: nothing has been written yet.</p>
        {troop?.preview && <TroopPreviewTable preview={troop.preview} />}
        {history?.preview && (
          <dl className="import-job__stats">
            <Stat label="New ranks">{fmt(history.preview.summary.newRanks)}</Stat>
            <Stat label="New merit badges">{fmt(history.preview.summary.newMeritBadges)}</Stat>
            <Stat label="New requirements">
              {fmt(history.preview.summary.newRankRequirements + history.preview.summary.newMeritBadgeRequirements)}
            </Stat>
            <Stat label="New leadership">{fmt(history.preview.summary.newLeadership)}</Stat>
            <Stat label="Already recorded">{fmt(history.preview.summary.duplicates)}</Stat>
          </dl>
        )}
        <Warnings job={job} warnings={result.warnings} count={result.warningCount} issuesHref={props.issuesHref} />
        <div className="import-job__actions">
          <button type="button" className="import-job__button import-job__button--confirm" onClick={props.onConfirm} disabled={props.busy}>
            Confirm and import
          </button>
        </div>
      </div>
    );
  }
  const created = troop?.scoutsCreated ?? 0;
  const imported = troop
    ? troop.ranksImported + troop.rankRequirementsImported + troop.badgesImported + troop.badgeRequirementsImported
    : history
      ? history.ranksImported + history.requirementsImported + history.badgesImported + history.leadershipImported + history.activitiesImported
      : 0;
  return (
    <div className="import-job__summary">
      <p className="import-job__done">
        Import complete{job.started_at && job.completed_at ? <> in <Elapsed from={job.started_at} to={job.completed_at} /></> : null}.
      </p>
      <dl className="import-job__stats">
        {troop && <Stat label="Scouts created" testId="created">{fmt(created)}</Stat>}
        <Stat label="Imported" testId="imported">{fmt(imported)}</Stat>
        <Stat label="Updated" testId="updated">{fmt(result.itemsUpdated)}</Stat>
        <Stat label="Skipped (already recorded)" testId="skipped">{fmt(result.duplicatesSkipped)}</Stat>
      </dl>
      <Warnings job={job} warnings={result.warnings} count={result.warningCount} issuesHref={props.issuesHref} />
    </div>
  );
}

function TroopPreviewTable({ preview }: { preview: TroopPreview }) {
  const s = preview.summary;
  return (
    <>
      <dl className="import-job__stats">
        <Stat label="Scouts matched" testId="matched">{`${fmt(s.matchedScouts)} of ${fmt(s.totalScouts)}`}</Stat>
        <Stat label="New scouts">{fmt(s.unmatchedScouts)}</Stat>
        <Stat label="New ranks">{fmt(s.newRanks)}</Stat>
        <Stat label="New merit badges">{fmt(s.newMeritBadges)}</Stat>
        <Stat label="New requirements">{fmt(s.newRankRequirements + s.newMeritBadgeRequirements)}</Stat>
        <Stat label="Updates">{fmt(s.updates)}</Stat>
        <Stat label="Already recorded">{fmt(s.duplicates)}</Stat>
      </dl>
      <table className="import-job__preview-scouts">
        <thead>
          <tr>
            <th scope="col">Scout</th>
            <th scope="col">Match</th>
            <th scope="col">New</th>
            <th scope="col">Updates</th>
            <th scope="col">Already recorded</th>
          </tr>
        </thead>
        <tbody>
          {preview.scouts.map((sc) => (
            <tr key={sc.bsaMemberId} data-match={sc.matchStatus}>
              <td>{sc.fullName}</td>
              <td>{sc.matchStatus === 'matched' ? 'On the roster' : 'Will be added'}</td>
              <td>{fmt(sc.newItems)}</td>
              <td>{fmt(sc.updates)}</td>
              <td>{fmt(sc.duplicates)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** groupWarnings counts the result's warnings by kind (one per warning), largest group first. */
export function groupWarnings(warnings: ImportWarning[]): Array<{ kind: string; count: number; examples: ImportWarning[] }> {
  const groups = new Map<string, ImportWarning[]>();
  for (const w of warnings) groups.set(w.type, [...(groups.get(w.type) ?? []), w]);
  return [...groups.entries()]
    .map(([kind, list]) => ({ kind, count: list.length, examples: list.slice(0, 3) }))
    .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

function Warnings(props: { job: ImportJobRow; warnings: ImportWarning[]; count: number; issuesHref?: ((id: string) => string) | undefined }) {
  if (props.count === 0) return <p className="import-job__no-warnings">No warnings.</p>;
  const groups = groupWarnings(props.warnings);
  return (
    <div className="import-job__warnings">
      <h3 className="import-job__warnings-title">
        {fmt(props.count)} {props.count === 1 ? 'warning' : 'warnings'}
      </h3>
      <ul className="import-job__warning-groups">
        {groups.map((g) => (
          <li key={g.kind} className="import-job__warning-group" data-kind={g.kind}>
            <details>
              <summary>
                {warningKindLabel(g.kind)} <span className="import-job__count">({fmt(g.count)})</span>
              </summary>
              <ul>
                {g.examples.map((w, i) => (
                  <li key={i}>
                    {w.line ? `Line ${w.line}: ` : ''}
                    {w.message}
                  </li>
                ))}
              </ul>
            </details>
          </li>
        ))}
      </ul>
      {props.warnings.length < props.count && (
        <p className="import-job__warnings-sample">Grouped from the first {fmt(props.warnings.length)} warnings.</p>
      )}
      {props.issuesHref && (
        <a className="import-job__all-warnings" href={props.issuesHref(props.job.id)}>
          See all {fmt(props.count)} warnings
        </a>
      )}
    </div>
  );
}

function Stopped({ job, onRetry, busy }: { job: ImportJobRow; onRetry: () => void; busy: boolean }) {
  const fallback = job.status === 'cancelled' ? 'The import was cancelled.' : 'The import failed.';
  return (
    <div className="import-job__stopped">
      <p className="import-job__error" role="alert">
        {job.error_message ?? fallback}
      </p>
      <div className="import-job__actions">
        <button type="button" className="import-job__button import-job__button--retry" onClick={onRetry} disabled={busy}>
          Retry
        </button>
      </div>
    </div>
  );
}

function ErrorBox({ error }: { error: string }) {
  return (
    <p className="import-job__error import-job__error--action" role="alert">
      {error}
    </p>
  );
}

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="import-job__stat" data-stat={testId}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Elapsed shows the time from `from` to `to` (or to now, ticking every second). */
function Elapsed({ from, to }: { from: string | null; to: string | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!from || to) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [from, to]);
  if (!from) return <>—</>;
  const ms = Math.max(0, (to ? Date.parse(to) : now) - Date.parse(from));
  return <time className="import-job__elapsed">{formatDuration(ms)}</time>;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function isDryRun(job: ImportJobRow): boolean {
  const o = job.options as Record<string, unknown> | null;
  return Boolean(o && o.dryRun === true);
}
