package localpg

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// RunAsClient runs fn exactly as PostgREST runs a supabase-js request: conn must be connected
// as authenticator; everything happens in one transaction with role, request.jwt.claims and
// search_path set for that transaction only. The role comes from the claims ("anon" when
// absent). It commits when fn returns nil and rolls back otherwise, returning fn's error.
func RunAsClient(ctx context.Context, conn *pgx.Conn, claims map[string]any, fn func(tx pgx.Tx) error) error {
	raw, err := json.Marshal(claims)
	if err != nil {
		return fmt.Errorf("encode claims: %w", err)
	}
	role, _ := claims["role"].(string)
	if role == "" {
		role = "anon"
	}
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `select set_config('role', $1, true),
		                               set_config('request.jwt.claims', $2, true),
		                               set_config('search_path', 'public, extensions', true)`, role, string(raw))
		if err != nil {
			return fmt.Errorf("set request settings: %w", err)
		}
		return fn(tx)
	})
}
