package main

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chuckbox/importworker/internal/dbrole"
)

// allowSuperuserEnv lets the worker run as a superuser (WORKER_ALLOW_SUPERUSER=true), e.g. on a
// throwaway local database; the --allow-superuser flag does the same.
const allowSuperuserEnv = "WORKER_ALLOW_SUPERUSER"

// allowSuperuserFromEnv reports whether WORKER_ALLOW_SUPERUSER is set to a true value.
func allowSuperuserFromEnv(getenv func(string) string) bool {
	ok, _ := strconv.ParseBool(getenv(allowSuperuserEnv))
	return ok
}

// checkRole refuses to run as a superuser unless allowed, and warns when the role bypasses
// row-level security (see package dbrole).
func checkRole(ctx context.Context, pool *pgxpool.Pool, allowSuperuser bool, logger *slog.Logger) error {
	_, err := dbrole.Check(ctx, pool, allowSuperuser, "--allow-superuser (env "+allowSuperuserEnv+"=true)", logger)
	return err
}
