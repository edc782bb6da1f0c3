package main

import (
	"log/slog"
	"os"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
)

// handlers returns the job handlers by import_jobs.type. The troop import's per-file limits
// come from IMPORT_MAX_* (advancement.LimitsFromEnv); an invalid value is reported and the
// defaults are used, so a typo never lifts a limit.
func handlers() map[string]jobs.Handler {
	limits, err := advancement.LimitsFromEnv(os.Getenv)
	if err != nil {
		slog.Error("import limits: using the defaults", slog.String("error", err.Error()))
		limits = advancement.Limits{}
	}
	return map[string]jobs.Handler{
		advancement.JobType:        advancement.TroopHandler{Limits: limits},
		advancement.HistoryJobType: advancement.HistoryHandler{},
	}
}
