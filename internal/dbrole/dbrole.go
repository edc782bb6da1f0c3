// Package dbrole checks the database role a worker connects as. The worker needs only the
// grants of the import_worker role the migrations create (no superuser, no BYPASSRLS): a
// superuser passes every grant and row-level security policy, so a bug or a hostile upload
// could reach any table, and is refused unless the operator says otherwise; a role that
// bypasses row-level security (such as Supabase's postgres) is allowed with a warning.
package dbrole

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
)

// Role is what the database says about the connected role.
type Role struct {
	Name      string
	Superuser bool
	BypassRLS bool
}

// querier is a pool, connection or transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Current reads the attributes of the session's current role.
func Current(ctx context.Context, q querier) (Role, error) {
	var r Role
	err := q.QueryRow(ctx, `select rolname, rolsuper, rolbypassrls from pg_roles where rolname = current_user`).
		Scan(&r.Name, &r.Superuser, &r.BypassRLS)
	if err != nil {
		return Role{}, fmt.Errorf("check the database role: %w", err)
	}
	return r, nil
}

// Check refuses a superuser unless allowSuperuser is set (how to allow it is named by
// allowHint, e.g. "--allow-superuser (env WORKER_ALLOW_SUPERUSER=true)"), and logs a warning
// for an allowed superuser or a role that bypasses row-level security.
func Check(ctx context.Context, q querier, allowSuperuser bool, allowHint string, logger *slog.Logger) (Role, error) {
	r, err := Current(ctx, q)
	if err != nil {
		return Role{}, err
	}
	switch {
	case r.Superuser && !allowSuperuser:
		return r, fmt.Errorf("connected as %q, a superuser: the worker refuses to run with every privilege; "+
			"connect as import_worker (see the README, \"The worker's database role\"), or pass %s on a throwaway database",
			r.Name, allowHint)
	case r.Superuser:
		logger.Warn("connected as a superuser (allowed): grants and row-level security do not limit the worker",
			slog.String("role", r.Name))
	case r.BypassRLS:
		logger.Warn("the worker's role bypasses row-level security; connect as import_worker so that the database limits what the worker can touch",
			slog.String("role", r.Name))
	}
	return r, nil
}
