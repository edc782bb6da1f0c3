package main

import (
	"context"
	"errors"
	"flag"
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
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	unit := fs.String("unit", "", "the unit's id (uuid) to import into (required)")
	file := fs.String("file", "", "the Scoutbook export to upload (required)")
	jobType := fs.String("type", submit.Types[0], "job type: "+strings.Join(submit.Types, " or "))
	dryRun := fs.Bool("dry-run", false, "stage and preview only: nothing is written to the unit's records")
	follow := fs.Bool("follow", false, "print progress until the job ends; exit status 1 unless it completed")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: worker submit --unit ID --file export.csv [--type TYPE] [--dry-run] [--follow]

Acts as a user of the Supabase project: SUPABASE_URL and SUPABASE_ANON_KEY, and either
SUPABASE_ACCESS_TOKEN (a signed-in user's access token) or SUPABASE_EMAIL and SUPABASE_PASSWORD.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // asked for help: not a failure
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "worker submit: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	unitID, err := uuid.Parse(*unit)
	if *unit == "" || err != nil {
		fmt.Fprintf(fs.Output(), "worker submit: --unit must be the unit's id (a uuid), got %q\n", *unit)
		return errUsage
	}
	who, err := submit.IdentityFromEnv(os.Getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	_, err = submit.Run(ctx, who, submit.Options{UnitID: unitID, File: *file, Type: *jobType, DryRun: *dryRun, Follow: *follow})
	return err
}
