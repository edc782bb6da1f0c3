package jobs_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

func fixed(v float64) func() float64 { return func() float64 { return v } }

// Delay doubles from Base per attempt, stops at Max, and a random value of 0.5 adds no jitter.
func TestBackoffDelayDoublesAndCaps(t *testing.T) {
	b := jobs.Backoff{Base: time.Second, Max: 10 * time.Second, Jitter: 0.2}
	mid := fixed(0.5)
	for attempt, want := range map[int]time.Duration{
		0:  time.Second, // treated as the first retry
		1:  time.Second,
		2:  2 * time.Second,
		3:  4 * time.Second,
		4:  8 * time.Second,
		5:  10 * time.Second,
		60: 10 * time.Second,
		// 2^4999 overflows float64 to +Inf: still capped, never negative.
		5000: 10 * time.Second,
	} {
		require.Equal(t, want, b.Delay(attempt, mid), "attempt %d", attempt)
	}
}

// The jitter spans ±Jitter around the nominal delay: rnd 0 gives the lower bound, rnd 1 the
// upper bound, also on the capped delay.
func TestBackoffJitterBounds(t *testing.T) {
	b := jobs.Backoff{Base: time.Second, Max: 10 * time.Second, Jitter: 0.2}
	require.Equal(t, 800*time.Millisecond, b.Delay(1, fixed(0)))
	require.Equal(t, 1200*time.Millisecond, b.Delay(1, fixed(1)))
	require.Equal(t, 3200*time.Millisecond, b.Delay(3, fixed(0)))
	require.Equal(t, 4800*time.Millisecond, b.Delay(3, fixed(1)))
	require.Equal(t, 8*time.Second, b.Delay(9, fixed(0)))
	require.Equal(t, 12*time.Second, b.Delay(9, fixed(1)))

	noJitter := jobs.Backoff{Base: 10 * time.Millisecond, Max: time.Second}
	require.Equal(t, 10*time.Millisecond, noJitter.Delay(1, fixed(0)))
	require.Equal(t, 10*time.Millisecond, noJitter.Delay(1, fixed(0.99)))
}

// The default backoff is the documented 5 s, 10 s, 20 s ... up to 10 minutes, ±20%.
func TestDefaultBackoff(t *testing.T) {
	mid := fixed(0.5)
	require.Equal(t, 5*time.Second, jobs.DefaultBackoff.Delay(1, mid))
	require.Equal(t, 10*time.Second, jobs.DefaultBackoff.Delay(2, mid))
	require.Equal(t, 20*time.Second, jobs.DefaultBackoff.Delay(3, mid))
	require.Equal(t, 10*time.Minute, jobs.DefaultBackoff.Delay(20, mid))
	require.Equal(t, 4*time.Second, jobs.DefaultBackoff.Delay(1, fixed(0)))
}
