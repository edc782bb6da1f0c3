package advancement

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/supabaseclient"
)

// InputBucket is the Supabase Storage bucket that holds uploaded exports, under
// <unit_id>/<file name>.
const InputBucket = "imports"

// maxInputPath is the longest input_path accepted, as in the database.
const maxInputPath = 1024

var unitFolder = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// CheckInputPath reports whether path names a file in unit's folder of the imports bucket:
// <unit_id>/<name>[/<name>...], with no empty, "." or ".." segment, no backslash or control
// character, at most 1024 characters. The database enforces the same rule when the job is
// inserted; the worker checks again before it reads anything with the service role key.
func CheckInputPath(unit uuid.UUID, path string) error {
	bad := func(why string) error {
		return fmt.Errorf("input_path %q is not a file in the unit's folder (%s): upload the export to %s/%s/<file name>", path, why, InputBucket, unit)
	}
	if len(path) > maxInputPath {
		return bad("longer than 1024 characters")
	}
	if strings.ContainsFunc(path, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f }) {
		return bad("backslash or control character")
	}
	segs := strings.Split(path, "/")
	if len(segs) < 2 {
		return bad("no unit folder")
	}
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			return bad(`empty, "." or ".." segment`)
		}
	}
	if !unitFolder.MatchString(segs[0]) || !strings.EqualFold(segs[0], unit.String()) {
		return bad("another folder")
	}
	return nil
}

// openStoredInput checks the job's input_path and starts downloading it with the service
// role client. The returned object streams; the caller closes it and checks storageFailure on
// its Err after reading.
func openStoredInput(ctx context.Context, store *supabaseclient.Client, job jobs.Job, path string) (*supabaseclient.Object, error) {
	if err := CheckInputPath(job.UnitID, path); err != nil {
		return nil, jobs.Permanent(err)
	}
	if store == nil {
		// An operator's fix (and then a retry) makes this work: transient.
		return nil, errors.New("this worker cannot read uploads from Supabase Storage yet: SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are not set")
	}
	obj, err := store.Open(ctx, InputBucket, path)
	if err != nil {
		return nil, storageFailure(path, err)
	}
	return obj, nil
}

// storageFailure turns a Storage error into the job's outcome: a missing, oversized or
// refused file fails the job with a message for the leader; an unavailable or rate-limiting
// service, a stalled or cut-off download, and a refused service key (an operator's fix) are
// transient and retried.
func storageFailure(path string, err error) error {
	kind, ok := supabaseclient.KindOf(err)
	if !ok {
		return err // the job's own context ended: the queue knows why
	}
	switch kind {
	case supabaseclient.KindNotFound:
		return jobs.Permanentf("the uploaded file is missing from storage (%s/%s): upload the export again and start a new import", InputBucket, path)
	case supabaseclient.KindTooLarge:
		var e *supabaseclient.Error
		errors.As(err, &e)
		return jobs.Permanentf("the uploaded file %s/%s is too large to import (%s): split the export or ask for a larger limit", InputBucket, path, e.Message)
	case supabaseclient.KindInvalid, supabaseclient.KindConflict:
		return jobs.Permanentf("Supabase Storage refused to send the uploaded file %s/%s: %v", InputBucket, path, err)
	default:
		// Flattened to text on purpose: the queue takes a wrapped network error or unexpected
		// EOF for a lost database connection and hands the job back without using an attempt,
		// which would retry a failing Storage forever. This failure uses an attempt.
		return fmt.Errorf("read the uploaded file: %s", err.Error())
	}
}

// InputFiles deletes uploaded exports from the imports bucket for the retention purge
// (jobs.InputFiles).
type InputFiles struct {
	Storage *supabaseclient.Client
}

// RemoveInputFiles implements jobs.InputFiles.
func (f InputFiles) RemoveInputFiles(ctx context.Context, paths []string) error {
	_, err := f.Storage.Remove(ctx, InputBucket, paths)
	return err
}

// endAtFailure reads a download and ends it (io.EOF) at the first failure instead of passing
// the error on: the parsers would report a transport failure as a problem of the file. The
// caller must check the object's Err after parsing and discard what was parsed when it is set.
type endAtFailure struct{ obj *supabaseclient.Object }

func (r endAtFailure) Read(p []byte) (int, error) {
	n, err := r.obj.Read(p)
	if err != nil && err != io.EOF {
		return n, io.EOF
	}
	return n, err
}
