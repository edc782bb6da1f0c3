package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"

	"github.com/chuckbox/importworker/internal/submit"
)

// submitCommand is `worker submit`: upload a Scoutbook export to Supabase Storage and create
// its import job as a signed-in leader (Storage policies and row-level security apply as in
// the browser); with --follow, print the job's progress until it ends.
func submitCommand(ctx context.Context, args []string) error {
	fs := newFlags("submit", "--unit ID --file export.csv [--type TYPE] [--dry-run] [--follow]",
		`Uploads a Scoutbook export to Supabase Storage and creates its import job as a leader of the
unit would, through the same row-level security as the browser. Acts as a user of the
Supabase project: SUPABASE_URL and SUPABASE_ANON_KEY, and either SUPABASE_ACCESS_TOKEN (a
signed-in user's access token) or SUPABASE_EMAIL and SUPABASE_PASSWORD.`)
	unit := fs.String("unit", "", "the unit's id (uuid) to import into (required)")
	file := fs.String("file", "", "the Scoutbook export to upload (required)")
	jobType := fs.String("type", submit.Types[0], "job type: "+strings.Join(submit.Types, " or "))
	dryRun := fs.Bool("dry-run", false, "stage and preview only: nothing is written to the unit's records")
	follow := fs.Bool("follow", false, "print progress until the job ends; exit status 1 unless it completed")
	if err := fs.parse(args); err != nil {
		return err
	}
	unitID, err := uuid.Parse(*unit)
	if *unit == "" || err != nil {
		fmt.Fprintf(stderr, "worker submit: --unit must be the unit's id (a uuid), got %q\n\n", *unit)
		printUsage(stderr, fs)
		return errUsage
	}
	who, err := submit.IdentityFromEnv(os.Getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	_, err = submit.Run(ctx, who, submit.Options{UnitID: unitID, File: *file, Type: *jobType, DryRun: *dryRun, Follow: *follow})
	return err
}
