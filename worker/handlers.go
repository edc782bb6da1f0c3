package main

import (
	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
)

// handlers returns the job handlers by import_jobs.type.
func handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		advancement.JobType:        advancement.TroopHandler{},
		advancement.HistoryJobType: advancement.HistoryHandler{},
	}
}
