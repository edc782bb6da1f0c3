// A stand-in for the parts of a supabase-js client the hook and the component use: the
// import_jobs table (reads, inserts), the two RPCs and Realtime channels whose subscription
// status and postgres_changes events the test drives by hand, with recorded payloads.
import type { ImportKitClient } from '../src/actions';

type Row = Record<string, unknown>;
type Handler = (payload: { new: Row; old: Row; eventType: string }) => void;

export class FakeChannel {
  handlers: Array<{ filter: Record<string, string>; cb: Handler }> = [];
  statusCb: ((status: string, err?: Error) => void) | null = null;
  removed = false;
  constructor(readonly name: string) {}
  on(type: string, filter: Record<string, string>, cb: Handler) {
    if (type !== 'postgres_changes') throw new Error(`unexpected channel type ${type}`);
    this.handlers.push({ filter, cb });
    return this;
  }
  subscribe(cb: (status: string, err?: Error) => void) {
    this.statusCb = cb;
    return this;
  }
  /** status reports a subscription status as supabase-js would. */
  status(s: 'SUBSCRIBED' | 'CHANNEL_ERROR' | 'TIMED_OUT' | 'CLOSED') {
    if (!this.statusCb) throw new Error('channel not subscribed');
    this.statusCb(s);
  }
  /** emit delivers a recorded payload to every handler whose filter matches, as Realtime does. */
  emit(payload: { new: Row; old: Row; eventType: string; table: string; schema: string }) {
    if (this.removed) return;
    for (const h of this.handlers) {
      const f = h.filter;
      if (f.event !== payload.eventType && f.event !== '*') continue;
      if (f.table !== payload.table || f.schema !== payload.schema) continue;
      const m = /^id=eq\.(.+)$/.exec(f.filter ?? '');
      if (!m || payload.new.id !== m[1]) continue;
      h.cb(payload);
    }
  }
}

export class FakeSupabase {
  jobs = new Map<string, Row>();
  channels: FakeChannel[] = [];
  reads: string[] = [];
  inserts: Row[] = [];
  rpcCalls: Array<{ fn: string; args: Row }> = [];
  /** What rpc() answers; the default moves the job as the database triggers do. */
  rpcImpl: (fn: string, args: Row) => { data: Row[] | null; error: Row | null } = (fn, args) => {
    const job = this.jobs.get(String(args.job_id));
    if (!job) return { data: null, error: { code: 'P0002', message: `import job ${String(args.job_id)} not found` } };
    if (fn === 'retry_import_job') {
      Object.assign(job, { status: 'pending', current_phase: 'queued', error_message: null, attempt: 0, completed_at: null, updated_at: new Date().toISOString() });
    } else if (fn === 'cancel_import_job') {
      Object.assign(job, { cancel_requested_at: new Date().toISOString() });
    }
    const { id, status, current_phase, attempt, cancel_requested_at, error_message } = job;
    return { data: [{ id, status, current_phase, attempt, cancel_requested_at, retry_requested_at: null, error_message }], error: null };
  };

  get client(): ImportKitClient {
    return this as unknown as ImportKitClient;
  }

  channel(name: string) {
    const c = new FakeChannel(name);
    this.channels.push(c);
    return c;
  }

  removeChannel(c: FakeChannel) {
    c.removed = true;
    return Promise.resolve('ok');
  }

  /** Channels not removed yet. */
  get openChannels() {
    return this.channels.filter((c) => !c.removed);
  }

  rpc(fn: string, args: Row) {
    this.rpcCalls.push({ fn, args });
    return Promise.resolve(this.rpcImpl(fn, args));
  }

  from(table: string) {
    if (table !== 'import_jobs') throw new Error(`unexpected table ${table}`);
    return new FakeQuery(this);
  }
}

class FakeQuery implements PromiseLike<{ data: unknown; error: Row | null }> {
  private filters: Array<[string, unknown]> = [];
  private row: Row | null = null;
  constructor(private fake: FakeSupabase) {}
  select() {
    return this;
  }
  insert(row: Row) {
    this.row = row;
    return this;
  }
  eq(col: string, v: unknown) {
    this.filters.push([col, v]);
    return this;
  }
  maybeSingle() {
    return Promise.resolve(this.run(true));
  }
  single() {
    const r = this.run(true);
    return Promise.resolve(r.data === null && !r.error ? { data: null, error: { code: 'PGRST116', message: 'no rows' } } : r);
  }
  then<A, B>(ok?: ((v: { data: unknown; error: Row | null }) => A | PromiseLike<A>) | null, ko?: ((e: unknown) => B | PromiseLike<B>) | null) {
    return Promise.resolve(this.run(false)).then(ok, ko);
  }
  private run(single: boolean): { data: unknown; error: Row | null } {
    if (this.row) {
      const id = crypto.randomUUID();
      const row = { ...this.row, id, status: 'pending', current_phase: null, updated_at: new Date().toISOString() };
      this.fake.inserts.push(this.row);
      this.fake.jobs.set(id, row);
      return { data: { id, status: 'pending' }, error: null };
    }
    const rows = [...this.fake.jobs.values()].filter((r) => this.filters.every(([c, v]) => r[c] === v));
    const id = this.filters.find(([c]) => c === 'id');
    if (id) this.fake.reads.push(String(id[1]));
    if (!single) return { data: rows.map((r) => ({ ...r })), error: null };
    return { data: rows[0] ? { ...rows[0] } : null, error: null };
  }
}
