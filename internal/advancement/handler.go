package advancement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/scoutbook"
	"github.com/chuckbox/importworker/internal/supabaseclient"
	sqlfiles "github.com/chuckbox/importworker/sql"
)

// JobType is the import_jobs.type this package handles.
const JobType = "troop_advancement"

// Options are the job's options (import_jobs.options).
type Options struct {
	// DryRun stages and classifies the file and stores the preview in the result; nothing
	// else is written.
	DryRun bool `json:"dryRun"`
	// CreateUnmatchedScouts (default true) creates scouts whose BSA id the unit lacks; when
	// false their items are skipped with a warning.
	CreateUnmatchedScouts *bool `json:"createUnmatchedScouts"`
	// Strict refuses the whole file, writing nothing, when any row has a problem (a row that
	// would be skipped, a value that cannot be read). By default such rows are skipped or read
	// as far as they can be, each problem is reported, and the rest is imported.
	Strict bool `json:"strict"`
}

// TroopHandler imports Troop Advancement exports. Its zero value is ready to use.
type TroopHandler struct {
	// ChunkSize is the number of items written per transaction (default 4000).
	ChunkSize int
	// MaxProblemRows is how many rows with a problem a file may have before it is refused as
	// the wrong file, with nothing imported (default DefaultMaxProblemRows).
	MaxProblemRows int
	// Limits bound the rows, scouts and requirement ids of one file (zero: the defaults).
	Limits Limits
	// Storage reads uploaded files (import_jobs.input_path) with the service role key; nil
	// when the worker has no Supabase API access (such jobs are then retried until it has).
	Storage *supabaseclient.Client
}

// The write steps, in order. The name is also current_phase.
var steps = []string{"scouts", "requirement_definitions", "ranks", "merit_badges", "rank_requirements", "merit_badge_requirements"}

// cursor is the checkpoint: the next step and how many of its items are done, plus the counts
// so far.
type cursor struct {
	Step   int    `json:"step"`
	Offset int    `json:"offset"`
	Counts counts `json:"counts"`
}

// Handle implements jobs.Handler.
func (h TroopHandler) Handle(ctx context.Context, run *jobs.Run) error {
	job := run.Job
	started := time.Now()
	var opts Options
	if len(job.Options) > 0 {
		if err := json.Unmarshal(job.Options, &opts); err != nil {
			return jobs.Permanentf("options are not valid JSON for a troop import: %v", err)
		}
	}
	var selected []string
	if len(job.SelectedScoutIDs) > 0 {
		if err := json.Unmarshal(job.SelectedScoutIDs, &selected); err != nil {
			return jobs.Permanentf("selected_scout_ids must be a JSON array of BSA member ids: %v", err)
		}
	}

	run.SetProgress(jobs.Progress{Phase: "staging"})
	st, err := h.stage(ctx, run, selected, opts)
	if err != nil {
		return err
	}
	stagingMillis := time.Since(started).Milliseconds()

	if err := matchScouts(ctx, run.Pool(), job.UnitID, st); err != nil {
		return err
	}
	createUnmatched := opts.CreateUnmatchedScouts == nil || *opts.CreateUnmatchedScouts
	skipUnmatched(st, createUnmatched)

	if st.rows.strict && st.rows.rows > 0 {
		return h.rejectFile(st)
	}
	if len(st.scouts) == 0 {
		return jobs.Permanentf("none of the file's rows could be read (%d skipped), so nothing was imported: %s%s",
			st.stats.InvalidRows, firstMessages(st.rows.first), moreNote(st.rows.skipped, len(st.rows.first), st.rows.flush == nil))
	}
	if st.totalItems() == 0 && len(st.scouts) > 0 && !opts.DryRun && st.stats.UnknownItems == 0 && st.stats.NotAwarded == 0 &&
		st.stats.IncompleteRequired == 0 && st.stats.RefusedIDs == 0 {
		return jobs.Permanentf("no advancement data found in the file: %d rows, none of them a rank, merit badge or requirement", st.stats.Rows)
	}

	base := jobs.Progress{TotalScouts: len(st.scouts), TotalItems: st.totalItems()}
	if opts.DryRun {
		// A dry run stores no issues: the rows' problems were kept in memory for the preview.
		st.issues = append(st.rows.kept, st.issues...)
		res, err := preview(ctx, run, st, h.Limits)
		if err != nil {
			return err
		}
		res.TimingsMs = map[string]int64{"staging": stagingMillis, "total": time.Since(started).Milliseconds()}
		run.SetResult(res)
		return nil
	}

	var cur cursor
	if _, err := run.LoadCheckpoint(ctx, &cur); err != nil {
		return err
	}
	if cur.Counts.PhaseMillis == nil {
		cur.Counts.PhaseMillis = map[string]int64{}
	}
	cur.Counts.PhaseMillis["staging"] += stagingMillis
	// A resumed attempt that skips the scouts step sees the scouts an earlier attempt created
	// as matched; they are counted in ScoutsCreated, not in ScoutsMatched.
	createdEarlier := 0
	if cur.Step > 0 {
		createdEarlier = cur.Counts.ScoutsCreated
		run.Logger().Info("resuming from checkpoint", slog.String("step", steps[min(cur.Step, len(steps)-1)]), slog.Int("offset", cur.Offset))
	}

	for cur.Step < len(steps) {
		stepStart := time.Now()
		if err := h.runStep(ctx, run, st, &cur, base); err != nil {
			return refusedValue(err)
		}
		cur.Counts.PhaseMillis[steps[cur.Step-1]] += time.Since(stepStart).Milliseconds()
	}
	res := buildResult(st, cur.Counts)
	res.ScoutsMatched -= createdEarlier
	// The warnings come from import_job_issues, not from this attempt's staging alone: a
	// resumed attempt skips the steps (scouts, requirement definitions) whose warnings an
	// earlier attempt recorded.
	warnings, counts, err := loadWarnings(ctx, run.Pool(), job.ID, maxResultWarnings)
	if err != nil {
		return err
	}
	res.setWarnings(warnings, counts)
	res.TimingsMs = cur.Counts.PhaseMillis
	res.TimingsMs["total"] = time.Since(started).Milliseconds()
	run.SetProgress(jobs.Progress{Phase: "finishing", TotalScouts: base.TotalScouts, ProcessedScouts: base.TotalScouts,
		TotalItems: base.TotalItems, ProcessedItems: base.TotalItems})
	run.SetResult(res)
	return nil
}

// stage loads the job's input and stages it. The problems found in its rows are stored as the
// file is read, in batches (a dry run keeps them for its preview instead).
func (h TroopHandler) stage(ctx context.Context, run *jobs.Run, selected []string, opts Options) (*staged, error) {
	var flush func([]Issue) error
	if !opts.DryRun {
		flush = func(batch []Issue) error {
			return run.Chunk(ctx, nil, func(ctx context.Context, tx pgx.Tx) error {
				return insertIssues(ctx, tx, run.Job.ID, run.Job.UnitID, batch)
			})
		}
	}
	rows := newRowReporter(opts.Strict, h.MaxProblemRows, flush)
	var hasCSV bool
	var size int64
	var stagedJSON []byte
	var inputPath *string
	if err := run.Pool().QueryRow(ctx, sqlfiles.Query("advancement_load_input"), run.Job.ID, MaxTroopInputBytes).
		Scan(&hasCSV, &size, &stagedJSON, &inputPath); err != nil {
		return nil, fmt.Errorf("load job input: %w", err)
	}
	if size > MaxTroopInputBytes {
		return nil, jobs.Permanent(inputTooLarge(size, MaxTroopInputBytes, "Troop Advancement import",
			"export fewer scouts at a time and upload each file"))
	}
	ref, err := loadReference(ctx, run.Pool())
	if err != nil {
		return nil, err
	}
	var st *staged
	switch {
	case hasCSV:
		in, openErr := openInput(ctx, run.Pool(), run.Job.ID)
		if openErr != nil {
			return nil, openErr
		}
		st, err = stageTroopCSV(in, ref, selected, rows, h.Limits)
		in.Close()
	case inputPath != nil:
		// The same streaming staging as input_csv, fed by the Storage download.
		obj, openErr := openStoredInput(ctx, h.Storage, run.Job, *inputPath)
		if openErr != nil {
			return nil, openErr
		}
		st, err = stageTroopCSV(endAtFailure{obj}, ref, selected, rows, h.Limits)
		obj.Close()
		if readErr := obj.Err(); readErr != nil {
			// A stalled, cut-off or oversized download, whatever the parser made of it.
			return nil, storageFailure(*inputPath, readErr)
		}
	case stagedJSON != nil:
		st, err = stageStagedJSON(stagedJSON, ref, selected, rows, h.Limits)
	default:
		return nil, jobs.Permanentf("the job has no input: its file was purged after the retention period; upload the export again")
	}
	if st != nil {
		st.refNames = refNamesFor(ref)
	}
	switch {
	case errors.Is(err, errTooManyProblemRows):
		stored := ""
		if flush != nil {
			stored = fmt.Sprintf(" (the job's issues list the first %d)", rows.budget)
		}
		return nil, jobs.Permanentf("the export has more than %d rows that cannot be read; is it the right file? Nothing was imported. "+
			"The first: %s%s", rows.budget, firstMessages(rows.first), stored)
	case errors.Is(err, errHeaderOnly):
		return nil, jobs.Permanent(errHeaderOnly)
	case errors.As(err, new(fileLimitError)):
		return nil, jobs.Permanentf("%s", err)
	case errors.Is(err, errNoData):
		return nil, jobs.Permanentf("no scouts found in the file: is it Scoutbook's Troop Advancement export?")
	case err != nil:
		var pe *scoutbook.ParseError
		if errors.As(err, &pe) && (errors.Is(err, scoutbook.ErrMalformed) || pe.Err == nil) {
			return nil, jobs.Permanentf("the file cannot be read: %v; nothing was imported", pe)
		}
		if strings.HasPrefix(err.Error(), "staged_data") {
			return nil, jobs.Permanent(err)
		}
		return nil, err
	}
	return st, nil
}

// skipUnmatched marks unmatched scouts as skipped when they may not be created, and drops
// their items with one warning per scout.
func skipUnmatched(st *staged, create bool) {
	if create {
		return
	}
	skipped := map[int32]int{}
	for i := range st.scouts {
		if !st.scouts[i].Matched {
			st.scouts[i].Skipped = true
			skipped[int32(i)] = 0
		}
	}
	if len(skipped) == 0 {
		return
	}
	awardScout := func(it awardItem) int32 { return it.scout }
	reqScout := func(it reqItem) int32 { return it.scout }
	st.ranks, st.badges = dropSkipped(st.ranks, awardScout, skipped), dropSkipped(st.badges, awardScout, skipped)
	st.rankReqs, st.badgeReqs = dropSkipped(st.rankReqs, reqScout, skipped), dropSkipped(st.badgeReqs, reqScout, skipped)
	for i, n := range skipped {
		s := &st.scouts[i]
		st.issues = append(st.issues, Issue{Severity: "warning", Code: codeScoutNotFound, Line: s.Line,
			BSAMemberID: s.BSAMemberID, ScoutName: s.Name(),
			Message: fmt.Sprintf("%s (BSA id %s) is not in the unit and creating scouts was turned off; %d item(s) were not imported.",
				s.Name(), s.BSAMemberID, n),
			Details:     map[string]any{"count": n},
			Fingerprint: codeScoutNotFound + "|" + s.BSAMemberID})
	}
}

// refusedValue makes a data exception (SQLSTATE class 22: a value the database cannot store)
// permanent: the same file would fail the same way on every retry. Other errors pass through.
func refusedValue(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22") {
		return jobs.Permanentf("the database refused a value from the file (%s, SQLSTATE %s); what was imported before stays, the rest was not imported: %v",
			pgErr.Message, pgErr.Code, err)
	}
	return err
}

// dropSkipped removes the items of skipped scouts (in place), counting them per scout.
func dropSkipped[T any](items []T, scoutOf func(T) int32, skipped map[int32]int) []T {
	out := items[:0]
	for _, it := range items {
		if _, ok := skipped[scoutOf(it)]; ok {
			skipped[scoutOf(it)]++
			continue
		}
		out = append(out, it)
	}
	return out
}

// rejectFile fails a strict job whose file has rows with problems; they are already stored as
// the job's issues, and nothing else was written.
func (h TroopHandler) rejectFile(st *staged) error {
	n := st.rows.rows
	return jobs.Permanentf("the file has %d invalid row(s) and strict mode is on, so nothing was imported. "+
		"Fix them in the export and upload it again, or import without strict mode to skip them. %s%s",
		n, firstMessages(st.rows.first), moreNote(n, len(st.rows.first), st.rows.flush == nil))
}

// firstMessages joins the messages of the first problems found.
func firstMessages(issues []Issue) string {
	msgs := make([]string, 0, len(issues))
	for _, is := range issues {
		msgs = append(msgs, strings.TrimSuffix(is.Message, "."))
	}
	return strings.Join(msgs, "; ")
}

// moreNote says how many problems the message does not show, and where they are: in the job's
// issues, unless the run is a dry run, which stores nothing.
func moreNote(total, shown int, dryRun bool) string {
	switch {
	case total <= shown:
		return ""
	case dryRun:
		return fmt.Sprintf(" (and %d more)", total-shown)
	}
	return fmt.Sprintf(" (and %d more; the full list is in the job's issues)", total-shown)
}

// runStep runs the rest of the current step, chunk by chunk, advancing cur.
func (h TroopHandler) runStep(ctx context.Context, run *jobs.Run, st *staged, cur *cursor, base jobs.Progress) error {
	job := run.Job
	chunk := h.ChunkSize
	if chunk <= 0 {
		chunk = 4000
	}
	phase := steps[cur.Step]
	progress := func(done int) jobs.Progress {
		p := base
		p.Phase = phase
		p.ProcessedItems = itemsBefore(st, cur.Step) + done
		if cur.Step == len(steps)-1 {
			if done >= len(st.badgeReqs) {
				p.ProcessedScouts = base.TotalScouts
			} else {
				p.ProcessedScouts = int(st.badgeReqs[done].scout)
			}
		}
		return p
	}
	run.SetProgress(progress(cur.Offset))

	switch phase {
	case "scouts":
		next := cursor{Step: cur.Step + 1, Counts: cur.Counts}
		err := run.Chunk(ctx, &next, func(ctx context.Context, tx pgx.Tx) error {
			n, err := createScouts(ctx, tx, job.UnitID, st)
			if err != nil {
				return err
			}
			next.Counts.ScoutsCreated += n
			return insertIssues(ctx, tx, job.ID, job.UnitID, st.issues)
		})
		if err != nil {
			return err
		}
		*cur = next
		return nil

	case "requirement_definitions":
		next := cursor{Step: cur.Step + 1, Counts: cur.Counts}
		names := st.refNames
		err := run.Chunk(ctx, &next, func(ctx context.Context, tx pgx.Tx) error {
			lim := h.Limits.withDefaults()
			budget := &unknownBudget{left: lim.MaxUnknownIDs, limit: lim.MaxUnknownIDs}
			nr, _, rankIssues, err := recordDefinitions(ctx, tx, job.UnitID, job.ID, st.rankDefs, false, names, budget, false)
			if err != nil {
				return err
			}
			nb, _, badgeIssues, err := recordDefinitions(ctx, tx, job.UnitID, job.ID, st.badgeDefs, true, names, budget, false)
			if err != nil {
				return err
			}
			next.Counts.DefinitionsRegistered += nr + nb
			issues := append(rankIssues, badgeIssues...)
			st.issues = append(st.issues, issues...)
			return insertIssues(ctx, tx, job.ID, job.UnitID, issues)
		})
		if err != nil {
			return err
		}
		*cur = next
		return nil
	}

	total := stepLen(st, cur.Step)
	for cur.Offset < total {
		end := min(cur.Offset+chunk, total)
		next := *cur
		next.Offset = end
		run.SetProgress(progress(cur.Offset))
		err := run.Chunk(ctx, &next, func(ctx context.Context, tx pgx.Tx) error {
			var err error
			switch phase {
			case "ranks", "merit_badges":
				badges := phase == "merit_badges"
				list := st.ranks
				if badges {
					list = st.badges
				}
				items := list[cur.Offset:end]
				var ins, upd int
				ins, upd, err = writeAwards(ctx, tx, st, items, badges)
				if badges {
					next.Counts.BadgesInserted += ins
					next.Counts.BadgesUpdated += upd
				} else {
					next.Counts.RanksInserted += ins
					next.Counts.RanksUpdated += upd
				}
				next.Counts.Duplicates += len(items) - ins - upd
			case "rank_requirements", "merit_badge_requirements":
				badges := phase == "merit_badge_requirements"
				list := st.rankReqs
				if badges {
					list = st.badgeReqs
				}
				items := list[cur.Offset:end]
				var res, ins, upd int
				res, ins, upd, err = writeRequirements(ctx, tx, st, items, badges, job.CreatedBy, job.UnitID, job.ID)
				if badges {
					next.Counts.BadgeReqsInserted += ins
					next.Counts.BadgeReqsUpdated += upd
				} else {
					next.Counts.RankReqsInserted += ins
					next.Counts.RankReqsUpdated += upd
				}
				next.Counts.Duplicates += res - ins - upd
				next.Counts.Unresolved += len(items) - res
			}
			return err
		})
		if err != nil {
			return err
		}
		run.SetProgress(progress(end))
		*cur = next
	}
	cur.Step++
	cur.Offset = 0
	return nil
}

// stepLen is the number of items of a chunked step.
func stepLen(st *staged, step int) int {
	switch steps[step] {
	case "ranks":
		return len(st.ranks)
	case "merit_badges":
		return len(st.badges)
	case "rank_requirements":
		return len(st.rankReqs)
	case "merit_badge_requirements":
		return len(st.badgeReqs)
	}
	return 0
}

// itemsBefore counts the items of the steps before step.
func itemsBefore(st *staged, step int) int {
	n := 0
	for i := 0; i < step; i++ {
		n += stepLen(st, i)
	}
	return n
}

// buildResult turns the counts into the job result (warnings are set by the caller).
func buildResult(st *staged, c counts) *Result {
	r := &Result{
		ScoutsCreated:                    c.ScoutsCreated,
		RanksImported:                    c.RanksInserted + c.RanksUpdated,
		RankRequirementsImported:         c.RankReqsInserted + c.RankReqsUpdated,
		BadgesImported:                   c.BadgesInserted + c.BadgesUpdated,
		BadgeRequirementsImported:        c.BadgeReqsInserted + c.BadgeReqsUpdated,
		DuplicatesSkipped:                c.Duplicates,
		ItemsUpdated:                     c.RanksUpdated + c.BadgesUpdated + c.RankReqsUpdated + c.BadgeReqsUpdated,
		UnknownItems:                     st.stats.UnknownItems + c.Unresolved,
		RequirementDefinitionsRegistered: c.DefinitionsRegistered,
		ScoutsInFile:                     len(st.scouts),
		SkippedRows:                      st.stats.InvalidRows,
		Rows:                             st.stats,
	}
	for _, s := range st.scouts {
		if s.Matched {
			r.ScoutsMatched++
		}
		if s.Skipped {
			r.ScoutsSkipped++
		}
	}
	return r
}

// refNamesFor maps rank and badge ids to display names (for warnings).
func refNamesFor(ref *reference) map[uuid.UUID]string {
	m := map[uuid.UUID]string{}
	for _, r := range ref.ranks {
		m[r.ID] = r.Name
	}
	for _, b := range ref.badgesByCode {
		m[b.ID] = b.Name
	}
	return m
}
