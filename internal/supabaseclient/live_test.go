package supabaseclient_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/supabaseclient"
)

// TestLiveSupabase runs against a real Supabase project with this project's migrations
// applied, and only when SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set (skipped
// otherwise). With SUPABASE_ANON_KEY, SUPABASE_ACCESS_TOKEN (or SUPABASE_EMAIL and
// SUPABASE_PASSWORD) and SUPABASE_TEST_UNIT_ID (a unit that user leads) it also checks the
// bucket's policies for that user. It leaves nothing behind: every object it creates is
// removed.
func TestLiveSupabase(t *testing.T) {
	url, key := os.Getenv(supabaseclient.EnvURL), os.Getenv(supabaseclient.EnvServiceRoleKey)
	if url == "" || key == "" {
		t.Skip("set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY to run against a real Supabase project")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	service, err := supabaseclient.New(url, key)
	require.NoError(t, err)

	folder := uuid.NewString() // a folder no unit uses
	path := folder + "/live-test.csv"
	content := "First Name,Last Name\nlive,test\n"
	require.NoError(t, service.Upload(ctx, "imports", path, strings.NewReader(content), "text/csv"))
	t.Cleanup(func() { _, _ = service.Remove(context.Background(), "imports", []string{path}) })

	obj, err := service.Open(ctx, "imports", path)
	require.NoError(t, err)
	got, err := io.ReadAll(obj)
	require.NoError(t, err)
	require.NoError(t, obj.Close())
	require.Equal(t, content, string(got))

	err = service.Upload(ctx, "imports", path, strings.NewReader(content), "text/csv")
	require.Equal(t, supabaseclient.KindConflict, kindOf(t, err), "no overwrite: %v", err)
	err = service.Upload(ctx, "imports", folder+"/x.pdf", strings.NewReader("%PDF"), "application/pdf")
	require.Equal(t, supabaseclient.KindInvalid, kindOf(t, err), "the bucket takes CSV and text only: %v", err)

	removed, err := service.Remove(ctx, "imports", []string{path})
	require.NoError(t, err)
	require.Equal(t, []string{path}, removed)
	_, err = service.Open(ctx, "imports", path)
	require.Equal(t, supabaseclient.KindNotFound, kindOf(t, err), "a missing object is recognised: %v", err)

	anon, unit := os.Getenv(supabaseclient.EnvAnonKey), os.Getenv("SUPABASE_TEST_UNIT_ID")
	token := os.Getenv(supabaseclient.EnvAccessToken)
	if token == "" && anon != "" && os.Getenv(supabaseclient.EnvEmail) != "" {
		token, err = supabaseclient.SignIn(ctx, url, anon, os.Getenv(supabaseclient.EnvEmail), os.Getenv(supabaseclient.EnvPassword))
		require.NoError(t, err)
	}
	if anon == "" || token == "" || unit == "" {
		t.Log("user checks skipped: set SUPABASE_ANON_KEY, SUPABASE_ACCESS_TOKEN (or SUPABASE_EMAIL/SUPABASE_PASSWORD) and SUPABASE_TEST_UNIT_ID")
		return
	}
	user, err := supabaseclient.NewUser(url, anon, token)
	require.NoError(t, err)
	own := unit + "/live-test-" + uuid.NewString()[:8] + ".csv"
	require.NoError(t, user.Upload(ctx, "imports", own, strings.NewReader(content), "text/csv"), "a leader uploads to the unit's folder")
	t.Cleanup(func() { _, _ = service.Remove(context.Background(), "imports", []string{own}) })
	err = user.Upload(ctx, "imports", folder+"/not-mine.csv", strings.NewReader(content), "text/csv")
	require.Equal(t, supabaseclient.KindForbidden, kindOf(t, err), "but not to another folder: %v", err)
	_, _ = user.Remove(ctx, "imports", []string{own})
	still, err := service.Open(ctx, "imports", own)
	require.NoError(t, err, "a leader cannot delete uploads (the retention purge does)")
	require.NoError(t, still.Close())
}
