package advancement

import (
	"context"
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	sqlfiles "github.com/chuckbox/importworker/sql"
)

// lineReader streams a job's input_csv from the database, line by line (see
// advancement_stream_input.sql), as an io.Reader: a 100 MB export never sits whole in the
// worker's memory. Close it when done.
//
// Every error it returns is final: a lost connection, a terminated backend or the job's
// context ending (cancel, lost lease, shutdown) stops the read for good, and the CSV reader
// turns it into a fatal error that ends staging (see stageTroopCSV).
type lineReader struct {
	ctx     context.Context
	rows    pgx.Rows
	pending []byte // the rest of the current line, newline included
	started bool
	err     error
}

// openInput starts streaming the input of job id.
func openInput(ctx context.Context, pool *pgxpool.Pool, id uuid.UUID) (*lineReader, error) {
	rows, err := pool.Query(ctx, sqlfiles.Query("advancement_stream_input"), id)
	if err != nil {
		return nil, fmt.Errorf("read job input: %w", err)
	}
	return &lineReader{ctx: ctx, rows: rows}, nil
}

// Read implements io.Reader.
func (r *lineReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(r.pending) == 0 {
			if r.err != nil {
				break
			}
			// The handler's context decides between rows too, not only when the driver
			// next waits on the network: a cancel or a shutdown stops staging at once.
			if r.ctx.Err() != nil {
				r.err = fmt.Errorf("read job input: %w", context.Cause(r.ctx))
				break
			}
			if !r.rows.Next() {
				r.err = r.rows.Err()
				if r.err == nil {
					r.err = io.EOF
				} else {
					r.err = fmt.Errorf("read job input: %w", r.err)
				}
				break
			}
			var line []byte
			if err := r.rows.Scan(&line); err != nil {
				r.err = fmt.Errorf("read job input: %w", err)
				break
			}
			// Lines were split on LF: put it back between them.
			if r.started {
				r.pending = append(r.pending[:0], '\n')
				r.pending = append(r.pending, line...)
			} else {
				r.pending = append(r.pending[:0], line...)
				r.started = true
			}
		}
		c := copy(p[n:], r.pending)
		n += c
		r.pending = r.pending[c:]
	}
	if n > 0 {
		return n, nil
	}
	return 0, r.err
}

// Close releases the query.
func (r *lineReader) Close() { r.rows.Close() }
