package schematest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
)

// TestStandInStorageLikeSupabase checks the stand-in's storage schema against what Supabase
// Storage creates: the columns the policies and the Storage service use, row-level security on
// both tables, every privilege granted to the API roles (the policies decide), the path helper
// functions, and the refusal of deletes that do not come from the Storage service.
func TestStandInStorageLikeSupabase(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDB(t)

	cols := func(table string) []string {
		rows, err := db.Pool.Query(ctx, `select column_name::text from information_schema.columns
			where table_schema = 'storage' and table_name = $1 order by column_name`, table)
		require.NoError(t, err)
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return out
	}
	require.Subset(t, cols("buckets"), []string{"id", "name", "owner", "owner_id", "public", "file_size_limit", "allowed_mime_types", "created_at", "updated_at"})
	require.Subset(t, cols("objects"), []string{"id", "bucket_id", "name", "owner", "owner_id", "metadata", "user_metadata", "path_tokens", "version", "created_at", "updated_at", "last_accessed_at"})

	var rls, grants bool
	require.NoError(t, db.Pool.QueryRow(ctx, `
		select bool_and(c.relrowsecurity),
		       bool_and(has_table_privilege(r, c.oid, 'SELECT, INSERT, UPDATE, DELETE'))
		from pg_class c cross join unnest(array['anon', 'authenticated', 'service_role']) r
		where c.oid in ('storage.buckets'::regclass, 'storage.objects'::regclass)`).Scan(&rls, &grants))
	require.True(t, rls, "row-level security is on for storage.buckets and storage.objects")
	require.True(t, grants, "the API roles hold every privilege; policies decide")

	var folders []string
	var file, ext string
	require.NoError(t, db.Pool.QueryRow(ctx, `select storage.foldername('unit/2026/export.csv'),
		storage.filename('unit/2026/export.csv'), storage.extension('unit/2026/export.csv')`).Scan(&folders, &file, &ext))
	require.Equal(t, []string{"unit", "2026"}, folders)
	require.Equal(t, "export.csv", file)
	require.Equal(t, "csv", ext)

	_, err := db.Pool.Exec(ctx, `delete from storage.objects where name = 'x'`)
	require.ErrorContains(t, err, "Use the Storage API instead")
}
