// Package supabaseclient talks to a Supabase project's HTTP APIs (Storage, PostgREST, Auth)
// through supabase-go, the community Go client, for the two places the project acts as a
// Supabase client rather than as a database session:
//
//   - the worker downloads and deletes uploaded exports in Storage with the service role key;
//   - `worker submit` signs in as a leader, uploads an export and inserts its import job, so
//     that it goes through exactly the row-level security the browser does.
//
// supabase-go has no context.Context and its Storage download returns the whole file as a
// byte slice. This package therefore builds Storage requests itself and sends them through
// the supabase-go Storage client (which adds the apikey and Authorization headers and turns
// error responses into errors), with a context, a time limit for the response headers and an
// idle limit while the body streams. PostgREST and Auth calls, which carry small bodies, use
// supabase-go's own methods and are bounded by running them under the caller's context.
//
// Keys and tokens are never logged and never appear in errors.
package supabaseclient

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	supabase "github.com/supabase-community/supabase-go"
)

// Environment variables read by the worker and by `worker submit`.
const (
	EnvURL            = "SUPABASE_URL"
	EnvServiceRoleKey = "SUPABASE_SERVICE_ROLE_KEY"
	EnvAnonKey        = "SUPABASE_ANON_KEY"
	EnvAccessToken    = "SUPABASE_ACCESS_TOKEN"
	EnvEmail          = "SUPABASE_EMAIL"
	EnvPassword       = "SUPABASE_PASSWORD"
)

// Client is a Supabase API client for one identity: the service role (the worker), or a user
// (an access token sent with the anon key).
type Client struct {
	url    string // project URL without a trailing slash
	key    string // apikey header: the anon or service role key
	token  string // Authorization bearer: the key itself or a user's access token
	sb     *supabase.Client
	Limits Limits
}

// New returns a client for the project at projectURL (e.g. https://<ref>.supabase.co) using
// key for both the apikey header and the Authorization bearer: the service role key in the
// worker.
func New(projectURL, key string) (*Client, error) {
	return newClient(projectURL, key, "")
}

// NewUser returns a client acting as the user whose access token (a JWT from Supabase Auth)
// is given, with the project's anon key as apikey, as supabase-js does in a browser.
func NewUser(projectURL, anonKey, accessToken string) (*Client, error) {
	if accessToken == "" {
		return nil, errors.New("a user access token is required")
	}
	return newClient(projectURL, anonKey, accessToken)
}

func newClient(projectURL, key, token string) (*Client, error) {
	u, err := url.Parse(projectURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%s must be the project's http(s) URL, e.g. https://<project-ref>.supabase.co", EnvURL)
	}
	if key == "" {
		return nil, errors.New("a Supabase API key is required")
	}
	base := strings.TrimRight(projectURL, "/")
	var opts *supabase.ClientOptions
	if token != "" {
		opts = &supabase.ClientOptions{Headers: map[string]string{"Authorization": "Bearer " + token}}
	} else {
		token = key
	}
	sb, err := supabase.NewClient(base, key, opts)
	if err != nil {
		return nil, fmt.Errorf("create Supabase client: %w", err)
	}
	return &Client{url: base, key: key, token: token, sb: sb, Limits: DefaultLimits()}, nil
}

// ServiceFromEnv returns the worker's service role client from SUPABASE_URL and
// SUPABASE_SERVICE_ROLE_KEY, or nil (and no error) when neither is set: the worker then runs
// jobs that carry their input in the row only.
func ServiceFromEnv(getenv func(string) string) (*Client, error) {
	u, k := getenv(EnvURL), getenv(EnvServiceRoleKey)
	switch {
	case u == "" && k == "":
		return nil, nil
	case u == "":
		return nil, fmt.Errorf("%s is set but %s is not: set both to read uploads from Supabase Storage", EnvServiceRoleKey, EnvURL)
	case k == "":
		return nil, fmt.Errorf("%s is set but %s is not: set both to read uploads from Supabase Storage", EnvURL, EnvServiceRoleKey)
	}
	return New(u, k)
}

// URL returns the project URL (no secret in it).
func (c *Client) URL() string { return c.url }

// String describes the client without its key or token.
func (c *Client) String() string { return "supabase(" + c.url + ")" }
