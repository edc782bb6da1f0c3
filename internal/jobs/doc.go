// Package jobs runs import jobs from the public.import_jobs queue. It knows nothing about
// scouts or CSV files: a Handler per job type does the work.
//
// The mechanics, in the order a job meets them:
//
//   - Wake-up: a dedicated LISTEN connection (pgxlisten) turns NOTIFY import_jobs into a
//     non-blocking wake-up; a safety poll and a backlog scan after every (re)connect cover
//     notifications that were never delivered. A start-up self-probe checks that NOTIFY
//     really arrives (it does not through the transaction pooler) and falls back to polling.
//   - Claim: one UPDATE ... FROM (SELECT ... FOR UPDATE SKIP LOCKED) statement taking units in
//     turn (the least recently served unit's oldest job), never two running jobs of one unit
//     (a partial unique index enforces it).
//   - Lease: the claim takes a lease with a fresh fencing token; a heartbeat extends it. Every
//     write the worker makes to the job (progress, checkpoint, completion, failure) is
//     conditional on the token, so a worker that lost its lease cannot overwrite anything.
//     A reaper on every replica returns expired leases to the queue. SessionLimits bound what
//     a frozen worker holds (idle-in-transaction timeout, TCP keepalives), so its job is
//     rescued after the lease.
//   - Authority: before the handler runs, the job's creator must still be an active leader of
//     the unit; otherwise the job fails with a message for the leader.
//   - Work: the handler gets a Run: a context cancelled on cancel request, lease loss or
//     shutdown (a cancel notification is a hint: the job row is read again and decides); a
//     throttled progress reporter; and Chunk, which commits a chunk's data, its checkpoint
//     and its progress in one transaction.
//   - End: completed with a result; transient errors retried with exponential backoff and
//     jitter; permanent errors failed at once with a message for the leader; panics caught;
//     on shutdown the job is released for another replica to resume from its checkpoint.
package jobs
