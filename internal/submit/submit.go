// Package submit is `worker submit`: it uploads a Scoutbook export to Supabase Storage and
// creates its import job as a signed-in leader, through the same Storage policies,
// row-level security and column grants the browser goes through, then optionally follows
// the job until it ends.
package submit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/chuckbox/importworker/internal/supabaseclient"
)

// Bucket is the Storage bucket for uploads; files go under <unit_id>/.
const Bucket = "imports"

// MaxFileBytes is the imports bucket's limit (the worker reads no more either).
const MaxFileBytes = 300 << 20

// Job types a file can be submitted as.
var Types = []string{"troop_advancement", "scout_history"}

// Options are what `worker submit` was asked to do.
type Options struct {
	UnitID uuid.UUID
	File   string
	Type   string // troop_advancement (default) or scout_history
	DryRun bool
	Follow bool
	// PollInterval is the time between two reads of the job while following (default 2 s).
	PollInterval time.Duration
	// Out receives what a person watching should see (default os.Stdout).
	Out io.Writer
}

// Identity says who submits: the project, and a user access token or an email and password.
type Identity struct {
	URL         string
	AnonKey     string
	AccessToken string
	Email       string
	Password    string
}

// IdentityFromEnv reads SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_ACCESS_TOKEN, or
// SUPABASE_EMAIL and SUPABASE_PASSWORD.
func IdentityFromEnv(getenv func(string) string) (Identity, error) {
	id := Identity{
		URL: getenv(supabaseclient.EnvURL), AnonKey: getenv(supabaseclient.EnvAnonKey),
		AccessToken: getenv(supabaseclient.EnvAccessToken),
		Email:       getenv(supabaseclient.EnvEmail), Password: getenv(supabaseclient.EnvPassword),
	}
	var errs []error
	if id.URL == "" {
		errs = append(errs, errors.New("SUPABASE_URL is not set (the project URL, https://<project-ref>.supabase.co)"))
	}
	if id.AnonKey == "" {
		errs = append(errs, errors.New("SUPABASE_ANON_KEY is not set (the project's anon / publishable key)"))
	}
	if id.AccessToken == "" && (id.Email == "" || id.Password == "") {
		errs = append(errs, errors.New("set SUPABASE_ACCESS_TOKEN (a signed-in user's access token), or SUPABASE_EMAIL and SUPABASE_PASSWORD"))
	}
	return id, errors.Join(errs...)
}

// ErrJobNotCompleted is returned (wrapped) when a followed job failed or was cancelled.
var ErrJobNotCompleted = errors.New("the import did not complete")

// Run uploads the file, inserts the job and, with Follow, prints its progress until it ends.
// It returns the job's last known state; an error when something failed, wrapping
// ErrJobNotCompleted when the followed job failed or was cancelled.
func Run(ctx context.Context, who Identity, opts Options) (supabaseclient.JobState, error) {
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	if opts.Type == "" {
		opts.Type = Types[0]
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 2 * time.Second
	}
	if err := opts.validate(); err != nil {
		return supabaseclient.JobState{}, err
	}
	f, err := os.Open(opts.File)
	if err != nil {
		return supabaseclient.JobState{}, fmt.Errorf("open the export: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return supabaseclient.JobState{}, fmt.Errorf("open the export: %w", err)
	}
	if info.Size() == 0 {
		return supabaseclient.JobState{}, fmt.Errorf("%s is empty", opts.File)
	}
	if info.Size() > MaxFileBytes {
		return supabaseclient.JobState{}, fmt.Errorf("%s is %d MiB; the imports bucket takes files up to %d MiB", opts.File, info.Size()>>20, MaxFileBytes>>20)
	}

	token := who.AccessToken
	if token == "" {
		token, err = supabaseclient.SignIn(ctx, who.URL, who.AnonKey, who.Email, who.Password)
		if err != nil {
			return supabaseclient.JobState{}, explain(err, opts.UnitID)
		}
		fmt.Fprintf(opts.Out, "signed in as %s\n", who.Email)
	}
	client, err := supabaseclient.NewUser(who.URL, who.AnonKey, token)
	if err != nil {
		return supabaseclient.JobState{}, err
	}

	path := objectPath(opts.UnitID, opts.File, time.Now())
	if err := upload(ctx, client, path, f); err != nil {
		return supabaseclient.JobState{}, explain(err, opts.UnitID)
	}
	fmt.Fprintf(opts.Out, "uploaded %s (%d bytes) to %s/%s\n", filepath.Base(opts.File), info.Size(), Bucket, path)

	job := supabaseclient.NewJob{UnitID: opts.UnitID, Type: opts.Type, InputPath: path,
		IdempotencyKey: "worker-submit-" + uuid.NewString()}
	if opts.DryRun {
		job.Options = map[string]any{"dryRun": true}
	}
	state, err := insert(ctx, client, job)
	if err != nil {
		return supabaseclient.JobState{}, explain(err, opts.UnitID)
	}
	fmt.Fprintf(opts.Out, "import job %s created (%s)\n", state.ID, state.Status)
	if !opts.Follow {
		return state, nil
	}
	return follow(ctx, client, state, opts)
}

func (o Options) validate() error {
	var errs []error
	if o.UnitID == uuid.Nil {
		errs = append(errs, errors.New("--unit is required: the unit's id (a uuid)"))
	}
	if o.File == "" {
		errs = append(errs, errors.New("--file is required: the Scoutbook export to import"))
	}
	known := false
	for _, t := range Types {
		known = known || t == o.Type
	}
	if !known {
		errs = append(errs, fmt.Errorf("--type must be %s, got %q", strings.Join(Types, " or "), o.Type))
	}
	return errors.Join(errs...)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// objectPath names the upload: <unit_id>/<UTC time>-<random>-<file name>, unique so that an
// upload never needs to overwrite (the bucket allows no overwrite), and readable in Studio.
func objectPath(unit uuid.UUID, file string, now time.Time) string {
	name := strings.Trim(unsafeName.ReplaceAllString(filepath.Base(file), "_"), "._")
	if name == "" {
		name = "export.csv"
	}
	if len(name) > 100 {
		name = name[len(name)-100:]
	}
	return fmt.Sprintf("%s/%s-%s-%s", unit, now.UTC().Format("20060102T150405Z"), uuid.NewString()[:8], name)
}

// tries is how often a transient failure (5xx, 429, network) is tried again.
const tries = 4

func backoff(ctx context.Context, attempt int) error {
	t := time.NewTimer(time.Duration(attempt*attempt) * 500 * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// upload sends the file, retrying transient failures. The name is unique, so a conflict on
// a retry means an earlier try went through and only its answer was lost.
func upload(ctx context.Context, c *supabaseclient.Client, path string, f *os.File) error {
	var err error
	for attempt := 0; attempt < tries; attempt++ {
		if attempt > 0 {
			if berr := backoff(ctx, attempt); berr != nil {
				return berr
			}
			if _, serr := f.Seek(0, io.SeekStart); serr != nil {
				return fmt.Errorf("rewind the export: %w", serr)
			}
		}
		err = c.Upload(ctx, Bucket, path, f, "text/csv")
		if k, ok := supabaseclient.KindOf(err); attempt > 0 && ok && k == supabaseclient.KindConflict {
			return nil
		}
		if err == nil || !supabaseclient.IsTransient(err) {
			return err
		}
	}
	return err
}

// insert creates the job, retrying transient failures; the idempotency key makes a retry
// after a lost answer find the job instead of creating a second one.
func insert(ctx context.Context, c *supabaseclient.Client, job supabaseclient.NewJob) (supabaseclient.JobState, error) {
	var err error
	for attempt := 0; attempt < tries; attempt++ {
		if attempt > 0 {
			if berr := backoff(ctx, attempt); berr != nil {
				return supabaseclient.JobState{}, berr
			}
		}
		var state supabaseclient.JobState
		state, err = c.InsertJob(ctx, job)
		if err == nil {
			return state, nil
		}
		if k, ok := supabaseclient.KindOf(err); attempt > 0 && ok && k == supabaseclient.KindConflict {
			return c.JobByIdempotencyKey(ctx, job.IdempotencyKey)
		}
		if !supabaseclient.IsTransient(err) {
			return supabaseclient.JobState{}, err
		}
	}
	return supabaseclient.JobState{}, err
}

// follow reads the job every PollInterval and prints each change until it ends.
func follow(ctx context.Context, c *supabaseclient.Client, state supabaseclient.JobState, opts Options) (supabaseclient.JobState, error) {
	last := ""
	for {
		if line := progressLine(state); line != last {
			fmt.Fprintln(opts.Out, line)
			last = line
		}
		if state.Final() {
			break
		}
		t := time.NewTimer(opts.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return state, fmt.Errorf("stopped following job %s (it goes on in the worker): %w", state.ID, ctx.Err())
		case <-t.C:
		}
		next, err := c.JobByID(ctx, state.ID)
		switch {
		case err == nil:
			state = next
		case supabaseclient.IsTransient(err):
			fmt.Fprintf(opts.Out, "  (could not read the job, trying again: %v)\n", err)
		default:
			return state, explain(err, opts.UnitID)
		}
	}
	if len(state.Result) > 0 {
		fmt.Fprintf(opts.Out, "result: %s\n", state.Result)
	}
	if state.Status != "completed" {
		msg := "no reason given"
		if state.ErrorMessage != nil {
			msg = *state.ErrorMessage
		}
		return state, fmt.Errorf("%w: job %s %s: %s", ErrJobNotCompleted, state.ID, state.Status, msg)
	}
	return state, nil
}

// progressLine is one line of --follow output.
func progressLine(s supabaseclient.JobState) string {
	phase := "-"
	if s.CurrentPhase != nil {
		phase = *s.CurrentPhase
	}
	line := fmt.Sprintf("%-10s %-26s", s.Status, phase)
	if s.TotalItems > 0 {
		line += fmt.Sprintf(" %d/%d items (%.0f%%)", s.ProcessedItems, s.TotalItems, 100*float64(s.ProcessedItems)/float64(s.TotalItems))
	}
	if s.TotalScouts > 0 {
		line += fmt.Sprintf(" %d/%d scouts", s.ProcessedScouts, s.TotalScouts)
	}
	if s.Attempt > 1 {
		line += fmt.Sprintf(" attempt %d", s.Attempt)
	}
	return strings.TrimRight(line, " ")
}

// explain puts a Supabase refusal in words the person at the terminal can act on.
func explain(err error, unit uuid.UUID) error {
	k, ok := supabaseclient.KindOf(err)
	if !ok {
		return err
	}
	switch k {
	case supabaseclient.KindUnauthorized:
		return fmt.Errorf("%w\nthe sign-in or access token was refused: check SUPABASE_URL and SUPABASE_ANON_KEY, and sign in again (tokens expire after an hour)", err)
	case supabaseclient.KindForbidden:
		return fmt.Errorf("%w\nthis account may not import for unit %s: only its active admins, treasurers and leaders may", err, unit)
	case supabaseclient.KindTooLarge:
		return fmt.Errorf("%w\nthe file is larger than the project accepts", err)
	case supabaseclient.KindUnavailable, supabaseclient.KindRateLimited:
		return fmt.Errorf("%w\nSupabase did not answer properly after %d tries; try again in a moment", err, tries)
	}
	return err
}
