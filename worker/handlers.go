package main

import (
	"log/slog"
	"os"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/supabaseclient"
)

// handlers returns the job handlers by import_jobs.type. store reads uploaded files
// (input_path) from Supabase Storage; nil when the worker has no Supabase API access. The troop
// import's per-file limits come from IMPORT_MAX_* (advancement.LimitsFromEnv); an invalid value
// is reported and the defaults are used, so a typo never lifts a limit.
func handlers(store *supabaseclient.Client) map[string]jobs.Handler {
	limits, err := advancement.LimitsFromEnv(os.Getenv)
	if err != nil {
		slog.Error("import limits: using the defaults", slog.String("error", err.Error()))
		limits = advancement.Limits{}
	}
	return map[string]jobs.Handler{
		advancement.JobType:        advancement.TroopHandler{Limits: limits, Storage: store},
		advancement.HistoryJobType: advancement.HistoryHandler{Storage: store},
	}
}

// storageFromEnv returns the worker's Supabase Storage client (SUPABASE_URL and
// SUPABASE_SERVICE_ROLE_KEY) and the retention purge's file remover, or nils when neither
// variable is set. The key is never logged.
func storageFromEnv(logger *slog.Logger) (*supabaseclient.Client, jobs.InputFiles, error) {
	store, err := supabaseclient.ServiceFromEnv(os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	if store == nil {
		logger.Info("Supabase Storage not configured: jobs with input_path are retried, then fail, until SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set")
		return nil, nil, nil
	}
	logger.Info("reading uploads from Supabase Storage", slog.String("supabase_url", store.URL()), slog.String("bucket", advancement.InputBucket))
	return store, advancement.InputFiles{Storage: store}, nil
}
