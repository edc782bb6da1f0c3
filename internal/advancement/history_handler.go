package advancement

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/scoutbook/history"
	"github.com/chuckbox/importworker/internal/supabaseclient"
	sqlfiles "github.com/chuckbox/importworker/sql"
)

// HistoryJobType is the import_jobs.type of single-scout Scoutbook history imports.
const HistoryJobType = "scout_history"

// HistoryOptions are the options (import_jobs.options) of a scout_history job.
type HistoryOptions struct {
	// DryRun parses and resolves the report and stores a preview of what would be written in
	// the result; nothing else is written.
	DryRun bool `json:"dryRun"`
	// ScoutID is the id (uuid) of the unit's scout to import into. When empty, the unit's
	// scout with the report's BSA id is used.
	ScoutID string `json:"scoutId"`
	// Strict refuses the whole report, writing nothing, when any of its lines cannot be read
	// (as a troop import's strict mode does for rows); the unread lines are stored as the job's
	// issues. Without it they are skipped and reported as warnings.
	Strict bool `json:"strict"`
}

// HistoryHandler imports a Scoutbook "Scouts BSA History Report" (one scout) from
// import_jobs.input_csv or the uploaded file named by input_path. Its zero value is ready to
// use for input_csv.
//
// The report's ranks, badges and requirements go through the troop import's staged model and
// write statements, so they follow the same rules: exact requirement ids within (rank or
// badge, version), never a downgrade, nothing rewritten on a re-import. Leadership positions
// and activity totals are upserted on natural keys, so a re-import adds nothing either.
type HistoryHandler struct {
	// Storage reads uploaded files (import_jobs.input_path) with the service role key; nil
	// when the worker has no Supabase API access.
	Storage *supabaseclient.Client
}

// historySteps are the write steps, in order; the name is also current_phase. Each step is
// one chunk (one transaction with the checkpoint): a report is a few hundred items at most.
var historySteps = []string{"requirement_definitions", "ranks", "merit_badges", "rank_requirements",
	"merit_badge_requirements", "leadership", "activities"}

// historyCursor is the checkpoint: the next step and the counts so far.
type historyCursor struct {
	Step   int           `json:"step"`
	Counts historyCounts `json:"counts"`
}

// historyCounts accumulate what the steps did; they travel in the checkpoint so that a
// resumed job reports the work of every attempt.
type historyCounts struct {
	RanksInserted         int              `json:"ranksInserted"`
	RanksUpdated          int              `json:"ranksUpdated"`
	RanksStarted          int              `json:"ranksStarted"`
	BadgesInserted        int              `json:"badgesInserted"`
	BadgesUpdated         int              `json:"badgesUpdated"`
	BadgesStarted         int              `json:"badgesStarted"`
	RankReqsInserted      int              `json:"rankReqsInserted"`
	RankReqsUpdated       int              `json:"rankReqsUpdated"`
	BadgeReqsInserted     int              `json:"badgeReqsInserted"`
	BadgeReqsUpdated      int              `json:"badgeReqsUpdated"`
	LeadershipInserted    int              `json:"leadershipInserted"`
	LeadershipUpdated     int              `json:"leadershipUpdated"`
	ActivitiesInserted    int              `json:"activitiesInserted"`
	ActivitiesUpdated     int              `json:"activitiesUpdated"`
	Duplicates            int              `json:"duplicates"`
	Unresolved            int              `json:"unresolved"`
	DefinitionsRegistered int              `json:"definitionsRegistered"`
	PhaseMillis           map[string]int64 `json:"phaseMillis,omitempty"`
}

// Handle implements jobs.Handler.
func (h HistoryHandler) Handle(ctx context.Context, run *jobs.Run) error {
	job := run.Job
	started := time.Now()
	var opts HistoryOptions
	if len(job.Options) > 0 {
		if err := json.Unmarshal(job.Options, &opts); err != nil {
			return jobs.Permanentf("options are not valid JSON for a scout history import: %v", err)
		}
	}
	run.SetProgress(jobs.Progress{Phase: "staging", TotalScouts: 1})
	hs, err := h.stage(ctx, run, opts)
	if err != nil {
		return err
	}
	stagingMillis := time.Since(started).Milliseconds()

	if opts.Strict {
		if problems := hs.unreadLines(); len(problems) > 0 {
			return rejectReport(ctx, run, problems, opts.DryRun)
		}
	}
	if opts.DryRun {
		res, err := historyPreview(ctx, run.Pool(), job.UnitID, hs)
		if err != nil {
			return err
		}
		res.TimingsMs = map[string]int64{"staging": stagingMillis, "total": time.Since(started).Milliseconds()}
		run.SetProgress(jobs.Progress{Phase: "finishing", TotalScouts: 1, ProcessedScouts: 1})
		run.SetResult(res)
		return nil
	}

	var cur historyCursor
	found, err := run.LoadCheckpoint(ctx, &cur)
	if err != nil {
		return err
	}
	if found && cur.Step > 0 {
		run.Logger().Info("resuming from checkpoint", slog.String("step", historySteps[min(cur.Step, len(historySteps)-1)]))
	}
	if cur.Counts.PhaseMillis == nil {
		cur.Counts.PhaseMillis = map[string]int64{}
	}
	cur.Counts.PhaseMillis["staging"] += stagingMillis
	total := hs.totalItems()
	for cur.Step < len(historySteps) {
		stepStart := time.Now()
		name := historySteps[cur.Step]
		run.SetProgress(jobs.Progress{Phase: name, TotalScouts: 1, TotalItems: total, ProcessedItems: historyItemsBefore(hs, cur.Step)})
		next := historyCursor{Step: cur.Step + 1, Counts: cur.Counts}
		err := run.Chunk(ctx, &next, func(ctx context.Context, tx pgx.Tx) error {
			return h.runStep(ctx, tx, run, hs, name, &next.Counts)
		})
		if err != nil {
			return err
		}
		next.Counts.PhaseMillis[name] += time.Since(stepStart).Milliseconds()
		cur = next
	}
	// The warnings come from import_job_issues: a resumed attempt skips the steps whose
	// warnings an earlier attempt recorded.
	issues, _, err := loadWarnings(ctx, run.Pool(), job.ID, 0) // a report for one scout has few
	if err != nil {
		return err
	}
	res := historyBuildResult(hs, cur.Counts, issues)
	res.TimingsMs = cur.Counts.PhaseMillis
	res.TimingsMs["total"] = time.Since(started).Milliseconds()
	run.SetProgress(jobs.Progress{Phase: "finishing", TotalScouts: 1, ProcessedScouts: 1, TotalItems: total, ProcessedItems: total})
	run.SetResult(res)
	return nil
}

// rejectReport fails a strict job whose report has lines that cannot be read. The lines are
// stored as the job's issues (a dry run stores nothing), and nothing else is written.
func rejectReport(ctx context.Context, run *jobs.Run, problems []Issue, dryRun bool) error {
	if !dryRun {
		if err := run.Chunk(ctx, nil, func(ctx context.Context, tx pgx.Tx) error {
			return insertIssues(ctx, tx, run.Job.ID, run.Job.UnitID, problems)
		}); err != nil {
			return err
		}
	}
	first := problems[:min(3, len(problems))]
	return jobs.Permanentf("the report has %d line(s) that cannot be read and strict mode is on, so nothing was imported. "+
		"Download the report from Scoutbook again, or import without strict mode to skip them. %s%s",
		len(problems), firstMessages(first), moreNote(len(problems), len(first), dryRun))
}

// stage loads and parses the report, finds the scout and resolves the report against the
// reference data. Nothing is written.
func (h HistoryHandler) stage(ctx context.Context, run *jobs.Run, opts HistoryOptions) (*historyStaged, error) {
	job := run.Job
	var csvText, inputPath *string
	var hasStaged bool
	var size *int64
	if err := run.Pool().QueryRow(ctx, sqlfiles.Query("advancement_load_history_input"), job.ID, history.MaxBytes).
		Scan(&size, &csvText, &hasStaged, &inputPath); err != nil {
		return nil, fmt.Errorf("load job input: %w", err)
	}
	var input io.Reader
	switch {
	case size != nil && *size > history.MaxBytes:
		return nil, jobs.Permanent(inputTooLarge(*size, history.MaxBytes, "scout history import",
			"one scout's history report is a few kilobytes, so check that it is the right file"))
	case csvText != nil:
		input = strings.NewReader(*csvText)
	case inputPath != nil:
		obj, err := openStoredInput(ctx, h.Storage, job, *inputPath)
		if err != nil {
			return nil, err
		}
		defer obj.Close()
		input = endAtFailure{obj}
	case hasStaged:
		return nil, jobs.Permanentf("a scout history import reads the Scoutbook history report from input_csv or input_path; staged_data is only for troop imports")
	default:
		return nil, jobs.Permanentf("the job has no input: its file was purged after the retention period; upload the report again")
	}
	rep, err := history.Parse(input)
	if in, ok := input.(endAtFailure); ok && in.obj.Err() != nil {
		return nil, storageFailure(*inputPath, in.obj.Err())
	}
	if err != nil {
		return nil, jobs.Permanentf("the file cannot be read: %v; nothing was imported", err)
	}
	target, err := findHistoryScout(ctx, run.Pool(), job.UnitID, opts.ScoutID, rep)
	if err != nil {
		return nil, err
	}
	ref, err := loadReference(ctx, run.Pool())
	if err != nil {
		return nil, err
	}
	positions, err := loadHistoryPositions(ctx, run.Pool())
	if err != nil {
		return nil, err
	}
	hs := stageHistory(rep, ref, positions, target, job.CreatedAt.UTC())
	if err := dropUnknownRankRequirements(ctx, run.Pool(), job.UnitID, hs); err != nil {
		return nil, err
	}
	hs.fillRequirementStarts()
	return hs, nil
}

// runStep does one write step inside tx, adding what it did to c.
func (h HistoryHandler) runStep(ctx context.Context, tx pgx.Tx, run *jobs.Run, hs *historyStaged, step string, c *historyCounts) error {
	job := run.Job
	st := hs.st
	switch step {
	case "requirement_definitions":
		// The staging warnings are stored with the first step (idempotent by fingerprint).
		if err := insertIssues(ctx, tx, job.ID, job.UnitID, st.issues); err != nil {
			return err
		}
		lim := Limits{}.withDefaults()
		budget := &unknownBudget{left: lim.MaxUnknownIDs, limit: lim.MaxUnknownIDs}
		n, _, issues, err := recordDefinitions(ctx, tx, job.UnitID, job.ID, st.badgeDefs, true, st.refNames, budget, false)
		if err != nil {
			return err
		}
		for i := range issues {
			issues[i].BSAMemberID, issues[i].ScoutName = st.scouts[0].BSAMemberID, st.scouts[0].Name()
		}
		c.DefinitionsRegistered += n
		return insertIssues(ctx, tx, job.ID, job.UnitID, issues)

	case "ranks":
		ins, upd, err := writeAwards(ctx, tx, st, st.ranks, false)
		c.RanksInserted += ins
		c.RanksUpdated += upd
		c.Duplicates += len(st.ranks) - ins - upd
		return err

	case "merit_badges":
		ins, upd, err := writeAwards(ctx, tx, st, st.badges, true)
		if err != nil {
			return err
		}
		c.BadgesInserted += ins
		c.BadgesUpdated += upd
		c.Duplicates += len(st.badges) - ins - upd
		created, err := writePartialBadges(ctx, tx, hs)
		c.BadgesStarted += created
		c.Duplicates += len(hs.partials) - created
		return err

	case "rank_requirements", "merit_badge_requirements":
		badges := step == "merit_badge_requirements"
		items := st.rankReqs
		if badges {
			items = st.badgeReqs
		}
		if len(items) == 0 {
			return nil
		}
		var before map[uuid.UUID]string
		if !badges {
			existing, err := existingProgress(ctx, tx, hs.target.ID, false)
			if err != nil {
				return err
			}
			before = existing
		}
		res, ins, upd, err := writeRequirements(ctx, tx, st, items, badges, job.CreatedBy, job.UnitID, job.ID)
		if err != nil {
			return err
		}
		if badges {
			c.BadgeReqsInserted += ins
			c.BadgeReqsUpdated += upd
		} else {
			c.RankReqsInserted += ins
			c.RankReqsUpdated += upd
			// Ranks the report shows only as started: new in-progress rows, or duplicates.
			awarded := map[uuid.UUID]bool{}
			for _, it := range st.ranks {
				awarded[it.ref] = true
			}
			var startedOnly []uuid.UUID
			for _, it := range items {
				if !awarded[it.ref] && !slices.Contains(startedOnly, it.ref) {
					startedOnly = append(startedOnly, it.ref)
				}
			}
			created := newParents(before, startedOnly)
			c.RanksStarted += created
			c.Duplicates += len(startedOnly) - created
		}
		c.Duplicates += res - ins - upd
		c.Unresolved += len(items) - res
		return nil

	case "leadership":
		ins, upd, err := writeHistoryLeadership(ctx, tx, hs)
		c.LeadershipInserted += ins
		c.LeadershipUpdated += upd
		c.Duplicates += len(hs.leadership) - ins - upd
		return err

	case "activities":
		ins, upd, same, err := writeHistoryActivities(ctx, tx, hs)
		c.ActivitiesInserted += ins
		c.ActivitiesUpdated += upd
		c.Duplicates += same
		return err
	}
	return fmt.Errorf("unknown history import step %q", step)
}

// historyStepLen is the number of items of a step.
func historyStepLen(hs *historyStaged, step int) int {
	switch historySteps[step] {
	case "ranks":
		return len(hs.st.ranks)
	case "merit_badges":
		return len(hs.st.badges) + len(hs.partials)
	case "rank_requirements":
		return len(hs.st.rankReqs)
	case "merit_badge_requirements":
		return len(hs.st.badgeReqs)
	case "leadership":
		return len(hs.leadership)
	case "activities":
		return len(hs.activities)
	}
	return 0
}

// historyItemsBefore counts the items of the steps before step.
func historyItemsBefore(hs *historyStaged, step int) int {
	n := 0
	for i := 0; i < step; i++ {
		n += historyStepLen(hs, i)
	}
	return n
}

// historyBuildResult turns the counts and the job's stored warnings into the job result.
func historyBuildResult(hs *historyStaged, c historyCounts, warnings []Issue) *HistoryResult {
	st := hs.st
	r := &HistoryResult{
		RanksImported:                    c.RanksInserted + c.RanksUpdated + c.RanksStarted,
		RequirementsImported:             c.RankReqsInserted + c.RankReqsUpdated + c.BadgeReqsInserted + c.BadgeReqsUpdated,
		BadgesImported:                   c.BadgesInserted + c.BadgesUpdated + c.BadgesStarted,
		LeadershipImported:               c.LeadershipInserted + c.LeadershipUpdated,
		ActivitiesImported:               c.ActivitiesInserted + c.ActivitiesUpdated,
		DuplicatesSkipped:                c.Duplicates,
		RankRequirementsImported:         c.RankReqsInserted + c.RankReqsUpdated,
		BadgeRequirementsImported:        c.BadgeReqsInserted + c.BadgeReqsUpdated,
		RanksStarted:                     c.RanksStarted,
		BadgesStarted:                    c.BadgesStarted,
		ItemsUpdated:                     c.RanksUpdated + c.BadgesUpdated + c.RankReqsUpdated + c.BadgeReqsUpdated + c.LeadershipUpdated + c.ActivitiesUpdated,
		UnknownItems:                     st.stats.UnknownItems + c.Unresolved,
		RequirementDefinitionsRegistered: c.DefinitionsRegistered,
	}
	historyIdentify(r, hs)
	r.Warnings, r.WarningCount, r.WarningsTruncated = historyWarnings(warnings)
	return r
}

// historyIdentify fills the scout and the notes of a result.
func historyIdentify(r *HistoryResult, hs *historyStaged) {
	r.ScoutID = hs.target.ID.String()
	r.ScoutName = hs.st.scouts[0].Name()
	r.BSAMemberID = hs.st.scouts[0].BSAMemberID
	r.MatchedBy = hs.target.MatchedBy
	r.Notes = append([]HistoryNote{}, hs.notes...)
}
