package jobs

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

// An end-of-job write that PostgreSQL aborted to break a deadlock runs again; one refused for
// another reason (here a constraint) is not retried.
func TestRetryWriteRetriesADeadlockOnly(t *testing.T) {
	calls := 0
	ok, err := retryWrite(context.Background(), func(context.Context) (bool, error) {
		calls++
		if calls == 1 {
			return false, &pgconn.PgError{Code: "40P01", Message: "deadlock detected"}
		}
		return true, nil
	})
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, 2, calls, "the deadlocked write ran again")

	calls = 0
	refused := &pgconn.PgError{Code: "23514", Message: "check constraint"}
	_, err = retryWrite(context.Background(), func(context.Context) (bool, error) {
		calls++
		return false, refused
	})
	require.True(t, errors.Is(err, refused))
	require.Equal(t, 1, calls, "a refused write is not retried")
}
