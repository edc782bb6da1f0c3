import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ImportKitProvider } from '../src/context';
import { ImportJobProgress, groupWarnings } from '../src/ImportJobProgress';
import type { TroopImportResult } from '../src/results';
import { FakeSupabase } from './fakeSupabase';
import { loadRun, type RecordedRun } from './fixtures';

function mount(run: RecordedRun, issuesHref?: (id: string) => string) {
  const fake = new FakeSupabase();
  fake.jobs.set(run.initial.id, { ...run.initial });
  const view = render(<ImportJobProgress client={fake.client} jobId={run.initial.id} issuesHref={issuesHref} />);
  return { fake, view };
}

/** replay delivers the recorded payloads one by one, keeping the fake table in step. */
function replay(fake: FakeSupabase, run: RecordedRun, each?: () => void) {
  const channel = fake.channels[fake.channels.length - 1]!;
  for (const u of run.updates) {
    fake.jobs.set(run.initial.id, { ...fake.jobs.get(run.initial.id), ...u.new });
    act(() => channel.emit(u));
    each?.();
  }
}

describe('<ImportJobProgress>', () => {
  it('shows a bar that rises monotonically to 100 %, then the summary of the recorded result', async () => {
    const run = loadRun('completed');
    const { fake } = mount(run, (id) => `/imports/${id}/issues`);
    expect(screen.getByText('Loading the import…')).toBeInTheDocument();
    act(() => fake.channels[0]!.status('SUBSCRIBED'));
    await screen.findByRole('progressbar');
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeEnabled();

    const values: number[] = [];
    replay(fake, run, () => {
      const bar = screen.queryByRole('progressbar');
      if (bar) values.push(Number(bar.getAttribute('aria-valuenow')));
    });
    expect(values.length).toBeGreaterThan(5);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);
    expect(values[values.length - 1]).toBe(100);
    expect(values.some((v) => v > 0 && v < 100)).toBe(true);

    // Completed: the bar gives way to the summary, which matches the recorded result.
    const result = run.final.result as unknown as TroopImportResult;
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByText(/Import complete/)).toBeInTheDocument();
    const stat = (name: string) => document.querySelector(`[data-stat="${name}"] dd`)?.textContent;
    expect(stat('created')).toBe(result.scoutsCreated.toLocaleString('en-US'));
    expect(stat('imported')).toBe(
      (result.ranksImported + result.rankRequirementsImported + result.badgesImported + result.badgeRequirementsImported).toLocaleString('en-US'),
    );
    expect(stat('updated')).toBe(result.itemsUpdated.toLocaleString('en-US'));
    expect(stat('skipped')).toBe(result.duplicatesSkipped.toLocaleString('en-US'));

    // Warnings grouped by kind, with a link to the full list.
    expect(result.warningCount).toBeGreaterThan(0);
    const groups = document.querySelectorAll('.import-job__warning-group');
    expect([...groups].map((g) => g.getAttribute('data-kind'))).toEqual(groupWarnings(result.warnings).map((g) => g.kind));
    expect(new Set([...groups].map((g) => g.getAttribute('data-kind'))).size).toBe(groups.length);
    const counts = [...groups].map((g) => Number(g.querySelector('.import-job__count')!.textContent!.replace(/[^0-9]/g, '')));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(result.warnings.length);
    expect(result.warningsTruncated).toBe(true);
    expect(screen.getByText(`Grouped from the first ${result.warnings.length} warnings.`)).toBeInTheDocument();
    const link = screen.getByRole('link', { name: `See all ${result.warningCount.toLocaleString('en-US')} warnings` });
    expect(link).toHaveAttribute('href', `/imports/${run.initial.id}/issues`);
    expect(fake.openChannels).toHaveLength(0);
  });

  it('on failure shows the leader-readable message, and Retry calls retry_import_job and follows the job again', async () => {
    const run = loadRun('failed');
    const { fake } = mount(run);
    act(() => fake.channels[0]!.status('SUBSCRIBED'));
    await screen.findByRole('progressbar');
    replay(fake, run);

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(run.final.error_message!);
    expect(alert.textContent).toMatch(/not look like the header of a Scoutbook Troop Advancement export/);
    expect(fake.openChannels).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(fake.rpcCalls).toEqual([{ fn: 'retry_import_job', args: { job_id: run.initial.id } }]));
    // Pending again: a new channel follows it.
    await waitFor(() => expect(fake.openChannels).toHaveLength(1));
    act(() => fake.openChannels[0]!.status('SUBSCRIBED'));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '0');
  });

  it('shows a retry that the database refuses as the database explains it', async () => {
    const run = loadRun('failed');
    const { fake } = mount(run);
    fake.jobs.set(run.initial.id, { ...run.final });
    fake.rpcImpl = () => ({
      data: null,
      error: { code: '22023', message: `the input of import job ${run.initial.id} was purged after the retention period; upload the file again` },
    });
    act(() => fake.channels[0]!.status('SUBSCRIBED'));
    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    await waitFor(() =>
      expect(screen.getAllByRole('alert').map((a) => a.textContent)).toContain(
        'The input of this import was purged after the retention period; upload the file again.',
      ),
    );
  });

  it('Cancel while running calls cancel_import_job and shows Cancelling…', async () => {
    const run = loadRun('completed');
    const { fake } = mount(run);
    act(() => fake.channels[0]!.status('SUBSCRIBED'));
    await screen.findByRole('progressbar');
    replay(fake, { ...run, updates: run.updates.slice(0, 5) });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(fake.rpcCalls).toEqual([{ fn: 'cancel_import_job', args: { job_id: run.initial.id } }]));
    expect(await screen.findByRole('button', { name: 'Cancelling…' })).toBeDisabled();
  });

  it('shows the dry-run preview, and Confirm starts the real import of the same file and follows it', async () => {
    const run = loadRun('dry-run');
    const { fake } = mount(run);
    fake.jobs.set(run.initial.id, { ...run.final, input_csv: 'the,uploaded\nfile,text', input_path: null, selected_scout_ids: [], input_purged_at: null });
    act(() => fake.channels[0]!.status('SUBSCRIBED'));
    await screen.findByText(/Preview ready/);
    const preview = (run.final.result as unknown as TroopImportResult).preview!;
    expect(document.querySelector('[data-stat="matched"] dd')?.textContent).toBe(
      `${preview.summary.matchedScouts} of ${preview.summary.totalScouts}`,
    );
    const rows = within(document.querySelector('.import-job__preview-scouts')!).getAllByRole('row');
    expect(rows).toHaveLength(preview.scouts.length + 1);

    fireEvent.click(screen.getByRole('button', { name: 'Confirm and import' }));
    await waitFor(() => expect(fake.inserts).toHaveLength(1));
    expect(fake.inserts[0]).toEqual({
      unit_id: run.initial.unit_id,
      type: 'troop_advancement',
      options: {},
      selected_scout_ids: [],
      idempotency_key: `confirm:${run.initial.id}`,
      input_csv: 'the,uploaded\nfile,text',
    });
    // The component now follows the new job.
    await waitFor(() => expect(fake.openChannels).toHaveLength(1));
    const newId = [...fake.jobs.keys()].find((id) => id !== run.initial.id)!;
    expect(fake.openChannels[0]!.handlers[0]!.filter.filter).toBe(`id=eq.${newId}`);
  });

  it('resumes after a remount: the bar shows where the job is now', async () => {
    const run = loadRun('completed');
    const first = mount(run);
    act(() => first.fake.channels[0]!.status('SUBSCRIBED'));
    await screen.findByRole('progressbar');
    first.view.unmount();
    expect(first.fake.openChannels).toHaveLength(0);

    const mid = run.updates[8]!.new;
    first.fake.jobs.set(run.initial.id, { ...run.initial, ...mid });
    // This time through the provider, as a page would.
    render(
      <ImportKitProvider client={first.fake.client}>
        <ImportJobProgress jobId={run.initial.id} />
      </ImportKitProvider>,
    );
    act(() => first.fake.channels[1]!.status('SUBSCRIBED'));
    const expected = Math.floor((100 * Number(mid.processed_items)) / Number(mid.total_items));
    await waitFor(() => expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', String(expected)));
    expect(expected).toBeGreaterThan(0);
  });
});
