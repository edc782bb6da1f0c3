package jobs

import (
	"math"
	"math/rand/v2"
	"time"
)

// Backoff computes the delay before retry number attempt (1 = the first retry) after a
// transient failure: base * 2^(attempt-1), capped at max, with ±jitter (0.2 = ±20%) so that
// jobs failing together do not retry together.
type Backoff struct {
	Base   time.Duration
	Max    time.Duration
	Jitter float64
}

// DefaultBackoff: 5 s, 10 s, 20 s, ... up to 10 minutes, ±20%.
var DefaultBackoff = Backoff{Base: 5 * time.Second, Max: 10 * time.Minute, Jitter: 0.2}

// Delay returns the delay for attempt, drawing the jitter from rnd (a value in [0,1)); pass
// rand.Float64 in production and a fixed function in tests.
func (b Backoff) Delay(attempt int, rnd func() float64) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := float64(b.Base) * math.Pow(2, float64(attempt-1))
	if d > float64(b.Max) || math.IsInf(d, 0) {
		d = float64(b.Max)
	}
	d *= 1 + b.Jitter*(2*rnd()-1)
	return time.Duration(d)
}

// randFloat is the production jitter source.
var randFloat = rand.Float64
